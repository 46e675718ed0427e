"""Make the 1M-review benchmark database bilingual (issue 26), by hand, once:

    DATABASE_URL=postgres://postgres@127.0.0.1:5433/candor_bench_search REDIS_URL=redis://127.0.0.1:6379/3 \
        .venv/bin/python bench/search/bilingual.py

bench/generate.py writes English only ("Review N", "Tried it for a few weeks." repeated), so a
Chinese query matched nothing there. This gives the brands with an even id (and their products)
Chinese names and rewrites their reviews (about half of them) as Chinese notes drawn, in SQL, from
the skewed vocabulary run.py --build uses (ZH_WORDS: the first words far more common). Then it
re-indexes those brands, products and reviews through search.services (batches by key range, one
transaction each, progress printed) and runs VACUUM ANALYZE on the documents. Idempotent: a
second run draws new text for the same reviews.
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402

from search import cache, services  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import BRANDS, PRODUCT_WORDS_ZH, ZH_WORDS  # noqa: E402

CHINESE_BRANDS = [name for name in BRANDS if not name.isascii()]
STEP = 20_000  # reviews per UPDATE
BATCH = 1000  # documents per indexing transaction

# Each word's index is a Pareto draw (as random.paretovariate(1.1) in run.py), capped at the last.
DRAW = "words[LEAST(FLOOR(POWER(random(), -1 / 1.1))::int, cardinality(words))]"
REWRITE = f"""
WITH v AS (SELECT %s::text[] AS words)
UPDATE reviews_review r SET title = LEFT(g.title, 120), body = g.body
FROM (
    SELECT r2.id,
        (SELECT string_agg({DRAW}, '') FROM generate_series(1, 2 + mod(r2.id, 4)) s, v) AS title,
        (SELECT string_agg({DRAW} || CASE WHEN mod(s, 8) = 0 THEN '。' ELSE '' END, '')
           FROM generate_series(1, 16 + mod(r2.id * 7, 80)) s, v) AS body
    FROM reviews_review r2 JOIN reviews_product p ON p.id = r2.product_id
    WHERE r2.id > %s AND r2.id <= %s AND mod(p.brand_id, 2) = 0
) g WHERE r.id = g.id
"""


def main() -> None:
    started = time.perf_counter()
    with connection.cursor() as cursor, transaction.atomic():
        cursor.execute(
            "UPDATE reviews_brand SET name_zh = (%s::text[])[1 + mod(id, %s)] || id WHERE mod(id, 2) = 0",
            [CHINESE_BRANDS, len(CHINESE_BRANDS)],
        )
        cursor.execute(
            "UPDATE reviews_product SET name_zh = (%s::text[])[1 + mod(id, %s)] || id WHERE mod(brand_id, 2) = 0",
            [PRODUCT_WORDS_ZH, len(PRODUCT_WORDS_ZH)],
        )
        print(f"named {cursor.rowcount} products in Chinese", flush=True)
        cursor.execute("SELECT MAX(id) FROM reviews_review")
        (last,) = cursor.fetchone()
    cache.bump(cache.WORDS_RENAMED)  # other processes read every name again
    rewritten = 0
    for low in range(0, last, STEP):
        with connection.cursor() as cursor, transaction.atomic():
            cursor.execute(REWRITE, [ZH_WORDS, low, low + STEP])
            rewritten += cursor.rowcount
        print(f"rewrote {rewritten} reviews in Chinese (ids to {low + STEP})", flush=True)
    print(f"text written in {time.perf_counter() - started:.0f} s", flush=True)

    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM reviews_brand WHERE mod(id, 2) = 0")
        brands = [pk for (pk,) in cursor.fetchall()]
        cursor.execute("SELECT id FROM reviews_product WHERE mod(brand_id, 2) = 0")
        products = [pk for (pk,) in cursor.fetchall()]
    with transaction.atomic():
        services.index_brands(brands)
        services.index_products(products)
    indexing, done = time.perf_counter(), 0
    low = 0
    while True:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT r.id FROM reviews_review r JOIN reviews_product p ON p.id = r.product_id "
                "WHERE r.id > %s AND mod(p.brand_id, 2) = 0 ORDER BY r.id LIMIT %s",
                [low, BATCH],
            )
            ids = [pk for (pk,) in cursor.fetchall()]
        if not ids:
            break
        with transaction.atomic():
            services.index_reviews(ids)
        done, low = done + len(ids), ids[-1]
        if done % (20 * BATCH) == 0:
            seconds = time.perf_counter() - indexing
            print(f"indexed {done} reviews, {done / seconds:.0f}/s, load {os.getloadavg()[0]:.1f}", flush=True)
    print(f"indexed {done} reviews in {time.perf_counter() - indexing:.0f} s", flush=True)
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE search_searchdocument")
        cursor.execute("VACUUM ANALYZE reviews_review")
    print(f"done in {time.perf_counter() - started:.0f} s", flush=True)


if __name__ == "__main__":
    main()
