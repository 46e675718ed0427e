"""Vote-fraud signals, detected inside the rerank transaction (see ranking.engine).

- Serial voting: one account casting scoring.SERIAL_VOTES_PER_DAY or more votes on one author's
  reviews within 24 hours (a sliding window, so a burst across midnight counts). Checked on every
  run for the voter/author pairs whose counts changed or that received votes since the last run
  (a vote moved within a pair leaves its counts as they were), and on all tracked pairs by full
  runs.
- Vote rings (full runs): accounts that mostly vote on each other. Build the graph "a cast at
  least RING_EDGE_MIN_VOTES helpful votes on b's reviews"; a ring is a strongly connected group of
  two or more accounts (every member reaches every other through such edges) in which every
  member cast at least RING_MIN_INSIDE_SHARE of their helpful votes on the others' reviews.

Each signal is one FraudFlag (found again by its key on later runs) linked to the votes concerned:
an open flag discounts them, a confirmed one excludes them, a dismissed one is left alone.
"""

# ruff: noqa: S608 - SQL built from module constants; values are parameters.

from __future__ import annotations

import hashlib
from collections import defaultdict
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from django.db.models import Q

from accounts.models import User

from . import scoring as S
from .models import FraudFlag

if TYPE_CHECKING:
    from .engine import Engine, RunResult

VOTE = "reviews_helpfulvote"
REVIEW = "reviews_review"


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(round(epoch), tz=UTC).isoformat()


def _in_list(prefix: str, values) -> tuple[str, dict]:
    params = {f"{prefix}{i}": v for i, v in enumerate(values)}
    return ", ".join(f"%({k})s" for k in params) or "NULL", params


def _link_votes(engine: Engine, flag_id: int, vote_sql: str, params: dict) -> int:
    """Link the votes `vote_sql` selects (column `id`) to a flag; returns how many were new."""
    return engine.x(
        f"INSERT INTO ranking_flaggedvote (flag_id, vote_id) SELECT %(flag)s, q.id FROM ({vote_sql}) q "
        "WHERE TRUE ON CONFLICT (flag_id, vote_id) DO NOTHING",
        {**params, "flag": flag_id},
    )


def _rescore_flag_votes(engine: Engine, flag_ids: list[int]) -> None:
    if not flag_ids:
        return
    placeholders, params = _in_list("f", flag_ids)
    engine.resum_reviews(
        f"SELECT v.review_id AS id FROM ranking_flaggedvote fv JOIN {VOTE} v ON v.id = fv.vote_id "
        f"WHERE fv.flag_id IN ({placeholders})",
        params,
    )


def detect_serial(engine: Engine, result: RunResult, *, pairs_scope: str | None) -> list[int]:
    """Flag serial voting on the tracked pairs (all of them, or those in `pairs_scope`).
    Returns the ids of flags created or changed; their votes are put back in scope."""
    d = engine.d
    scope = (
        "TRUE"
        if pairs_scope is None
        else f"EXISTS (SELECT 1 FROM {pairs_scope} c WHERE c.voter_id = vp.voter_id AND c.author_id = vp.author_id)"
    )
    engine.clear("rk_pair_vote", "rk_burst_end")
    engine.x(
        "INSERT INTO rk_pair_vote (vote_id, voter_id, author_id, review_id, created_epoch) "
        f"SELECT v.id, v.user_id, r.author_id, v.review_id, {d.epoch('v.created_at')} FROM ranking_votepair vp "
        f"JOIN {REVIEW} r ON r.author_id = vp.author_id JOIN {VOTE} v ON v.review_id = r.id AND v.user_id = vp.voter_id "
        f"WHERE vp.votes >= {S.SERIAL_VOTES_PER_DAY} AND {scope}"
    )
    window = d.lit(S.SERIAL_WINDOW_SECONDS)
    same_pair = "b.voter_id = a.voter_id AND b.author_id = a.author_id"
    engine.x(
        "INSERT INTO rk_burst_end (vote_id, voter_id, author_id, created_epoch, n) "
        "SELECT a.vote_id, a.voter_id, a.author_id, a.created_epoch, COUNT(*) FROM rk_pair_vote a "
        f"JOIN rk_pair_vote b ON {same_pair} AND b.created_epoch > a.created_epoch - {window} "
        "AND b.created_epoch <= a.created_epoch "
        f"GROUP BY a.vote_id, a.voter_id, a.author_id, a.created_epoch HAVING COUNT(*) >= {S.SERIAL_VOTES_PER_DAY}"
    )
    rows = engine.rows(
        "SELECT DISTINCT b.vote_id, b.voter_id, b.author_id, b.review_id, b.created_epoch FROM rk_burst_end a "
        f"JOIN rk_pair_vote b ON {same_pair} AND b.created_epoch > a.created_epoch - {window} "
        "AND b.created_epoch <= a.created_epoch"
    )
    if not rows:
        return []
    peaks = dict(
        ((voter, author), n)
        for voter, author, n in engine.rows(
            "SELECT voter_id, author_id, MAX(n) FROM rk_burst_end GROUP BY voter_id, author_id"
        )
    )
    pairs: dict[tuple[int, int], list[tuple]] = defaultdict(list)
    for vote_id, voter, author, review_id, epoch in rows:
        pairs[(voter, author)].append((vote_id, review_id, epoch))
    usernames = dict(User.objects.filter(pk__in={u for pair in pairs for u in pair}).values_list("pk", "username"))
    existing = {f.key: f for f in FraudFlag.objects.filter(key__in=[f"serial:{v}:{a}" for v, a in pairs])}
    touched: list[int] = []
    for (voter, author), votes in sorted(pairs.items()):
        key = f"serial:{voter}:{author}"
        epochs = [e for _, _, e in votes]
        evidence = {
            "voter": usernames.get(voter, str(voter)),
            "voter_id": voter,
            "author": usernames.get(author, str(author)),
            "author_id": author,
            "votes_in_bursts": len(votes),
            "max_votes_in_24h": peaks.get((voter, author), 0),
            "threshold": S.SERIAL_VOTES_PER_DAY,
            "first_vote_at": _iso(min(epochs)),
            "last_vote_at": _iso(max(epochs)),
            "review_ids": sorted({r for _, r, _ in votes})[:50],
        }
        flag = existing.get(key)
        if flag is not None and flag.status == FraudFlag.Status.DISMISSED:
            continue  # a moderator looked and cleared it
        if flag is None:
            flag = FraudFlag.objects.create(
                kind=FraudFlag.Kind.SERIAL_VOTING,
                key=key,
                evidence=evidence,
                vote_count=len(votes),
                created_at=engine.now,
                updated_at=engine.now,
            )
            flag.accounts.add(voter)
            changed = True
        else:
            changed = flag.evidence != evidence
            if changed:
                FraudFlag.objects.filter(pk=flag.pk).update(
                    evidence=evidence, vote_count=len(votes), updated_at=engine.now
                )
        placeholders, params = _in_list("v", [vote_id for vote_id, _, _ in votes])
        linked = _link_votes(engine, flag.pk, f"SELECT id FROM {VOTE} WHERE id IN ({placeholders})", params)
        if changed or linked:
            touched.append(flag.pk)
    result.add("fraud_flags", len(touched))
    _rescore_flag_votes(engine, touched)
    return touched


def strongly_connected(nodes: set[int], edges: dict[int, set[int]]) -> list[set[int]]:
    """Tarjan's algorithm, iterative (rings can be long). Returns components of 2+ nodes."""
    index: dict[int, int] = {}
    low: dict[int, int] = {}
    on_stack: set[int] = set()
    stack: list[int] = []
    components: list[set[int]] = []
    counter = 0
    for root in sorted(nodes):
        if root in index:
            continue
        work = [(root, iter(sorted(edges.get(root, set()) & nodes)))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, set()) & nodes))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    components.append(component)
    return components


def _inside_shares(engine: Engine, members: set[int]) -> dict[int, tuple[int, int]]:
    placeholders, params = _in_list("m", sorted(members))
    rows = engine.rows(
        f"SELECT v.user_id, COUNT(*), SUM(CASE WHEN r.author_id IN ({placeholders}) THEN 1 ELSE 0 END) "
        f"FROM {VOTE} v JOIN {REVIEW} r ON r.id = v.review_id "
        f"WHERE v.helpful AND v.user_id IN ({placeholders}) GROUP BY v.user_id",
        params,
    )
    return {user: (int(total), int(inside or 0)) for user, total, inside in rows}


def find_rings(engine: Engine) -> list[tuple[set[int], dict[int, tuple[int, int]], list[tuple[int, int, int]]]]:
    edge_rows = engine.rows(
        "SELECT voter_id, author_id, helpful_votes FROM ranking_votepair "
        f"WHERE helpful_votes >= {S.RING_EDGE_MIN_VOTES} AND voter_id <> author_id"
    )
    edges: dict[int, set[int]] = defaultdict(set)
    for voter, author, _n in edge_rows:
        edges[voter].add(author)
    rings = []
    pending = strongly_connected(set(edges) | {a for _, a, _ in edge_rows}, edges)
    while pending:
        group = pending.pop()
        shares = _inside_shares(engine, group)
        passing = {u for u in group if u in shares and shares[u][1] / shares[u][0] >= S.RING_MIN_INSIDE_SHARE}
        if passing == group:
            ring_edges = sorted((v, a, n) for v, a, n in edge_rows if v in group and a in group)
            rings.append((group, shares, ring_edges))
        elif len(passing) > 1:
            # Drop the members who mostly vote elsewhere and look again at what is left.
            pending.extend(strongly_connected(passing, edges))
    return rings


def detect_rings(engine: Engine, result: RunResult) -> list[int]:
    touched: list[int] = []
    for members, shares, ring_edges in find_rings(engine):
        ids = sorted(members)
        key = "ring:" + hashlib.sha1(",".join(map(str, ids)).encode(), usedforsecurity=False).hexdigest()
        names = dict(User.objects.filter(pk__in=ids).values_list("pk", "username"))
        evidence = {
            "members": [
                {
                    "id": uid,
                    "username": names.get(uid, str(uid)),
                    "helpful_votes": shares[uid][0],
                    "inside_votes": shares[uid][1],
                    "inside_share": round(shares[uid][1] / shares[uid][0], 3),
                }
                for uid in ids
            ],
            "edges": [{"voter_id": v, "author_id": a, "helpful_votes": n} for v, a, n in ring_edges[:200]],
            "thresholds": {"edge_min_votes": S.RING_EDGE_MIN_VOTES, "min_inside_share": S.RING_MIN_INSIDE_SHARE},
        }
        flag = FraudFlag.objects.filter(key=key).first()
        if flag is None:
            # A ring that grew or shrank keeps its open flag rather than getting a second one.
            overlapping = list(
                FraudFlag.objects.filter(
                    Q(kind=FraudFlag.Kind.VOTE_RING, status=FraudFlag.Status.OPEN), accounts__in=ids
                ).distinct()
            )
            flag = overlapping[0] if len(overlapping) == 1 else None
        if flag is not None and flag.status == FraudFlag.Status.DISMISSED:
            continue
        placeholders, params = _in_list("m", ids)
        ring_votes = (
            f"SELECT v.id FROM {VOTE} v JOIN {REVIEW} r ON r.id = v.review_id WHERE v.helpful "
            f"AND v.user_id IN ({placeholders}) AND r.author_id IN ({placeholders}) AND r.author_id <> v.user_id"
        )
        vote_count = engine.scalar(f"SELECT COUNT(*) FROM ({ring_votes}) q", params) or 0
        if flag is None:
            flag = FraudFlag.objects.create(
                kind=FraudFlag.Kind.VOTE_RING,
                key=key,
                evidence=evidence,
                vote_count=vote_count,
                created_at=engine.now,
                updated_at=engine.now,
            )
            changed = True
        else:
            changed = flag.key != key or flag.evidence != evidence
            if changed:
                FraudFlag.objects.filter(pk=flag.pk).update(
                    key=key, evidence=evidence, vote_count=vote_count, updated_at=engine.now
                )
        if set(flag.accounts.values_list("pk", flat=True)) != members:
            flag.accounts.set(ids)
            changed = True
        linked = _link_votes(engine, flag.pk, ring_votes, params)
        if changed or linked:
            touched.append(flag.pk)
    result.add("fraud_flags", len(touched))
    _rescore_flag_votes(engine, touched)
    return touched
