"""Pillow drawings for the demo data: product packshots, avatars and review photos.

Nothing is downloaded: shapes come from ImageDraw and text from Pillow's built-in font. Everything
is drawn at twice the size and halved with `reduce()`, which is a cheap way to anti-alias.
Each function takes the caller's `random.Random`, so a seed always draws the same picture.
"""

import colorsys
import io
import math
import random
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

Colour = tuple[int, int, int]
SCALE = 2

# How tall each shape stands relative to a full-height bottle, so a jar looks like a jar.
SHAPE_SCALE = {
    "bottle": 1.0,
    "pump": 1.0,
    "dropper": 0.8,
    "spray": 1.0,
    "tube": 0.95,
    "pencil": 1.0,
    "lipstick": 0.7,
    "perfume": 0.72,
    "jar": 0.5,
    "compact": 0.42,
    "box": 0.72,
    "bag": 0.9,
    "device": 0.8,
    "headphones": 0.78,
    "candle": 0.62,
    "mug": 0.55,
}

SCENES = {
    "skincare": ["hero", "flatlay", "swatch", "duo"],
    "makeup": ["hero", "flatlay", "swatch", "duo"],
    "haircare": ["hero", "flatlay", "swatch", "duo"],
    "fragrance": ["hero", "flatlay", "duo"],
    "electronics": ["hero", "desk", "flatlay"],
    "snacks": ["hero", "pile", "flatlay", "duo"],
    "home": ["hero", "shelf", "flatlay"],
    "baby": ["hero", "flatlay", "duo", "shelf"],
}

SKIN_TONES: list[Colour] = [(246, 214, 190), (228, 184, 150), (198, 146, 110), (150, 100, 70), (105, 70, 50)]
SURFACES: list[Colour] = [(236, 226, 210), (250, 250, 248), (205, 170, 130), (180, 190, 200), (60, 62, 70)]

# Review photo sizes: portrait 3:4, square, landscape 4:3 (all within 900 px).
ASPECTS = {"portrait": (600, 800), "square": (720, 720), "landscape": (800, 600)}


@lru_cache(maxsize=32)
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=max(size, 8))


def _mix(a: Colour, b: Colour, t: float) -> Colour:
    return (round(a[0] + (b[0] - a[0]) * t), round(a[1] + (b[1] - a[1]) * t), round(a[2] + (b[2] - a[2]) * t))


def _darker(c: Colour, t: float = 0.25) -> Colour:
    return _mix(c, (0, 0, 0), t)


def _lighter(c: Colour, t: float = 0.35) -> Colour:
    return _mix(c, (255, 255, 255), t)


def _luma(c: Colour) -> float:
    return 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2]


def _ink(background: Colour, accent: Colour) -> Colour:
    """Readable text colour on `background`: the accent if it contrasts, else black or white."""
    if abs(_luma(accent) - _luma(background)) > 90:
        return accent
    return (35, 35, 40) if _luma(background) > 140 else (250, 250, 250)


def pastel(rng: random.Random, saturation: float = 0.35, value: float = 0.96) -> Colour:
    r, g, b = colorsys.hsv_to_rgb(rng.random(), saturation, value)
    return (round(r * 255), round(g * 255), round(b * 255))


def _gradient(size: tuple[int, int], top: Colour, bottom: Colour) -> Image.Image:
    """A vertical gradient. Built as a one-pixel column and stretched sideways, which is far
    cheaper than compositing two full-size images."""
    ramp = Image.linear_gradient("L").resize((1, size[1]), Image.Resampling.BILINEAR)
    channels = [ramp.point(lambda v, a=a, b=b: round(a + (b - a) * v / 255)) for a, b in zip(top, bottom, strict=True)]
    return Image.merge("RGB", channels).resize(size, Image.Resampling.NEAREST)


def _jpeg(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.reduce(SCALE).save(buffer, format="JPEG", quality=88)
    return buffer.getvalue()


def _text(draw: ImageDraw.ImageDraw, xy: tuple[float, float], text: str, size: float, fill: Colour) -> None:
    draw.text(xy, text, font=_font(round(size)), fill=fill, anchor="mm")


# --- Product shapes ----------------------------------------------------------------------------------


def draw_product(
    draw: ImageDraw.ImageDraw,
    shape: str,
    cx: float,
    base: float,
    height: float,
    body: Colour,
    accent: Colour,
    label: str,
    kind: str = "",
) -> None:
    """Draw one product standing on `base`, centred on `cx`, `height` tall for a full-size bottle."""
    h = height * SHAPE_SCALE.get(shape, 1.0)
    drawer = _SHAPES.get(shape, _bottle)
    drawer(draw, cx, base, h, body, accent, label, kind)


def _label(draw, box, label, body, accent, size) -> None:
    x0, y0, x1, y1 = box
    paper = _lighter(body, 0.7) if _luma(body) < 200 else (255, 255, 255)
    draw.rounded_rectangle(box, radius=max(2, (y1 - y0) * 0.12), fill=paper)
    _text(draw, ((x0 + x1) / 2, (y0 + y1) / 2), label, size, _ink(paper, accent))


def _shine(draw, x, y0, y1, width, body) -> None:
    draw.rounded_rectangle((x, y0, x + width, y1), radius=width / 2, fill=_lighter(body, 0.45))


def _bottle(draw, cx, base, h, body, accent, label, kind) -> None:
    w = 0.42 * h
    draw.rounded_rectangle((cx - 0.16 * h, base - h, cx + 0.16 * h, base - 0.86 * h), radius=0.03 * h, fill=accent)
    draw.rectangle((cx - 0.11 * h, base - 0.87 * h, cx + 0.11 * h, base - 0.78 * h), fill=_darker(body, 0.15))
    draw.rounded_rectangle((cx - w / 2, base - 0.8 * h, cx + w / 2, base), radius=0.08 * h, fill=body)
    _shine(draw, cx - w / 2 + 0.04 * h, base - 0.74 * h, base - 0.08 * h, 0.03 * h, body)
    _label(
        draw,
        (cx - w / 2 + 0.05 * h, base - 0.55 * h, cx + w / 2 - 0.04 * h, base - 0.22 * h),
        label,
        body,
        accent,
        0.11 * h,
    )


def _pump(draw, cx, base, h, body, accent, label, kind) -> None:
    w = 0.44 * h
    draw.rectangle((cx - 0.025 * h, base - 0.95 * h, cx + 0.025 * h, base - 0.84 * h), fill=_darker(accent, 0.1))
    draw.rounded_rectangle((cx - 0.1 * h, base - h, cx + 0.1 * h, base - 0.93 * h), radius=0.02 * h, fill=accent)
    draw.rectangle((cx + 0.08 * h, base - 0.99 * h, cx + 0.22 * h, base - 0.955 * h), fill=accent)
    draw.rounded_rectangle(
        (cx - 0.12 * h, base - 0.85 * h, cx + 0.12 * h, base - 0.77 * h), radius=0.02 * h, fill=accent
    )
    draw.rounded_rectangle((cx - w / 2, base - 0.78 * h, cx + w / 2, base), radius=0.1 * h, fill=body)
    _shine(draw, cx - w / 2 + 0.05 * h, base - 0.7 * h, base - 0.1 * h, 0.03 * h, body)
    _label(
        draw,
        (cx - w / 2 + 0.06 * h, base - 0.52 * h, cx + w / 2 - 0.05 * h, base - 0.2 * h),
        label,
        body,
        accent,
        0.11 * h,
    )


def _dropper(draw, cx, base, h, body, accent, label, kind) -> None:
    w = 0.5 * h
    draw.ellipse((cx - 0.09 * h, base - h, cx + 0.09 * h, base - 0.74 * h), fill=_darker(accent, 0.2))
    draw.rounded_rectangle(
        (cx - 0.13 * h, base - 0.78 * h, cx + 0.13 * h, base - 0.62 * h), radius=0.03 * h, fill=accent
    )
    glass = _lighter(body, 0.25)
    draw.rounded_rectangle((cx - w / 2, base - 0.64 * h, cx + w / 2, base), radius=0.1 * h, fill=glass)
    draw.rounded_rectangle(
        (cx - w / 2 + 0.03 * h, base - 0.42 * h, cx + w / 2 - 0.03 * h, base - 0.03 * h),
        radius=0.08 * h,
        fill=_darker(body, 0.12),
    )
    _shine(draw, cx - w / 2 + 0.05 * h, base - 0.58 * h, base - 0.1 * h, 0.035 * h, glass)
    _label(
        draw,
        (cx - w / 2 + 0.08 * h, base - 0.5 * h, cx + w / 2 - 0.06 * h, base - 0.24 * h),
        label,
        body,
        accent,
        0.12 * h,
    )


def _jar(draw, cx, base, h, body, accent, label, kind) -> None:
    w = 1.35 * h
    draw.rounded_rectangle(
        (cx - w / 2 + 0.05 * h, base - 0.72 * h, cx + w / 2 - 0.05 * h, base), radius=0.16 * h, fill=body
    )
    draw.rounded_rectangle((cx - w / 2, base - h, cx + w / 2, base - 0.66 * h), radius=0.08 * h, fill=accent)
    draw.line(
        (cx - w / 2 + 0.06 * h, base - 0.9 * h, cx + w / 2 - 0.06 * h, base - 0.9 * h),
        fill=_lighter(accent, 0.3),
        width=max(1, round(0.025 * h)),
    )
    _label(
        draw,
        (cx - w / 2 + 0.2 * h, base - 0.52 * h, cx + w / 2 - 0.2 * h, base - 0.16 * h),
        label,
        body,
        accent,
        0.2 * h,
    )


def _tube(draw, cx, base, h, body, accent, label, kind) -> None:
    draw.polygon(
        [
            (cx - 0.15 * h, base - 0.12 * h),
            (cx + 0.15 * h, base - 0.12 * h),
            (cx + 0.22 * h, base - 0.93 * h),
            (cx - 0.22 * h, base - 0.93 * h),
        ],
        fill=body,
    )
    draw.rectangle((cx - 0.23 * h, base - h, cx + 0.23 * h, base - 0.92 * h), fill=_darker(body, 0.12))
    for i in range(1, 8):
        x = cx - 0.23 * h + i * 0.0575 * h
        draw.line((x, base - h, x, base - 0.92 * h), fill=_darker(body, 0.25), width=max(1, round(0.006 * h)))
    draw.rounded_rectangle((cx - 0.14 * h, base - 0.13 * h, cx + 0.14 * h, base), radius=0.03 * h, fill=accent)
    _label(draw, (cx - 0.15 * h, base - 0.66 * h, cx + 0.15 * h, base - 0.36 * h), label, body, accent, 0.1 * h)


def _spray(draw, cx, base, h, body, accent, label, kind) -> None:
    w = 0.34 * h
    draw.rounded_rectangle(
        (cx - 0.09 * h, base - 0.95 * h, cx + 0.09 * h, base - 0.8 * h), radius=0.03 * h, fill=accent
    )
    draw.ellipse((cx - 0.1 * h, base - 0.91 * h, cx - 0.06 * h, base - 0.87 * h), fill=_darker(accent, 0.4))
    draw.rectangle((cx - 0.12 * h, base - 0.81 * h, cx + 0.12 * h, base - 0.76 * h), fill=_darker(body, 0.2))
    draw.rounded_rectangle((cx - w / 2, base - 0.77 * h, cx + w / 2, base), radius=0.05 * h, fill=body)
    _shine(draw, cx - w / 2 + 0.035 * h, base - 0.72 * h, base - 0.06 * h, 0.025 * h, body)
    _label(
        draw,
        (cx - w / 2 + 0.04 * h, base - 0.5 * h, cx + w / 2 - 0.03 * h, base - 0.25 * h),
        label,
        body,
        accent,
        0.09 * h,
    )


def _lipstick(draw, cx, base, h, body, accent, label, kind) -> None:
    bullet = body if _luma(body) < 200 else accent
    draw.polygon(
        [
            (cx - 0.1 * h, base - 0.54 * h),
            (cx + 0.1 * h, base - 0.54 * h),
            (cx + 0.1 * h, base - 0.92 * h),
            (cx - 0.1 * h, base - 0.8 * h),
        ],
        fill=bullet,
    )
    draw.rounded_rectangle(
        (cx - 0.14 * h, base - 0.58 * h, cx + 0.14 * h, base - 0.5 * h), radius=0.01 * h, fill=(214, 180, 110)
    )
    case = _darker(accent, 0.35)
    draw.rounded_rectangle((cx - 0.16 * h, base - 0.52 * h, cx + 0.16 * h, base), radius=0.03 * h, fill=case)
    _text(draw, (cx, base - 0.26 * h), label, 0.1 * h, _lighter(case, 0.8))


def _pencil(draw, cx, base, h, body, accent, label, kind) -> None:
    for dx, top in ((-0.07, 1.0), (0.07, 0.9)):
        x = cx + dx * h
        tip = base - top * h
        draw.polygon(
            [(x - 0.045 * h, tip + 0.12 * h), (x + 0.045 * h, tip + 0.12 * h), (x, tip)], fill=_darker(body, 0.35)
        )
        draw.rounded_rectangle(
            (x - 0.045 * h, tip + 0.12 * h, x + 0.045 * h, base), radius=0.015 * h, fill=body if dx < 0 else accent
        )
        draw.rectangle((x - 0.046 * h, base - 0.28 * h, x + 0.046 * h, base - 0.24 * h), fill=(214, 180, 110))
    _text(draw, (cx, base - 0.14 * h), label, 0.07 * h, _ink(body, (250, 250, 250)))


def _compact(draw, cx, base, h, body, accent, label, kind) -> None:
    w = 1.9 * h
    draw.ellipse((cx - w / 2, base - 0.75 * h, cx + w / 2, base), fill=_darker(accent, 0.3))
    draw.rectangle((cx - w / 2, base - 0.72 * h, cx + w / 2, base - 0.4 * h), fill=_darker(accent, 0.3))
    draw.ellipse((cx - w / 2, base - h, cx + w / 2, base - 0.3 * h), fill=accent)
    draw.ellipse((cx - w * 0.36, base - 0.9 * h, cx + w * 0.36, base - 0.4 * h), fill=body)
    draw.arc(
        (cx - w * 0.3, base - 0.86 * h, cx + w * 0.3, base - 0.46 * h),
        200,
        260,
        fill=_lighter(body, 0.6),
        width=max(1, round(0.04 * h)),
    )
    _text(draw, (cx, base - 0.65 * h), label, 0.22 * h, _ink(body, accent))


def _perfume(draw, cx, base, h, body, accent, label, kind) -> None:
    glass = _lighter(body, 0.55)
    draw.rounded_rectangle((cx - 0.32 * h, base - 0.72 * h, cx + 0.32 * h, base), radius=0.06 * h, fill=glass)
    draw.rounded_rectangle((cx - 0.26 * h, base - 0.62 * h, cx + 0.26 * h, base - 0.06 * h), radius=0.04 * h, fill=body)
    draw.rectangle((cx - 0.07 * h, base - 0.8 * h, cx + 0.07 * h, base - 0.72 * h), fill=(214, 180, 110))
    if len(label) % 2:
        draw.ellipse((cx - 0.17 * h, base - h, cx + 0.17 * h, base - 0.76 * h), fill=accent)
    else:
        draw.rounded_rectangle((cx - 0.2 * h, base - h, cx + 0.2 * h, base - 0.79 * h), radius=0.02 * h, fill=accent)
    _shine(draw, cx - 0.28 * h, base - 0.66 * h, base - 0.08 * h, 0.03 * h, glass)
    _label(draw, (cx - 0.15 * h, base - 0.42 * h, cx + 0.15 * h, base - 0.24 * h), label, body, accent, 0.1 * h)


def _box(draw, cx, base, h, body, accent, label, kind) -> None:
    w, d = 0.85 * h, 0.16 * h
    x0, x1, top = cx - w / 2 - d / 2, cx + w / 2 - d / 2, base - h + d
    draw.polygon([(x0, top), (x0 + d, top - d), (x1 + d, top - d), (x1, top)], fill=_lighter(body, 0.25))
    draw.polygon([(x1, top), (x1 + d, top - d), (x1 + d, base - d), (x1, base)], fill=_darker(body, 0.2))
    draw.rectangle((x0, top, x1, base), fill=body)
    draw.rectangle((x0, base - 0.3 * h, x1, base - 0.22 * h), fill=accent)
    _text(draw, ((x0 + x1) / 2, top + 0.28 * h), label, 0.2 * h, _ink(body, accent))


def _bag(draw, cx, base, h, body, accent, label, kind) -> None:
    w = 0.72 * h
    draw.rounded_rectangle((cx - w / 2, base - 0.88 * h, cx + w / 2, base), radius=0.1 * h, fill=body)
    teeth = 9
    points = [(cx - w / 2 - 0.01 * h, base - 0.86 * h)]
    for i in range(teeth + 1):
        x = cx - w / 2 - 0.01 * h + i * (w + 0.02 * h) / teeth
        points.append((x, base - (h if i % 2 == 0 else 0.97 * h)))
    points.append((cx + w / 2 + 0.01 * h, base - 0.86 * h))
    draw.polygon(points, fill=_darker(body, 0.15))
    window = (cx - 0.22 * h, base - 0.42 * h, cx + 0.22 * h, base - 0.1 * h)
    draw.ellipse(window, fill=_lighter(accent, 0.55))
    for i in range(6):
        a = i * math.tau / 6
        px, py = cx + math.cos(a) * 0.11 * h, base - 0.26 * h + math.sin(a) * 0.07 * h
        draw.ellipse((px - 0.035 * h, py - 0.035 * h, px + 0.035 * h, py + 0.035 * h), fill=accent)
    _text(draw, (cx, base - 0.62 * h), label, 0.16 * h, _ink(body, accent))


def _device(draw, cx, base, h, body, accent, label, kind) -> None:
    dark = body if _luma(body) < 120 else _darker(body, 0.75)
    if kind in {"keyboard", "projector"}:
        w = 1.5 * h
        draw.rounded_rectangle((cx - w / 2, base - 0.45 * h, cx + w / 2, base), radius=0.06 * h, fill=dark)
        key = (w - 0.12 * h) / 10
        for row in range(3):
            for col in range(10):
                x = cx - w / 2 + 0.06 * h + col * key
                y = base - 0.39 * h + row * 0.12 * h
                fill = accent if (row, col) in {(0, 0), (2, 9)} else _lighter(dark, 0.35)
                draw.rounded_rectangle((x + 2, y, x + key - 2, y + 0.1 * h), radius=0.015 * h, fill=fill)
        _text(draw, (cx, base - 0.58 * h), label, 0.16 * h, _ink(_lighter(dark, 0.9), dark))
    elif kind in {"speaker", "handheld fan", "desk lamp"}:
        draw.rounded_rectangle((cx - 0.42 * h, base - 0.9 * h, cx + 0.42 * h, base), radius=0.2 * h, fill=dark)
        draw.ellipse((cx - 0.3 * h, base - 0.78 * h, cx + 0.3 * h, base - 0.18 * h), fill=_lighter(dark, 0.15))
        for r in (0.24, 0.17, 0.1):
            draw.ellipse(
                (cx - r * h, base - (0.48 + r) * h, cx + r * h, base - (0.48 - r) * h),
                outline=accent,
                width=max(1, round(0.015 * h)),
            )
        _text(draw, (cx, base - 0.08 * h), label, 0.08 * h, _lighter(dark, 0.8))
    else:
        draw.rounded_rectangle((cx - 0.28 * h, base - h, cx + 0.28 * h, base), radius=0.08 * h, fill=dark)
        screen = (cx - 0.22 * h, base - 0.92 * h, cx + 0.22 * h, base - 0.3 * h)
        draw.rounded_rectangle(screen, radius=0.03 * h, fill=_darker(accent, 0.55))
        for i, level in enumerate((0.3, 0.55, 0.8, 0.45)):
            x = cx - 0.16 * h + i * 0.09 * h
            draw.rectangle((x, base - 0.38 * h - level * 0.4 * h, x + 0.06 * h, base - 0.38 * h), fill=accent)
        draw.ellipse((cx - 0.05 * h, base - 0.2 * h, cx + 0.05 * h, base - 0.1 * h), fill=_lighter(dark, 0.3))
        _text(draw, (cx, base - 0.82 * h), label, 0.08 * h, _lighter(accent, 0.6))


def _headphones(draw, cx, base, h, body, accent, label, kind) -> None:
    dark = body if _luma(body) < 120 else _darker(body, 0.7)
    draw.arc(
        (cx - 0.42 * h, base - h, cx + 0.42 * h, base - 0.1 * h), 180, 360, fill=dark, width=max(2, round(0.07 * h))
    )
    for side in (-1, 1):
        x0 = cx + side * 0.38 * h - 0.1 * h
        draw.rounded_rectangle((x0, base - 0.62 * h, x0 + 0.2 * h, base - 0.05 * h), radius=0.08 * h, fill=dark)
        draw.rounded_rectangle(
            (x0 + 0.04 * h, base - 0.56 * h, x0 + 0.16 * h, base - 0.11 * h), radius=0.05 * h, fill=accent
        )
    _text(draw, (cx, base - 0.4 * h), label, 0.12 * h, _ink((255, 255, 255), dark))


def _candle(draw, cx, base, h, body, accent, label, kind) -> None:
    draw.ellipse((cx - 0.05 * h, base - h, cx + 0.05 * h, base - 0.8 * h), fill=(250, 170, 60))
    draw.ellipse((cx - 0.025 * h, base - 0.93 * h, cx + 0.025 * h, base - 0.82 * h), fill=(255, 236, 160))
    draw.line((cx, base - 0.82 * h, cx, base - 0.74 * h), fill=(40, 40, 40), width=max(1, round(0.015 * h)))
    draw.rounded_rectangle((cx - 0.36 * h, base - 0.76 * h, cx + 0.36 * h, base), radius=0.06 * h, fill=body)
    draw.ellipse((cx - 0.33 * h, base - 0.78 * h, cx + 0.33 * h, base - 0.68 * h), fill=(246, 238, 222))
    _label(draw, (cx - 0.24 * h, base - 0.48 * h, cx + 0.24 * h, base - 0.2 * h), label, body, accent, 0.14 * h)


def _mug(draw, cx, base, h, body, accent, label, kind) -> None:
    width = max(2, round(0.08 * h))
    draw.ellipse((cx + 0.18 * h, base - 0.7 * h, cx + 0.58 * h, base - 0.22 * h), outline=body, width=width)
    draw.rounded_rectangle((cx - 0.4 * h, base - 0.85 * h, cx + 0.32 * h, base), radius=0.1 * h, fill=body)
    draw.ellipse((cx - 0.38 * h, base - 0.9 * h, cx + 0.3 * h, base - 0.78 * h), fill=(110, 70, 45))
    rng = random.Random(label)
    for _ in range(18):
        x, y = rng.uniform(cx - 0.35 * h, cx + 0.27 * h), rng.uniform(base - 0.74 * h, base - 0.06 * h)
        draw.ellipse((x, y, x + 0.015 * h, y + 0.015 * h), fill=_darker(body, 0.45))
    for dx in (-0.12, 0.05):
        points = [(cx + dx * h + math.sin(t / 3) * 0.03 * h, base - 0.95 * h - t * 0.025 * h) for t in range(10)]
        draw.line(points, fill=(255, 255, 255), width=max(1, round(0.02 * h)), joint="curve")
    _text(draw, (cx - 0.04 * h, base - 0.4 * h), label, 0.14 * h, _ink(body, accent))


_SHAPES = {
    "bottle": _bottle,
    "pump": _pump,
    "dropper": _dropper,
    "jar": _jar,
    "tube": _tube,
    "spray": _spray,
    "lipstick": _lipstick,
    "pencil": _pencil,
    "compact": _compact,
    "perfume": _perfume,
    "box": _box,
    "bag": _bag,
    "device": _device,
    "headphones": _headphones,
    "candle": _candle,
    "mug": _mug,
}


def initials(name: str, letters: int = 2) -> str:
    words = [w for w in name.replace("&", " ").split() if w[:1].isalnum()]
    return "".join(w[0] for w in words[:letters]).upper() or "?"


# --- Pictures ------------------------------------------------------------------------------------------


def _shadow(image: Image.Image, cx: float, base: float, width: float) -> Image.Image:
    """A soft contact shadow: stacked translucent ellipses, far cheaper than a blur."""
    draw = ImageDraw.Draw(image, "RGBA")  # RGBA drawing blends each shape onto the RGB image
    for i in range(5):
        grow = 1 + i * 0.12
        draw.ellipse(
            (cx - width * grow / 2, base - width * 0.07 * grow, cx + width * grow / 2, base + width * 0.07 * grow),
            fill=(0, 0, 0, 26),
        )
    return image


def _bokeh(image: Image.Image, rng: random.Random, colour: Colour, count: int) -> Image.Image:
    draw = ImageDraw.Draw(image, "RGBA")
    w, h = image.size
    for _ in range(count):
        r = rng.uniform(0.02, 0.09) * w
        x, y = rng.uniform(0, w), rng.uniform(0, h * 0.6)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=(*colour, rng.randint(30, 90)))
    return image


def _note(image: Image.Image, rng: random.Random, text: str) -> Image.Image:
    """A tilted sticky note, the way reviewers label 'week 2' or 'before' on their photos."""
    w = image.width
    note = Image.new("RGBA", (round(w * 0.3), round(w * 0.13)), (255, 240, 150, 255))
    ImageDraw.Draw(note).text(
        (note.width / 2, note.height / 2), text, font=_font(round(w * 0.05)), fill=(60, 50, 40), anchor="mm"
    )
    note = note.rotate(rng.uniform(-10, 10), expand=True, resample=Image.Resampling.BICUBIC)
    x = rng.choice([round(w * 0.05), image.width - note.width - round(w * 0.05)])
    image.paste(note, (x, round(image.height * 0.05)), note)
    return image


def _leaf(draw, rng, x, y, size, colour) -> None:
    angle = rng.uniform(0, math.tau)
    points = []
    for t in range(21):
        u = t / 20 * math.pi
        along, across = math.cos(u) * size, math.sin(u) * size * 0.35
        points.append((along, across))
    points += [(px, -py) for px, py in reversed(points)]
    ca, sa = math.cos(angle), math.sin(angle)
    draw.polygon([(x + px * ca - py * sa, y + px * sa + py * ca) for px, py in points], fill=colour)


def product_packshot(
    rng: random.Random, *, name: str, brand: str, shape: str, kind: str, palette: tuple[Colour, ...], size: int = 640
) -> bytes:
    """The catalogue picture: a studio gradient, the product, and its initials in large type."""
    bg_top, bg_bottom, body, accent = palette
    s = size * SCALE
    image = _gradient((s, s), _lighter(bg_top, 0.3), bg_bottom)
    base = s * 0.86
    image = _shadow(image, s * 0.56, base, s * 0.42)
    draw = ImageDraw.Draw(image)
    _text(draw, (s * 0.2, s * 0.14), initials(name), s * 0.12, _darker(accent, 0.1))
    _text(draw, (s * 0.2, s * 0.22), brand, s * 0.03, _darker(bg_bottom, 0.55))
    draw_product(draw, shape, s * 0.56, base, s * 0.72, body, accent, initials(name), kind)
    return _jpeg(image)


def avatar(rng: random.Random, *, name: str, size: int = 256) -> bytes:
    """A coloured circle with the person's initials, on a soft background."""
    s = size * SCALE
    top = pastel(rng, saturation=0.55, value=0.85)
    bottom = _darker(top, 0.25)
    image = Image.new("RGB", (s, s), _lighter(top, 0.85))
    disc = _gradient((s, s), top, bottom)
    mask = Image.new("L", (s, s), 0)
    ImageDraw.Draw(mask).ellipse((s * 0.04, s * 0.04, s * 0.96, s * 0.96), fill=255)
    image.paste(disc, (0, 0), mask)
    _text(ImageDraw.Draw(image), (s / 2, s / 2), initials(name), s * 0.36, (255, 255, 255))
    return _jpeg(image)


def review_photo(
    rng: random.Random,
    *,
    category: str,
    shape: str,
    kind: str,
    palette: tuple[Colour, ...],
    label: str,
    aspect: str,
    note: str | None = None,
) -> bytes:
    """A reviewer's photo of the product: one of a few scenes, in varied colours and framings."""
    width, height = ASPECTS[aspect]
    w, h = width * SCALE, height * SCALE
    _, _, body, accent = palette
    scene = rng.choice(SCENES[category])
    unit = min(w, h)
    if scene == "flatlay":
        image = Image.new("RGB", (w, h), pastel(rng, 0.18, 0.97))
        draw = ImageDraw.Draw(image)
        prop = pastel(rng, 0.45, 0.8)
        for _ in range(rng.randint(6, 12)):
            x, y, r = rng.uniform(0, w), rng.uniform(0, h), rng.uniform(0.03, 0.09) * unit
            kind_of_prop = rng.random()
            if kind_of_prop < 0.4:
                _leaf(draw, rng, x, y, r * 1.6, _darker((110, 160, 100), rng.uniform(0, 0.3)))
            elif kind_of_prop < 0.75:
                draw.ellipse((x - r, y - r, x + r, y + r), fill=prop)
            else:
                draw.rounded_rectangle(
                    (x - r, y - r * 0.6, x + r, y + r * 0.6), radius=r * 0.15, fill=_lighter(prop, 0.5)
                )
        image = _shadow(image, w / 2, h * 0.8, unit * 0.4)
        draw = ImageDraw.Draw(image)
        draw_product(draw, shape, w / 2, h * 0.8, unit * 0.62, body, accent, label, kind)
    elif scene == "swatch":
        image = Image.new("RGB", (w, h), rng.choice(SKIN_TONES))
        draw = ImageDraw.Draw(image)
        colours = [body, accent, _lighter(accent, 0.3), _darker(body, 0.2)]
        for i in range(rng.randint(3, 5)):
            y = h * (0.2 + i * 0.14)
            x0, x1 = w * rng.uniform(0.08, 0.2), w * rng.uniform(0.6, 0.9)
            thickness = round(unit * rng.uniform(0.04, 0.07))
            colour = colours[i % len(colours)]
            points = [(x0 + (x1 - x0) * t / 8, y + math.sin(t + i) * unit * 0.015) for t in range(9)]
            draw.line(points, fill=colour, width=thickness, joint="curve")
            for px, py in (points[0], points[-1]):
                draw.ellipse(
                    (px - thickness / 2, py - thickness / 2, px + thickness / 2, py + thickness / 2), fill=colour
                )
        draw_product(draw, shape, w * 0.8, h * 0.97, unit * 0.38, body, accent, label, kind)
    elif scene == "pile":
        image = _gradient((w, h), pastel(rng, 0.25, 0.98), pastel(rng, 0.35, 0.85))
        draw = ImageDraw.Draw(image)
        draw_product(draw, shape, w * 0.3, h * 0.62, unit * 0.6, body, accent, label, kind)
        bowl = (w * 0.3, h * 0.55, w * 0.95, h * 0.95)
        draw.chord(bowl, 0, 180, fill=(250, 250, 250))
        for _ in range(rng.randint(25, 40)):
            x = rng.uniform(w * 0.4, w * 0.85)
            y = rng.uniform(h * 0.68, h * 0.78)
            r = unit * rng.uniform(0.025, 0.045)
            draw.rounded_rectangle((x - r, y - r, x + r, y + r), radius=r * 0.6, fill=_mix(accent, body, rng.random()))
        draw.chord(bowl, 0, 180, outline=(220, 220, 225), width=max(2, round(unit * 0.01)))
    elif scene == "desk":
        wood = rng.choice([(150, 110, 75), (90, 70, 55), (200, 170, 130), (50, 52, 58)])
        image = Image.new("RGB", (w, h), wood)
        draw = ImageDraw.Draw(image)
        for i in range(0, w, max(1, round(unit * 0.06))):
            draw.line((i, 0, i + rng.uniform(-20, 20), h), fill=_darker(wood, rng.uniform(0.03, 0.12)), width=3)
        phase = rng.uniform(0, math.tau)
        cable = [(w * (0.02 + t * 0.012), h * (0.5 + math.sin(phase + t / 6) * 0.3)) for t in range(36)]
        draw.line(cable, fill=(245, 245, 245), width=max(2, round(unit * 0.012)), joint="curve")
        _mug(draw, w * 0.82, h * 0.35, unit * 0.3, pastel(rng, 0.3, 0.9), accent, "", "mug")
        draw_product(draw, shape, w * 0.48, h * 0.9, unit * 0.7, body, accent, label, kind)
    elif scene == "shelf":
        wall = pastel(rng, 0.15, 0.95)
        image = _gradient((w, h), _lighter(wall, 0.4), wall)
        draw = ImageDraw.Draw(image)
        shelf_y = h * 0.72
        draw.rectangle((0, shelf_y, w, shelf_y + unit * 0.05), fill=(190, 150, 110))
        draw.rectangle((0, shelf_y + unit * 0.05, w, shelf_y + unit * 0.065), fill=(150, 115, 85))
        pot_x = w * 0.8
        draw.rounded_rectangle(
            (pot_x - unit * 0.08, shelf_y - unit * 0.16, pot_x + unit * 0.08, shelf_y),
            radius=unit * 0.02,
            fill=(210, 120, 90),
        )
        for _ in range(7):
            _leaf(
                draw,
                rng,
                pot_x + rng.uniform(-0.08, 0.08) * unit,
                shelf_y - unit * rng.uniform(0.2, 0.32),
                unit * 0.09,
                (90, 150, 90),
            )
        draw_product(draw, shape, w * 0.42, shelf_y, unit * 0.6, body, accent, label, kind)
    elif scene == "duo":
        image = _gradient((w, h), pastel(rng, 0.2, 0.98), pastel(rng, 0.3, 0.88))
        image = _shadow(image, w / 2, h * 0.82, w * 0.8)
        draw = ImageDraw.Draw(image)
        count = 3 if w >= h else 2
        for i in range(count):
            tint = body if i == count // 2 else _mix(body, pastel(rng, 0.5, 0.85), 0.5)
            cx = w * (i + 1) / (count + 1)
            draw_product(
                draw, shape, cx, h * 0.82, unit * (0.55 if i == count // 2 else 0.45), tint, accent, label, kind
            )
    else:  # hero
        image = _gradient((w, h), pastel(rng, 0.25, 0.98), pastel(rng, 0.4, 0.85))
        draw = ImageDraw.Draw(image)
        table_y = h * rng.uniform(0.66, 0.74)
        draw.rectangle((0, table_y, w, h), fill=rng.choice(SURFACES))
        image = _bokeh(image, rng, (255, 255, 255), rng.randint(5, 12))
        base = h * 0.9
        image = _shadow(image, w / 2, base, unit * 0.45)
        draw = ImageDraw.Draw(image)
        draw_product(draw, shape, w / 2, base, unit * 0.72, body, accent, label, kind)
    if note:
        image = _note(image, rng, note)
    return _jpeg(image)
