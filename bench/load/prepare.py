"""Prepare (or check) the load-benchmark database. Run by bench/load/run.sh, not by hand.

prepare.py setup OUT_DIR   bench voters with tokens (accounts 60 days old, so the established
                           rate limit applies), a hot review, and the files wrk's Lua reads
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

from accounts.models import User  # noqa: E402
from reviews.models import HelpfulVote, Review  # noqa: E402

VOTERS = 1000
REVIEWS_IN_PLAY = 200


def setup(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    existing = set(User.objects.filter(username__startswith="bench_voter_").values_list("username", flat=True))
    joined = timezone.now() - timedelta(days=60)
    User.objects.bulk_create(
        [
            User(username=name, email=f"{name}@bench.invalid", date_joined=joined, password="!")
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
    print(f"{len(tokens)} voters, {len(in_play)} reviews in play, hot review {in_play[0]}")


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
