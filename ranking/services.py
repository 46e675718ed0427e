"""Writes of the ranking app: the rerank job, features, fraud-flag decisions, tester demotion.

The rerank job never overlaps itself. It takes a cache lock with an expiry (`cache.add` is atomic
on Redis and on the local-memory cache) and, on PostgreSQL, a transaction-level advisory lock as
well. On the file-based cache of the embedded default `add()` is not atomic between processes;
there SQLite's single-writer lock (Candor opens IMMEDIATE transactions) is what keeps a second
run from writing at the same time: it waits for the first to commit, then finds nothing to do.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.dispatch import Signal
from django.utils import timezone

from accounts.models import User
from reviews.models import Review

from .engine import Busy, Engine, RunResult
from .models import FraudFlag, RerankRun, ReviewerStanding, ReviewScore, TesterEvent
from .testers import demote

logger = logging.getLogger(__name__)

LOCK_PREFIX = "ranking:rerank:lock:"

# Sent once a run that changed something has committed (kwargs: result). Listeners, such as the
# cache of the first feed pages, drop what the new ranking made stale.
rerank_committed = Signal()


def lock_key() -> str:
    """One lock per database: deployments (and parallel test runs) may share a cache server."""
    return LOCK_PREFIX + str(connection.settings_dict["NAME"])


def rerank(
    *, full: bool = False, now: datetime | None = None, progress: Callable[[str], None] | None = None
) -> RunResult:
    """Recompute the ranking: everything (`full`) or only what changed since the last run.

    One transaction; returns what changed. Returns a skipped result, writing nothing, when another
    run holds the lock. The first run ever is always full. A failure rolls everything back,
    is logged with a `failed` RerankRun row, and re-raised.
    """
    started = now or timezone.now()
    token = uuid.uuid4().hex
    key = lock_key()
    if not cache.add(key, token, timeout=settings.RANKING_LOCK_TIMEOUT):
        return RunResult(kind="full" if full else "incremental", started_at=started, skipped=True, reason="locked")
    try:
        result = Engine(now=started, progress=progress).run(full=full)
    except Busy:
        return RunResult(kind="full" if full else "incremental", started_at=started, skipped=True, reason="busy")
    except Exception as exc:
        logger.exception("rerank failed; the previous ranking stays in place")
        try:
            RerankRun.objects.create(
                kind=RerankRun.Kind.FULL if full else RerankRun.Kind.INCREMENTAL,
                status=RerankRun.Status.FAILED,
                started_at=started,
                finished_at=timezone.now(),
                error=f"{type(exc).__name__}: {exc}"[:2000],
            )
        except Exception:  # noqa: BLE001 - e.g. the connection died with the run; keep the first error
            logger.exception("could not record the failed rerank")
        raise
    finally:
        # Only release our own lock: if it expired and another run took it, leave theirs alone.
        if cache.get(key) == token:
            cache.delete(key)
    if result.rows_changed:
        # The run's own transaction has committed here (or, nested in an outer one, will).
        transaction.on_commit(lambda: rerank_committed.send(sender=Engine, result=result))
    return result


def _ensure_moderator(user: User) -> None:
    if not (user.is_authenticated and user.is_moderator):
        raise PermissionDenied("Only moderators can do this.")


def _score_row(review: Review) -> ReviewScore:
    score, _ = ReviewScore.objects.get_or_create(
        review=review,
        defaults={
            "product_id": review.product_id,
            "category_id": review.product.category_id,
            "author_id": review.author_id,
            "created_at": review.created_at,
            "rating": review.rating,
        },
    )
    return score


@transaction.atomic
def review_feature(*, review: Review, moderator: User, until: datetime) -> ReviewScore:
    """Feature a published review until `until`: its discover score gets scoring.FEATURE_BOOST
    from the next rerank on, and loses it at the first rerank after `until`."""
    _ensure_moderator(moderator)
    now = timezone.now()
    if until <= now:
        raise ValidationError({"until": ["The feature must end in the future."]})
    if review.status != Review.Status.PUBLISHED:
        raise ValidationError({"review": ["Only published reviews can be featured."]})
    _score_row(review)
    ReviewScore.objects.filter(pk=review.pk).update(featured_until=until, featured_changed_at=now)
    return ReviewScore.objects.get(pk=review.pk)


@transaction.atomic
def review_unfeature(*, review: Review, moderator: User) -> bool:
    _ensure_moderator(moderator)
    return bool(
        ReviewScore.objects.filter(pk=review.pk, featured_until__isnull=False).update(
            featured_until=None, featured_changed_at=timezone.now()
        )
    )


@transaction.atomic
def fraud_flag_resolve(*, flag: FraudFlag, moderator: User, status: str, note: str = "") -> FraudFlag:
    """A moderator's decision on a flag. Confirmed: its votes stop counting; dismissed: they
    count fully again; open: discounted. Takes effect at the next rerank."""
    _ensure_moderator(moderator)
    if status not in FraudFlag.Status.values:
        raise ValidationError({"status": [f"Choose one of: {', '.join(FraudFlag.Status.values)}."]})
    now = timezone.now()
    FraudFlag.objects.filter(pk=flag.pk).update(
        status=status, note=note, reviewed_by=moderator, reviewed_at=now, updated_at=now
    )
    flag.refresh_from_db()
    return flag


@transaction.atomic
def tester_demote(
    *, user: User, reason: str = TesterEvent.Reason.OVERDUE_INVITES, figures: dict | None = None
) -> TesterEvent | None:
    """End a tester's status now, outside the nightly evaluation (e.g. invited reviews overdue,
    reported by the campaigns app). Returns None when the user is not a tester."""
    standing = ReviewerStanding.objects.select_for_update().select_related("user").filter(user=user).first()
    if standing is None or not standing.is_tester:
        return None
    return demote(standing, reason=reason, figures=figures or {}, now=timezone.now())
