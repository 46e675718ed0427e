"""Review, comment and bio text for the demo community, composed from the word lists in demo_data.

Every function takes the caller's `random.Random`, so the same seed always writes the same words.
"""

import random
import re
from dataclasses import dataclass

from . import demo_data as data

# One-liner, short, medium, long: how much a reviewer wrote.
ONE_LINER, SHORT, MEDIUM, LONG = range(4)

_SLOT = re.compile(r"\{(\w+)\}")
# The group of a product kind not listed in demo_data.KIND_GROUPS.
_DEFAULT_GROUP = {"haircare": "style", "electronics": "gadget", "home": "things", "baby": "gear"}


@dataclass(frozen=True)
class ProductWords:
    """What a reviewer knows about the product they write about."""

    name: str
    brand: str
    kind: str
    category: str
    price: int

    @property
    def group(self) -> str:
        return data.KIND_GROUPS.get(self.kind, _DEFAULT_GROUP.get(self.category, "other"))


def usable(lines: list[str], product: ProductWords) -> list[str]:
    """The lines that fit this product: shared ones, and "group|..." ones for its own group."""
    fitting = []
    for line in lines:
        group, bar, rest = line.partition("|")
        if not bar:
            fitting.append(line)
        elif group == product.group:
            fitting.append(rest)
    return fitting


def sentiment(rating: int) -> str:
    return "pos" if rating >= 4 else "mixed" if rating == 3 else "neg"


def fill(template: str, rng: random.Random, product: ProductWords, memo: dict[str, str] | None = None) -> str:
    """Replace {slot}s with the product's own words or a pick from the word lists.

    `memo` keeps one pick per slot across a whole review, so a texture or shade stays the same
    from the first sentence to the last.
    """
    fixed = {"product": product.name, "brand": product.brand, "kind": product.kind, "price": f"${product.price}"}
    slots = {**data.COMMON_SLOTS, **data.VOCAB[product.category]["slots"]}
    memo = {} if memo is None else memo

    def pick(match: re.Match) -> str:
        name = match.group(1)
        if name in fixed:
            return fixed[name]
        if name not in memo:
            memo[name] = rng.choice(slots[name])
        return memo[name]

    text = _SLOT.sub(pick, template)
    return text[0].upper() + text[1:]


# Which sentiment pools a review of each rating draws its sentences from, in proportion.
_POOLS = {
    5: ["pos", "pos", "pos"],
    4: ["pos", "pos", "mixed"],
    3: ["mixed", "pos", "mixed", "neg"],
    2: ["neg", "mixed", "neg"],
    1: ["neg", "neg", "neg"],
}


def _sentences(rng: random.Random, product: ProductWords, rating: int, count: int, memo: dict) -> list[str]:
    vocab = data.VOCAB[product.category]
    candidates = {mood: usable(vocab[mood], product) for mood in ("pos", "mixed", "neg")}
    chosen: list[str] = []
    for i in range(count):
        moods = _POOLS[rating]
        pool = candidates[moods[i % len(moods)]] or candidates[sentiment(rating)]
        if not pool:
            break
        chosen.append(fill(pool.pop(rng.randrange(len(pool))), rng, product, memo))
    return chosen


def title(rng: random.Random, product: ProductWords, rating: int) -> str:
    return fill(rng.choice(data.TITLES[rating]), rng, product)[:120]


def body(rng: random.Random, product: ProductWords, rating: int, length: int) -> str:
    """A review body: a one-liner, a few sentences, or several paragraphs with pros and cons."""
    mood = sentiment(rating)
    vocab = data.VOCAB[product.category]
    memo: dict[str, str] = {}
    if length == ONE_LINER:
        own = usable(vocab["one_liners"].get(mood, []), product)
        return fill(rng.choice(own + data.ONE_LINERS[mood]), rng, product, memo)
    opener = fill(rng.choice(data.OPENERS[mood]), rng, product, memo)
    closer = fill(rng.choice(data.CLOSERS[mood]), rng, product, memo)
    if length == SHORT:
        return " ".join([opener, *_sentences(rng, product, rating, rng.randint(1, 2), memo)])
    if length == MEDIUM:
        middle = _sentences(rng, product, rating, rng.randint(3, 4), memo)
        split = rng.randint(1, len(middle))
        return "\n\n".join([" ".join([opener, *middle[:split]]), " ".join([*middle[split:], closer])])
    middle = _sentences(rng, product, rating, rng.randint(4, 6), memo)
    pros = usable(vocab["pros"], product)
    cons = usable(vocab["cons"], product)
    # The lists lean the same way as the rating: many pros on a 5, many cons on a 1.
    n_pros, n_cons = {5: (3, 1), 4: (3, 1), 3: (2, 2), 2: (1, 2), 1: (1, 3)}[rating]
    paragraphs = [
        f"{opener} {fill(rng.choice(data.CONTEXT), rng, product, memo)}",
        "First impressions: " + " ".join(middle[:2]),
        fill("After {weeks} weeks: ", rng, product, memo) + " ".join(middle[2:]),
        f"Pros: {', '.join(rng.sample(pros, min(n_pros, len(pros))))}.\n"
        f"Cons: {', '.join(rng.sample(cons, min(n_cons, len(cons))))}.",
        closer,
    ]
    return "\n\n".join(paragraphs)


def update_note(rng: random.Random, product: ProductWords, rating: int) -> str:
    return fill(rng.choice(data.UPDATES[sentiment(rating)]), rng, product)


def tags(rng: random.Random, product: ProductWords, rating: int, length: int, price_rank: float) -> list[str]:
    """0-4 tags: mostly the category's own, plus price and verdict tags where they fit."""
    count = rng.choices([0, 1, 2, 3, 4], weights=[2, 3, 4, 3, 2])[0]
    pool = set(usable(data.VOCAB[product.category]["tags"], product))
    if price_rank < 0.35:
        pool.update(data.GENERIC_TAGS["cheap"])
    elif price_rank > 0.75:
        pool.update(data.GENERIC_TAGS["pricey"])
    pool.update(data.GENERIC_TAGS["pos" if rating >= 4 else "neg" if rating <= 2 else "any"])
    pool.update(data.GENERIC_TAGS["any"] if length >= MEDIUM else ["first-impressions"])
    return rng.sample(sorted(pool), min(count, len(pool)))


def comment(rng: random.Random, product: ProductWords) -> str:
    questions = usable(data.VOCAB[product.category]["questions"], product)
    return fill(rng.choice(questions + data.COMMENTS_GENERIC), rng, product)


def author_reply(rng: random.Random) -> str:
    return rng.choice(data.AUTHOR_REPLIES)


def brand_reply(rng: random.Random) -> str:
    return rng.choice(data.BRAND_REPLIES)


def bio(rng: random.Random, interests: list[str]) -> str:
    persona = rng.choice(data.BIO_PERSONA[interests[0]])
    extra = [rng.choice(data.BIO_PERSONA[i]) for i in interests[1:2] if rng.random() < 0.4]
    return " ".join([persona, *extra, rng.choice(data.BIO_HONESTY)])


def product_description(rng: random.Random, product: ProductWords) -> str:
    highlights = rng.sample(usable(data.VOCAB[product.category]["pros"], product), 2)
    return (
        f"The {product.kind} from {product.brand}: {highlights[0]} and {highlights[1]}. "
        f"Usually around ${product.price}."
    )
