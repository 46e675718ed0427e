"""Media on S3-compatible object storage, against a real S3 API (moto's server) started here."""

import socket
import subprocess
import sys
import time
import urllib.request

import boto3
import pytest

from reviews.models import ReviewPhoto
from tests.factories import ProductFactory, image_upload

BUCKET = "candor-media-test"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint():
    port = _free_port()
    server = subprocess.Popen(  # noqa: S603 - our own interpreter and a fixed module
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(endpoint, timeout=1)  # noqa: S310 - loopback test server
                break
            except OSError:
                time.sleep(0.1)
        client = boto3.client(
            "s3", endpoint_url=endpoint, aws_access_key_id="test", aws_secret_access_key="test", region_name="us-east-1"
        )
        client.create_bucket(Bucket=BUCKET)
        yield endpoint, client
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def s3_storage(settings, s3_endpoint):
    endpoint, client = s3_endpoint
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": endpoint,
                "access_key": "test",
                "secret_key": "test",
                "region_name": "us-east-1",
                "querystring_auth": True,
                "default_acl": None,
                "file_overwrite": False,
            },
        },
    }
    return client


@pytest.mark.django_db
def test_review_photos_are_stored_in_the_bucket_and_served_from_it(s3_storage, auth_client, media_root):
    response = auth_client.post(
        "/api/v1/reviews/",
        {
            "product": ProductFactory().pk,
            "rating": 5,
            "title": "Cloud",
            "body": "Stored remotely.",
            "photos": [image_upload()],
        },
        format="multipart",
    )
    assert response.status_code == 201, response.content
    photo = ReviewPhoto.objects.get()
    keys = {obj["Key"] for obj in s3_storage.list_objects_v2(Bucket=BUCKET)["Contents"]}
    assert {photo.image.name, photo.thumbnail.name} <= keys
    # Nothing was written to the web process's own disk.
    import os

    assert not os.path.exists(media_root) or not any(files for _, _, files in os.walk(media_root))
    url = response.json()["photos"][0]["thumbnail"]
    assert url.startswith(s3_storage.meta.endpoint_url)
    with urllib.request.urlopen(url, timeout=5) as served:  # noqa: S310 - loopback test server
        assert served.read()[:2] == b"\xff\xd8"  # a JPEG


def test_settings_select_s3_from_the_environment(monkeypatch):
    import importlib

    import config.settings.base as base

    monkeypatch.setenv("S3_BUCKET", "media")
    monkeypatch.setenv("S3_ENDPOINT_URL", "http://127.0.0.1:9000")
    try:
        reloaded = importlib.reload(base)
        assert reloaded.STORAGES["default"]["BACKEND"] == "storages.backends.s3.S3Storage"
        assert reloaded.STORAGES["default"]["OPTIONS"]["endpoint_url"] == "http://127.0.0.1:9000"
        assert reloaded.SERVE_MEDIA is False
    finally:
        monkeypatch.delenv("S3_BUCKET")
        monkeypatch.delenv("S3_ENDPOINT_URL")
        importlib.reload(base)
