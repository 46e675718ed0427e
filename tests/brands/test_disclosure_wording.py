"""The invited-tester disclosure says the same words wherever it shows (issue 25 item 3): the
review page, the feed card, the API's `disclosure` and the tester's own invitations page all read
brands.models.disclosure_wording, the one source."""

import html

import pytest
from django.test import Client
from rest_framework.test import APIClient

from brands.models import disclosure_wording
from reviews import services as review_services
from tests.conftest import client_for

from .conftest import walk_to_received

pytestmark = pytest.mark.django_db


@pytest.fixture
def disclosed(member, campaign, testers, product):
    mei = testers[0]
    walk_to_received(member, campaign, mei)
    return review_services.review_create(author=mei, product=product, rating=3, title="Okay cream", body="Fine.")


def test_the_api_and_the_review_page_say_the_same_words(disclosed):
    words = disclosure_wording("Dewy Lab")
    assert words["text"] == "Received free from Dewy Lab through an invited-tester campaign."
    api = APIClient().get(f"/api/v1/reviews/{disclosed.pk}/").json()["disclosure"]
    assert (api["text"], api["detail"]) == (words["text"], words["detail"])
    page = html.unescape(Client().get(disclosed.get_absolute_url()).content.decode())
    assert f'<p class="disclosure-title"><strong>{api["text"]}</strong></p>' in page
    assert f'<p class="disclosure-detail">{api["detail"]}</p>' in page
    # The card (the author's profile) carries the same sentence.
    profile = html.unescape(Client().get(f"/u/{disclosed.author.username}/").content.decode())
    assert f'data-disclosure="invited_tester"><strong>{api["text"]}</strong></p>' in profile


def test_the_testers_invitation_shows_the_wording_her_review_carries(disclosed):
    tester = disclosed.author
    web = Client()
    web.force_login(tester)
    page = html.unescape(web.get("/tester/").content.decode())
    assert f"“{disclosure_wording('Dewy Lab')['text']}”" in page
    invitation = client_for(tester).get("/api/v1/tester/invitations/").json()["results"][0]
    assert invitation["disclosure"]["text"] == disclosure_wording("Dewy Lab")["text"]
    assert "Invited tester: received this product free" not in page
