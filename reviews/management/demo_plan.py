"""The demo community as a plan: who exists, what they review, vote, comment, save and follow.

Built from the seed alone, without looking at the database, so every run of `seed_demo` with the
same options plans exactly the same rows; the command then creates only the ones that are missing.
Times are ages in seconds (how long ago), turned into datetimes by the command.
"""

import random
from dataclasses import dataclass, field

from django.utils.text import slugify

from . import demo_data as data
from . import demo_text as text
from . import demo_text_zh as text_zh

DAY = 86_400.0
WINDOW_DAYS = 120
DEMO_USERNAME = "demo"
MODERATOR_USERNAME = "moderator"
# Brands that get an official account (a brand member). Both have products in the default catalogue.
BRAND_ACCOUNTS = ("Lumière Lab", "Crunchwell")
# Suffixes that let `--products` go beyond the 80 base products without repeating a name.
VARIANTS = ("Travel Size", "Refill", "Limited Edition", "Duo Pack")
RATING_WEIGHTS = {
    # 5, 4, 3, 2, 1 stars. Real sites skew positive, but honest low ratings exist everywhere.
    "great": (62, 25, 8, 3, 2),
    "good": (40, 33, 15, 7, 5),
    "mixed": (18, 27, 25, 17, 13),
    "poor": (8, 14, 20, 28, 30),
}
ASPECT_WEIGHTS = {"portrait": 45, "square": 30, "landscape": 25}
MIN_USERS = 6  # demo, moderator, two brand accounts and at least two other members


@dataclass
class Person:
    username: str
    display_name: str
    bio: str
    interests: list[str]
    role: str  # "demo", "moderator", "brand" or "member"
    weight: float  # how prolific a reviewer: a few KOCs write most reviews
    joined_age: float
    brand: str | None = None
    # The language they write in and read the site in: "en" or "zh-hans" (accounts User.language).
    language: str = "en"


@dataclass
class ProductSpec:
    category: str
    brand: str
    name: str
    kind: str
    shape: str
    palette: tuple
    price: int
    price_rank: float
    quality: str
    popularity: float
    description: str
    age: float
    image_seed: int

    def words(self) -> text.ProductWords:
        return text.ProductWords(self.name, self.brand, self.kind, self.category, self.price)

    @property
    def name_zh(self) -> str:
        return text_zh.product_name(self.name)


@dataclass
class PhotoSpec:
    seed: int
    aspect: str
    note: str | None


@dataclass
class ReviewSpec:
    author: int
    product: int
    rating: int
    title: str
    body: str
    tags: list[str]
    length: int
    photos: list[PhotoSpec]
    age: float
    # (text appended by an edit, seconds after posting) or None
    edit: tuple[str, float] | None = None
    votes: list[tuple[int, bool, float]] = field(default_factory=list)
    comments: list[tuple[int, str, float]] = field(default_factory=list)
    saves: list[tuple[int, float]] = field(default_factory=list)


@dataclass
class Plan:
    people: list[Person]
    products: list[ProductSpec]
    reviews: list[ReviewSpec]
    follows: list[tuple[int, int, float]]
    requested_reviews: int


def _weighted_sample(rng: random.Random, items: list[int], weights: list[float], k: int) -> list[int]:
    """k distinct items, heavier ones more likely (Efraimidis-Spirakis keys)."""
    keyed = sorted(
        ((rng.random() ** (1.0 / w), item) for item, w in zip(items, weights, strict=True) if w > 0), reverse=True
    )
    return [item for _key, item in keyed[:k]]


def _people(rng: random.Random, count: int) -> list[Person]:
    categories = list(data.INTEREST_WEIGHTS)
    weights = list(data.INTEREST_WEIGHTS.values())
    people = [
        Person(
            username=DEMO_USERNAME,
            display_name="Alex (demo)",
            bio="The demo account: look around, post a review, vote and follow people.",
            interests=["skincare", "snacks", "electronics"],
            role="demo",
            weight=3.0,
            joined_age=200 * DAY,
        ),
        Person(
            username=MODERATOR_USERNAME,
            display_name="Robin (moderator)",
            bio="Community moderator. Report spam, fakes and undisclosed sponsorship to me.",
            interests=["makeup", "home"],
            role="moderator",
            weight=0.6,
            joined_age=400 * DAY,
        ),
    ]
    for brand in BRAND_ACCOUNTS:
        people.append(
            Person(
                username=f"{slugify(brand)}-team",
                display_name=f"{brand} Team",
                bio=f"The official {brand} account. We read every review, including the critical ones.",
                interests=next(b[1] for b in data.BRANDS if b[0] == brand),
                role="brand",
                weight=0.0,  # brand accounts reply, they don't review
                joined_age=300 * DAY,
                brand=brand,
            )
        )
    taken = {p.username for p in people}
    while len(people) < count:
        first = rng.choice(data.FIRST_NAMES)
        initial = rng.choice(data.LAST_INITIALS)
        interests: list[str] = []
        for _ in range(rng.choice([1, 2, 2, 3])):
            pick = rng.choices(categories, weights=weights)[0]
            if pick not in interests:
                interests.append(pick)
        handle = rng.choice(data.HANDLE_WORDS[interests[0]])
        username, n = f"{first.lower()}.{handle}", 2
        while username in taken:
            username, n = f"{first.lower()}.{handle}{n}", n + 1
        taken.add(username)
        display = rng.choice(
            [f"{first} {initial}.", f"{first} {initial}.", f"{first} ({handle})", f"{first} tries things"]
        )
        people.append(
            Person(
                username=username,
                display_name=display,
                bio=text.bio(rng, interests),
                interests=interests,
                role="member",
                weight=min(rng.paretovariate(1.3), 12.0),
                joined_age=(WINDOW_DAYS + 5 + rng.random() * 400) * DAY,
            )
        )
    return people[:count]


def _chinese_writers(rng: random.Random, people: list[Person]) -> None:
    """About half the community writes in Chinese: members are shared out, most prolific first,
    to whichever language has written less so far, so each writes about half the notes whatever
    the sizes. Those who write Chinese get a Chinese display name and bio."""
    written = {"en": sum(p.weight for p in people if p.role != "member"), "zh-hans": 0.0}
    members = sorted((p for p in people if p.role == "member"), key=lambda p: -p.weight)
    for person in members:
        person.language = min(written, key=lambda language: (written[language], language != "zh-hans"))
        written[person.language] += person.weight
        if person.language == "zh-hans":
            person.display_name = text_zh.display_name(rng)
            person.bio = text_zh.bio(rng, person.interests)


def _products(rng: random.Random, count: int) -> list[ProductSpec]:
    categories = [c["slug"] for c in data.CATEGORIES]
    products: list[ProductSpec] = []
    for i in range(count):
        category = categories[i % len(categories)]
        templates = data.PRODUCTS[category]
        round_ = i // len(categories)
        name, kind, shape, low, high = templates[round_ % len(templates)]
        variant = round_ // len(templates)
        if variant:
            name = f"{name} {VARIANTS[variant - 1]}"
        brand = rng.choice([b[0] for b in data.BRANDS if category in b[1]])
        price = rng.randint(low, high)
        spec = ProductSpec(
            category=category,
            brand=brand,
            name=name,
            kind=kind,
            shape=shape,
            palette=rng.choice(data.PALETTES[category]),
            price=price,
            price_rank=(price - low) / max(1, high - low),
            quality=rng.choices(list(RATING_WEIGHTS), weights=[3, 4, 2, 1])[0],
            popularity=min(rng.paretovariate(1.5), 8.0),
            description="",
            age=(WINDOW_DAYS + 10 + rng.random() * 500) * DAY,
            image_seed=rng.getrandbits(32),
        )
        spec.description = text.product_description(rng, spec.words())
        products.append(spec)
    return products


def _follows(rng: random.Random, people: list[Person]) -> list[tuple[int, int, float]]:
    follows = []
    everyone = list(range(len(people)))
    for i, person in enumerate(people):
        if person.role == "brand":
            continue
        k = 12 if person.role == "demo" else min(25, int(rng.paretovariate(1.3) * 3))
        weights = [
            0.0
            if j == i
            else (people[j].weight + 0.2) * (2.0 if set(people[j].interests) & set(person.interests) else 1.0)
            for j in everyone
        ]
        for j in _weighted_sample(rng, everyone, weights, k):
            follows.append((i, j, rng.random() * WINDOW_DAYS * DAY))
    return follows


def _review_pairs(
    rng: random.Random, people: list[Person], products: list[ProductSpec], count: int
) -> list[tuple[int, int]]:
    """`count` distinct (author, product) pairs: prolific people write more, mostly in their interests."""
    authors = [i for i, p in enumerate(people) if p.weight > 0]
    author_weights = [people[i].weight for i in authors]
    by_category: dict[str, list[int]] = {}
    for j, product in enumerate(products):
        by_category.setdefault(product.category, []).append(j)
    everything = list(range(len(products)))
    popularity = [p.popularity for p in products]
    count = min(count, len(authors) * len(products))
    pairs: list[tuple[int, int]] = []
    used: set[tuple[int, int]] = set()
    attempts = 0
    while len(pairs) < count and attempts < count * 30:
        attempts += 1
        author = rng.choices(authors, weights=author_weights)[0]
        own = [j for c in people[author].interests for j in by_category.get(c, [])]
        pool = own if own and rng.random() < 0.75 else everything
        product = rng.choices(pool, weights=[popularity[j] for j in pool])[0]
        if (author, product) not in used:
            used.add((author, product))
            pairs.append((author, product))
    if len(pairs) < count:
        # Heavy reviewers ran out of products: fill the rest from whatever pairs are left.
        rest = [(a, p) for a in authors for p in everything if (a, p) not in used]
        pairs += rng.sample(rest, count - len(pairs))
    return pairs


def _writes(person: Person):
    """The text module for what this person writes."""
    return text_zh if person.language == "zh-hans" else text


def _interactions(
    rng: random.Random,
    review: ReviewSpec,
    people: list[Person],
    plan_products: list[ProductSpec],
    followers: dict[int, set[int]],
    brand_account: dict[str, int],
) -> None:
    """Votes, comments and saves for one review: long, photo-rich reviews earn the most."""
    product = plan_products[review.product]
    photos = min(len(review.photos), 4)
    # Brand accounts stay out of votes and saves (they must not push or bury opinions); they
    # only answer reviews of their own products, below.
    others = [i for i, p in enumerate(people) if i != review.author and p.role != "brand"]
    weights = [
        (3.0 if i in followers.get(review.author, ()) else 1.0)
        * (2.0 if product.category in people[i].interests else 1.0)
        for i in others
    ]

    def after(mean_days: float) -> float:
        # Most activity comes in the first days after posting, never before it.
        return min(rng.expovariate(1 / (mean_days * DAY)), review.age * 0.98)

    expected_votes = (0.8 + 2.0 * review.length + 1.5 * photos) * rng.uniform(0.4, 1.6)
    p_helpful = min(0.95, 0.55 + 0.1 * review.length + 0.04 * photos)
    for voter in _weighted_sample(rng, others, weights, round(expected_votes)):
        review.votes.append((voter, rng.random() < p_helpful, after(2.5)))

    if rng.random() < 0.15 + 0.1 * review.length + 0.04 * photos:
        for commenter in _weighted_sample(rng, others, weights, rng.randint(1, 3)):
            delay = after(3)
            review.comments.append((commenter, _writes(people[commenter]).comment(rng, product.words()), delay))
            if rng.random() < 0.4:
                reply_delay = min(delay + rng.uniform(0.05, 2) * DAY, review.age * 0.99)
                review.comments.append((review.author, _writes(people[review.author]).author_reply(rng), reply_delay))
        brand_member = brand_account.get(product.brand)
        if brand_member is not None and review.rating <= 3 and rng.random() < 0.5:
            # A brand answers in the language of the review.
            reply = _writes(people[review.author]).brand_reply(rng)
            review.comments.append((brand_member, reply, after(1.5)))

    expected_saves = (0.3 + 1.0 * review.length + 0.8 * photos) * rng.uniform(0.3, 1.5)
    for saver in _weighted_sample(rng, others, weights, round(expected_saves)):
        review.saves.append((saver, after(4)))


def build(*, seed: int, users: int, products: int, reviews: int) -> Plan:
    """The whole demo community for these sizes. Deterministic: depends on the arguments only."""
    people = _people(random.Random(f"{seed}:people"), users)
    _chinese_writers(random.Random(f"{seed}:chinese"), people)
    catalogue = _products(random.Random(f"{seed}:products"), products)
    follows = _follows(random.Random(f"{seed}:follows"), people)
    followers: dict[int, set[int]] = {}
    for follower, followee, _age in follows:
        followers.setdefault(followee, set()).add(follower)
    brand_account = {p.brand: i for i, p in enumerate(people) if p.role == "brand"}

    rng = random.Random(f"{seed}:reviews")
    specs: list[ReviewSpec] = []
    for author, product_index in _review_pairs(rng, people, catalogue, reviews):
        product = catalogue[product_index]
        words = product.words()
        rating = rng.choices([5, 4, 3, 2, 1], weights=RATING_WEIGHTS[product.quality])[0]
        length_weights = [1, 2.5, 3.5, 3] if people[author].weight > 3 else [2, 3.5, 3, 1.5]
        length = rng.choices(range(4), weights=length_weights)[0]
        no_photo_chance = [0.75, 0.45, 0.3, 0.15][length]
        photo_count = 0 if rng.random() < no_photo_chance else rng.choices([1, 2, 3, 4], weights=[4, 3, 2, 2])[0]
        photos = [
            PhotoSpec(
                seed=rng.getrandbits(32),
                aspect=rng.choices(list(ASPECT_WEIGHTS), weights=list(ASPECT_WEIGHTS.values()))[0],
                note=rng.choice(data.PHOTO_NOTES) if rng.random() < 0.2 else None,
            )
            for _ in range(photo_count)
        ]
        # Skewed towards recent days, like a community that is growing.
        age = max(600.0, WINDOW_DAYS * DAY * rng.random() ** 1.4)
        chinese = people[author].language == "zh-hans"
        if chinese:
            tags = text_zh.tags(rng, words, rating, product.price_rank)
            title, body = text_zh.title(rng, words, rating), text_zh.body(rng, words, rating, length, tags)
        else:
            title, body = text.title(rng, words, rating), text.body(rng, words, rating, length)
            tags = text.tags(rng, words, rating, length, product.price_rank)
        spec = ReviewSpec(
            author=author,
            product=product_index,
            rating=rating,
            title=title,
            body=body,
            tags=tags,
            length=length,
            photos=photos,
            age=age,
        )
        if length >= text.SHORT and rng.random() < 0.07:
            delay = rng.uniform(3, 40) * DAY
            if delay < age:
                spec.edit = ((text_zh if chinese else text).update_note(rng, words, rating), delay)
        specs.append(spec)

    activity_rng = random.Random(f"{seed}:activity")
    for spec in specs:
        _interactions(activity_rng, spec, people, catalogue, followers, brand_account)
    return Plan(people=people, products=catalogue, reviews=specs, follows=follows, requested_reviews=reviews)
