"""`manage.py seed_demo`: a believable demo community, drawn and written locally, no downloads.

About half the members write in Chinese (LRB-style notes with emoji and #话题 tags, and their
profile's language zh-hans), half in English; categories, brands and products carry Chinese names
beside their English ones (demo_data_zh).

Plans everything from a fixed seed (reviews/management/demo_plan.py), then creates only what is
missing, so running it again adds nothing. Reviews, votes, comments, saves and follows go
through the services, which keep the counters exact; timestamps are moved into the past
afterwards with queryset updates, because the services stamp rows with `timezone.now()`.
"""

import random
import time
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import MODERATORS_GROUP, Follow, User
from accounts.services import follow_create, profile_update
from reviews.apps import ensure_moderators_group
from reviews.management import demo_data, demo_data_zh, demo_images, demo_plan
from reviews.models import Brand, BrandMembership, Category, Comment, HelpfulVote, Product, Review, Save
from reviews.services import comment_create, product_create, review_create, review_update, save_add, vote_cast

DEMO_PASSWORD = "candor-demo-2026"  # noqa: S105 - published on purpose: it is the demo login  # nosec B105
# Seeded accounts carry this e-mail domain (reserved, never routable), so a re-run never writes
# as a real person who happens to have picked one of the demo usernames.
DEMO_EMAIL_DOMAIN = "demo.candor.example"


class Command(BaseCommand):
    help = "Create demo categories, brands, products, people, reviews with photos, votes and follows."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--if-empty", action="store_true", help="Do nothing when any review exists.")
        parser.add_argument("--users", type=int, default=80, help="People, including demo and moderator (80).")
        parser.add_argument("--products", type=int, default=60, help="Products (60).")
        parser.add_argument("--reviews", type=int, default=400, help="Reviews (400).")
        parser.add_argument("--seed", type=int, default=2026, help="Random seed; the same seed plans the same data.")
        parser.add_argument(
            "--force", action="store_true", help="Run even with DEBUG off (the demo accounts share a public password)."
        )

    def handle(self, *args, **options) -> None:
        if options["if_empty"] and Review.objects.exists():
            self.stdout.write("Reviews already exist; leaving the database as it is (--if-empty).")
            return
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "seed_demo creates accounts (a moderator among them) with a published password, so it refuses "
                "to run with DEBUG off. Pass --force if this really is a demo site."
            )
        max_products = sum(len(v) for v in demo_data.PRODUCTS.values()) * (1 + len(demo_plan.VARIANTS))
        for name, low, high in (
            ("users", demo_plan.MIN_USERS, 5000),
            ("products", 1, max_products),
            ("reviews", 0, 50_000),
        ):
            if not low <= options[name] <= high:
                raise CommandError(f"--{name} must be between {low} and {high}.")

        started = time.monotonic()
        plan = demo_plan.build(
            seed=options["seed"], users=options["users"], products=options["products"], reviews=options["reviews"]
        )
        seeder = Seeder(plan, now=timezone.now(), log=self.stdout.write)
        seeder.run()
        self._rank()
        self._report(seeder, plan, time.monotonic() - started)

    def _rank(self) -> None:
        """Rank what was just seeded, so Discover and the rankings are full at once rather than
        after the first scheduled rerank (up to 5 minutes; never without a beat). The ranking app
        sits above this one (docs/STYLE: reviews never imports ranking), so its command is called
        by name, and skipped when the app is not installed."""
        if "rerank" not in get_commands():
            return
        self.stdout.write("Ranking the demo reviews (manage.py rerank --full)...")
        call_command("rerank", full=True, no_progress=True, stdout=self.stdout, stderr=self.stderr)

    def _report(self, seeder: "Seeder", plan: demo_plan.Plan, seconds: float) -> None:
        c = seeder.created
        write = self.stdout.write
        if any(c.values()):
            write(self.style.SUCCESS(f"Demo data ready in {seconds:.1f}s. Created:"))
            write(
                f"  {c['categories']} categories, {c['brands']} brands, {c['products']} products "
                f"({c['product_images']} images)"
            )
            write(f"  {c['users']} people ({c['brand_members']} brand members), {c['follows']} follows")
            write(f"  {c['reviews']} reviews with {c['photos']} photos ({c['edited']} edited)")
            write(f"  {c['votes']} helpful votes, {c['comments']} comments, {c['saves']} saves")
        else:
            write(f"Demo data already complete; nothing to create ({seconds:.1f}s).")
        if len(plan.reviews) < plan.requested_reviews:
            write(f"  (only {len(plan.reviews)} reviews fit: one per person per product)")
        if seeder.demo_password_ok:
            write(self.style.SUCCESS(f"Log in as {demo_plan.DEMO_USERNAME} / {DEMO_PASSWORD}"))
        else:
            write(f"The '{demo_plan.DEMO_USERNAME}' account existed before and keeps its own password.")
        accounts = [
            f"{user.username} ({'moderator' if person.role == 'moderator' else f'brand account of {person.brand}'})"
            for person, user in zip(plan.people, seeder.users, strict=True)
            if user is not None and person.role in {"moderator", "brand"}
        ]
        if accounts:
            write(f"  The demo password also opens: {', '.join(accounts)}.")


def _name_in_chinese(row: Category | Brand | Product, name_zh: str) -> None:
    """Give a catalogue row seeded before names had two languages its Chinese name. Saved, not
    updated by queryset, so the search index and the card cache hear of it."""
    if not row.name_zh:
        row.name_zh = name_zh
        row.save(update_fields=["name_zh"])


class Seeder:
    """Creates the rows of a plan that do not exist yet, counting what it made."""

    def __init__(self, plan: demo_plan.Plan, *, now: datetime, log) -> None:
        self.plan = plan
        self.now = now
        self.log = log
        self.created = dict.fromkeys(
            "categories brands products product_images users brand_members follows reviews photos edited votes "
            "comments saves".split(),
            0,
        )
        self.categories: dict[str, Category] = {}
        self.brands: dict[str, Brand] = {}
        self.products: list[Product] = []
        self.users: list[User | None] = []
        self.reviews: dict[int, Review] = {}
        self.demo_password_ok = True

    def ago(self, seconds: float) -> datetime:
        return self.now - timedelta(seconds=seconds)

    def run(self) -> None:
        self.seed_catalogue()
        self.seed_people()
        self.seed_follows()
        self.seed_reviews()
        self.seed_activity()

    # --- catalogue ---------------------------------------------------------------------------------

    @transaction.atomic
    def seed_catalogue(self) -> None:
        for position, spec in enumerate(demo_data.CATEGORIES, start=1):
            name_zh = demo_data_zh.CATEGORY_NAMES[spec["slug"]]
            category, created = Category.objects.get_or_create(
                slug=spec["slug"],
                defaults={
                    "name": spec["name"],
                    "name_zh": name_zh,
                    "description": spec["description"],
                    "position": position,
                },
            )
            _name_in_chinese(category, name_zh)
            self.categories[spec["slug"]] = category
            self.created["categories"] += created
        for index, (name, _categories, description) in enumerate(demo_data.BRANDS):
            slug = slugify(name)
            brand, created = Brand.objects.get_or_create(
                slug=slug,
                defaults={
                    "name": name,
                    "name_zh": demo_data_zh.BRAND_NAMES[name],
                    "description": description,
                    "website": f"https://{slug}.example",
                    # Most demo brands are verified; a few wait for a moderator.
                    "is_verified": index % 4 != 3,
                    "created_at": self.ago((demo_plan.WINDOW_DAYS + 200 + index * 7) * demo_plan.DAY),
                },
            )
            _name_in_chinese(brand, demo_data_zh.BRAND_NAMES[name])
            self.brands[name] = brand
            self.created["brands"] += created
        for spec in self.plan.products:
            brand, category = self.brands[spec.brand], self.categories[spec.category]
            existed = Product.objects.filter(brand=brand, name__iexact=spec.name).first()
            product = existed or product_create(
                brand=brand, category=category, name=spec.name, name_zh=spec.name_zh, description=spec.description
            )
            _name_in_chinese(product, spec.name_zh)
            if existed is None:
                Product.objects.filter(pk=product.pk).update(created_at=self.ago(spec.age))
                self.created["products"] += 1
            if not product.image:
                picture = demo_images.product_packshot(
                    random.Random(spec.image_seed),
                    name=spec.name,
                    brand=spec.brand,
                    shape=spec.shape,
                    kind=spec.kind,
                    palette=spec.palette,
                )
                product.image.save(f"{product.slug}.jpg", ContentFile(picture), save=False)
                Product.objects.filter(pk=product.pk).update(image=product.image.name)
                self.created["product_images"] += 1
            self.products.append(product)

    # --- people ----------------------------------------------------------------------------------

    def seed_people(self) -> None:
        people = self.plan.people
        existing = {u.username: u for u in User.objects.filter(username__in=[p.username for p in people])}
        # One hash shared by every demo account: hashing the same password 80 times would take
        # most of the run and buys nothing for accounts whose password is published anyway.
        password_hash = make_password(DEMO_PASSWORD)
        moderators = Group.objects.filter(name=MODERATORS_GROUP).first()
        if moderators is None:
            ensure_moderators_group(sender=None)
            moderators = Group.objects.get(name=MODERATORS_GROUP)
        for person in people:
            user = existing.get(person.username)
            if user is None:
                user = self._create_person(person, password_hash)
            elif not user.email.endswith(f"@{DEMO_EMAIL_DOMAIN}"):
                self.log(f"  '{person.username}' belongs to a real account; leaving it and its plans out.")
                if person.role == "demo":
                    self.demo_password_ok = False
                user = None
            self.users.append(user)
            if user is None:
                continue
            if person.role == "moderator":
                user.groups.add(moderators)
            if person.role == "brand":
                brand = self.brands[person.brand]
                # A brand's first demo account owns it, as its registrant would.
                owned = BrandMembership.objects.filter(brand=brand, is_owner=True).exists()
                _membership, created = BrandMembership.objects.get_or_create(
                    user=user, defaults={"brand": brand, "created_at": user.date_joined, "is_owner": not owned}
                )
                self.created["brand_members"] += created

    @transaction.atomic
    def _create_person(self, person: demo_plan.Person, password_hash: str) -> User:
        user = User(
            username=person.username,
            email=f"{person.username}@{DEMO_EMAIL_DOMAIN}",
            display_name=person.display_name,
            # Members read the site in the language they write; the shared accounts follow the browser.
            language=person.language if person.role == "member" else "",
            date_joined=self.ago(person.joined_age),
            password=password_hash,
        )
        user.save()
        picture = demo_images.avatar(random.Random(person.username), name=person.display_name)
        profile_update(
            user=user,
            bio=person.bio,
            avatar=SimpleUploadedFile(f"{person.username}.jpg", picture, content_type="image/jpeg"),
            interest_categories=[self.categories[slug] for slug in person.interests],
        )
        self.created["users"] += 1
        return user

    # --- follows ---------------------------------------------------------------------------------

    @transaction.atomic
    def seed_follows(self) -> None:
        made: dict[tuple[int, int], datetime] = {}
        for follower_index, followee_index, age in self.plan.follows:
            follower, followee = self.users[follower_index], self.users[followee_index]
            if follower is None or followee is None:
                continue
            if follow_create(follower=follower, followee=followee):
                made[(follower.pk, followee.pk)] = self.ago(age)
        if not made:
            return
        follows = list(
            Follow.objects.filter(follower_id__in={a for a, _ in made}, followee_id__in={b for _, b in made})
        )
        changed = []
        for follow in follows:
            when = made.get((follow.follower_id, follow.followee_id))
            if when is not None:
                follow.created_at = when
                changed.append(follow)
        Follow.objects.bulk_update(changed, ["created_at"], batch_size=500)
        self.created["follows"] += len(made)

    # --- reviews ---------------------------------------------------------------------------------

    def seed_reviews(self) -> None:
        authors = {u.pk for u in self.users if u is not None}
        existing = {
            (r.author_id, r.product_id): r
            for r in Review.objects.filter(author_id__in=authors, product__in=self.products)
        }
        for index, spec in enumerate(self.plan.reviews):
            author, product = self.users[spec.author], self.products[spec.product]
            if author is None:
                continue
            review = existing.get((author.pk, product.pk))
            if review is None:
                review = self._create_review(spec, author, product)
            self.reviews[index] = review

    def _create_review(self, spec: demo_plan.ReviewSpec, author: User, product: Product) -> Review:
        product_spec = self.plan.products[spec.product]
        uploads = [
            SimpleUploadedFile(
                f"photo-{position}.jpg",
                demo_images.review_photo(
                    random.Random(photo.seed),
                    category=product_spec.category,
                    shape=product_spec.shape,
                    kind=product_spec.kind,
                    palette=product_spec.palette,
                    label=demo_images.initials(product_spec.name),
                    aspect=photo.aspect,
                    note=photo.note,
                ),
                content_type="image/jpeg",
            )
            for position, photo in enumerate(spec.photos)
        ]
        posted = self.ago(spec.age)
        with transaction.atomic():
            review = review_create(
                author=author,
                product=product,
                rating=spec.rating,
                title=spec.title,
                body=spec.body,
                tags=spec.tags,
                photos=uploads,
            )
            Review.objects.filter(pk=review.pk).update(created_at=posted)
            review.photos.update(created_at=posted)
            if spec.edit:
                note, delay = spec.edit
                review = review_update(review=review, editor=author, body=f"{spec.body}\n\n{note}")
                Review.objects.filter(pk=review.pk).update(edited_at=posted + timedelta(seconds=delay))
                self.created["edited"] += 1
        review.created_at = posted
        self.created["reviews"] += 1
        self.created["photos"] += len(uploads)
        return review

    # --- votes, comments, saves ------------------------------------------------------------------

    def seed_activity(self) -> None:
        ids = [r.pk for r in self.reviews.values()]
        voted = set(HelpfulVote.objects.filter(review_id__in=ids).values_list("review_id", "user_id"))
        saved = set(Save.objects.filter(review_id__in=ids).values_list("review_id", "user_id"))
        commented = set(Comment.objects.filter(review_id__in=ids).values_list("review_id", "author_id", "body"))
        for index, spec in enumerate(self.plan.reviews):
            review = self.reviews.get(index)
            if review is None or review.status != Review.Status.PUBLISHED:
                continue
            with transaction.atomic():
                self._votes(review, spec, voted)
                self._comments(review, spec, commented)
                self._saves(review, spec, saved)

    def _when(self, review: Review, delay: float) -> datetime:
        return min(review.created_at + timedelta(seconds=delay), self.now)

    def _active(self, index: int) -> User | None:
        user = self.users[index]
        return None if user is None or user.is_suspended else user

    def _votes(self, review: Review, spec: demo_plan.ReviewSpec, voted: set) -> None:
        new = []
        for voter_index, helpful, delay in spec.votes:
            voter = self._active(voter_index)
            if voter is None or voter.pk == review.author_id or (review.pk, voter.pk) in voted:
                continue
            vote = vote_cast(user=voter, review=review, helpful=helpful)
            vote.created_at = vote.updated_at = self._when(review, delay)
            new.append(vote)
        HelpfulVote.objects.bulk_update(new, ["created_at", "updated_at"])
        self.created["votes"] += len(new)

    def _comments(self, review: Review, spec: demo_plan.ReviewSpec, commented: set) -> None:
        new = []
        for author_index, body, delay in spec.comments:
            author = self._active(author_index)
            if author is None or (review.pk, author.pk, body) in commented:
                continue
            comment = comment_create(author=author, review=review, body=body)
            comment.created_at = self._when(review, delay)
            new.append(comment)
        Comment.objects.bulk_update(new, ["created_at"])
        self.created["comments"] += len(new)

    def _saves(self, review: Review, spec: demo_plan.ReviewSpec, saved: set) -> None:
        when: dict[int, datetime] = {}
        for saver_index, delay in spec.saves:
            saver = self.users[saver_index]
            if saver is None or (review.pk, saver.pk) in saved:
                continue
            if save_add(user=saver, review=review):
                when[saver.pk] = self._when(review, delay)
        saves = list(Save.objects.filter(review=review, user_id__in=when))
        for save in saves:
            save.created_at = when[save.user_id]
        Save.objects.bulk_update(saves, ["created_at"])
        self.created["saves"] += len(when)
