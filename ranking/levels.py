"""Level-up notifications, sent inside the rerank's transaction, set-based.

A reviewer is told once per level reached: `ReviewerStanding.announced_level` remembers the
highest level announced, so a level that falls and rises again is not announced twice.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation

from accounts import notifications as notification_texts
from accounts.models import Notification

from . import scoring as S

# Every value is a bound parameter; only the vendor's JSON function and the per-language CASE
# (built from settings.LANGUAGES, parameter names only) are put in below.
LEVEL_UPS_SQL = """
    INSERT INTO accounts_notification (recipient_id, kind, title, body, url, data, created_at, read_at)
    SELECT s.user_id, %(kind)s, TITLE_SQL, BODY_SQL,
           '/u/' || u.username || '/', JSON_OBJECT_FUNCTION('level', s.level), %(now)s, NULL
    FROM ranking_reviewerstanding s JOIN accounts_user u ON u.id = s.user_id
    WHERE s.level > s.announced_level
"""


# A level no reviewer reaches: the registered text is rendered with it and cut around it, so the
# SQL puts each row's own level in its place.
_LEVEL_MARK = 987654321


def _level_up_words() -> tuple[str, str, dict]:
    """The notification's title and body as SQL, each in its reader's language: the one they
    chose (accounts.User.language), else the language active now (as accounts.services.
    in_language_of). The words are the registered level-up text (ranking/notifications.py),
    rendered once per language. Returns (title SQL, body SQL, their parameters)."""
    params: dict = {}
    titles, bodies = [], []
    languages = [("", None)] + [(code, index) for index, (code, _name) in enumerate(settings.LANGUAGES)]
    for code, index in languages:
        key = "now_lang" if index is None else f"lang{index}"
        with translation.override(code or translation.get_language()):
            rendered = notification_texts.render(Notification.Kind.LEVEL_UP, {"level": _LEVEL_MARK})
        if rendered is None or rendered[1] is None or str(_LEVEL_MARK) not in rendered[0]:
            raise ImproperlyConfigured("The level-up notification's text must be registered and name the level.")
        before, _marker, after = rendered[0].partition(str(_LEVEL_MARK))
        params[f"{key}_before"], params[f"{key}_after"], params[f"{key}_body"] = before, after, rendered[1]
        title = f"CAST(%({key}_before)s AS TEXT) || CAST(s.level AS TEXT) || CAST(%({key}_after)s AS TEXT)"
        if index is None:
            default_title, default_body = title, f"%({key}_body)s"
        else:
            params[key] = code
            titles.append(f"WHEN %({key})s THEN {title}")
            bodies.append(f"WHEN %({key})s THEN %({key}_body)s")
    title_sql = f"CASE u.language {' '.join(titles)} ELSE {default_title} END"
    body_sql = f"CASE u.language {' '.join(bodies)} ELSE {default_body} END"
    return title_sql, body_sql, params


# An incremental run lists the reviewers whose level it raised (the engine's rk_level_up):
# probing their standings is cheaper than scanning all of them, as the nightly full run does.
RAISED_BY_THIS_RUN = " AND s.user_id IN (SELECT id FROM rk_level_up)"
MARK_ANNOUNCED_SQL = "UPDATE ranking_reviewerstanding AS s SET announced_level = level WHERE level > announced_level"


def announce_level_ups(engine, *, now: datetime, only_raised_by_this_run: bool = False) -> int:
    """Notify every reviewer whose level rose above the last one announced (or only those whose
    level this run raised). Returns how many."""
    function = "jsonb_build_object" if engine.d.pg else "json_object"
    among = RAISED_BY_THIS_RUN if only_raised_by_this_run else ""
    title_sql, body_sql, words = _level_up_words()
    sql = LEVEL_UPS_SQL.replace("JSON_OBJECT_FUNCTION", function).replace("TITLE_SQL", title_sql)
    inserted = engine.x(
        sql.replace("BODY_SQL", body_sql) + among,
        {"kind": Notification.Kind.LEVEL_UP, "now": engine.dt(now), **words},
    )
    if inserted:
        engine.x(MARK_ANNOUNCED_SQL + among)
    return inserted


# --- the community route's cut-offs (scoring.LEVEL_RULES) ------------------------------------
# Computed by each full rerank from the reputations it just wrote, and carried by every run in
# RerankRun.changes["level_cutoffs"], so incremental runs and the API use the nightly figures.
CUTOFFS_KEY = "level_cutoffs"


def stored_cutoffs() -> dict[int, float]:
    """The cut-offs of the last finished run (level -> reputation); empty when the community
    route is closed (fewer than scoring.LEVEL_MIN_COMMUNITY active reviewers, or no run yet)."""
    from .models import RerankRun

    run = (
        # Every run carries them: the latest one is enough (an index probe, no JSON scan).
        RerankRun.objects.filter(status=RerankRun.Status.DONE)
        .order_by("-started_at", "-id")
        .values_list("changes", flat=True)
        .first()
    )
    return {int(level): float(value) for level, value in ((run or {}).get(CUTOFFS_KEY) or {}).items()}


def compute_cutoffs(engine) -> tuple[dict[int, float], int]:
    """Reputation at each level's share of the active reviewers (those with a ranked review),
    read from the standings as they stand in the run. Returns (cut-offs, active reviewers)."""
    standing = "ranking_reviewerstanding"
    active = engine.scalar(f"SELECT COUNT(*) FROM {standing} WHERE review_count > 0") or 0  # noqa: S608  # nosec B608 - a table name of this module
    if active < S.LEVEL_MIN_COMMUNITY:
        return {}, active
    positions = {rule.level: S.cutoff_position(rule.share, active) for rule in S.LEVEL_RULES}
    # One sort of the standings for every level (there is no index on reputation).
    at = dict(
        engine.rows(
            "SELECT n, reputation FROM (SELECT reputation, ROW_NUMBER() OVER (ORDER BY reputation DESC) AS n "  # noqa: S608  # nosec B608 - a table name and whole-number positions
            f"FROM {standing} WHERE review_count > 0) ranked WHERE n IN ({', '.join(map(str, set(positions.values())))})"
        )
    )
    cutoffs = {level: max(S.LEVEL_MIN_CUTOFF, S.rnd(at.get(n) or 0.0)) for level, n in positions.items()}
    return cutoffs, active
