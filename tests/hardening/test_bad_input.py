"""Hostile input over the API: an upload corpus of things that are not safe photos (refused
with a 4xx naming the field, nothing stored), accepted photos re-encoded with no EXIF and no
smuggled payload, and NUL bytes in query strings (which PostgreSQL text cannot hold)."""

import io
import random
import struct
import zlib
from pathlib import Path

import pytest
from django.test import Client
from PIL import Image

from reviews.models import ReviewPhoto
from tests.conftest import client_for
from tests.factories import ReviewFactory, UserFactory, image_bytes


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def _png_header_claiming(width: int, height: int) -> bytes:
    """A PNG whose header claims `width` x `height` pixels, with one tiny compressed row: a
    decompression bomb in a few bytes."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", ihdr)
        + _png_chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + _png_chunk(b"IEND", b"")
    )


JPEG = image_bytes("JPEG", size=(320, 240))
HOSTILE = {
    "huge-dimensions.png": _png_header_claiming(100_000, 100_000),
    "truncated.jpg": JPEG[: len(JPEG) // 2],
    "html-with-png-header.png": b"\x89PNG\r\n\x1a\n<html><script>alert(document.cookie)</script></html>",
    "vector.svg": b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="9" height="9"/></svg>',
    "printer.eps": b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\n(pwned) print showpage\n",
    "gif-javascript-polyglot.gif": b"GIF89a/*\x01\x00\x01\x00\x00\xff\x00,*/=alert(1)//;",
    "empty.jpg": b"",
    "text.jpg": b"just some text pretending to be a photo",
}


@pytest.fixture
def own_review(db):
    author = UserFactory()
    return ReviewFactory(author=author), client_for(author)


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_upload_is_refused_with_a_4xx_naming_the_field(own_review, name):
    review, client = own_review
    response = client.post(
        f"/api/v1/reviews/{review.pk}/photos/",
        {"photos": [_named(name, HOSTILE[name])]},
        format="multipart",
    )
    assert 400 <= response.status_code < 500, response.content
    assert "photos" in response.json()
    assert not ReviewPhoto.objects.filter(review=review).exists()


def _named(name: str, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="image/png")


def test_oversized_upload_is_refused(own_review, settings):
    settings.PHOTO_MAX_BYTES = 200 * 1024  # the real limit is 10 MB; the rule is the same
    review, client = own_review
    noise = Image.frombytes("RGB", (400, 400), random.Random(7).randbytes(400 * 400 * 3))  # incompressible
    buffer = io.BytesIO()
    noise.save(buffer, format="PNG")
    assert len(buffer.getvalue()) > settings.PHOTO_MAX_BYTES
    response = client.post(
        f"/api/v1/reviews/{review.pk}/photos/", {"photos": [_named("big.png", buffer.getvalue())]}, format="multipart"
    )
    assert response.status_code == 400
    assert "MB" in " ".join(response.json()["photos"])


def test_review_create_with_a_hostile_photo_is_refused_whole(db):
    from tests.factories import ProductFactory

    client = client_for(UserFactory())
    product = ProductFactory()
    response = client.post(
        "/api/v1/reviews/",
        {
            "product": product.pk,
            "rating": "4",
            "title": "With photos",
            "body": "One good, one not.",
            "photos": [_named("ok.jpg", JPEG), _named("bad.svg", HOSTILE["vector.svg"])],
        },
        format="multipart",
    )
    assert response.status_code == 400
    assert "photos" in response.json()
    assert not product.reviews.exists()


def test_accepted_photo_keeps_no_exif_and_no_smuggled_payload(own_review, media_root):
    review, client = own_review
    image = Image.new("RGB", (300, 200), (30, 140, 90))
    exif = Image.Exif()
    exif[0x010F] = "SnoopCam"  # Make
    exif[0x8825] = {1: "N", 2: (35.0, 39.0, 0.0), 3: "E", 4: (139.0, 44.0, 0.0)}  # GPS
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    payload = b"<script>alert('polyglot')</script>"
    # A real JPEG with an HTML tail after its end marker: decoders show the image, a browser
    # sniffing the bytes may see HTML. It must come out re-encoded, the tail gone.
    polyglot = buffer.getvalue() + payload
    response = client.post(
        f"/api/v1/reviews/{review.pk}/photos/", {"photos": [_named("tail.jpg", polyglot)]}, format="multipart"
    )
    assert response.status_code == 201, response.content
    photo = ReviewPhoto.objects.get(review=review)
    for field in (photo.image, photo.thumbnail):
        stored = Path(field.path).read_bytes()
        assert payload not in stored
        assert b"SnoopCam" not in stored
        with Image.open(io.BytesIO(stored)) as kept:
            assert kept.format == "JPEG"
            assert not kept.getexif()


@pytest.mark.django_db
def test_nul_bytes_in_audit_filters_are_a_400_naming_the_parameter():
    from django.contrib.auth.models import Group

    from accounts.models import MODERATORS_GROUP

    moderator = UserFactory()
    moderator.groups.add(Group.objects.get_or_create(name=MODERATORS_GROUP)[0])
    client = client_for(moderator)
    for parameter in ("actor", "member", "target_type", "target_id"):
        response = client.get("/api/v1/moderation/audit/", {parameter: "mei\x00lin"})
        assert response.status_code == 400, (parameter, response.content)
        assert parameter in response.json()
    assert client.get("/api/v1/moderation/audit/", {"actor": "mei"}).status_code == 200


@pytest.mark.django_db
def test_nul_byte_in_the_write_page_product_is_refused():
    browser = Client()
    browser.force_login(UserFactory())
    assert browser.get("/write/", {"product": "cream\x00"}).status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "url", "body", "field"),
    [
        ("post", "/api/v1/products/", {"brand": "lumen\x00", "category": "skin\x00care", "name": "Gel"}, "brand"),
        ("patch", "/api/v1/me/", {"interest_categories": ["skin\x00care"]}, "interest_categories"),
        ("get", "/api/v1/discover/", {"category": "skin\x00care"}, "category"),
    ],
)
def test_nul_bytes_in_slug_fields_are_a_400_naming_the_field(method, url, body, field):
    client = client_for(UserFactory())
    response = getattr(client, method)(url, body, **({} if method == "get" else {"format": "json"}))
    assert response.status_code == 400, response.content
    assert field in response.json()


@pytest.mark.django_db
def test_nul_bytes_anywhere_in_the_url_are_a_400_naming_where():
    client = client_for(UserFactory())
    for url in ("/api/v1/users/a%00b/", "/api/v1/users/a%00b/followers/", "/u/a%00b/"):
        response = client.get(url)
        assert response.status_code == 400, url
        assert "path" in response.json()
    response = client.get("/api/v1/reviews/", {"q": "cream\x00"})
    assert response.status_code == 400 and "q" in response.json()
