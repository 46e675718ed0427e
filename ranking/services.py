"""Writes of the ranking app: the rerank job, features, fraud-flag decisions, tester demotion.

The rerank job never overlaps itself. It takes a lock with an expiry, a row in the database
(RerankState), so that it runs whenever the database does, whatever state Redis is in; on
PostgreSQL a transaction-level advisory lock keeps a second run out as well, even past the lock's
expiry. On SQLite the lock row's conditional update is atomic too (Candor opens IMMEDIATE
transactions, one writer at a time).

A full run that was killed or failed, or a nightly one that never started, is noticed by the
next incremental run (every RANKING_RERANK_INTERVAL), which then runs as a full one
(full_run_due).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Max, Min, Q
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from reviews.models import Review

from .engine import PG_ADVISORY_KEY, Busy, Engine, RunResult, Split
from .models import (
    FraudFlag,
    RerankPending,
    RerankRun,
    RerankState,
    ReviewerStanding,
    ReviewScore,
    SplitRun,
    StagedPart,
    StagedScore,
    TesterEvent,
)
from .testers import demote

logger = logging.getLogger(__name__)

# Sent once a run that changed something has committed (kwargs: result). Listeners, such as the
# cache of the first feed pages, drop what the new ranking made stale.
rerank_committed = Signal()


# --- the run lock and the record of full runs ------------------------------------------------


def _state() -> RerankState:
    """The one state row, created on first use (a flushed test database has none)."""
    state = RerankState.objects.filter(pk=1).first()
    if state is None:
        try:
            with transaction.atomic():
                state = RerankState.objects.create(pk=1)
        except IntegrityError:  # created at the same moment by another run
            state = RerankState.objects.get(pk=1)
    return state


def lock_holder() -> str | None:
    """The token of the run holding the lock, if it is held and has not expired."""
    state = _state()
    if not state.lock_holder or (state.lock_expires_at and state.lock_expires_at < timezone.now()):
        return None
    return state.lock_holder


def _lock_take(token: str) -> bool:
    """Take the lock for `token` (or refresh its expiry if `token` holds it already): one
    conditional update, so of two runs asking at once exactly one gets it."""
    _state()
    now = timezone.now()
    return bool(
        RerankState.objects.filter(pk=1)
        .filter(Q(lock_holder="") | Q(lock_holder=token) | Q(lock_expires_at__lt=now))
        .update(lock_holder=token, lock_expires_at=now + timedelta(seconds=settings.RANKING_LOCK_TIMEOUT))
    )


def _lock_take_over(token: str) -> bool:
    """Take a dead run's lock: only if it is still held by the same dead run."""
    holder = lock_holder()
    if holder is None:
        return _lock_take(token)
    return bool(
        RerankState.objects.filter(pk=1, lock_holder=holder).update(
            lock_holder=token,
            lock_expires_at=timezone.now() + timedelta(seconds=settings.RANKING_LOCK_TIMEOUT),
        )
    )


def lock_release(token: str) -> None:
    """Release the lock if `token` still holds it (if it expired and another run took it, leave
    theirs alone)."""
    try:
        RerankState.objects.filter(pk=1, lock_holder=token).update(lock_holder="", lock_expires_at=None)
    except Exception:  # noqa: BLE001 - e.g. the database went away with the run: it expires
        logger.exception("rerank: could not release the run lock; it expires on its own")


def _last_full_done() -> RerankRun | None:
    return (
        RerankRun.objects.filter(kind=RerankRun.Kind.FULL, status=RerankRun.Status.DONE)
        .order_by("-started_at", "-id")
        .first()
    )


def full_run_due(*, now: datetime) -> str | None:
    """Why the run starting at `now` must be a full one although it was asked for an incremental
    one, or None. Due when the last finished full run is older than RANKING_FULL_RUN_MAX_AGE (the
    nightly run was missed), or when a full run begun since never finished (killed, or failed):
    that one is retried at once the first time, then after 1, 3, 7, ... rerank intervals (up to
    six hours), so a full run that keeps failing leaves incremental runs in between."""
    last = _last_full_done()
    if last is None:
        # The engine makes the very first run a full one by itself; after that (the history is
        # kept for 30 days) a missing full run is overdue.
        return "no full run on record" if RerankRun.objects.exists() else None
    if last.started_at < now - settings.RANKING_FULL_RUN_MAX_AGE:
        return f"the last full run began at {last.started_at:%Y-%m-%d %H:%M} UTC, more than {settings.RANKING_FULL_RUN_MAX_AGE} ago"
    state = _state()
    begun = state.full_started_at
    if begun is None or begun <= last.started_at:
        return None
    wait = settings.RANKING_RERANK_INTERVAL * min(2 ** max(state.full_attempts - 1, 0) - 1, 72)
    if now < begun + wait:
        return None
    return f"the full run begun at {begun:%Y-%m-%d %H:%M} UTC never finished (attempt {state.full_attempts})"


def _full_run_begins(started: datetime) -> None:
    """Record that a full run begins (committed before its own transaction, so that it stays
    recorded if the run is killed)."""
    state = _state()
    last = _last_full_done()
    finished = state.full_started_at is None or (last is not None and last.started_at >= state.full_started_at)
    RerankState.objects.filter(pk=1).update(
        full_started_at=started, full_attempts=1 if finished else min(state.full_attempts + 1, 1000)
    )


def rerank(
    *, full: bool = False, now: datetime | None = None, progress: Callable[[str], None] | None = None
) -> RunResult:
    """Recompute the ranking: everything (`full`) or only what changed since the last run.

    One transaction; returns what changed. Returns a skipped result, writing nothing, when another
    run holds the lock. The first run ever is always full, and so is an incremental one when a
    full run is due (full_run_due). A failure rolls everything back, is logged with a `failed`
    RerankRun row, and re-raised.
    """
    token = uuid.uuid4().hex
    started = now or timezone.now()
    if not _lock_take(token):
        if not _lock_holder_is_gone() or not _lock_take_over(token):
            return RunResult(kind="full" if full else "incremental", started_at=started, skipped=True, reason="locked")
        # The holder died (a worker killed mid-run): its lock is taken over rather than waited
        # out. Should a run start at this very moment, the advisory lock still keeps one out.
        logger.warning("rerank: the run lock's holder is gone; took the lock over")
    promoted = None
    try:
        if not full:
            promoted = full_run_due(now=started)
            if promoted:
                logger.warning("rerank: %s; this run does the full run's work", promoted)
                full = True
        if full:
            _full_run_begins(started)
    except Exception:
        lock_release(token)
        raise
    result = _run_holding_lock(token, full=full, now=started, progress=progress)
    if promoted and not result.skipped:
        result.notes["promoted_to_full"] = 1
    return result


def _lock_holder_is_gone() -> bool:
    """On PostgreSQL a live run holds the job's advisory lock for its whole transaction, and a
    split run is unfinished while its parts compute; with neither, the lock is a dead run's.
    (Elsewhere the lock is waited out.)"""
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
        lock_release(token)
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
        raise ValidationError({"parts": [_("Split a full rerank into 1 to 64 parts.")]})
    key = uuid.uuid4().hex
    if not _lock_take(key):
        return None
    _full_run_begins(timezone.now())
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
    # The lock rerank_split_begin took is still ours (a fresh expiry for this step), or it
    # expired and is free to take again.
    if not _lock_take(key):
        return RunResult(kind="full", started_at=now, skipped=True, reason="locked")
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
    lock_release(key)


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
        raise PermissionDenied(_("Only moderators can do this."))


def _score_row(review: Review) -> ReviewScore:
    score, _created = ReviewScore.objects.get_or_create(
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
        raise ValidationError({"until": [_("The feature must end in the future.")]})
    if review.status != Review.Status.PUBLISHED:
        raise ValidationError({"review": [_("Only published reviews can be featured.")]})
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
        raise ValidationError(
            {"status": [_("Choose one of: %(choices)s.") % {"choices": ", ".join(FraudFlag.Status.values)}]}
        )
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
