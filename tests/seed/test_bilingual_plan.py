"""The demo community's plan in two languages (issue 26): about half the notes in Chinese at the
default sizes, written as LRB notes are (emoji, #话题 tags), the same for the same seed."""

import re

from reviews.management import demo_data, demo_data_zh, demo_plan, demo_text_zh

HAN = re.compile(r"[\u4e00-\u9fff]")
EMOJI = re.compile(r"[\U0001f300-\U0001faff\u2600-\u27bf]")


def default_plan() -> demo_plan.Plan:
    return demo_plan.build(seed=2026, users=80, products=60, reviews=400)


def test_about_half_the_notes_are_chinese_by_chinese_writers():
    plan = default_plan()
    chinese = [r for r in plan.reviews if plan.people[r.author].language == "zh-hans"]
    assert 0.35 <= len(chinese) / len(plan.reviews) <= 0.65
    assert all(HAN.search(r.title) and HAN.search(r.body) for r in chinese)
    english = [r for r in plan.reviews if r not in chinese]
    assert not any(HAN.search(r.title + r.body) for r in english)
    writers = [p for p in plan.people if p.language == "zh-hans"]
    assert all(p.role == "member" and HAN.search(p.display_name) and HAN.search(p.bio) for p in writers)


def test_chinese_notes_read_like_lrb_notes():
    chinese = [r for r in default_plan().reviews if HAN.search(r.title)]
    with_emoji = [r for r in chinese if EMOJI.search(r.title + r.body)]
    assert len(with_emoji) / len(chinese) > 0.8
    # Every note carries #话题 tags, in Chinese, written at its end as well as stored as tags.
    assert all(r.tags and all(HAN.search(t) for t in r.tags) for r in chinese)
    assert all(r.body.rstrip().endswith(" ".join(f"#{t}" for t in r.tags)) for r in chinese)
    # Comments follow the commenter's language: both languages are spoken under the notes.
    comments = [body for r in chinese for _who, body, _delay in r.comments]
    assert any(HAN.search(c) for c in comments)


def test_every_catalogue_name_has_a_chinese_name():
    assert set(demo_data_zh.CATEGORY_NAMES) == {c["slug"] for c in demo_data.CATEGORIES}
    assert set(demo_data_zh.BRAND_NAMES) == {b[0] for b in demo_data.BRANDS}
    assert set(demo_data_zh.PRODUCT_NAMES) == {p[0] for ps in demo_data.PRODUCTS.values() for p in ps}
    plan = demo_plan.build(seed=7, users=12, products=200, reviews=10)  # variants too
    assert all(HAN.search(p.name_zh) for p in plan.products)
    assert demo_text_zh.product_name("Repair Shampoo Refill") == "修护洗发水替换装"


def test_the_same_seed_writes_the_same_words():
    assert default_plan() == default_plan()
