"""Back up a seeded Candor site and restore it elsewhere, then prove the copy is the same site.

The procedure is docs/deploy.md's ("Backup and restore"), run end to end:

1. a fresh database `<prefix>_src` on the PostgreSQL server, migrated and seeded (seed_demo, then
   a full rerank), with its media in `<work>/media_src`;
2. backup: `pg_dump --format=custom` of the database, then a tar of the media folder (the order
   the procedure gives: a file a row names is never missing from the backup);
3. restore into a fresh database `<prefix>_restored` (`pg_restore --exit-on-error
   --single-transaction --no-owner`) and a fresh media folder `<work>/media_restored`;
4. verify: every table's rows hash the same in both databases; every media file is there, byte
   for byte; and pages (web and API) rendered from each, with the same settings and one process,
   are identical once the per-request tokens (CSRF, CSP nonce) are blanked.

    python bench/backup/roundtrip.py --server postgres://postgres@127.0.0.1:5432 --work /tmp/rt

Exit status 0 when everything matches, 1 on a difference, 2 when PostgreSQL or pg_dump is not
there. The databases are dropped at the end (--keep leaves them).
"""

from __future__ import annotations

import argparse
import filecmp
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PG_BIN_FALLBACK = Path("/usr/lib/postgresql/15/bin")

# Per-request values that differ between any two renders of the same page.
VOLATILE = [
    (re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"'), b'name="csrfmiddlewaretoken" value=""'),
    (re.compile(rb'(name="csrf-token" content=")[^"]*"'), rb'\1"'),
    (re.compile(rb'nonce="[^"]*"'), b'nonce=""'),
]


def tool(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    fallback = PG_BIN_FALLBACK / name
    return str(fallback) if fallback.exists() else None


def admin(server: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True, connect_timeout=5) as conn:
        conn.execute(sql)


def django_env(server: str, database: str, media: Path) -> dict[str, str]:
    """The same settings for every step: the test settings (a per-process memory cache, so no page
    is served from a cache another database filled; tasks run in the process), this database and
    media folder."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_", "CACHE_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.test",
        DATABASE_URL=f"{server}/{database}",
        DJANGO_MEDIA_ROOT=str(media),
        DJANGO_ALLOWED_HOSTS="testserver",
        PAGE_CACHE_SECONDS="0",
    )
    return env


def run(args: list[str], env: dict[str, str] | None = None) -> str:
    result = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)  # noqa: S603
    if result.returncode != 0:
        raise SystemExit(f"failed: {' '.join(args)}\n{result.stdout}\n{result.stderr}")
    return result.stdout


def manage(env: dict[str, str], *args: str) -> str:
    return run([sys.executable, "manage.py", *args], env=env)


def _seed_child(users: str, products: str, reviews: str) -> None:
    """migrate, seed_demo and a full rerank, in one process (one Django start-up, not three)."""
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command("seed_demo", force=True, users=int(users), products=int(products), reviews=int(reviews))
    call_command("rerank", full=True, no_progress=True)


# --- verification, run in a child process on both databases --------------------------------------


def render_both(src_env: dict[str, str], dst_env: dict[str, str]) -> dict:
    """Table hashes and page renders of both databases, from one child process that switches
    databases URL by URL (so a relative time like "5 minutes ago" reads the same clock)."""
    env = dict(src_env)
    env["ROUNDTRIP_OTHER_DATABASE"] = dst_env["DATABASE_URL"].rsplit("/", 1)[1]
    env["ROUNDTRIP_OTHER_MEDIA"] = dst_env["DJANGO_MEDIA_ROOT"]
    return json.loads(run([sys.executable, __file__, "--render"], env=env))


def _render_child() -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.core.cache import caches
    from django.db import connection
    from django.test import Client

    names = {"src": connection.settings_dict["NAME"], "dst": os.environ["ROUNDTRIP_OTHER_DATABASE"]}
    media = {"src": settings.MEDIA_ROOT, "dst": os.environ["ROUNDTRIP_OTHER_MEDIA"]}

    def use(which: str) -> None:
        connection.close()
        connection.settings_dict["NAME"] = names[which]
        settings.MEDIA_ROOT = media[which]
        for cache in caches.all():
            cache.clear()

    def table_hashes() -> dict[str, str]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
            )
            tables = [row[0] for row in cursor.fetchall()]
            hashes = {}
            for table in tables:
                cursor.execute(
                    f"SELECT COUNT(*), md5(COALESCE(string_agg(t::text, E'\\n' ORDER BY t::text), '')) FROM \"{table}\" t"
                )  # noqa: S608
                count, digest = cursor.fetchone()
                hashes[table] = f"{count}:{digest}"
        return hashes

    use("src")
    from reviews.models import Category, Product, Review

    review = Review.objects.filter(status="published").order_by("id").first()
    product = Product.objects.order_by("id").first()
    category = Category.objects.order_by("id").first()
    urls = [
        "/",
        "/rankings/",
        "/rankings/levels/",
        f"/rankings/{category.slug}/",
        f"/p/{product.slug}/",
        f"/r/{review.pk}/",
        f"/u/{review.author.username}/",
        "/api/v1/reviews/",
        f"/api/v1/reviews/{review.pk}/",
        f"/api/v1/products/{product.slug}/reviews/most-helpful/",
        f"/api/v1/categories/{category.slug}/ranking/",
        f"/api/v1/users/{review.author.username}/standing/",
    ]
    out: dict = {"tables": {}, "pages": {}}
    for which in ("src", "dst"):
        use(which)
        out["tables"][which] = table_hashes()
    for url in urls:
        rendered = {}
        for which in ("src", "dst"):
            use(which)
            response = Client().get(url)
            body = response.content
            for pattern, replacement in VOLATILE:
                body = pattern.sub(replacement, body)
            rendered[which] = [response.status_code, hashlib.sha256(body).hexdigest(), len(body)]
        out["pages"][url] = rendered
    connection.close()
    print(json.dumps(out))


# --- the procedure -------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432", help="PostgreSQL, no database")
    parser.add_argument("--prefix", default="candor_roundtrip", help="names of the two databases")
    parser.add_argument(
        "--work", required=not {"--render", "--seed"} & set(sys.argv), help="folder for media and the backup"
    )
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--products", type=int, default=10)
    parser.add_argument("--reviews", type=int, default=60)
    parser.add_argument("--keep", action="store_true", help="keep both databases")
    parser.add_argument("--render", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--seed", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.render:
        _render_child()
        return 0
    if options.seed:
        _seed_child(*options.seed.split(","))
        return 0

    started = time.monotonic()
    pg_dump, pg_restore = tool("pg_dump"), tool("pg_restore")
    if not (pg_dump and pg_restore):
        print("pg_dump or pg_restore unreachable: install the PostgreSQL client")
        return 2
    src, dst = f"{options.prefix}_src", f"{options.prefix}_restored"
    try:
        for name in (src, dst):
            admin(options.server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    except Exception as error:  # noqa: BLE001 - any failure to connect
        print(f"PostgreSQL unreachable at {options.server}: {error}")
        return 2
    work = Path(options.work)
    media_src, media_dst, backup = work / "media_src", work / "media_restored", work / "backup"
    for folder in (media_src, media_dst, backup):
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
    src_env = django_env(options.server, src, media_src)
    dst_env = django_env(options.server, dst, media_dst)
    try:
        # 1. a seeded site
        admin(options.server, f'CREATE DATABASE "{src}"')
        counts = f"{options.users},{options.products},{options.reviews}"
        run([sys.executable, __file__, "--seed", counts], env=src_env)
        seeded = time.monotonic()

        # 2. backup: the database first, then the media (files are never deleted in place, so
        # every file a backed-up row names is in the later media copy)
        dump = backup / "candor.dump"
        run([pg_dump, "--format=custom", "--no-owner", f"--file={dump}", f"{options.server}/{src}"])
        with tarfile.open(backup / "media.tar", "w") as archive:
            archive.add(media_src, arcname=".")

        # 3. restore into a fresh database and a fresh media folder
        admin(options.server, f'CREATE DATABASE "{dst}"')
        run(
            [
                pg_restore,
                "--exit-on-error",
                "--single-transaction",
                "--no-owner",
                f"--dbname={options.server}/{dst}",
                str(dump),
            ]
        )
        with tarfile.open(backup / "media.tar") as archive:
            archive.extractall(media_dst, filter="data")
        restored = time.monotonic()

        # 4. verify
        files = sorted(str(p.relative_to(media_src)) for p in media_src.rglob("*") if p.is_file())
        copied = sorted(str(p.relative_to(media_dst)) for p in media_dst.rglob("*") if p.is_file())
        differing = (
            [f for f in files if not filecmp.cmp(media_src / f, media_dst / f, shallow=False)]
            if files == copied
            else files
        )
        result = render_both(src_env, dst_env)
        tables_differ = sorted(
            t
            for t in set(result["tables"]["src"]) | set(result["tables"]["dst"])
            if result["tables"]["src"].get(t) != result["tables"]["dst"].get(t)
        )
        pages_differ = sorted(url for url, r in result["pages"].items() if r["src"] != r["dst"] or r["src"][0] != 200)
        rows = sum(int(v.split(":")[0]) for v in result["tables"]["src"].values())
        print(f"seeded in {seeded - started:.1f}s, backed up and restored in {restored - seeded:.1f}s")
        print(
            f"backup: {dump.stat().st_size} bytes of database, {(backup / 'media.tar').stat().st_size} bytes of media"
        )
        print(f"tables identical: {len(result['tables']['src']) - len(tables_differ)} ({rows} rows)")
        print(f"files identical: {len(files) - len(differing)} of {len(files)} (restored folder holds {len(copied)})")
        print(f"pages identical: {len(result['pages']) - len(pages_differ)} of {len(result['pages'])}")
        for url, r in result["pages"].items():
            print(f"  {url}: {r['src'][0]} {r['src'][1][:12]} / {r['dst'][0]} {r['dst'][1][:12]}")
        if tables_differ or differing or files != copied or pages_differ or not files:
            print(f"DIFFERENT: tables {tables_differ}, files {differing[:10]}, pages {pages_differ}")
            return 1
        print(f"round trip identical in {time.monotonic() - started:.1f}s")
        return 0
    finally:
        if not options.keep:
            for name in (src, dst):
                admin(options.server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    sys.exit(main())
