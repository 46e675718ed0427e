"""Believable product photos drawn with Pillow, so browser tests and screenshots need no downloads."""

import functools
import io
import random

from PIL import Image, ImageDraw, ImageFilter

PALETTES = [
    ((255, 228, 232), (255, 186, 200), (215, 15, 45)),
    ((255, 241, 214), (255, 214, 153), (150, 90, 20)),
    ((227, 244, 234), (170, 221, 190), (29, 107, 58)),
    ((228, 238, 252), (170, 200, 245), (29, 79, 145)),
    ((241, 230, 251), (205, 180, 235), (106, 44, 145)),
    ((253, 232, 220), (246, 190, 160), (154, 60, 18)),
]


# Drawn once per process for each (seed, size, format): the same bytes every time, and every
# browser test's community uploads the same fifteen photos.
@functools.cache
def product_photo(seed: int, size: tuple[int, int] = (720, 960), fmt: str = "JPEG") -> bytes:
    """A soft gradient backdrop with a bottle or jar standing on it; `seed` picks the look."""
    rng = random.Random(seed)
    light, mid, ink = PALETTES[seed % len(PALETTES)]
    width, height = size
    image = Image.new("RGB", size, light)
    draw = ImageDraw.Draw(image)
    for y in range(height):  # vertical gradient
        t = y / height
        draw.line([(0, y), (width, y)], fill=tuple(round(a + (b - a) * t) for a, b in zip(light, mid, strict=True)))
    blobs = Image.new("RGBA", size, (255, 255, 255, 0))
    blob_draw = ImageDraw.Draw(blobs)
    for _ in range(5):
        r = rng.randint(width // 8, width // 3)
        x, y = rng.randint(0, width), rng.randint(0, height)
        blob_draw.ellipse([x - r, y - r, x + r, y + r], fill=(255, 255, 255, rng.randint(40, 90)))
    soft = blobs.filter(ImageFilter.GaussianBlur(width // 20))
    image.paste(soft, (0, 0), soft)
    draw = ImageDraw.Draw(image)
    # shadow, body, cap, label
    cx = width // 2 + rng.randint(-width // 10, width // 10)
    body_w = rng.randint(width // 4, width // 3)
    body_h = rng.randint(height // 3, height // 2)
    base_y = int(height * 0.8)
    draw.ellipse(
        [cx - body_w * 0.7, base_y - 18, cx + body_w * 0.7, base_y + 18], fill=tuple(max(0, c - 40) for c in mid)
    )
    top = base_y - body_h
    draw.rounded_rectangle([cx - body_w // 2, top, cx + body_w // 2, base_y], radius=body_w // 5, fill=(255, 255, 255))
    cap_w = body_w // 2 if seed % 2 else int(body_w * 0.9)
    draw.rounded_rectangle([cx - cap_w // 2, top - body_h // 5, cx + cap_w // 2, top + 8], radius=10, fill=ink)
    draw.rounded_rectangle(
        [cx - body_w // 2 + 14, top + body_h // 3, cx + body_w // 2 - 14, top + body_h // 3 + body_h // 4],
        radius=8,
        fill=mid,
    )
    draw.line(
        [(cx - body_w // 4, top + body_h // 3 + 24), (cx + body_w // 4, top + body_h // 3 + 24)], fill=ink, width=6
    )
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, quality=88)
    return buffer.getvalue()
