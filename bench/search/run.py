"""Search speed, by hand (not a timed test), on whatever database DATABASE_URL names.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h7 .venv/bin/python bench/search/run.py --build 100000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h7 .venv/bin/python bench/search/run.py [-r 30]

--build N writes a synthetic bilingual community of N reviews first (bench_ users, brands and
products named in Chinese and English, notes in either language drawn from a skewed vocabulary),
with bulk inserts that send no signals, then times `search_reindex`. On a database that already
holds reviews (the 1M benchmark database, after `manage.py search_reindex`), run without --build.

Prints, with the load average: p50 / p95 of search.selectors.search (first page, relevance, with
products, tags and people) for one- and two-word Chinese and English queries; of suggest() for
prefixes; and what indexing adds to a review's write: review_create with the search receivers
connected against disconnected, and index_reviews([id]) alone (the analysis and the upsert).
Every write is rolled back.
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
from reviews.models import Brand, Category, Product, Review  # noqa: E402
from reviews.services import review_create  # noqa: E402
from search import selectors, services, signals  # noqa: E402

QUERIES = {
    "zh 1 word": ["面霜", "防晒", "口紅", "精华", "敏感肌"],
    "zh 2 words": ["保湿 面霜", "防晒 清爽", "口红 显白", "精华 抗老"],
    "en 1 word": ["sunscreen", "serum", "moisturizer", "cleanser", "lipstick"],
    "en 2 words": ["face cream", "dry skin", "vitamin serum", "white cast"],
}
PREFIXES = ["ce", "cera", "防", "兰蔻", "#sen", "moist", "la r", "雅诗"]

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
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    started = time.perf_counter()
    counts = services.reindex_all()
    seconds = time.perf_counter() - started
    print(
        f"built {n} reviews; search_reindex: {counts} in {seconds:.1f} s ({counts['review'] / seconds:.0f} reviews/s)"
    )


def percentiles(samples: list[float]) -> str:
    samples = sorted(samples)
    p95 = samples[min(len(samples) - 1, int(round(0.95 * (len(samples) - 1))))]
    return f"p50 {statistics.median(samples) * 1000:7.1f} ms   p95 {p95 * 1000:7.1f} ms   (n={len(samples)})"


def timed(fn, repeats: int) -> list[float]:
    fn()  # warm: plans, the dictionary, the synonym list
    out = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        out.append(time.perf_counter() - started)
    return out


def write_costs(repeats: int) -> None:
    rng = random.Random(11)
    products = list(Product.objects.order_by("?")[:repeats])
    author = User.objects.create(username=f"bench_writer_{os.getpid()}", username_key=f"bench_writer_{os.getpid()}")

    def create_all() -> list[float]:
        times = []
        for n, product in enumerate([products[0], *products]):
            title, body = note_text(rng, chinese=rng.random() < 0.5)
            with transaction.atomic():
                started = time.perf_counter()
                review_create(author=author, product=product, rating=4, title=title, body=body, tags=["bench"])
                if n:  # the first one warms this path up
                    times.append(time.perf_counter() - started)
                transaction.set_rollback(True)
        return times

    with_index = create_all()
    post_save.disconnect(sender=Review, dispatch_uid="search-review-saved")
    m2m_changed.disconnect(sender=Review.tags.through, dispatch_uid="search-review-tags")
    without_index = create_all()
    signals.connect()
    reviews = list(Review.objects.order_by("?").values_list("pk", flat=True)[:repeats])
    alone, cpu = [], []
    for pk in reviews:
        services._analysed.cache_clear()
        with transaction.atomic():
            started, started_cpu = time.perf_counter(), time.process_time()
            services.index_reviews([pk])
            alone.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
            transaction.set_rollback(True)
    author.delete()
    print(f"review_create, search receivers on   {percentiles(with_index)}")
    print(f"review_create, search receivers off  {percentiles(without_index)}")
    print(f"index_reviews([id]) alone            {percentiles(alone)}")
    print(f"  of which this process's CPU        {percentiles(cpu)}")
    added = statistics.median(with_index) - statistics.median(without_index)
    print(f"indexing adds (median difference)     {added * 1000:.2f} ms per review write")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", type=int, default=0, help="write this many synthetic reviews first")
    parser.add_argument("-r", "--repeats", type=int, default=30)
    parser.add_argument("--writes-only", action="store_true", help="time only what indexing adds to a write")
    args = parser.parse_args()
    if args.build:
        build(args.build)
    reviews = Review.objects.count()
    print(
        f"database: {connection.vendor} {connection.settings_dict['NAME']}, {reviews} reviews; load {os.getloadavg()}"
    )
    for label, queries in QUERIES.items() if not args.writes_only else ():
        samples, totals = [], []
        for q in queries:
            samples += timed(lambda q=q: selectors.search(q), args.repeats)
            totals.append(selectors.search(q).total)
        print(f"search {label:<11} {percentiles(samples)}   matches {totals}")
    if not args.writes_only:
        samples = []
        for prefix in PREFIXES:
            samples += timed(lambda p=prefix: selectors.suggest(p), args.repeats)
        print(f"suggest             {percentiles(samples)}")
    write_costs(min(args.repeats * 3, 100))
    print(f"load {os.getloadavg()}")


if __name__ == "__main__":
    main()
