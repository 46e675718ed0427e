"""Level-up notifications, sent inside the rerank's transaction, set-based.

A reviewer is told once per level reached: `ReviewerStanding.announced_level` remembers the
highest level announced, so a level that falls and rises again is not announced twice.
"""

from __future__ import annotations

from datetime import datetime

from accounts.models import Notification

# Every value is a bound parameter; only the vendor's JSON function is chosen below.
LEVEL_UPS_SQL = """
    INSERT INTO accounts_notification (recipient_id, kind, title, body, url, data, created_at, read_at)
    SELECT s.user_id, %(kind)s, 'You reached level ' || s.level,
           'Your reviews keep helping people. See what the next level needs on your profile.',
           '/u/' || u.username || '/', JSON_OBJECT_FUNCTION('level', s.level), %(now)s, NULL
    FROM ranking_reviewerstanding s JOIN accounts_user u ON u.id = s.user_id
    WHERE s.level > s.announced_level
"""


# An incremental run lists the reviewers whose level it raised (the engine's rk_level_up):
# probing their standings is cheaper than scanning all of them, as the nightly full run does.
RAISED_BY_THIS_RUN = " AND s.user_id IN (SELECT id FROM rk_level_up)"
MARK_ANNOUNCED_SQL = "UPDATE ranking_reviewerstanding AS s SET announced_level = level WHERE level > announced_level"


def announce_level_ups(engine, *, now: datetime, only_raised_by_this_run: bool = False) -> int:
    """Notify every reviewer whose level rose above the last one announced (or only those whose
    level this run raised). Returns how many."""
    function = "jsonb_build_object" if engine.d.pg else "json_object"
    among = RAISED_BY_THIS_RUN if only_raised_by_this_run else ""
    inserted = engine.x(
        LEVEL_UPS_SQL.replace("JSON_OBJECT_FUNCTION", function) + among,
        {"kind": Notification.Kind.LEVEL_UP, "now": engine.dt(now)},
    )
    if inserted:
        engine.x(MARK_ANNOUNCED_SQL + among)
    return inserted
