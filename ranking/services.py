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
from django.db.models import Max, Min
from django.dispatch import Signal
from django.utils import timezone

from accounts.models import User
from reviews.models import Review

from .engine import PG_ADVISORY_KEY, Busy, Engine, RunResult, Split
from .models import (
    FraudFlag,
    RerankPending,
    RerankRun,
    ReviewerStanding,
    ReviewScore,
    SplitRun,
    StagedPart,
    StagedScore,
    TesterEvent,
)
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
    token = uuid.uuid4().hex
    if not cache.add(lock_key(), token, timeout=settings.RANKING_LOCK_TIMEOUT):
        if not _lock_holder_is_gone():
            started = now or timezone.now()
            return RunResult(kind="full" if full else "incremental", started_at=started, skipped=True, reason="locked")
        # The holder died (a worker killed mid-run): take its lock over rather than wait for it
        # to expire. Should a run start at this very moment, the advisory lock still keeps one out.
        logger.warning("rerank: the cache lock's holder is gone; taking the lock over")
        cache.set(lock_key(), token, timeout=settings.RANKING_LOCK_TIMEOUT)
    return _run_holding_lock(token, full=full, now=now, progress=progress)


def _lock_holder_is_gone() -> bool:
    """On PostgreSQL a live run holds the job's advisory lock for its whole transaction, and a
    split run is unfinished while its parts compute; with neither, the cache lock is a dead
    run's. (Elsewhere the cache lock is waited out.)"""
    if connection.vendor != "postgresql" or SplitRun.objects.filter(finished_at__isnull=True).exists():
        return False
    with connection.cursor() as cursor:
        # A bigint advisory key shows in pg_locks as classid (high 32 bits), objid (low), objsubid 1.
        cursor.execute(
            "SELECT 1 FROM pg_locks l JOIN pg_database d ON d.oid = l.database "
            "WHERE l.locktype = 'advisory' AND l.objsubid = 1 AND d.datname = current_database() "
            "AND l.classid::text::bigint * 4294967296 + l.objid::text::bigint = %s",
            [PG_ADVISORY_KEY],
        )
        return cursor.fetchone() is None


def _run_holding_lock(
    token: str,
    *,
    full: bool,
    now: datetime | None = None,
    progress: Callable[[str], None] | None = None,
    split: Split | None = None,
) -> RunResult:
    started = now or timezone.now()
    key = lock_key()
    try:
        result = Engine(now=started, progress=progress).run(full=full, split=split)
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


# --- a full rerank split across workers ---------------------------------------------------------

# The last range is open-ended, so reviews created during the split fall in a part as well.
OPEN_END = 2**62


def split_ranges(low: int, high: int, parts: int) -> list[tuple[int, int]]:
    """`parts` review-id ranges covering every id, of about equal width over [low, high]."""
    width = max(1, -(-(high - low + 1) // parts))
    bounds = [0] + [low + width * i for i in range(1, parts)] + [OPEN_END]
    return [(bounds[i], bounds[i + 1]) for i in range(parts)]


def rerank_split_begin(*, parts: int) -> SplitRun | None:
    """Take the rerank lock for a full run split into `parts` id ranges and plan them. Returns
    None, changing nothing, when another run holds the lock. The lock is held (and refreshed)
    until rerank_split_finish or rerank_split_abort releases it, or it expires."""
    if not 1 <= parts <= 64:
        raise ValidationError({"parts": ["Split a full rerank into 1 to 64 parts."]})
    key = uuid.uuid4().hex
    if not cache.add(lock_key(), key, timeout=settings.RANKING_LOCK_TIMEOUT):
        return None
    bounds = Review.objects.aggregate(low=Min("id"), high=Max("id"))
    ranges = split_ranges(bounds["low"] or 0, bounds["high"] or 0, parts)
    with transaction.atomic():
        # Staging left by an abandoned split (a worker lost for good) is of no further use.
        StagedScore.objects.exclude(run_key=key).delete()
        StagedPart.objects.all().delete()
        SplitRun.objects.filter(finished_at__isnull=True).delete()
        return SplitRun.objects.create(run_key=key, parts=parts, ranges=[list(r) for r in ranges])


def rerank_stage_part(*, key: str, low: int, high: int) -> bool:
    """Compute one part of a split run (its own transaction), then count it done. Returns True
    when it was the last part, i.e. the caller must now start rerank_split_finish."""
    if not SplitRun.objects.filter(run_key=key, finished_at__isnull=True).exists():
        return False  # finished or abandoned: a redelivered task has nothing left to do
    Engine().stage_part(key=key, low=low, high=high)
    with transaction.atomic():
        # A row lock orders the parts: exactly one of them sees the count complete.
        split = SplitRun.objects.select_for_update().filter(run_key=key).first()
        if split is None:
            return False
        done = StagedPart.objects.filter(run_key=key).count()
        SplitRun.objects.filter(pk=split.pk).update(parts_done=done)
        return done >= split.parts and split.parts_done < split.parts


def rerank_split_finish(*, key: str, progress: Callable[[str], None] | None = None) -> RunResult:
    """The final step of a split full run: one transaction that checks the staged parts against
    what changed since, recomputes the rest and commits one consistent ranking. Safe to run
    twice: the second call finds the split finished and does nothing."""
    split = SplitRun.objects.filter(run_key=key).first()
    now = timezone.now()
    if split is None or split.finished_at is not None:
        return RunResult(kind="full", started_at=now, skipped=True, reason="finished")
    # The lock rerank_split_begin took is still ours, or it expired and is free to take again.
    if cache.get(lock_key()) != key and not cache.add(lock_key(), key, timeout=settings.RANKING_LOCK_TIMEOUT):
        return RunResult(kind="full", started_at=now, skipped=True, reason="locked")
    cache.set(lock_key(), key, timeout=settings.RANKING_LOCK_TIMEOUT)  # a fresh expiry for this step
    result = _run_holding_lock(
        key, full=True, progress=progress, split=Split(key=key, ranges=[tuple(r) for r in split.ranges])
    )
    if not result.skipped:
        SplitRun.objects.filter(pk=split.pk).update(finished_at=timezone.now())
    return result


def rerank_split_abort(*, key: str) -> None:
    """Give up a split run (a part failed): drop its staging and release the lock if still held."""
    with transaction.atomic():
        StagedScore.objects.filter(run_key=key).delete()
        StagedPart.objects.filter(run_key=key).delete()
        SplitRun.objects.filter(run_key=key).delete()
    if cache.get(lock_key()) == key:
        cache.delete(lock_key())


def rerank_split_in_process(*, parts: int, progress: Callable[[str], None] | None = None) -> RunResult:
    """A split full run with every part computed here, one after the other (for the command and
    for tests; ranking.tasks.rerank_split spreads the parts over workers)."""
    split = rerank_split_begin(parts=parts)
    if split is None:
        return RunResult(kind="full", started_at=timezone.now(), skipped=True, reason="locked")
    try:
        for low, high in split.ranges:
            rerank_stage_part(key=split.run_key, low=low, high=high)
    except Exception:
        rerank_split_abort(key=split.run_key)
        raise
    return rerank_split_finish(key=split.run_key, progress=progress)


def voter_changed(*, user: User) -> None:
    """Tell the next rerank that what `user`'s votes weigh may have changed with no vote or
    review changing (a suspension set or lifted, a ban, an unban). Runs in the caller's
    transaction, so it lands exactly when the change does."""
    RerankPending.objects.create(reason=RerankPending.Reason.VOTER_CHANGED, user_id=user.pk)


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
