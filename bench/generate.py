"""Fill a PostgreSQL database with a synthetic Candor community for the ranking benchmark.

    sudo bench/cluster.sh          # once: the tuned cluster on :5433 with the database candor_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5433/candor_bench \\
        .venv/bin/python bench/generate.py --users 100000 --reviews 1000000 --votes 10000000

Everything is generated inside PostgreSQL with `INSERT ... SELECT ... generate_series` (no rows
travel through Python), so 10M votes take minutes, not hours. The data is deterministic for a
given --seed. It wipes the Candor tables first, and refuses to run on a database whose name does
not contain "bench".

Shape: users joined over three years (0.2% suspended); 20 categories, 500 brands, products =
users / 2; each user writes reviews/users reviews on distinct products (2% hidden, 0.5% removed),
bodies of 20 to 1,500 characters, 30% with 1-3 photos; votes per review follow an exponential
distribution (mean votes/reviews), 80% helpful, never on one's own review, one per voter per
review. Planted fraud: fans casting 6 votes on one author's reviews within an hour (serial
voting) and rings of three accounts voting only on each other.
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from accounts.names import name_key  # noqa: E402
from reviews.services import vote_tally_recount  # noqa: E402

# accounts_user.username_key and reviews_brand.name_key are unique and kept by save(): for the
# generated ASCII names ("bench123", "ring100001", "Brand 7") accounts.names.name_key lowers the
# case, drops the space and maps the digits 0 and 1 to the letters they look like, which SQL's
# translate() does in bulk; main() checks that against name_key first.
NAME_KEY_SQL = "translate(lower({name}), '01 ', 'ol')"

TABLES = [
    "ranking_voteevent",
    "ranking_reviewchange",
    "ranking_flaggedvote",
    "ranking_fraudflag_accounts",
    "ranking_fraudflag",
    "ranking_testerevent",
    "ranking_rerankrun",
    "ranking_rerankpending",
    "ranking_votepair",
    "ranking_categorystanding",
    "ranking_productscore",
    "ranking_categorystats",
    "ranking_reviewscore",
    "ranking_reviewerstanding",
    "reviews_votetally",
    "reviews_helpfulvote",
    "reviews_reviewphoto",
    "reviews_review",
    "reviews_product",
    "reviews_brand",
    "reviews_category",
    "accounts_user",
]


def step(name: str, sql: str, params: dict | None = None) -> None:
    began = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute(sql, params if params is not None else {})  # always parsed: write %% for modulo
        rows = cursor.rowcount
    print(f"  {name:<34} {rows:>11,} rows  {time.monotonic() - began:7.1f} s", flush=True)


def filler(table: str, given: set[str]) -> tuple[list[str], list[str]]:
    """Other apps may add NOT NULL columns to these tables; give them neutral values."""
    defaults = {"boolean": "FALSE", "integer": "0", "smallint": "0", "bigint": "0", "jsonb": "'{}'"}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = %s "
            "AND is_nullable = 'NO' AND column_default IS NULL AND column_name <> 'id'",
            [table],
        )
        extra = [(c, t) for c, t in cursor.fetchall() if c not in given]
    columns = [c for c, _ in extra]
    values = [defaults.get(t, "now()" if "timestamp" in t else "''") for _, t in extra]
    return columns, values


def insert(name: str, table: str, columns: dict[str, str], source: str, params: dict | None = None) -> None:
    """INSERT ... SELECT; the SQL is always parsed for parameters, so modulo is written %%."""
    extra_cols, extra_vals = filler(table, set(columns))
    cols = ", ".join([*columns, *extra_cols])
    vals = ", ".join([*columns.values(), *extra_vals])
    step(name, f"INSERT INTO {table} ({cols}) SELECT {vals} FROM {source}", params)


def without_secondary_indexes(table: str):
    """Drop a table's secondary indexes, unique and foreign-key constraints for a bulk load;
    returns the statements that put them back (the usual PostgreSQL bulk-loading advice: building
    an index once is far cheaper than maintaining it row by row, and deferred foreign-key checks
    would queue one trigger event per row)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype IN ('u', 'f')",
            [table],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT IN "
            "(SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)",
            [table, table],
        )
        indexes = cursor.fetchall()
        for name, _ in constraints:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
    restore = [definition for _, definition in indexes]
    restore += [f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}' for name, definition in constraints]
    return restore


def put_back(label: str, restore: list[str]) -> None:
    """Run the statements without_secondary_indexes returned."""
    began = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '512MB'")
        for statement in restore:
            cursor.execute(statement)
    print(f"  {label:<34} {len(restore):>11,} built  {time.monotonic() - began:7.1f} s", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--reviews", type=int, default=1_000_000)
    parser.add_argument("--votes", type=int, default=10_000_000)
    parser.add_argument("--seed", type=float, default=0.42)
    args = parser.parse_args()
    name = connection.settings_dict["NAME"]
    if connection.vendor != "postgresql" or "bench" not in name:
        sys.exit(f"refusing to fill {connection.vendor} database {name!r}: use a PostgreSQL database named *bench*")
    users, reviews, votes = args.users, args.reviews, args.votes
    products = max(users // 2, 100)
    per_user = -(-reviews // users)
    # 977 is prime: k * 977 mod products differs for every k < products unless 977 divides it.
    if per_user + 8 > products or products % 977 == 0:
        sys.exit("too many reviews per user for the number of products; add users")
    p = {"u": users, "r": reviews, "v": votes, "p": products, "mean": votes / reviews + 0.5}  # floor() loses 0.5
    print(f"database {name}: {users:,} users, {reviews:,} reviews, {votes:,} votes, {products:,} products")
    began = time.monotonic()
    with connection.cursor() as cursor:
        for sample in ("bench1234567890", "ring100001", "Brand 10"):
            cursor.execute(f"SELECT {NAME_KEY_SQL.format(name='%s')}", [sample])
            if cursor.fetchone()[0] != name_key(sample):
                sys.exit(f"NAME_KEY_SQL no longer matches accounts.names.name_key({sample!r}): update it")
    call_command("migrate", verbosity=0)
    step("wipe", f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE", p)
    step("seed", "SELECT setseed(%(seed)s)", {"seed": args.seed})
    # The first (full) rerank reads every review: no review change needed for the bulk load (ranking 0016).
    for table in ("reviews_review", "reviews_reviewphoto", "reviews_product"):
        step(f"review changes off ({table})", f"ALTER TABLE {table} DISABLE TRIGGER USER")
    insert(
        "users",
        "accounts_user",
        {
            "id": "g",
            "password": "'!'",
            "is_superuser": "FALSE",
            "username": "'bench' || g",
            "username_key": NAME_KEY_SQL.format(name="'bench' || g"),
            "email": "'bench' || g || '@example.com'",
            "is_staff": "FALSE",
            "is_active": "TRUE",
            "date_joined": "now() - random() * interval '1095 days'",
            "display_name": "'Bench ' || g",
            "suspended_until": "CASE WHEN g %% 500 = 0 THEN now() + interval '30 days' END",
        },
        "generate_series(1, %(u)s) g",
        p,
    )
    insert(
        "categories",
        "reviews_category",
        {"id": "g", "name": "'Category ' || g", "slug": "'category-' || g", "position": "g"},
        "generate_series(1, 20) g",
        p,
    )
    insert(
        "brands",
        "reviews_brand",
        {
            "id": "g",
            "name": "'Brand ' || g",
            "name_key": NAME_KEY_SQL.format(name="'Brand ' || g"),
            "slug": "'brand-' || g",
            "is_verified": "g %% 3 = 0",
        },
        "generate_series(1, 500) g",
        p,
    )
    insert(
        "products",
        "reviews_product",
        {
            "id": "g",
            "name": "'Product ' || g",
            "slug": "'product-' || g",
            "brand_id": "1 + g %% 500",
            "category_id": "1 + (g * 7) %% 20",
        },
        "generate_series(1, %(p)s) g",
        p,
    )
    # Review i is the (i / users)-th review of author i % users, on a product no other review of
    # that author uses (977 * k spreads them).
    insert(
        "reviews",
        "reviews_review",
        {
            "id": "g",
            "author_id": "1 + (g - 1) %% %(u)s",
            "product_id": "1 + (((g - 1) %% %(u)s) * 31 + ((g - 1) / %(u)s) * 977) %% %(p)s",
            "rating": "CASE WHEN random() < 0.45 THEN 5 WHEN random() < 0.6 THEN 4 ELSE 1 + floor(random() * 3)::int END",
            "title": "'Review ' || g",
            "body": "repeat('Tried it for a few weeks. ', 1 + floor(random() * 55)::int)",
            "status": "CASE WHEN g %% 200 = 0 THEN 'removed' WHEN g %% 50 = 0 THEN 'hidden' ELSE 'published' END",
            "created_at": "t.t",
            "changed_at": "t.t",
            "helpful_count": "0",
            "not_helpful_count": "0",
            "comment_count": "0",
            "save_count": "0",
        },
        # One random instant per row, used for both columns.
        "generate_series(1, %(r)s) g CROSS JOIN LATERAL (SELECT now() - random() * interval '730 days' + g * interval '0 s' AS t) t",
        p,
    )
    insert(
        "photos",
        "reviews_reviewphoto",
        {
            "review_id": "r.id",
            "position": "k",
            "image": "'bench/photo.jpg'",
            "thumbnail": "'bench/thumb.jpg'",
            "width": "1200",
            "height": "900",
            "alt_text": "''",
            "created_at": "r.created_at",
        },
        "reviews_review r CROSS JOIN LATERAL generate_series(0, r.id %% 3) k WHERE r.id %% 10 < 3",
        p,
    )
    # Votes: an exponential number per review; voter = author + an offset in [1, users - 1] that
    # differs for each k, so never a self-vote and never two votes by one voter on one review.
    restore = without_secondary_indexes("reviews_helpfulvote")
    # The first (full) rerank sums every vote: no vote event needed for the bulk load (ranking 0015).
    step("vote events off", "ALTER TABLE reviews_helpfulvote DISABLE TRIGGER ranking_vote_event")
    step(
        "vote counts",
        "CREATE TEMP TABLE bench_n AS SELECT id, author_id, created_at, "
        "LEAST(%(u)s - 1, floor(-ln(1 - random()) * %(mean)s)::int) AS n FROM reviews_review",
        p,
    )
    insert(
        "votes",
        "reviews_helpfulvote",
        {
            "user_id": "1 + (b.author_id - 1 + 1 + (k * 9973 + b.id * 7) %% (%(u)s - 1)) %% %(u)s",
            "review_id": "b.id",
            "helpful": "random() < 0.8",
            "created_at": "t.t",
            "updated_at": "t.t",
        },
        "bench_n b CROSS JOIN LATERAL generate_series(0, b.n - 1) k "
        "CROSS JOIN LATERAL (SELECT b.created_at + random() * (now() - b.created_at) + k * interval '0 s' AS t) t",
        p,
    )
    put_back("vote indexes and constraints", restore)
    # Planted fraud. Fans: 6 votes within an hour on one author's reviews.
    fans = max(users // 500, 2)
    step(
        "serial voters",
        "INSERT INTO reviews_helpfulvote (user_id, review_id, helpful, created_at, updated_at) "
        "SELECT f.fan, r.id, TRUE, now() - interval '3 days' + r.id %% 60 * interval '1 minute', "
        "now() - interval '3 days' + r.id %% 60 * interval '1 minute' "
        "FROM (SELECT g AS fan, 1 + (g * 13) %% %(u)s AS author FROM generate_series(1, %(fans)s) g) f "
        "JOIN reviews_review r ON r.author_id = f.author AND r.id <= f.author + 5 * %(u)s "
        "WHERE f.fan <> f.author ON CONFLICT DO NOTHING",
        {**p, "fans": fans},
    )
    # Rings: fresh accounts (ids after the organic users) that vote only on each other: member i
    # of a ring votes helpful on every review of member i + 1.
    rings = max(users // 2000, 1)
    q = {**p, "rings": rings, "first": users + 1}
    insert(
        "ring accounts",
        "accounts_user",
        {
            "id": "g",
            "password": "'!'",
            "is_superuser": "FALSE",
            "username": "'ring' || g",
            "username_key": NAME_KEY_SQL.format(name="'ring' || g"),
            "email": "'ring' || g || '@example.com'",
            "is_staff": "FALSE",
            "is_active": "TRUE",
            "date_joined": "now() - interval '200 days'",
            "display_name": "'Ring ' || g",
        },
        "generate_series(%(first)s, %(first)s + 3 * %(rings)s - 1) g",
        q,
    )
    insert(
        "ring reviews",
        "reviews_review",
        {
            "id": "%(r)s + (a.id - %(first)s) * 8 + k + 1",
            "author_id": "a.id",
            "product_id": "1 + (a.id * 31 + k * 977) %% %(p)s",
            "rating": "5",
            "title": "'Ring review'",
            "body": "repeat('Amazing, buy it. ', 20)",
            "status": "'published'",
            "created_at": "now() - interval '100 days' + k * interval '5 days'",
            "changed_at": "now() - interval '100 days' + k * interval '5 days'",
            "helpful_count": "0",
            "not_helpful_count": "0",
            "comment_count": "0",
            "save_count": "0",
        },
        "accounts_user a CROSS JOIN generate_series(0, 7) k WHERE a.id >= %(first)s",
        q,
    )
    step(
        "ring votes",
        "INSERT INTO reviews_helpfulvote (user_id, review_id, helpful, created_at, updated_at) "
        "SELECT m.id, r.id, TRUE, r.created_at + interval '2 hours', r.created_at + interval '2 hours' "
        "FROM accounts_user m JOIN reviews_review r ON r.author_id = "
        "  %(first)s + ((m.id - %(first)s) / 3) * 3 + ((m.id - %(first)s) %% 3 + 1) %% 3 "
        "WHERE m.id >= %(first)s",
        q,
    )
    step("vote events on", "ALTER TABLE reviews_helpfulvote ENABLE TRIGGER ranking_vote_event")
    for table in ("reviews_review", "reviews_reviewphoto", "reviews_product"):
        step(f"review changes on ({table})", f"ALTER TABLE {table} ENABLE TRIGGER USER")
    step(
        "review counters",
        "UPDATE reviews_review r SET helpful_count = a.h, not_helpful_count = a.n FROM ("
        "  SELECT review_id, SUM(CASE WHEN helpful THEN 1 ELSE 0 END) AS h, "
        "  SUM(CASE WHEN helpful THEN 0 ELSE 1 END) AS n FROM reviews_helpfulvote GROUP BY review_id"
        ") a WHERE r.id = a.review_id",
        p,
    )
    # The tallies' foreign keys are deferred: kept, they would queue two checks per tally row
    # (~10M) for the commit, which then takes longer than the recount itself.
    restore = without_secondary_indexes("reviews_votetally")
    began_tally = time.monotonic()
    tallies = vote_tally_recount()  # the same set-based recount the app offers for bulk imports
    print(f"  {'vote tallies (voter x author)':<34} {tallies:>11,} rows  {time.monotonic() - began_tally:7.1f} s")
    put_back("tally indexes and constraints", restore)
    for table in (
        "accounts_user",
        "reviews_category",
        "reviews_brand",
        "reviews_product",
        "reviews_review",
        "reviews_reviewphoto",
        "reviews_helpfulvote",
    ):
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))")
    connection.set_autocommit(True)
    step("vacuum analyze", "VACUUM ANALYZE")
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM reviews_helpfulvote")
        total_votes = cursor.fetchone()[0]
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        size = cursor.fetchone()[0]
    print(f"done in {time.monotonic() - began:.0f} s: {total_votes:,} votes in all, database size {size}")


if __name__ == "__main__":
    main()
