import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from config.images import process_photo
from tests.factories import image_bytes


def _jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (120, 90), (10, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "SnoopCam"  # Make
    exif[0x8825] = {1: "N", 2: (35.0, 39.0, 0.0), 3: "E", 4: (139.0, 44.0, 0.0)}  # GPS IFD
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


def _upload(data: bytes, name="x.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def test_exif_and_gps_are_stripped():
    original = _jpeg_with_gps()
    with Image.open(io.BytesIO(original)) as check:
        assert check.getexif().get(0x010F) == "SnoopCam"
    processed = process_photo(_upload(original))
    for content in (processed.display, processed.thumbnail):
        with Image.open(io.BytesIO(content.read())) as image:
            assert image.format == "JPEG"
            assert not image.getexif()
            assert "exif" not in image.info


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_accepted_formats_give_display_and_thumbnail(fmt):
    processed = process_photo(_upload(image_bytes(fmt, size=(2400, 1200))))
    assert (processed.width, processed.height) == (2400, 1200)
    with Image.open(io.BytesIO(processed.display.read())) as display:
        assert max(display.size) == 1600
    with Image.open(io.BytesIO(processed.thumbnail.read())) as thumb:
        assert max(thumb.size) == 480


def _rejected(data: bytes, name="x.jpg") -> str:
    with pytest.raises(ValidationError) as info:
        process_photo(_upload(data, name), field="photos")
    assert "photos" in info.value.message_dict
    return " ".join(info.value.message_dict["photos"])


def test_decompression_bomb_is_refused_before_decoding():
    # 8000 x 6000 = 48 megapixels, a few kilobytes on disk.
    buffer = io.BytesIO()
    Image.new("L", (8000, 6000)).save(buffer, format="PNG")
    assert len(buffer.getvalue()) < 1024 * 1024
    assert "40 megapixels" in _rejected(buffer.getvalue(), "bomb.png")


def test_oversized_file_is_refused():
    assert "10 MB" in _rejected(b"\xff\xd8" + b"0" * (10 * 1024 * 1024 + 1))


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n<html><script>alert(1)</script></html>",
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\n",
        image_bytes("JPEG", size=(300, 300))[:400],
        b"",
    ],
    ids=["html-with-png-header", "svg", "eps", "truncated-jpeg", "empty"],
)
def test_non_images_and_damaged_files_are_refused(data):
    _rejected(data)


def test_gif_is_not_an_accepted_format():
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, format="GIF")
    assert "JPEG, PNG or WebP" in _rejected(buffer.getvalue(), "x.gif")


def test_transparent_png_is_flattened_on_white():
    buffer = io.BytesIO()
    Image.new("RGBA", (20, 20), (255, 0, 0, 0)).save(buffer, format="PNG")
    processed = process_photo(_upload(buffer.getvalue(), "t.png"))
    with Image.open(io.BytesIO(processed.display.read())) as image:
        assert image.getpixel((5, 5)) == pytest.approx((255, 255, 255), abs=3)


@pytest.mark.django_db
def test_uploaded_photo_over_the_api_has_no_exif(auth_client):
    from reviews.models import ReviewPhoto
    from tests.factories import ProductFactory

    response = auth_client.post(
        "/api/v1/reviews/",
        {"product": ProductFactory().pk, "rating": 4, "title": "t", "body": "b", "photos": [_upload(_jpeg_with_gps())]},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    photo = ReviewPhoto.objects.get()
    for field in (photo.image, photo.thumbnail):
        with field.open("rb") as stored, Image.open(stored) as image:
            assert not image.getexif()
