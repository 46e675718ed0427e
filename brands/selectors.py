"""Reads of the tester program: eligibility and matching (KOC discovery), a tester's record,
the brand dashboard, and the brand's products with their category ranks.

Matching. The pool is every active, unsuspended invited tester (ranking's `is_tester`) at or above
the campaign's minimum level who has reviewed in one of the wanted categories, is not a member of
any brand, has not reviewed the product already and was not invited to this campaign. Then:

- not eligible while they hold policy.MAX_OPEN_ITEMS_PER_TESTER open items, while an
  invited review of theirs is overdue and unwritten, once policy.OVERDUE_DEMOTE_COUNT items went
  overdue within policy.OVERDUE_WINDOW_DAYS, or when their completion rate is below
  policy.MIN_COMPLETION_RATE with at least policy.COMPLETION_MIN_ITEMS items due;
- ranked by Σ policy.MATCH_WEIGHTS × signal, the signals being category reputation (summed over
  the wanted categories) and average review quality (ranking's quality score), each divided by
  the pool's best, and the prior-smoothed completion rate;
- scores equal to policy.MATCH_TIE_DECIMALS places are ties: fewer open items first (spreading
  the free products), then a shuffle seeded by the campaign id, so ties do not always go to the
  same people, yet one campaign's list is stable between page loads.

Everything is computed in one query over the pool (correlated subqueries per figure); the pool is
bounded by the invited-tester bar (top K overall and per category), so sorting it in Python is cheap.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import (
    Avg,
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from accounts.models import Follow, User
from ranking.models import CategoryStanding, ReviewScore
from reviews.models import Brand, BrandMembership, HelpfulVote, Product, Review
from reviews.selectors import reviews_for_listing

from . import policy
from .models import Campaign, CampaignEvent, Invitation, MembershipInvitation

# --- a tester's record ---------------------------------------------------------------------------


def _count(qs: QuerySet) -> Coalesce:
    """COUNT(*) of a correlated queryset as an integer subquery (0 when empty)."""
    counted = qs.order_by().values("tester").annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def annotate_tester_record(users: QuerySet[User], now: datetime) -> QuerySet[User]:
    """Annotate what eligibility and the completion rate need, one subquery each:
    `open_items`, `overdue_open` (overdue and unwritten now), `overdue_recent` (items that went
    overdue within the window), `due_recent` (items whose deadline passed, or that were reviewed,
    within the window) and `on_time_recent` (of those, reviewed by the deadline)."""
    since = now - timedelta(days=policy.OVERDUE_WINDOW_DAYS)
    mine = Invitation.objects.filter(tester=OuterRef("pk"))
    due = mine.filter(received_at__isnull=False, due_at__gte=since).filter(Q(due_at__lte=now) | Q(review__isnull=False))
    return users.annotate(
        open_items=_count(mine.filter(status__in=Invitation.OPEN)),
        overdue_open=_count(mine.filter(status=Invitation.Status.OVERDUE)),
        overdue_recent=_count(mine.filter(overdue_at__gte=since)),
        due_recent=_count(due),
        on_time_recent=_count(due.filter(reviewed_at__isnull=False, reviewed_at__lte=F("due_at"))),
    )


def completion_rate(on_time: int, due: int) -> float | None:
    """Reviews written by their deadline over items due; None with nothing due yet."""
    return on_time / due if due else None


def smoothed_completion(on_time: int, due: int) -> float:
    weight = policy.COMPLETION_PRIOR_WEIGHT
    return (on_time + policy.COMPLETION_PRIOR_RATE * weight) / (due + weight)


def tester_record(user: User, now: datetime | None = None) -> dict:
    """A tester's own figures, shown on their invitations page and in the API."""
    now = now or timezone.now()
    row = annotate_tester_record(User.objects.filter(pk=user.pk), now).values(
        "open_items", "overdue_open", "overdue_recent", "due_recent", "on_time_recent"
    )[0]
    return {
        **row,
        "completion_rate": completion_rate(row["on_time_recent"], row["due_recent"]),
        "window_days": policy.OVERDUE_WINDOW_DAYS,
        "max_open_items": policy.MAX_OPEN_ITEMS_PER_TESTER,
        "min_completion_rate": policy.MIN_COMPLETION_RATE,
        "overdue_demote_count": policy.OVERDUE_DEMOTE_COUNT,
    }


# --- matching --------------------------------------------------------------------------------------


@dataclass
class Candidate:
    """A reviewer as a brand sees them in KOC discovery: public figures only, never private data."""

    user: User
    level: int
    category_reputation: float
    review_count: int
    average_helpfulness: float  # mean confidence-weighted helpfulness of their ranked reviews, 0..1
    average_quality: float
    followers: int
    open_items: int
    completion: float  # smoothed; used for ranking, not shown to brands
    match_score: float = 0.0
    reasons: list[str] = field(default_factory=list)

    @property
    def eligible(self) -> bool:
        return not self.reasons


def campaign_category_ids(campaign: Campaign) -> list[int]:
    ids = [c.pk for c in campaign.categories.all()]
    return ids or [campaign.product.category_id]


def _pool(campaign: Campaign, now: datetime, user_ids: list[int] | None) -> QuerySet[User]:
    category_ids = campaign_category_ids(campaign)
    in_categories = CategoryStanding.objects.filter(user=OuterRef("pk"), category_id__in=category_ids)
    cat_rep = in_categories.order_by().values("user").annotate(s=Sum("reputation")).values("s")[:1]
    cat_reviews = in_categories.order_by().values("user").annotate(s=Sum("review_count")).values("s")[:1]
    ranked = ReviewScore.objects.filter(review__author=OuterRef("pk"), ranked=True).order_by()
    quality = ranked.values("review__author").annotate(a=Avg("quality")).values("a")[:1]
    helpfulness = ranked.values("review__author").annotate(a=Avg("helpfulness")).values("a")[:1]
    published = Review.objects.filter(author=OuterRef("pk"), status=Review.Status.PUBLISHED).order_by()
    followers = Follow.objects.filter(followee=OuterRef("pk")).order_by().values("followee")
    users = User.objects.all()
    if user_ids is not None:
        users = users.filter(pk__in=user_ids)
    else:
        users = users.filter(
            is_active=True,
            standing__is_tester=True,
            standing__level__gte=campaign.min_level,
            category_standings__category_id__in=category_ids,
            category_standings__review_count__gt=0,
        ).distinct()
    users = users.annotate(
        m_level=Coalesce(F("standing__level"), 1),
        m_is_tester=Coalesce(F("standing__is_tester"), Value(False)),
        m_brand_member=Exists(BrandMembership.objects.filter(user=OuterRef("pk"))),
        m_invited=Exists(Invitation.objects.filter(campaign=campaign, tester=OuterRef("pk"))),
        m_reviewed=Exists(Review.objects.filter(product_id=campaign.product_id, author=OuterRef("pk"))),
        m_cat_rep=Coalesce(Subquery(cat_rep, output_field=FloatField()), 0.0),
        m_cat_reviews=Coalesce(Subquery(cat_reviews, output_field=IntegerField()), 0),
        m_quality=Coalesce(Subquery(quality, output_field=FloatField()), 0.0),
        m_helpfulness=Coalesce(Subquery(helpfulness, output_field=FloatField()), 0.0),
        m_reviews=Coalesce(
            Subquery(published.values("author").annotate(n=Count("pk")).values("n")[:1], output_field=IntegerField()),
            0,
        ),
        m_followers=Coalesce(
            Subquery(followers.annotate(n=Count("pk")).values("n")[:1], output_field=IntegerField()), 0
        ),
    )
    return annotate_tester_record(users, now)


def _reasons(user: User, campaign: Campaign, now: datetime) -> list[str]:
    """Why `user` may not be invited to `campaign` (empty when eligible), in plain words, in the
    active language (a brand reads them in the dashboard and in a refused invitation)."""
    reasons = []
    if not user.is_active or (user.suspended_until is not None and user.suspended_until > now):
        reasons.append(_("account is not active"))
    if not user.m_is_tester:
        reasons.append(_("not an invited tester"))
    if user.m_level < campaign.min_level:
        reasons.append(_("below level %(level)s") % {"level": campaign.min_level})
    if user.m_cat_reviews <= 0:
        reasons.append(_("no reviews in the wanted categories"))
    if user.m_brand_member:
        reasons.append(_("speaks for a brand"))
    if user.m_invited:
        reasons.append(_("already invited to this campaign"))
    if user.m_reviewed:
        reasons.append(_("already reviewed this product"))
    if user.open_items >= policy.MAX_OPEN_ITEMS_PER_TESTER:
        reasons.append(
            ngettext("already holds %(count)s open item", "already holds %(count)s open items", user.open_items)
            % {"count": user.open_items}
        )
    if user.overdue_open:
        reasons.append(_("has an overdue invited review"))
    if user.overdue_recent >= policy.OVERDUE_DEMOTE_COUNT:
        reasons.append(
            ngettext(
                "%(count)s review overdue in %(days)s days",
                "%(count)s reviews overdue in %(days)s days",
                user.overdue_recent,
            )
            % {"count": user.overdue_recent, "days": policy.OVERDUE_WINDOW_DAYS}
        )
    rate = completion_rate(user.on_time_recent, user.due_recent)
    if rate is not None and user.due_recent >= policy.COMPLETION_MIN_ITEMS and rate < policy.MIN_COMPLETION_RATE:
        reasons.append(
            _("completion rate %(rate)s is below %(minimum)s")
            % {"rate": f"{rate:.0%}", "minimum": f"{policy.MIN_COMPLETION_RATE:.0%}"}
        )
    return reasons


def listed(items: list[str]) -> str:
    """Short phrases joined as the active language lists them ("a, b, c"; in Chinese "a、b、c")."""
    return pgettext("list separator", ", ").join(str(item) for item in items)


def _tie_break(campaign_id: int, user_id: int) -> str:
    return hashlib.sha256(f"{campaign_id}:{user_id}".encode()).hexdigest()


def _rank(campaign: Campaign, candidates: list[Candidate]) -> list[Candidate]:
    weights = policy.MATCH_WEIGHTS
    best_rep = max((c.category_reputation for c in candidates), default=0.0) or 1.0
    best_quality = max((c.average_quality for c in candidates), default=0.0) or 1.0
    for c in candidates:
        c.match_score = round(
            weights["category_reputation"] * max(c.category_reputation, 0.0) / best_rep
            + weights["review_quality"] * max(c.average_quality, 0.0) / best_quality
            + weights["completion"] * c.completion,
            4,
        )
    digits = policy.MATCH_TIE_DECIMALS
    return sorted(
        candidates, key=lambda c: (-round(c.match_score, digits), c.open_items, _tie_break(campaign.pk, c.user.pk))
    )


def assess(campaign: Campaign, *, user_ids: list[int] | None = None, now: datetime | None = None) -> list[Candidate]:
    """Every reviewer in the pool (or exactly `user_ids`) with figures, match score and the
    reasons they may not be invited, best match first. One query."""
    now = now or timezone.now()
    rows = list(_pool(campaign, now, user_ids).select_related("standing"))
    candidates = [
        Candidate(
            user=u,
            level=u.m_level,
            category_reputation=round(u.m_cat_rep, 2),
            review_count=u.m_reviews,
            average_helpfulness=round(u.m_helpfulness, 4),
            average_quality=u.m_quality,
            followers=u.m_followers,
            open_items=u.open_items,
            completion=smoothed_completion(u.on_time_recent, u.due_recent),
            reasons=_reasons(u, campaign, now),
        )
        for u in rows
    ]
    return _rank(campaign, candidates)


def campaign_candidates(
    campaign: Campaign, *, now: datetime | None = None, limit: int | None = None
) -> list[Candidate]:
    """The eligible invited testers for `campaign`, best match first (KOC discovery)."""
    eligible = [c for c in assess(campaign, now=now) if c.eligible]
    return eligible[:limit] if limit else eligible


@dataclass
class Exclusions:
    """Why the reviewers of a campaign's categories are not proposed, in aggregate: each counted
    once, under the first reason that applies (`reasons`: (label, count), most common first)."""

    total: int
    reasons: list[tuple[str, int]]

    def __str__(self) -> str:
        if not self.total:
            return _("Nobody has reviewed in the wanted categories yet.")
        parts = listed(
            [
                pgettext("excluded reviewers: count, reason", "%(count)s %(reason)s") % {"count": n, "reason": label}
                for label, n in self.reasons
            ]
        )
        return ngettext(
            "%(count)s reviewer excluded: %(reasons)s.", "%(count)s reviewers excluded: %(reasons)s.", self.total
        ) % {"count": self.total, "reasons": parts}


def campaign_exclusions(campaign: Campaign, *, now: datetime | None = None) -> Exclusions:
    """Who among the reviewers of the campaign's categories may not be invited, and why, counted
    in one grouped query (the same rules as `_reasons`, first match wins). Meant for the page
    that says "no eligible testers", so brands see whether to lower the level or wait."""
    now = now or timezone.now()
    category_ids = campaign_category_ids(campaign)
    reviewed_here = CategoryStanding.objects.filter(
        user=OuterRef("pk"), category_id__in=category_ids, review_count__gt=0
    )
    users = annotate_tester_record(User.objects.filter(Exists(reviewed_here)), now).annotate(
        x_level=Coalesce(F("standing__level"), 1),
        x_is_tester=Coalesce(F("standing__is_tester"), Value(False)),
        x_brand_member=Exists(BrandMembership.objects.filter(user=OuterRef("pk"))),
        x_invited=Exists(Invitation.objects.filter(campaign=campaign, tester=OuterRef("pk"))),
        x_reviewed=Exists(Review.objects.filter(product_id=campaign.product_id, author=OuterRef("pk"))),
    )
    max_open = policy.MAX_OPEN_ITEMS_PER_TESTER
    # Each label is shown after its count ("3 brand members"); see Exclusions.__str__.
    rules = [
        (_("suspended or inactive"), Q(is_active=False) | Q(suspended_until__gt=now)),
        (_("brand members"), Q(x_brand_member=True)),
        (_("already invited"), Q(x_invited=True)),
        (_("already reviewed the product"), Q(x_reviewed=True)),
        (_("below the tester bar"), Q(x_is_tester=False)),
        (_("below level %(level)s") % {"level": campaign.min_level}, Q(x_level__lt=campaign.min_level)),
        (
            ngettext("holding %(count)s open item", "holding %(count)s open items", max_open) % {"count": max_open},
            Q(open_items__gte=max_open),
        ),
        (_("behind on an invited review"), Q(overdue_open__gt=0)),
        (
            _("too many late invited reviews"),
            Q(overdue_recent__gte=policy.OVERDUE_DEMOTE_COUNT)
            | Q(
                due_recent__gte=max(policy.COMPLETION_MIN_ITEMS, 1),
                on_time_recent__lt=F("due_recent") * policy.MIN_COMPLETION_RATE,
            ),
        ),
    ]
    why = Case(
        *(When(condition, then=Value(i)) for i, (_label, condition) in enumerate(rules)),
        default=Value(-1),
        output_field=IntegerField(),
    )
    counts = dict(users.annotate(why=why).order_by().values_list("why").annotate(n=Count("pk")))
    reasons = sorted(
        ((label, counts[i]) for i, (label, _condition) in enumerate(rules) if counts.get(i)),
        key=lambda pair: -pair[1],
    )
    return Exclusions(total=sum(n for _label, n in reasons), reasons=reasons)


# --- brand side ------------------------------------------------------------------------------------


def brand_of(user: User) -> Brand | None:
    """The brand `user` speaks for, or None."""
    if not user.is_authenticated:
        return None
    membership = BrandMembership.objects.filter(user=user).select_related("brand").first()
    return membership.brand if membership else None


def brand_membership(user: User) -> BrandMembership | None:
    """The caller's membership (with its brand), or None."""
    if not user.is_authenticated:
        return None
    return BrandMembership.objects.filter(user=user).select_related("brand").first()


def brand_members(brand: Brand) -> QuerySet[BrandMembership]:
    """The brand's members, earliest first."""
    return BrandMembership.objects.filter(brand=brand).select_related("user").order_by("created_at", "id")


def brand_membership_invitations(brand: Brand) -> QuerySet[MembershipInvitation]:
    """The invitations the brand sent, pending first, then newest first."""
    pending_first = Q(status=MembershipInvitation.Status.PENDING)
    return (
        MembershipInvitation.objects.filter(brand=brand)
        .select_related("brand", "invitee", "invited_by")
        .annotate(is_pending=ExpressionWrapper(pending_first, output_field=BooleanField()))
        .order_by("-is_pending", "-created_at", "-id")
    )


def membership_invitations_for(user: User) -> QuerySet[MembershipInvitation]:
    """The invitations a person received to speak for a brand, newest first."""
    return (
        MembershipInvitation.objects.filter(invitee=user)
        .select_related("brand", "invitee", "invited_by")
        .order_by("-created_at", "-id")
    )


def brand_events(brand: Brand) -> QuerySet[CampaignEvent]:
    """The brand's record: membership, verification, products and campaigns, newest first (a
    campaign's own steps are on its record, campaign_events)."""
    return (
        CampaignEvent.objects.filter(brand=brand, invitation__isnull=True)
        .select_related("actor", "campaign")
        .order_by("-created_at", "-id")
    )


def campaigns_for_brand(brand: Brand) -> QuerySet[Campaign]:
    """The brand's campaigns, newest first, with their funnel counts."""
    return (
        Campaign.objects.filter(brand=brand)
        .select_related("brand", "product__category", "product__brand")
        .prefetch_related("categories")
        .annotate(**_funnel_counts("invitations__"))
        .order_by("-created_at", "-id")
    )


def campaign_for_brand(brand: Brand, campaign_id: int) -> Campaign | None:
    """One of the brand's campaigns, or None: another brand's campaign is as good as missing."""
    return campaigns_for_brand(brand).filter(pk=campaign_id).first()


def _funnel_counts(prefix: str = "") -> dict:
    def n(**filters):
        return Count(f"{prefix}pk" if prefix else "pk", filter=Q(**{f"{prefix}{k}": v for k, v in filters.items()}))

    return {
        "n_invited": Count(f"{prefix}pk" if prefix else "pk"),
        "n_accepted": n(accepted_at__isnull=False),
        "n_declined": n(status=Invitation.Status.DECLINED),
        "n_expired": n(status=Invitation.Status.EXPIRED),
        "n_shipped": n(shipped_at__isnull=False),
        "n_received": n(received_at__isnull=False),
        "n_reviewed": n(review__isnull=False),
        "n_overdue": n(overdue_at__isnull=False),
        "n_holding": n(status__in=Invitation.HOLDING_UNIT),
    }


FUNNEL_STEPS = ("invited", "accepted", "shipped", "received", "reviewed", "overdue")


def funnel(campaign: Campaign) -> dict:
    """Invited, accepted, shipped, received, reviewed, overdue (each: ever reached), plus declined,
    expired and units left."""
    counts = Invitation.objects.filter(campaign=campaign).aggregate(**_funnel_counts())
    result = {step: counts[f"n_{step}"] for step in FUNNEL_STEPS}
    result.update(
        declined=counts["n_declined"],
        expired=counts["n_expired"],
        units=campaign.units,
        units_left=max(campaign.units - counts["n_holding"], 0),
    )
    return result


def units_left(campaign: Campaign) -> int:
    holding = Invitation.objects.filter(campaign=campaign, status__in=Invitation.HOLDING_UNIT).count()
    return max(campaign.units - holding, 0)


def campaign_invitations(campaign: Campaign) -> QuerySet[Invitation]:
    return (
        Invitation.objects.filter(campaign=campaign)
        .select_related("tester", "tester__standing", "review")
        .order_by("-invited_at", "-id")
    )


def campaign_reviews(campaign: Campaign, viewer: User | None = None) -> QuerySet[Review]:
    """The published reviews linked to the campaign, as every reader sees them (the brand gets no
    other order or control: best quality first, like the product page)."""
    return (
        reviews_for_listing(viewer)
        .filter(tester_assignment__campaign=campaign)
        .select_related("score")
        .order_by(Coalesce(F("score__quality"), 0.0).desc(), "-id")
    )


def rating_distribution(campaign: Campaign) -> dict[int, int]:
    counts = dict(
        Review.objects.filter(tester_assignment__campaign=campaign, status=Review.Status.PUBLISHED)
        .values_list("rating")
        .annotate(n=Count("id"))
        .values_list("rating", "n")
    )
    return {stars: counts.get(stars, 0) for stars in range(5, 0, -1)}


def helpfulness_summary(campaign: Campaign) -> dict:
    """Average helpful votes per linked review and the average confidence-weighted helpfulness
    (ranking's Wilson lower bound). Counts only: never who voted."""
    reviews = Review.objects.filter(tester_assignment__campaign=campaign, status=Review.Status.PUBLISHED)
    totals = reviews.aggregate(
        reviews=Count("pk"),
        helpful=Coalesce(Sum("helpful_count"), 0),
        not_helpful=Coalesce(Sum("not_helpful_count"), 0),
        average_rating=Avg("rating"),
        average_helpfulness=Avg("score__helpfulness"),
    )
    n = totals["reviews"]
    return {
        **totals,
        "helpful_per_review": round(totals["helpful"] / n, 2) if n else None,
        "average_helpfulness": round(totals["average_helpfulness"], 4)
        if totals["average_helpfulness"] is not None
        else None,
        "average_rating": round(totals["average_rating"], 2) if totals["average_rating"] is not None else None,
    }


def timeline(campaign: Campaign, *, now: datetime | None = None, max_days: int = 120, min_days: int = 14) -> list[dict]:
    """Per day from the campaign's start to today (at least `min_days`, at most `max_days`):
    reviews linked and helpful votes cast on them, with running totals."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    start = max(timezone.localdate(campaign.created_at), today - timedelta(days=max_days - 1))
    start = min(start, today - timedelta(days=min_days - 1))
    reviews = dict(
        Review.objects.filter(
            tester_assignment__campaign=campaign, status=Review.Status.PUBLISHED, created_at__date__gte=start
        )
        .annotate(day=TruncDate("created_at"))
        .values("day")
        .annotate(n=Count("pk"))
        .values_list("day", "n")
    )
    votes = dict(
        HelpfulVote.objects.filter(
            review__tester_assignment__campaign=campaign,
            review__status=Review.Status.PUBLISHED,
            helpful=True,
            created_at__date__gte=start,
        )
        .annotate(day=TruncDate("created_at"))
        .values("day")
        .annotate(n=Count("pk"))
        .values_list("day", "n")
    )
    series, total_reviews, total_votes = [], 0, 0
    day = start
    while day <= today:
        r, v = reviews.get(day, 0), votes.get(day, 0)
        total_reviews, total_votes = total_reviews + r, total_votes + v
        series.append(
            {
                "date": day,
                "reviews": r,
                "helpful_votes": v,
                "total_reviews": total_reviews,
                "total_helpful": total_votes,
            }
        )
        day += timedelta(days=1)
    return series


def campaign_dashboard(campaign: Campaign, viewer: User | None = None, now: datetime | None = None) -> dict:
    return {
        "funnel": funnel(campaign),
        "rating_distribution": rating_distribution(campaign),
        "helpfulness": helpfulness_summary(campaign),
        "timeline": timeline(campaign, now=now),
    }


def campaign_events(campaign: Campaign) -> QuerySet[CampaignEvent]:
    return CampaignEvent.objects.filter(campaign=campaign).select_related("actor", "invitation__tester")


def brand_products(brand: Brand) -> QuerySet[Product]:
    """The brand's products with their category rank (None outside the ranked top), published
    review count, average rating and number of campaigns; ranked ones first."""
    published = Q(reviews__status=Review.Status.PUBLISHED)
    campaigns = Campaign.objects.filter(product=OuterRef("pk")).order_by().values("product")
    return (
        Product.objects.filter(brand=brand)
        .select_related("brand", "category")
        .annotate(
            category_rank=F("score__category_rank"),
            review_count=Count("reviews", filter=published),
            average_rating=Avg("reviews__rating", filter=published),
            campaign_count=Coalesce(
                Subquery(campaigns.annotate(n=Count("pk")).values("n")[:1], output_field=IntegerField()), 0
            ),
        )
        .order_by(F("category_rank").asc(nulls_last=True), "name", "id")
    )


def unverified_brands() -> QuerySet[Brand]:
    """Brands waiting for a moderator (those with members first: someone asked)."""
    return Brand.objects.annotate(member_count=Count("memberships")).order_by("is_verified", "-member_count", "name")


# --- tester side -----------------------------------------------------------------------------------


def invitations_for_tester(user: User) -> QuerySet[Invitation]:
    return (
        Invitation.objects.filter(tester=user)
        .select_related("campaign__brand", "campaign__product__category", "campaign__product__brand", "review")
        .order_by("-invited_at", "-id")
    )


def days_left(invitation: Invitation, now: datetime | None = None) -> int | None:
    if invitation.due_at is None:
        return None
    return (invitation.due_at - (now or timezone.now())).days


def day_range(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]
