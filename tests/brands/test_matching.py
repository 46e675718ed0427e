"""Matching and KOC discovery: who is proposed, in what order, and what the brand sees."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Follow
from brands import policy, selectors, services
from brands.models import Invitation
from ranking.models import ReviewScore
from tests.factories import ProductFactory, ReviewFactory, UserFactory, make_tester

from .conftest import ADDRESS, new_campaign, walk_to_received

pytestmark = pytest.mark.django_db


def names(candidates):
    return [c.user.username for c in candidates]


def test_candidates_are_ranked_by_category_reputation_first(campaign, testers):
    assert names(selectors.campaign_candidates(campaign)) == ["mei", "haruto", "sofia"]


def test_review_quality_and_completion_rate_also_count(member, product, skincare):
    steady = make_tester(category=skincare, reputation=50.0, username="steady")
    writer = make_tester(category=skincare, reputation=50.0, username="writer")
    # Same category reputation; the writer's ranked reviews are of higher quality.
    for author, quality in ((steady, 1.0), (writer, 3.0)):
        review = ReviewFactory(author=author, product=ProductFactory(category=skincare))
        ReviewScore.objects.create(
            review=review, product=review.product, category=skincare, ranked=True, quality=quality, helpfulness=0.5
        )
    campaign = new_campaign(member, product)
    assert names(selectors.campaign_candidates(campaign)) == ["writer", "steady"]
    by_name = {c.user.username: c for c in selectors.campaign_candidates(campaign)}
    assert by_name["writer"].match_score > by_name["steady"].match_score


def test_a_tester_with_late_reviews_ranks_below_an_equal_one_who_is_on_time(member, product, skincare):
    punctual = make_tester(category=skincare, reputation=50.0, username="punctual")
    late = make_tester(category=skincare, reputation=50.0, username="late")
    past = timezone.now() - timedelta(days=20)
    for tester, reviewed_after in ((punctual, timedelta(days=2)), (late, timedelta(days=20))):
        old = new_campaign(member, ProductFactory(brand=product.brand, category=skincare), title=f"old {tester}")
        Invitation.objects.create(
            campaign=old,
            tester=tester,
            status=Invitation.Status.REVIEWED,
            accepted_at=past,
            received_at=past,
            due_at=past + timedelta(days=7),
            reviewed_at=past + reviewed_after,
            overdue_at=past + timedelta(days=7) if reviewed_after > timedelta(days=7) else None,
            review=ReviewFactory(author=tester, product=old.product),
        )
    record = selectors.tester_record(late)
    assert (record["due_recent"], record["on_time_recent"], record["completion_rate"]) == (1, 0, 0.0)
    assert selectors.tester_record(punctual)["completion_rate"] == 1.0
    assert names(selectors.campaign_candidates(new_campaign(member, product))) == ["punctual", "late"]


def test_nobody_holds_more_than_the_open_item_cap(member, product, skincare, monkeypatch):
    monkeypatch.setattr(policy, "MAX_OPEN_ITEMS_PER_TESTER", 2)
    busy = make_tester(category=skincare, username="busy")
    for n in range(2):
        other = new_campaign(member, ProductFactory(brand=product.brand, category=skincare), title=f"c{n}")
        services.campaign_invite(actor=member, campaign=other, testers=[busy])
    campaign = new_campaign(member, product)
    assert "busy" not in names(selectors.campaign_candidates(campaign))
    with pytest.raises(Exception, match="already holds 2 open items"):
        services.campaign_invite(actor=member, campaign=campaign, testers=[busy])


def test_ties_go_to_fewer_open_items_then_to_a_per_campaign_shuffle(member, product, skincare):
    equals = [make_tester(category=skincare, reputation=40.0, username=f"twin{n}") for n in range(8)]
    first = new_campaign(member, product, title="A")
    second = new_campaign(member, product, title="B")
    order_a = names(selectors.campaign_candidates(first))
    order_b = names(selectors.campaign_candidates(second))
    assert sorted(order_a) == sorted(u.username for u in equals)
    # Stable for one campaign, different between campaigns: ties do not always favour the same people.
    assert order_a == names(selectors.campaign_candidates(first))
    assert order_a != order_b
    # Among equals, the one holding an open item goes last.
    leader = order_a[0]
    other = new_campaign(member, ProductFactory(brand=product.brand, category=skincare), title="busy")
    services.campaign_invite(actor=member, campaign=other, testers=[next(u for u in equals if u.username == leader)])
    assert names(selectors.campaign_candidates(first))[-1] == leader


def test_auto_invite_sends_the_best_matches_up_to_the_units(member, product, testers):
    campaign = new_campaign(member, product, units=2)
    invitations = services.campaign_auto_invite(actor=member, campaign=campaign)
    assert sorted(i.tester.username for i in invitations) == ["haruto", "mei"]
    assert all(i.invited_by_id is None for i in invitations)  # sent by Candor on the brand's behalf
    with pytest.raises(Exception, match="No units left"):
        services.campaign_auto_invite(actor=member, campaign=campaign)


def test_discovery_shows_public_figures_and_nothing_private(campaign, testers):
    mei = testers[0]
    for _ in range(3):
        Follow.objects.create(follower=UserFactory(), followee=mei)
    review = ReviewFactory(author=mei, product=ProductFactory(category=campaign.product.category))
    ReviewScore.objects.create(
        review=review,
        product=review.product,
        category=review.product.category,
        ranked=True,
        quality=2.0,
        helpfulness=0.6,
    )
    best = selectors.campaign_candidates(campaign)[0]
    assert (best.user, best.level, best.category_reputation, best.review_count, best.followers) == (mei, 5, 90.0, 1, 3)
    assert best.average_helpfulness == 0.6

    from brands.api.serializers import CandidateSerializer

    data = CandidateSerializer(best).data
    assert set(data) == {
        "username",
        "display_name",
        "avatar",
        "level",
        "category_reputation",
        "review_count",
        "average_helpfulness",
        "followers",
        "match_score",
    }
    assert mei.email not in str(data)


def test_a_tester_with_an_overdue_review_is_not_proposed_until_they_write_it(member, product, skincare):
    slow = make_tester(category=skincare, username="slow")
    old = new_campaign(member, ProductFactory(brand=product.brand, category=skincare), title="old")
    walk_to_received(member, old, slow, now=timezone.now() - timedelta(days=30))
    services.invitations_mark_overdue()
    campaign = new_campaign(member, product)
    assert selectors.assess(campaign, user_ids=[slow.pk])[0].reasons == ["has an overdue invited review"]


def test_accepting_does_not_need_a_second_unit(member, product, testers):
    campaign = new_campaign(member, product, units=1)
    invitation = services.campaign_invite(actor=member, campaign=campaign, testers=[testers[0]])[0]
    services.invitation_accept(tester=testers[0], invitation=invitation, shipping_address=ADDRESS)
    assert selectors.funnel(campaign)["units_left"] == 0
