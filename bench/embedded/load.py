"""A bounded load of N simultaneous clients on 127.0.0.1, each opening a new connection per
request (as many separate visitors do), so a short listen backlog shows as resets.

    load.py URL CLIENTS SECONDS TOKENS_FILE REVIEW_IDS_FILE

Nine requests in ten read a page (discover, a review, a product); one in ten is a helpful vote
(`PUT /api/v1/reviews/{id}/vote/`, token auth, a random voter and review). Prints one JSON line:
requests/s of answered requests, answers by status class, resets, timeouts and other errors.
Standard library only: asyncio streams, HTTP/1.1 with Connection: close.
"""

import asyncio
import json
import random
import sys
import time
from collections import Counter
from urllib.parse import urlsplit

TIMEOUT = 30.0


async def request(host: str, port: int, method: str, path: str, headers: dict[str, str], body: bytes = b"") -> int:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        lines = [f"{method} {path} HTTP/1.1", f"Host: {host}:{port}", "Connection: close", "User-Agent: candor-bench"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        if body or method in {"PUT", "POST"}:
            lines.append(f"Content-Length: {len(body)}")
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        await writer.drain()
        status_line = await reader.readline()
        if not status_line:
            raise ConnectionResetError("closed before answering")
        await reader.read()  # the whole answer, until the server closes
        return int(status_line.split()[1])
    finally:
        writer.close()


async def client(url, stop_at, tokens, reviews, pages, counts: Counter, latencies: list) -> None:
    parts = urlsplit(url)
    while time.monotonic() < stop_at:
        if random.random() < 0.1:
            method, path = "PUT", f"/api/v1/reviews/{random.choice(reviews)}/vote/"
            body = json.dumps({"helpful": random.random() < 0.8}).encode()
            headers = {"Authorization": f"Token {random.choice(tokens)}", "Content-Type": "application/json"}
        else:
            method, path, body, headers = "GET", random.choice(pages), b"", {}
        started = time.monotonic()
        try:
            status = await asyncio.wait_for(request(parts.hostname, parts.port, method, path, headers, body), TIMEOUT)
            counts[f"{status // 100}xx"] += 1
            latencies.append(time.monotonic() - started)
        except (ConnectionResetError, BrokenPipeError):
            counts["reset"] += 1
        except ConnectionRefusedError:
            counts["refused"] += 1
        except TimeoutError:
            counts["timeout"] += 1
        except OSError as error:
            counts[f"error:{type(error).__name__}"] += 1


async def main() -> None:
    url, clients, seconds, tokens_file, reviews_file = sys.argv[1:6]
    tokens = open(tokens_file).read().split()
    reviews = open(reviews_file).read().split()
    pages = ["/", *(f"/r/{review}/" for review in reviews[:20]), "/rankings/"]
    counts: Counter = Counter()
    latencies: list[float] = []
    started = time.monotonic()
    stop_at = started + float(seconds)
    await asyncio.gather(
        *(client(url, stop_at, tokens, reviews, pages, counts, latencies) for _ in range(int(clients)))
    )
    elapsed = time.monotonic() - started
    latencies.sort()
    answered = sum(value for key, value in counts.items() if key.endswith("xx"))
    print(
        json.dumps(
            {
                "clients": int(clients),
                "seconds": round(elapsed, 1),
                "rps": round(answered / elapsed, 1),
                "p50_ms": round(1000 * latencies[len(latencies) // 2]) if latencies else None,
                "p99_ms": round(1000 * latencies[int(len(latencies) * 0.99)]) if latencies else None,
                **dict(sorted(counts.items())),
            }
        )
    )


if __name__ == "__main__":
    asyncio.run(main())
