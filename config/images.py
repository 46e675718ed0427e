"""Turning an uploaded image (review photo or avatar) into a safe, metadata-free display size and thumbnail.

Every upload is treated as hostile: the size is checked before decoding, the header is parsed
without decoding pixels, dimensions are checked against a pixel budget (decompression bombs),
and the pixels are re-encoded into a fresh image so no EXIF/GPS/XMP metadata survives.
"""

import io
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP"}


@dataclass(frozen=True)
class ProcessedPhoto:
    display: ContentFile
    thumbnail: ContentFile
    width: int
    height: int


def _error(field: str, message: str) -> ValidationError:
    return ValidationError({field: [message]})


def _encode(image: Image.Image, max_side: int, name: str) -> ContentFile:
    copy = image.copy()
    copy.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    copy.save(buffer, format="JPEG", quality=85, optimize=True, progressive=True)
    return ContentFile(buffer.getvalue(), name=name)


def process_photo(upload, *, field: str = "photos") -> ProcessedPhoto:
    """Validate one uploaded image and return its display size and thumbnail as JPEG.

    Raises ValidationError naming `field` for anything that is not a real JPEG/PNG/WebP within
    the size and pixel limits. Reads the file; writes nothing.
    """
    size = getattr(upload, "size", None)
    if size is None or size > settings.PHOTO_MAX_BYTES:
        limit_mb = settings.PHOTO_MAX_BYTES // (1024 * 1024)
        raise _error(field, _("Each photo must be at most %(limit)s MB.") % {"limit": limit_mb})
    if size == 0:
        raise _error(field, _("The photo file is empty."))
    upload.seek(0)
    data = upload.read()
    try:
        # Image.open reads the header only, so the pixel budget is checked before decoding.
        with Image.open(io.BytesIO(data)) as probe:
            image_format = probe.format
            width, height = probe.size
            if image_format not in ALLOWED_FORMATS:
                raise _error(field, _("Upload a JPEG, PNG or WebP image."))
            if width * height > settings.PHOTO_MAX_PIXELS:
                raise _error(
                    field,
                    _("The photo is too large (%(width)sx%(height)s pixels); the limit is 40 megapixels.")
                    % {"width": width, "height": height},
                )
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            image = ImageOps.exif_transpose(image)
            if image.mode not in ("RGB", "L"):
                background = Image.new("RGB", image.size, (255, 255, 255))
                rgba = image.convert("RGBA")
                background.paste(rgba, mask=rgba.getchannel("A"))
                image = background
            else:
                image = image.convert("RGB")
            # A fresh image from the pixels alone: no EXIF, GPS, XMP or ICC text survives.
            clean = Image.frombytes("RGB", image.size, image.tobytes())
    except ValidationError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _error(field, _("This file is not a valid JPEG, PNG or WebP image, or it is too large.")) from None
    except (OSError, SyntaxError, ValueError):
        raise _error(field, _("The image is damaged or truncated.")) from None

    stem = uuid.uuid4().hex
    return ProcessedPhoto(
        display=_encode(clean, settings.PHOTO_DISPLAY_MAX_SIDE, f"{stem}.jpg"),
        thumbnail=_encode(clean, settings.PHOTO_THUMBNAIL_MAX_SIDE, f"{stem}_thumb.jpg"),
        width=clean.width,
        height=clean.height,
    )
