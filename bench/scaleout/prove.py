"""Proof on one machine that Candor scales out: two web processes and two Celery workers share
one PostgreSQL, one Redis and one S3-compatible object store (moto's server), and nothing a
request writes stays with one process.

Run by hand (not in CI), from the repository root, with PostgreSQL and Redis up:

    .venv/bin/python bench/scaleout/prove.py

It creates (and drops first) the database `candor_scaleout`, uses Redis database 7, and checks:
1. a review with a photo posted through web A is served, photo included, by web B;
2. helpful votes spread over both web processes come out exact;
3. a full rerank split across both workers gives the same ranking as a single-worker run.
Each check prints PASS or FAIL; the exit status is non-zero if any fails.
"""

from __future__ import annotations

import io
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PY = str(ROOT / ".venv" / "bin" / "python")
BIN = ROOT / ".venv" / "bin"
DB_NAME = "candor_scaleout"
PG = "postgres://postgres@127.0.0.1:5432"
BUCKET = "candor-scaleout"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_http(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 - loopback
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"{url} did not come up")


def call(base: str, method: str, path: str, *, token: str | None = None, body: dict | None = None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data, method=method)  # noqa: S310 - loopback
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Token {token}")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def multipart(fields: dict, files: dict) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    out = io.BytesIO()
    for name, value in fields.items():
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (filename, content, ctype) in files.items():
        out.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: {ctype}\r\n\r\n".encode()
        )
        out.write(content + b"\r\n")
    out.write(f"--{boundary}--\r\n".encode())
    return out.getvalue(), f"multipart/form-data; boundary={boundary}"


def jpeg() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), (220, 60, 90)).save(buffer, format="JPEG")
    return buffer.getvalue()


class Cluster:
    def __init__(self) -> None:
        self.processes: list[subprocess.Popen] = []
        self.s3_port = free_port()
        self.web_ports = [free_port(), free_port()]
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.local",
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": "scaleout-proof-" + uuid.uuid4().hex,
            "DATABASE_URL": f"{PG}/{DB_NAME}",
            "REDIS_URL": "redis://127.0.0.1:6379/7",
            "S3_BUCKET": BUCKET,
            "S3_ENDPOINT_URL": f"http://127.0.0.1:{self.s3_port}",
            "S3_ACCESS_KEY_ID": "proof",
            "S3_SECRET_ACCESS_KEY": "proof",
            "S3_REGION": "us-east-1",
            "S3_QUERYSTRING_AUTH": "true",
            "THROTTLE_SIGNUP": "10000/hour",
            "THROTTLE_VOTE_NEW": "10000/minute",
            "THROTTLE_REVIEW_NEW": "10000/hour",
            "THROTTLE_PHOTO_NEW": "10000/hour",
        }

    def start(self, name: str, args: list[str]) -> subprocess.Popen:
        log = open(ROOT / "var" / f"scaleout-{name}.log", "w")  # noqa: SIM115 - closed with the process
        process = subprocess.Popen(args, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
        self.processes.append(process)
        return process

    def manage(self, *args: str) -> str:
        return subprocess.run(  # noqa: S603
            [PY, "manage.py", *args], cwd=ROOT, env=self.env, check=True, capture_output=True, text=True
        ).stdout

    def up(self) -> None:
        (ROOT / "var").mkdir(exist_ok=True)
        subprocess.run(["psql", PG + "/postgres", "-qc", f"DROP DATABASE IF EXISTS {DB_NAME}"], check=True)  # noqa: S603,S607
        subprocess.run(["psql", PG + "/postgres", "-qc", f"CREATE DATABASE {DB_NAME}"], check=True)  # noqa: S603,S607
        subprocess.run(["redis-cli", "-n", "7", "FLUSHDB"], check=True, capture_output=True)  # noqa: S603,S607
        self.start("s3", [PY, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.s3_port)])
        wait_http(f"http://127.0.0.1:{self.s3_port}/")
        import boto3

        boto3.client(
            "s3",
            endpoint_url=self.env["S3_ENDPOINT_URL"],
            aws_access_key_id="proof",
            aws_secret_access_key="proof",
            region_name="us-east-1",
        ).create_bucket(Bucket=BUCKET)
        self.manage("migrate", "--noinput", "-v0")
        for index, port in enumerate(self.web_ports):
            self.start(
                f"web{index}",
                [str(BIN / "gunicorn"), "config.wsgi:application", "-b", f"127.0.0.1:{port}", "-w", "2"],
            )
        for index in range(2):
            self.start(
                f"worker{index}",
                [
                    str(BIN / "celery"),
                    "-A",
                    "config",
                    "worker",
                    "-n",
                    f"proof{index}@%h",
                    "--concurrency=1",
                    "--queues=default,ranking,media,notifications",
                    "--loglevel=INFO",
                ],
            )
        for port in self.web_ports:
            wait_http(f"http://127.0.0.1:{port}/healthz")

    def down(self) -> None:
        for process in self.processes:
            process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def main() -> int:
    cluster = Cluster()
    results: dict[str, bool] = {}
    try:
        cluster.up()
        web_a, web_b = (f"http://127.0.0.1:{port}" for port in cluster.web_ports)
        cluster.manage(
            "shell",
            "-c",
            "from tests.factories import ProductFactory, CategoryFactory, BrandFactory;"
            "ProductFactory(slug='proof-serum', category=CategoryFactory(slug='skincare'),"
            " brand=BrandFactory(slug='proofco'))",
        )
        product_id = call(web_b, "GET", "/api/v1/products/proof-serum/")[1]["id"]

        tokens = []
        for index in range(41):
            status, body = call(
                web_a if index % 2 else web_b,
                "POST",
                "/api/v1/auth/register/",
                body={"username": f"proof{index}", "password": "a-long-pass-phrase-2026"},
            )
            assert status == 201, body
            tokens.append(body["token"])

        # 1. Post through A (with a photo), read through B, fetch the photo B links to.
        content, ctype = multipart(
            {"product": product_id, "rating": 5, "title": "Posted on A", "body": "Served by B."},
            {"photos": ("proof.jpg", jpeg(), "image/jpeg")},
        )
        request = urllib.request.Request(web_a + "/api/v1/reviews/", data=content, method="POST")  # noqa: S310
        request.add_header("Content-Type", ctype)
        request.add_header("Authorization", f"Token {tokens[0]}")
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            review = json.loads(response.read())
        status, on_b = call(web_b, "GET", f"/api/v1/reviews/{review['id']}/")
        photo_url = on_b["photos"][0]["image"]
        with urllib.request.urlopen(photo_url, timeout=10) as photo:  # noqa: S310 - the local S3 server
            photo_bytes = photo.read()
        results["review with photo posted on A is served by B"] = (
            status == 200 and on_b["title"] == "Posted on A" and photo_bytes[:2] == b"\xff\xd8"
        )
        print(f"  photo served from {photo_url.split('?')[0]} ({len(photo_bytes)} bytes)")

        # 2. Forty voters, alternating web processes, all at once.
        def vote(index: int) -> int:
            base = web_a if index % 2 else web_b
            return call(
                base,
                "PUT",
                f"/api/v1/reviews/{review['id']}/vote/",
                token=tokens[index],
                body={"helpful": index % 4 != 0},
            )[0]

        with ThreadPoolExecutor(max_workers=16) as pool:
            statuses = list(pool.map(vote, range(1, 41)))
        _, counted = call(web_a, "GET", f"/api/v1/reviews/{review['id']}/")
        expected_helpful = sum(1 for i in range(1, 41) if i % 4 != 0)
        results["votes over both web processes are exact"] = statuses == [200] * 40 and (
            counted["helpful_count"],
            counted["not_helpful_count"],
        ) == (expected_helpful, 40 - expected_helpful)
        print(f"  helpful {counted['helpful_count']} / not helpful {counted['not_helpful_count']}")

        # 3. A full rerank split across both workers, compared with a single-worker run.
        cluster.manage("seed_demo", "--force", "-v0")  # a community worth ranking
        split = cluster.manage("rerank", "--full", "--split", "2", "--via-workers", "--timeout", "600")
        print("  " + split.strip().splitlines()[-1])
        snapshot = cluster.manage("rerank", "--snapshot")
        single = cluster.manage("rerank", "--full", "--no-progress")
        print("  single worker afterwards: " + single.strip().splitlines()[-1])
        again = cluster.manage("rerank", "--snapshot")
        logs = [(ROOT / "var" / f"scaleout-worker{i}.log").read_text() for i in range(2)]
        parts = [log.count("ranking.tasks.rerank_part[") // 2 for log in logs]  # received + succeeded
        print(f"  parts run by worker 0 and worker 1: {parts}; ranking digest: {snapshot.strip()}")
        results["split rerank equals a single-worker rerank"] = (
            snapshot == again and "0 rows changed" in single and all(n >= 1 for n in parts)
        )
    except Exception as error:  # noqa: BLE001 - reported as a failed check below
        results[f"ran to the end ({error.__class__.__name__}: {error})"] = False
    finally:
        cluster.down()
    for check, ok in results.items():
        print(f"{'PASS' if ok else 'FAIL'}  {check}")
    return 0 if results and all(results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
