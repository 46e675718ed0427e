"""The ranking admin is read-only: fraud-flag decisions and features go through the audited
moderation pages."""

import pytest
from django.test import Client
from django.urls import reverse

from ranking.models import FraudFlag, ReviewScore
from tests.factories import UserFactory
from tests.ranking.conftest import add_votes, make_review, rerank

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client():
    client = Client()
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    return client


def test_ranking_pages_load(admin_client, product):
    add_votes(make_review(product=product), helpful=2)
    rerank(full=True)
    for model in (
        "reviewscore",
        "reviewerstanding",
        "categorystanding",
        "productscore",
        "fraudflag",
        "testerevent",
        "rerankrun",
    ):
        assert admin_client.get(reverse(f"admin:ranking_{model}_changelist")).status_code == 200, model
    score = ReviewScore.objects.get()
    assert admin_client.get(reverse("admin:ranking_reviewscore_change", args=[score.pk])).status_code == 200


def test_flags_and_features_cannot_be_decided_in_the_admin(admin_client, product):
    """Those decisions go through the moderation pages, which write the audit log."""
    flag = FraudFlag.objects.create(kind=FraudFlag.Kind.SERIAL_VOTING, key="serial:1:2", evidence={"votes": 6})
    url = reverse("admin:ranking_fraudflag_changelist")
    admin_client.post(url, {"action": "mark_confirmed", "_selected_action": [flag.pk]})
    flag.refresh_from_db()
    assert flag.status == FraudFlag.Status.OPEN and flag.reviewed_by is None
    change = admin_client.post(reverse("admin:ranking_fraudflag_change", args=[flag.pk]), {"note": "x"})
    assert change.status_code == 403

    make_review(product=product)
    rerank(full=True)
    score = ReviewScore.objects.get()
    admin_client.post(
        reverse("admin:ranking_reviewscore_changelist"), {"action": "feature_week", "_selected_action": [score.pk]}
    )
    score.refresh_from_db()
    assert score.featured_until is None
