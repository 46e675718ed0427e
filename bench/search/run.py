"""Search speed, by hand (not a timed test), on whatever database DATABASE_URL names.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h7 .venv/bin/python bench/search/run.py --build 100000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h7 .venv/bin/python bench/search/run.py [--runs 3] [-r 10]
    # the 1M-review benchmark database (bench/generate.py), indexed by `manage.py migrate search`:
    DATABASE_URL=postgres://postgres@127.0.0.1:5433/candor_bench .venv/bin/python bench/search/run.py --queries bench

--build N writes a synthetic bilingual community of N reviews first (bench_ users, brands and
products named in Chinese and English, notes in either language drawn from a skewed vocabulary),
with bulk inserts that send no signals, then indexes it (search.services.index_missing, what
migrate does) and runs VACUUM ANALYZE (a bulk-filled GIN index keeps a pending list until then).

Each run prints, with the load average: p50 / p95 of search.selectors.search (first page,
relevance, with products, tags and people) per group of queries, and of the floor, a plain
indexed tsvector match of the same query returning a page of ids in the same loop; of suggest()
and its floor (a prefix match on the label keys' B-tree, search_label_key; the labels' GIN
prefix match it replaced is printed beside it); and what indexing adds to a review's write:
review_create with the search receivers connected against disconnected (every write rolled back).
--runs repeats everything and ends with min / median / max of each figure over the runs.
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.db.models.signals import m2m_changed, post_save  # noqa: E402

from accounts.models import User  # noqa: E402
from reviews.models import Brand, Category, Product, Review, Tag  # noqa: E402
from reviews.services import review_create  # noqa: E402
from search import selectors, services, signals  # noqa: E402
from search.query import parse, parse_prefix, prefix_to_fts5, prefix_to_tsquery, to_tsquery  # noqa: E402

QUERY_SETS = {}
QUERIES = {
    "zh 1 word": ["面霜", "防晒", "口紅", "精华", "敏感肌"],
    "zh 2 words": ["保湿 面霜", "防晒 清爽", "口红 显白", "精华 抗老"],
    "en 1 word": ["sunscreen", "serum", "moisturizer", "cleanser", "lipstick"],
    "en 2 words": ["face cream", "dry skin", "vitamin serum", "white cast"],
}
QUERY_SETS["synthetic"] = QUERIES
# bench/generate.py's text: titles "Review N", products "Product N" of "Brand N", bodies of "Tried
# it for a few weeks." repeated: one word matches every review, "product N" a few dozen.
# bench/search/bilingual.py rewrites half of them in Chinese, from ZH_WORDS (面霜 in most of those).
QUERY_SETS["bench"] = {
    "zh 1 word": ["面霜", "防晒", "口紅", "精华", "敏感肌"],
    "zh 2 words": ["保湿 面霜", "防晒 清爽", "口红 显白", "精华 抗老"],
    "en 1 word, every review": ["weeks", "tried", "review"],
    "en 1 word, rare": ["123457", "99"],
    "en 2 words": ["product 123", "brand 7", "few weeks", "review 4242"],
}
PREFIXES = ["ce", "cera", "防", "兰蔻", "#sen", "moist", "la r", "雅诗"]
BENCH_PREFIXES = ["pro", "product 12", "bra", "brand 4", "防"]

ZH_WORDS = (
    "面霜 保湿 滋润 清爽 防晒 口红 显白 精华 抗老 敏感肌 干皮 油皮 混油 毛孔 美白 痘痘 质地 吸收 "
    "味道 包装 回购 推荐 一般 好用 温和 刺激 泛红 修护 屏障 补水 控油 持妆 卡粉 假白 搓泥 "
    "冬天 夏天 早上 晚上 价格 性价比 成分 烟酰胺 视黄醇 玻尿酸 神经酰胺"
).split()
EN_WORDS = (
    "cream serum sunscreen moisturizer cleanser toner lipstick mask oil balm gel lotion dry oily "
    "sensitive skin face glow texture scent price repurchase gentle sting redness barrier hydrating "
    "matte dewy pores acne vitamin retinol niacinamide ceramide white cast pilling winter summer "
    "morning night light heavy sticky smooth fragrance bottle pump"
).split()
BRANDS = [
    "CeraVe",
    "La Roche-Posay",
    "兰蔻",
    "雅诗兰黛",
    "薇诺娜",
    "花西子",
    "The Ordinary",
    "珀莱雅",
    "Kiehl's",
    "完美日记",
]
PRODUCT_WORDS_ZH = "小黑瓶 小棕瓶 面霜 防晒乳 精华液 口红 洁面乳 爽肤水 眼霜 气垫".split()
PRODUCT_WORDS_EN = "Cream Serum Sunscreen Cleanser Toner Lipstick Eye-Cream Cushion Balm Lotion".split()


def zipf_choice(rng: random.Random, words: list[str]) -> str:
    # A skewed vocabulary, as real text is: the first words are far more common.
    return words[min(int(rng.paretovariate(1.1)) - 1, len(words) - 1)]


def note_text(rng: random.Random, chinese: bool) -> tuple[str, str]:
    words = ZH_WORDS if chinese else EN_WORDS
    joiner = "" if chinese else " "
    sentences = []
    for _ in range(rng.randint(2, 12)):
        sentence = joiner.join(zipf_choice(rng, words) for _ in range(rng.randint(4, 12)))
        sentences.append(sentence + ("。" if chinese else ". "))
    title = joiner.join(zipf_choice(rng, words) for _ in range(rng.randint(2, 5)))
    return title[:120], "".join(sentences)[:10_000]


def build(n: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    category, _ = Category.objects.get_or_create(slug="bench-skincare", defaults={"name": "Bench skincare 护肤"})
    brands = []
    for i, name in enumerate(BRANDS):
        brand = Brand.objects.filter(slug=f"bench-brand-{i}").first()
        brands.append(brand or Brand.objects.create(name=f"{name} {i}", slug=f"bench-brand-{i}"))
    products = []
    for i in range(max(50, n // 100)):
        brand = brands[i % len(brands)]
        name = (
            f"{rng.choice(PRODUCT_WORDS_ZH)}{i}" if i % 2 else f"{rng.choice(PRODUCT_WORDS_EN)} {i}"
        )  # unique per brand
        product, _ = Product.objects.get_or_create(
            slug=f"bench-product-{i}", defaults={"brand": brand, "category": category, "name": name}
        )
        products.append(product)
    users = list(User.objects.filter(username__startswith="bench_s_"))
    have = len(users)
    User.objects.bulk_create(
        [
            User(username=f"bench_s_{i}", username_key=f"bench_s_{i}", password="!", display_name=f"读者{i}")
            for i in range(have, max(have, n // 20))
        ],
        batch_size=2000,
    )
    users = list(User.objects.filter(username__startswith="bench_s_").values_list("pk", flat=True))
    made, batch = 0, []
    taken = set(Review.objects.filter(author_id__in=users).values_list("author_id", "product_id"))
    while made < n:
        author, product = rng.choice(users), rng.choice(products)
        if (author, product.pk) in taken:
            continue
        taken.add((author, product.pk))
        title, body = note_text(rng, chinese=rng.random() < 0.5)
        batch.append(Review(author_id=author, product=product, rating=rng.randint(1, 5), title=title, body=body))
        made += 1
        if len(batch) == 5000:
            Review.objects.bulk_create(batch)
            batch = []
    Review.objects.bulk_create(batch)
    started = time.perf_counter()
    counts = services.index_missing()
    seconds = time.perf_counter() - started
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    print(f"built {n} reviews; indexed {counts} in {seconds:.1f} s ({counts['review'] / seconds:.0f} reviews/s)")


def p50_p95(samples: list[float]) -> tuple[float, float]:
    samples = sorted(samples)
    p95 = samples[min(len(samples) - 1, int(round(0.95 * (len(samples) - 1))))]
    return statistics.median(samples) * 1000, p95 * 1000


def timed_pair(fn, floor, repeats: int) -> tuple[list[float], list[float]]:
    """`fn` and its floor, interleaved, so both see the same load."""
    fn(), floor()  # warm: plans, the dictionary, the synonym list
    out, floors = [], []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        out.append(time.perf_counter() - started)
        started = time.perf_counter()
        floor()
        floors.append(time.perf_counter() - started)
    return out, floors


def match_floor(q: str):
    sql = (
        "SELECT object_id FROM search_searchdocument WHERE kind = 'review' "
        "AND vector @@ to_tsquery('simple', %s) LIMIT 21"
    )
    tsquery = to_tsquery(parse(q)) if parse(q) else "''"

    def run():
        with connection.cursor() as cursor:
            cursor.execute(sql, [tsquery])
            cursor.fetchall()

    return run


def prefix_floor(prefix: str):
    """A prefix match on the label keys' B-tree (PostgreSQL: search_label_key, products), or on
    the FTS5 table (SQLite), returning 11 ids."""
    parsed = parse_prefix(prefix.lstrip("#"))
    if connection.vendor == "postgresql":
        sql = (
            "SELECT object_id FROM search_label_key WHERE kind = 'product' AND key >= %s AND key < %s "
            "ORDER BY key LIMIT 11"
        )
        params = [parsed.whole, parsed.whole + selectors.KEY_END]
    else:
        sql = "SELECT rowid FROM search_fts WHERE search_fts MATCH %s LIMIT 11"
        params = [prefix_to_fts5(parsed)]

    def run():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            cursor.fetchall()

    return run


def gin_prefix_match(prefix: str):
    """The floor before search_label_key: a prefix match on the labels' GIN index (LIMIT 11)."""
    sql = "SELECT id FROM search_searchdocument WHERE label <> '' AND label_vector @@ to_tsquery('simple', %s) LIMIT 11"
    parsed = parse_prefix(prefix.lstrip("#"))
    tsquery = prefix_to_tsquery(parsed) if parsed else "''"

    def run():
        with connection.cursor() as cursor:
            cursor.execute(sql, [tsquery])
            cursor.fetchall()

    return run


def write_costs(repeats: int) -> dict[str, float]:
    rng = random.Random(11)
    products = list(Product.objects.order_by("?")[: repeats + 1])
    author = User.objects.create(username=f"bench_writer_{os.getpid()}", username_key=f"bench_writer_{os.getpid()}")
    # The tag exists (with its document), as most tags a note carries do: a new tag's first use
    # costs a read of its name and the write of its document besides.
    Tag.objects.get_or_create(name="bench")

    # Committed once, as a tag's earlier uses are: a process remembers a tag it saw committed with
    # a document (search.services.review_tags_added) and then leaves its words to the link's trigger.
    review_create(author=author, product=products[-1], rating=4, title="warm", body="up", tags=["bench"])
    # Off: the receivers disconnected and the tag-link trigger (search 0005) disabled. The same
    # ALTER runs before each write (enable or disable, rolled back with it), so both pay the
    # catalogue reload it causes. (Skipped where the trigger is absent: code before 0005.)
    trigger = "ALTER TABLE reviews_review_tags {} TRIGGER search_review_tag_added"
    has_trigger = connection.vendor == "postgresql" and bool(
        _scalar("SELECT COUNT(*) FROM pg_trigger WHERE tgname = 'search_review_tag_added'")
    )

    def create(product, title: str, body: str, indexing: bool) -> tuple[float, float]:
        if indexing:
            signals.connect()
        else:
            post_save.disconnect(sender=Review, dispatch_uid="search-review-saved")
            m2m_changed.disconnect(sender=Review.tags.through, dispatch_uid="search-review-tags")
        with transaction.atomic():
            if has_trigger:
                with connection.cursor() as cursor:
                    cursor.execute(trigger.format("ENABLE" if indexing else "DISABLE"))
            started, started_cpu = time.perf_counter(), time.process_time()
            review_create(author=author, product=product, rating=4, title=title, body=body, tags=["bench"])
            spent = time.perf_counter() - started, time.process_time() - started_cpu
            transaction.set_rollback(True)
        return spent

    # Each note written with and without indexing, one after the other (which goes first
    # alternates), so a pair sees the same load; the first pair warms both paths up.
    with_index, without_index, cpu_with, cpu_without = [], [], [], []
    for n, product in enumerate([products[0], *products[:-1]]):
        title, body = note_text(rng, chinese=n % 2 == 0)
        pair = {}
        for indexing in (True, False) if n % 2 else (False, True):
            pair[indexing] = create(product, title, body, indexing)
        if n:
            with_index.append(pair[True][0])
            without_index.append(pair[False][0])
            cpu_with.append(pair[True][1])
            cpu_without.append(pair[False][1])
    signals.connect()
    author.delete()
    on, off = p50_p95(with_index), p50_p95(without_index)
    paired = statistics.median(a - b for a, b in zip(with_index, without_index, strict=True)) * 1000
    cpu_added = statistics.median(a - b for a, b in zip(cpu_with, cpu_without, strict=True)) * 1000
    print(f"  review_create, search receivers on   p50 {on[0]:7.2f} ms  p95 {on[1]:7.2f} ms")
    print(f"  review_create, search receivers off  p50 {off[0]:7.2f} ms  p95 {off[1]:7.2f} ms (the floor)")
    print(
        f"  indexing adds (median of the pairs' differences) {paired:.2f} ms per review write "
        f"(difference of the medians {on[0] - off[0]:.2f} ms), {cpu_added:.2f} ms of it CPU here"
    )
    return {
        "write: indexing adds (ms)": paired,
        "write: with / without": on[0] / off[0],
        "write: indexing adds, this process's CPU (ms)": cpu_added,
    }


def _scalar(sql: str):
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


def one_run(args, queries: dict[str, list[str]], prefixes: list[str]) -> dict[str, float]:
    figures = {}
    print(f"load {os.getloadavg()}")
    for label, group in queries.items() if not args.writes_only else ():
        samples, floors, totals = [], [], []
        for q in group:
            got, floor = timed_pair(lambda q=q: selectors.search(q), match_floor(q), args.repeats)
            samples += got
            floors += floor
            totals.append(selectors.search(q).total)
        (p50, p95), (f50, f95) = p50_p95(samples), p50_p95(floors)
        print(
            f"  search {label:<26} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms   floor p50 {f50:6.2f} p95 {f95:6.2f} ms   "
            f"matches {totals}"
        )
        figures[f"search {label}: p95 (ms)"] = p95
        figures[f"search {label}: p95 / floor p95"] = p95 / f95
    if not args.writes_only:
        samples, floors = [], []
        for prefix in prefixes:
            got, floor = timed_pair(lambda p=prefix: selectors.suggest(p), prefix_floor(prefix), args.repeats)
            samples += got
            floors += floor
        (p50, p95), (f50, f95) = p50_p95(samples), p50_p95(floors)
        print(f"  suggest {'':<25} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms   floor p50 {f50:6.2f} p95 {f95:6.2f} ms")
        figures["suggest: p95 (ms)"] = p95
        figures["suggest: p95 / floor p95"] = p95 / f95
        if connection.vendor == "postgresql":
            gin = []
            for prefix in prefixes:
                gin += timed_pair(gin_prefix_match(prefix), lambda: None, args.repeats)[0]
            g50, g95 = p50_p95(gin)
            print(
                f"  GIN prefix match on the labels (the floor before search_label_key) p50 {g50:6.2f} p95 {g95:6.2f} ms"
            )
            figures["suggest: GIN label prefix match p95 (ms)"] = g95
    figures.update(write_costs(args.writes))
    print(f"load {os.getloadavg()}")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", type=int, default=0, help="write this many synthetic reviews first")
    parser.add_argument("-r", "--repeats", type=int, default=10, help="timings of each query per run")
    parser.add_argument("--runs", type=int, default=3, help="whole runs; min / median / max over them")
    parser.add_argument("--writes", type=int, default=40, help="review writes timed per half")
    parser.add_argument("--queries", choices=sorted(QUERY_SETS), default="synthetic")
    parser.add_argument("--writes-only", action="store_true", help="time only what indexing adds to a write")
    args = parser.parse_args()
    if args.build:
        build(args.build)
    reviews = Review.objects.count()
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}, {reviews} reviews; {time.ctime()}")
    prefixes = BENCH_PREFIXES if args.queries == "bench" else PREFIXES
    runs = [one_run(args, QUERY_SETS[args.queries], prefixes) for _ in range(args.runs)]
    print(f"over {args.runs} runs: min / median / max")
    for name in runs[0]:
        values = sorted(run[name] for run in runs)
        print(f"  {name:<48} {values[0]:8.2f} {statistics.median(values):8.2f} {values[-1]:8.2f}")


if __name__ == "__main__":
    main()
