"""A small, believable community for browser tests and screenshots: categories, brands,
products, members, reviews with photos, votes and follows. Built through the services, as a
person using the site would, so the counters are right."""

from django.core.files.uploadedfile import SimpleUploadedFile

from accounts import services as account_services
from accounts.models import User
from reviews import services
from reviews.models import Brand, Category, Review

from .photos import product_photo

PASSWORD = "candid-reviews-42"
CATEGORIES = [("Skincare", "skincare"), ("Makeup", "makeup"), ("Haircare", "haircare"), ("Snacks", "snacks")]
BRANDS = [("Dewy Lab", "dewy-lab"), ("Kumo", "kumo"), ("Petal & Co", "petal-co"), ("Crunchy Fox", "crunchy-fox")]
PRODUCTS = [
    ("dewy-lab", "skincare", "Barrier Repair Cream"),
    ("dewy-lab", "skincare", "Rice Water Toner"),
    ("kumo", "skincare", "Airy Sunscreen SPF50"),
    ("petal-co", "makeup", "Velvet Lip Tint"),
    ("petal-co", "makeup", "Cloud Cushion Foundation"),
    ("kumo", "haircare", "Silk Repair Hair Oil"),
    ("crunchy-fox", "snacks", "Seaweed Rice Crisps"),
]
MEMBERS = [
    ("mei", "Mei Lin", "Combination skin, honest swatches, no sponsorships."),
    ("haruto", "Haruto", "Sunscreen nerd. I test everything for a month before I write."),
    ("sofia", "Sofia R.", "Dry skin, sensitive eyes, love a good budget find."),
    ("amara", "Amara", "Curly hair and a snack drawer."),
    ("kenji", "Kenji", "Minimal routine, maximum sunscreen."),
    ("lea", "Léa", "Makeup artist on weekends; I test for wear time."),
]
REVIEWS = [
    (
        "mei",
        0,
        5,
        "Finally calmed my redness in a week",
        "I have combination skin that flares up every winter. After seven nights the redness around my nose was clearly calmer and the flaky patches were gone. The texture is thick but it sinks in within a few minutes; I use a pea-sized amount.",
        ["sensitive-skin", "winter"],
        3,
    ),
    (
        "haruto",
        2,
        4,
        "No white cast, but reapply at lunch",
        "A true SPF50 that leaves no white cast on medium skin. It sits well under makeup. It does fade by lunchtime on oily days, so I carry the stick version for a top-up.",
        ["spf", "oily-skin"],
        2,
    ),
    (
        "sofia",
        3,
        5,
        "The most comfortable tint I own",
        "Feels like nothing on the lips and the colour builds from a sheer wash to a strong berry. It lasts through coffee but not a full meal.",
        ["lips", "budget"],
        2,
    ),
    (
        "amara",
        6,
        4,
        "Addictive and not too salty",
        "Light, crisp and a good hit of seaweed without being greasy. A bag disappears too fast, which is my only complaint.",
        ["snacks"],
        1,
    ),
    (
        "mei",
        4,
        3,
        "Pretty finish, tricky shade range",
        "Beautiful satin finish that lasts about six hours, but the shade range is narrow: I am between two shades and neither is right.",
        ["foundation"],
        1,
    ),
    (
        "haruto",
        5,
        5,
        "Frizz gone, hair not greasy",
        "Two drops on damp hair and the frizz is gone for the day. It does not weigh my fine hair down.",
        ["frizz"],
        2,
    ),
    (
        "sofia",
        1,
        2,
        "Stings on my sensitive skin",
        "Smells lovely but stung every time I used it, even after a patch test. I stopped after a week.",
        ["sensitive-skin"],
        0,
    ),
    (
        "amara",
        0,
        4,
        "Rich but worth it in winter",
        "Too heavy for summer for me, but in winter it is the only cream that keeps my cheeks from cracking.",
        ["winter", "dry-skin"],
        1,
    ),
    (
        "kenji",
        2,
        5,
        "My daily SPF for a whole summer",
        "Used it every day from June to September: no breakouts, no stinging eyes, and it survives a bike commute. Half a teaspoon for face and neck.",
        ["spf", "summer"],
        1,
    ),
    (
        "lea",
        2,
        3,
        "Fine, but pills under foundation",
        "Protects well and feels light, but it pills under silicone foundations unless I wait five minutes.",
        ["spf", "makeup"],
        0,
    ),
    (
        "kenji",
        0,
        4,
        "Saved my hands too",
        "Bought it for my face, ended up using it on cracked knuckles in winter. Works on both.",
        ["dry-skin"],
        1,
    ),
    (
        "lea",
        3,
        4,
        "Lasts through a shoot",
        "Six hours under studio lights with one touch-up. The berry shade suits most skin tones I work with.",
        ["lips", "long-wear"],
        1,
    ),
    (
        "kenji",
        3,
        4,
        "Nice sheer berry",
        "A sheer wash of colour that looks natural; easy to apply without a mirror.",
        ["lips"],
        0,
    ),
]


def photo_upload(seed: int, name: str = "photo.jpg", size=(720, 960)) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, product_photo(seed, size), content_type="image/jpeg")


def build_community() -> dict:
    """Create the community; returns members by username and products in PRODUCTS order."""
    categories = {
        slug: Category.objects.get_or_create(slug=slug, defaults={"name": name, "position": i})[0]
        for i, (name, slug) in enumerate(CATEGORIES)
    }
    brands = {slug: Brand.objects.get_or_create(slug=slug, defaults={"name": name})[0] for name, slug in BRANDS}
    members: dict[str, User] = {}
    for username, display_name, bio in MEMBERS:
        user = User.objects.filter(username=username).first() or account_services.user_register(
            username=username, password=PASSWORD, display_name=display_name
        )
        account_services.profile_update(user=user, bio=bio)
        members[username] = user
    products = [services.product_create(brand=brands[b], category=categories[c], name=name) for b, c, name in PRODUCTS]
    reviews: list[Review] = []
    for n, (author, product_index, rating, title, body, tags, photo_count) in enumerate(REVIEWS):
        existing = Review.objects.filter(author=members[author], product=products[product_index]).first()
        if existing:
            reviews.append(existing)
            continue
        sizes = [(720, 960), (960, 720), (800, 800)]
        photos = [photo_upload(n * 3 + i, f"p{n}-{i}.jpg", sizes[(n + i) % 3]) for i in range(photo_count)]
        reviews.append(
            services.review_create(
                author=members[author],
                product=products[product_index],
                rating=rating,
                title=title,
                body=body,
                tags=tags,
                photos=photos,
            )
        )
    # Everyone finds Mei's and Haruto's reviews helpful; Sofia's stinging one splits opinion.
    for voter in members.values():
        for review in reviews:
            if review.author_id == voter.pk:
                continue
            services.vote_cast(user=voter, review=review, helpful=review.rating >= 3 or voter.username == "mei")
    account_services.follow_create(follower=members["sofia"], followee=members["mei"])
    account_services.follow_create(follower=members["amara"], followee=members["haruto"])
    services.comment_create(author=members["sofia"], review=reviews[0], body="Does it pill under sunscreen?")
    services.comment_create(author=members["mei"], review=reviews[0], body="Not for me, if I wait two minutes first.")
    return {"members": members, "products": products, "reviews": reviews, "categories": categories}
