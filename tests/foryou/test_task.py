"""The refresh task: thin, scheduled, and safe to run while another run holds the lock."""

import pytest
from django.conf import settings
from django.core.cache import cache

from foryou import services, tasks
from foryou.models import CandidateList, FirstChance
from tests.factories import UserFactory

from .conftest import make_review

pytestmark = pytest.mark.django_db


def test_beat_runs_the_refresh():
    entry = settings.CELERY_BEAT_SCHEDULE["foryou-refresh"]
    assert entry["task"] == tasks.refresh.name == "foryou.tasks.refresh"


def test_task_refreshes_and_a_second_run_during_the_first_skips(categories):
    note = make_review(category=categories["Skincare"], quality=None, age_hours=1)
    person = UserFactory()
    services.feed_page(user=person)
    CandidateList.objects.filter(user=person).delete()
    result = tasks.refresh()
    assert result["people"] == 1 and result["enrolled"] == 1 and not result["skipped"]
    assert FirstChance.objects.filter(pk=note.pk, status=FirstChance.Status.ACTIVE).exists()
    cache.add(services.LOCK_KEY, "another run", 60)
    assert tasks.refresh()["skipped"] is True


def test_a_run_past_its_budget_leaves_the_rest_for_the_next(categories):
    make_review(category=categories["Skincare"])
    people = [UserFactory() for _ in range(3)]
    for person in people:
        services.feed_page(user=person)
    CandidateList.objects.all().delete()
    first = services.refresh(budget=0)
    assert first.people == 1
    second = services.refresh(budget=60)
    assert second.people == 2 and set(first.user_ids + second.user_ids) == {p.pk for p in people}
