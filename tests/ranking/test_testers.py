"""Promotion to invited testers after full reranks, with hysteresis and a recorded history."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Notification
from ranking import policy, services
from ranking.models import FraudFlag, ReviewerStanding
from ranking.models import TesterEvent as Event  # a "Test*" name would be collected by pytest
from tests.factories import ProductFactory
from tests.ranking.conftest import add_votes, make_review, rerank, seasoned_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def small_bar(monkeypatch):
    monkeypatch.setattr(policy, "TESTER_TOP_K_OVERALL", 1)
    monkeypatch.setattr(policy, "TESTER_TOP_K_PER_CATEGORY", 1)
    monkeypatch.setattr(policy, "TESTER_MIN_LEVEL", 1)
    monkeypatch.setattr(policy, "TESTER_MIN_RECENT_REVIEWS", 1)


def is_tester(user) -> bool:
    return ReviewerStanding.objects.get(user=user).is_tester


def reviewer(category, votes: int):
    user = seasoned_user()
    add_votes(make_review(author=user, product=ProductFactory(category=category)), helpful=votes)
    return user


def test_the_best_reviewer_is_promoted_with_the_figures_and_told(category):
    best, runner_up = reviewer(category, 8), reviewer(category, 2)
    rerank(full=True)
    assert is_tester(best) and not is_tester(runner_up)
    event = Event.objects.get(user=best)
    assert (event.kind, event.reason) == (Event.Kind.PROMOTED, Event.Reason.MET_BAR)
    assert event.figures["overall_rank"] == 1 and event.figures["unmet"] == [] and event.run is not None
    notice = Notification.objects.exclude(kind=Notification.Kind.LEVEL_UP).get(recipient=best)
    assert notice.kind == Notification.Kind.PROMOTION and notice.data["tester_event"] == event.pk
    assert rerank(full=True).rows_changed == 0 and Event.objects.count() == 1


def test_incremental_runs_never_promote(category):
    rerank(full=True)
    best = reviewer(category, 8)
    rerank()
    assert not is_tester(best)


def test_demoted_only_after_failing_two_full_runs(category):
    tester = reviewer(category, 4)
    now = timezone.now()
    rerank(full=True, now=now)
    assert is_tester(tester)
    rival = reviewer(category, 12)  # takes the only top spot, overall and in the category
    rerank(full=True, now=now + timedelta(days=1))
    assert is_tester(tester) and is_tester(rival)
    warning = Event.objects.get(user=tester, kind=Event.Kind.WARNED)
    assert warning.figures["unmet"] == ["rank"]
    warned = Notification.objects.get(recipient=tester, kind=Notification.Kind.OTHER)
    assert warned.data["text"] == "tester_warning" and warned.title == "You are below the invited-tester bar"
    assert warned.body.endswith("Not met: rank.")
    # A manual re-run a few hours later does not count as a second failure.
    assert rerank(full=True, now=now + timedelta(days=1, hours=3)).rows_changed == 0
    assert is_tester(tester)
    rerank(full=True, now=now + timedelta(days=2))
    assert not is_tester(tester)
    demotion = Event.objects.get(user=tester, kind=Event.Kind.DEMOTED)
    assert demotion.reason == Event.Reason.BELOW_BAR_REPEATED
    tester_notices = Notification.objects.filter(recipient=tester).exclude(kind=Notification.Kind.LEVEL_UP)
    kinds = list(tester_notices.order_by("created_at").values_list("kind", flat=True))
    assert kinds == [Notification.Kind.PROMOTION, Notification.Kind.OTHER, Notification.Kind.DEMOTION]
    demoted = tester_notices.get(kind=Notification.Kind.DEMOTION)
    assert demoted.data["reason"] == Event.Reason.BELOW_BAR_REPEATED
    assert demoted.body == "Below the bar on consecutive full reranks."


def test_recovering_between_full_runs_resets_the_count(category, monkeypatch):
    tester = reviewer(category, 4)
    now = timezone.now()
    rerank(full=True, now=now)
    monkeypatch.setattr(policy, "TESTER_MIN_RECENT_REVIEWS", 2)  # the bar rises: one failure
    rerank(full=True, now=now + timedelta(days=1))
    assert ReviewerStanding.objects.get(user=tester).tester_failures == 1
    monkeypatch.setattr(policy, "TESTER_MIN_RECENT_REVIEWS", 1)  # back above it
    rerank(full=True, now=now + timedelta(days=2))
    monkeypatch.setattr(policy, "TESTER_MIN_RECENT_REVIEWS", 2)
    rerank(full=True, now=now + timedelta(days=3))
    st = ReviewerStanding.objects.get(user=tester)
    assert st.is_tester and st.tester_failures == 1


def test_an_open_fraud_flag_blocks_promotion(category):
    best = reviewer(category, 8)
    flag = FraudFlag.objects.create(kind=FraudFlag.Kind.SERIAL_VOTING, key="serial:test", evidence={})
    flag.accounts.add(best)
    rerank(full=True)
    assert not is_tester(best)


def test_overdue_invites_end_the_status_at_once(category):
    tester = reviewer(category, 8)
    rerank(full=True)
    event = services.tester_demote(user=tester, figures={"overdue_reviews": 2})
    assert event.reason == Event.Reason.OVERDUE_INVITES and not is_tester(tester)
    assert Notification.objects.filter(recipient=tester, kind=Notification.Kind.DEMOTION).exists()
    assert services.tester_demote(user=tester) is None


def test_a_tester_demoted_for_overdue_reviews_is_not_promoted_again_within_the_window(category, settings):
    tester = reviewer(category, 8)
    now = timezone.now()
    rerank(full=True, now=now)
    services.tester_demote(user=tester, figures={"overdue_reviews": 2})
    # Still the best reviewer, but the nightly run must not undo the demotion.
    rerank(full=True, now=now + timedelta(days=1))
    assert not is_tester(tester)
    assert not Event.objects.filter(user=tester, kind=Event.Kind.PROMOTED, created_at__gt=now).exists()
    # Once the window has passed, the bar alone decides again.
    later = now + timedelta(days=policy.TESTER_RECENT_DAYS + 1)
    add_votes(make_review(author=tester, product=ProductFactory(category=category)), helpful=3)
    from reviews.models import Review

    Review.objects.filter(author=tester).update(created_at=later - timedelta(days=1))
    rerank(full=True, now=later)
    assert is_tester(tester)
