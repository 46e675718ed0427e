"""Prepare (or check) the load-benchmark database. Run by bench/load/run.sh, not by hand.

prepare.py setup OUT_DIR   bench voters with tokens (accounts 60 days old, so the established
                           rate limit applies), a hot review, and the files wrk's Lua reads;
                           a signed-in bench member (session.txt: their session cookie's value)
                           who has voted on, saved and followed what the pages show
prepare.py check           every review's vote counters equal its vote rows (exact counts)
"""

import os
import random
import sys
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

import django  # noqa: E402

django.setup()

from django.db.models import Count, F, Q  # noqa: E402
from django.utils import timezone  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from accounts import services as account_services  # noqa: E402
from accounts.models import Notification, User  # noqa: E402
from accounts.names import name_key  # noqa: E402
from reviews import services as review_services  # noqa: E402
from reviews.models import HelpfulVote, Review  # noqa: E402

VOTERS = 1000
REVIEWS_IN_PLAY = 200
MEMBER = "bench_member"
MEMBER_VOTES = 150  # on the best-ranked reviews: the cards the pages show
MEMBER_SAVES = 60
MEMBER_FOLLOWS = 30
MEMBER_UNREAD = 12


def setup(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    existing = set(User.objects.filter(username__startswith="bench_voter_").values_list("username", flat=True))
    joined = timezone.now() - timedelta(days=60)
    User.objects.bulk_create(
        [
            # bulk_create skips User.save(), which keeps username_key.
            User(
                username=name,
                username_key=name_key(name),
                email=f"{name}@bench.invalid",
                date_joined=joined,
                password="!",
            )
            for name in (f"bench_voter_{i}" for i in range(VOTERS))
            if name not in existing
        ]
    )
    voters = list(User.objects.filter(username__startswith="bench_voter_"))
    Token.objects.bulk_create([Token(user=u, key=Token.generate_key()) for u in voters], ignore_conflicts=True)
    tokens = list(Token.objects.filter(user__in=voters).values_list("key", flat=True))
    published = list(
        Review.objects.filter(status=Review.Status.PUBLISHED)
        .order_by("-helpful_count", "id")
        .values_list("id", "product__slug")
    )
    rng = random.Random(42)
    in_play = [rid for rid, _ in published[:REVIEWS_IN_PLAY]]
    (out / "tokens.txt").write_text("\n".join(tokens) + "\n")
    (out / "reviews.txt").write_text("\n".join(map(str, in_play)) + "\n")
    (out / "hot_review.txt").write_text(f"{in_play[0]}\n")
    (out / "product.txt").write_text(f"{published[rng.randrange(len(published))][1]}\n")
    (out / "review.txt").write_text(f"{in_play[0]}\n")
    (out / "session.txt").write_text(f"{member_session(joined)}\n")
    print(f"{len(tokens)} voters, {len(in_play)} reviews in play, hot review {in_play[0]}")


def member_session(joined) -> str:
    """A member with votes, saves, follows and unread notifications on the reviews the pages show
    (made once, through the services, so the counters stay exact), and a new session for them as
    log-in would store it."""
    from django.conf import settings  # noqa: PLC0415
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: PLC0415
    from django.utils.module_loading import import_string  # noqa: PLC0415

    member, created = User.objects.get_or_create(
        username=MEMBER, defaults={"email": f"{MEMBER}@bench.invalid", "date_joined": joined, "password": "!"}
    )
    if created:
        best = list(
            Review.objects.filter(status=Review.Status.PUBLISHED)
            .exclude(author=member)
            .select_related("author")
            .order_by(F("score__discover").desc(nulls_last=True), "-helpful_count", "id")[:MEMBER_VOTES]
        )
        for i, review in enumerate(best):
            review_services.vote_put(user=member, review_id=review.pk, helpful=i % 4 != 0)
            if i < MEMBER_SAVES:
                review_services.save_add(user=member, review=review)
        for author in list({r.author_id: r.author for r in best}.values())[:MEMBER_FOLLOWS]:
            account_services.follow_create(follower=member, followee=author)
        for i in range(MEMBER_UNREAD):
            account_services.notify(recipient=member, kind=Notification.Kind.OTHER, title=f"bench notice {i}")
    session = import_string(f"{settings.SESSION_ENGINE}.SessionStore")()
    session[SESSION_KEY] = str(member.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = member.get_session_auth_hash()
    session.create()
    return session.session_key


def check() -> int:
    counted = Review.objects.annotate(
        up=Count("votes", filter=Q(votes__helpful=True)), down=Count("votes", filter=Q(votes__helpful=False))
    )
    wrong = counted.exclude(helpful_count=F("up"), not_helpful_count=F("down"))
    total = HelpfulVote.objects.count()
    bench_votes = HelpfulVote.objects.filter(user__username__startswith="bench_voter_").count()
    print(
        f"votes in the database: {total} ({bench_votes} by bench voters); reviews with wrong counters: {wrong.count()}"
    )
    for review in wrong[:10]:
        print(
            f"  review {review.pk}: helpful {review.helpful_count} vs {review.up}, not {review.not_helpful_count} vs {review.down}"
        )
    return 1 if wrong.exists() else 0


if __name__ == "__main__":
    if sys.argv[1] == "setup":
        setup(Path(sys.argv[2]))
    else:
        sys.exit(check())
