"""Every moderation list costs the same number of queries whatever its length."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from moderation import services
from ranking.models import FlaggedVote, FraudFlag
from reviews import services as review_services
from tests.conftest import client_for
from tests.factories import HelpfulVoteFactory, ProductFactory, ReviewFactory, UserFactory

pytestmark = pytest.mark.django_db


def reported_items(n: int, category) -> None:
    """n reported reviews and n reported comments, each with two reports (one by the brand)."""
    for _ in range(n):
        review = ReviewFactory(product=ProductFactory(category=category))
        comment = review_services.comment_create(author=UserFactory(), review=review, body="Buy followers here")
        for _reporter in range(2):
            services.report_create(reporter=UserFactory(), review=review, reason="spam", note="links")
            services.report_create(reporter=UserFactory(), comment=comment, reason="offensive")


def closed_items(n: int, category, moderator) -> None:
    reported_items(n, category)
    from moderation.models import QueueItem

    for item in QueueItem.objects.filter(status="open"):
        services.queue_item_dismiss(item=item, moderator=moderator, reason="fine")


def fraud_flags(n: int, category) -> None:
    for i in range(n):
        voters = [UserFactory() for _ in range(3)]
        flag = FraudFlag.objects.create(kind="vote_ring", key=f"ring:{i}:{voters[0].pk}", evidence={"members": []})
        flag.accounts.add(*voters)


def flag_votes(n: int, category) -> FraudFlag:
    flag = FraudFlag.objects.first() or FraudFlag.objects.create(kind="serial_voting", key="serial:q", evidence={})
    for _ in range(n):
        vote = HelpfulVoteFactory(review=ReviewFactory(product=ProductFactory(category=category)))
        FlaggedVote.objects.create(flag=flag, vote=vote)
    return flag


def audit_entries(n: int, category, moderator) -> None:
    for _ in range(n):
        member = UserFactory()
        services.user_warn(user=member, moderator=moderator, reason="careful")
        services.user_suspend(user=member, moderator=moderator, days=2, reason="spam")


def announcements(n: int, moderator) -> None:
    for i in range(n):
        services.announcement_create(moderator=moderator, title=f"Notice {i}", pinned=False)


def picks(n: int, category, moderator) -> None:
    from moderation.models import EditorsPick

    current = [{"review": p.review_id} for p in EditorsPick.objects.filter(category=category).order_by("position")]
    for _ in range(n):
        review = ReviewFactory(product=ProductFactory(category=category))
        HelpfulVoteFactory(review=review)
        current.append({"review": review.pk})
    services.editors_picks_set(category=category, moderator=moderator, picks=current)


def my_reports(n: int, category, member) -> None:
    for _ in range(n):
        services.report_create(
            reporter=member, review=ReviewFactory(product=ProductFactory(category=category)), reason="fake"
        )


def my_decisions(n: int, category, member, moderator) -> None:
    for _ in range(n):
        review = ReviewFactory(author=member, product=ProductFactory(category=category))
        services.review_moderate(review=review, moderator=moderator, action="hide", reason="check")


def count_queries(fetch) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = fetch()
    assert response.status_code == 200, response.content
    return len(queries)


@pytest.fixture
def scenarios(category, moderator, consumer):
    mod_api = client_for(moderator)
    member_api = client_for(consumer)
    mod_web = Client()
    mod_web.force_login(moderator)
    flag_holder = {}

    def flag_detail_fill(n):
        flag_holder["flag"] = flag_votes(n, category)

    return {
        "api queue": (lambda n: reported_items(n, category), lambda: mod_api.get("/api/v1/moderation/queue/")),
        "api closed queue": (
            lambda n: closed_items(n, category, UserFactory(is_superuser=True)),
            lambda: mod_api.get("/api/v1/moderation/queue/?status=closed"),
        ),
        "api fraud flags": (lambda n: fraud_flags(n, category), lambda: mod_api.get("/api/v1/moderation/fraud-flags/")),
        "api fraud flag votes": (
            flag_detail_fill,
            lambda: mod_api.get(f"/api/v1/moderation/fraud-flags/{flag_holder['flag'].pk}/"),
        ),
        "api audit": (
            lambda n: audit_entries(n, category, moderator),
            lambda: mod_api.get("/api/v1/moderation/audit/"),
        ),
        "api announcements (moderators)": (
            lambda n: announcements(n, moderator),
            lambda: mod_api.get("/api/v1/moderation/announcements/"),
        ),
        "api editors picks": (
            lambda n: picks(n, category, moderator),
            lambda: member_api.get(f"/api/v1/categories/{category.slug}/editors-picks/"),
        ),
        "api editors picks (moderators)": (
            lambda n: picks(n, category, moderator),
            lambda: mod_api.get(f"/api/v1/moderation/editors-picks/{category.slug}/"),
        ),
        "api my reports": (lambda n: my_reports(n, category, consumer), lambda: member_api.get("/api/v1/reports/")),
        "api decisions about me": (
            lambda n: my_decisions(n, category, consumer, moderator),
            lambda: member_api.get("/api/v1/me/moderation/"),
        ),
        "web queue": (lambda n: reported_items(n, category), lambda: mod_web.get("/moderation/")),
        "web fraud queue": (lambda n: fraud_flags(n, category), lambda: mod_web.get("/moderation/?tab=fraud")),
        "web fraud flag": (flag_detail_fill, lambda: mod_web.get(f"/moderation/fraud/{flag_holder['flag'].pk}/")),
        "web audit": (lambda n: audit_entries(n, category, moderator), lambda: mod_web.get("/moderation/audit/")),
        "web announcements": (lambda n: announcements(n, moderator), lambda: mod_web.get("/moderation/announcements/")),
        "web picks": (
            lambda n: picks(n, category, moderator),
            lambda: mod_web.get(f"/moderation/picks/{category.slug}/"),
        ),
    }


NAMES = [
    "api queue",
    "api closed queue",
    "api fraud flags",
    "api fraud flag votes",
    "api audit",
    "api announcements (moderators)",
    "api editors picks",
    "api editors picks (moderators)",
    "api my reports",
    "api decisions about me",
    "web queue",
    "web fraud queue",
    "web fraud flag",
    "web audit",
    "web announcements",
    "web picks",
]


@pytest.mark.parametrize("name", NAMES)
def test_list_costs_a_fixed_number_of_queries(scenarios, django_assert_num_queries, name):
    fill, fetch = scenarios[name]
    fill(2)
    expected = count_queries(fetch)
    fill(5)
    with django_assert_num_queries(expected):
        fetch()
