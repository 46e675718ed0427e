"""Notes, comments and bios of the demo community's Chinese writers, from demo_data_zh.

Every function takes the caller's `random.Random`, so the same seed always writes the same words.
"""

import random

from . import demo_data_zh as data
from .demo_text import LONG, MEDIUM, ONE_LINER, SHORT, ProductWords, sentiment


def product_name(name: str) -> str:
    """The Chinese name of a demo product (its variant suffix included)."""
    for variant, chinese in data.VARIANT_NAMES.items():
        if name.endswith(f" {variant}"):
            return f"{data.PRODUCT_NAMES[name.removesuffix(f' {variant}')]}{chinese}"
    return data.PRODUCT_NAMES[name]


def _fill(template: str, rng: random.Random, product: ProductWords) -> str:
    return template.format(
        product=product_name(product.name),
        brand=data.BRAND_NAMES[product.brand],
        weeks=rng.choice("两三四五六八"),
        # The demo's prices are in dollars; Chinese readers see yuan.
        price=f"¥{product.price * 7}",
    )


def title(rng: random.Random, product: ProductWords, rating: int) -> str:
    return _fill(rng.choice(data.TITLES[rating]), rng, product)[:120]


def _sentences(rng: random.Random, product: ProductWords, rating: int, count: int) -> list[str]:
    moods = {5: ["pos"], 4: ["pos", "pos", "mixed"], 3: ["mixed", "pos", "neg"], 2: ["neg", "mixed"], 1: ["neg"]}
    pools = {mood: list(lines) for mood, lines in data.SENTENCES[product.category].items()}
    chosen = []
    for i in range(count):
        pool = pools[moods[rating][i % len(moods[rating])]] or pools[sentiment(rating)]
        if not pool:
            break
        chosen.append(_fill(pool.pop(rng.randrange(len(pool))), rng, product))
    return chosen


def body(rng: random.Random, product: ProductWords, rating: int, length: int, tags: list[str]) -> str:
    """A note: a line, a few lines, or paragraphs with pros and cons; its #话题 at the end."""
    mood = sentiment(rating)
    hashtags = " ".join(f"#{tag}" for tag in tags)
    if length == ONE_LINER:
        text = _fill(rng.choice(data.ONE_LINERS[mood]), rng, product)
        return f"{text} {hashtags}".strip()
    opener = _fill(rng.choice(data.OPENERS[mood]), rng, product)
    closer = _fill(rng.choice(data.CLOSERS[mood]), rng, product)
    if length == SHORT:
        parts = [opener, *_sentences(rng, product, rating, rng.randint(1, 2))]
    elif length == MEDIUM:
        middle = _sentences(rng, product, rating, 3)
        parts = [f"{opener}\n{''.join(middle[:1])}", "\n".join(middle[1:]), closer]
    elif length == LONG:
        middle = _sentences(rng, product, rating, rng.randint(3, 5))
        n_pros, n_cons = {5: (3, 1), 4: (3, 1), 3: (2, 2), 2: (1, 2), 1: (1, 3)}[rating]
        pros, cons = data.PROS_CONS_LABELS
        parts = [
            opener,
            "\n".join(f"{'🌟' if i % 2 else '💡'}{line}" for i, line in enumerate(middle)),
            pros + "、".join(rng.sample(data.PROS, n_pros)),
            cons + "、".join(rng.sample(data.CONS, n_cons)),
            closer,
        ]
    else:
        raise ValueError(f"unknown note length: {length!r}")
    return "\n\n".join([*parts, hashtags] if hashtags else parts)


def tags(rng: random.Random, product: ProductWords, rating: int, price_rank: float) -> list[str]:
    """1-4 #话题: LRB notes nearly always carry some."""
    pool = set(data.TAGS[product.category]) | set(data.GENERIC_TAGS["any"])
    if price_rank < 0.35:
        pool.update(data.GENERIC_TAGS["cheap"])
    elif price_rank > 0.75:
        pool.update(data.GENERIC_TAGS["pricey"])
    pool.update(data.GENERIC_TAGS["pos" if rating >= 4 else "neg" if rating <= 2 else "any"])
    return rng.sample(sorted(pool), rng.choices([1, 2, 3, 4], weights=[2, 4, 3, 2])[0])


def update_note(rng: random.Random, product: ProductWords, rating: int) -> str:
    return _fill(rng.choice(data.UPDATES[sentiment(rating)]), rng, product)


def comment(rng: random.Random, product: ProductWords) -> str:
    return _fill(rng.choice(data.COMMENTS), rng, product)


def author_reply(rng: random.Random) -> str:
    return rng.choice(data.AUTHOR_REPLIES)


def brand_reply(rng: random.Random) -> str:
    return rng.choice(data.BRAND_REPLIES)


def bio(rng: random.Random, interests: list[str]) -> str:
    return " | ".join([rng.choice(data.BIO_PERSONA[interests[0]]), rng.choice(data.BIO_HONESTY)])


def display_name(rng: random.Random) -> str:
    return rng.choice(data.DISPLAY_NAMES)
