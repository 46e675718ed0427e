"""For You web pages: the grid with reasons and show-less, the interests step (skippable), reset."""

import pytest

from foryou.models import FeedState, ShowLess
from tests.factories import UserFactory

from .conftest import make_review, refresh

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(categories):
    reviews = [make_review(category=c, quality=0.5) for c in categories.values() for _ in range(6)]
    refresh()
    return reviews


def test_visitors_are_sent_to_log_in(client, site):
    assert client.get("/for-you/").status_code == 302


def test_first_visit_asks_for_interests_and_skip_is_remembered(client, site):
    person = UserFactory()
    client.force_login(person)
    first = client.get("/for-you/")
    assert first.status_code == 302 and first["Location"].startswith("/for-you/interests/")
    page = client.get(first["Location"]).content.decode()
    assert "What do you like?" in page and "Skip" in page
    skipped = client.post("/for-you/interests/", {"skip": "1", "next": "/for-you/"})
    assert skipped["Location"] == "/for-you/"
    assert client.get("/for-you/").status_code == 200


def test_choosing_interests_shapes_the_page(client, site, categories):
    person = UserFactory()
    client.force_login(person)
    response = client.post("/for-you/interests/", {"categories": [categories["Audio"].pk], "tags": ""})
    assert response.status_code == 302
    assert list(person.interest_categories.all()) == [categories["Audio"]]
    assert FeedState.objects.get(user=person).onboarded_at is not None
    page = client.get("/for-you/").content.decode()
    assert "Highly rated in Audio, one of your interests" in page
    assert 'aria-current="page">For you' in page
    bad = client.post("/for-you/interests/", {"categories": [], "tags": "never-used-tag"})
    assert bad.status_code == 400 and "No review is tagged" in bad.content.decode()


def test_cards_carry_reasons_and_show_less(client, site):
    person = UserFactory()
    client.force_login(person)
    client.post("/for-you/interests/", {"skip": "1"})
    page = client.get("/for-you/").content.decode()
    assert page.count('class="fy-entry"') == 20
    assert "Popular on Candor" in page and "Show less like this" in page
    target = site[0]
    response = client.post(
        "/for-you/show-less/", {"kind": "author", "target": target.author_id}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200 and "less of this author" in response.content.decode()
    assert ShowLess.objects.filter(user=person, kind="author", target_id=target.author_id).exists()
    assert f'data-id="{target.pk}"' not in client.get("/for-you/").content.decode()
    assert client.post("/for-you/show-less/", {"kind": "brand", "target": 1}).status_code == 400


def test_next_page_and_damaged_cursor(client, site):
    person = UserFactory()
    client.force_login(person)
    client.post("/for-you/interests/", {"skip": "1"})
    page = client.get("/for-you/").content.decode()
    assert 'rel="next"' in page
    href = page.split('data-more href="')[1].split('"')[0].replace("&amp;", "&")
    second = client.get(f"/for-you/{href}")
    assert second.status_code == 200 and second.content.decode().count('class="fy-entry"') == 4
    assert client.get("/for-you/?cursor=broken").status_code == 400


def test_reset(client, site, categories):
    person = UserFactory()
    client.force_login(person)
    client.post("/for-you/interests/", {"categories": [categories["Audio"].pk], "tags": ""})
    client.post("/for-you/show-less/", {"kind": "category", "target": categories["Snacks"].pk})
    assert client.post("/for-you/reset/").status_code == 302
    assert not ShowLess.objects.filter(user=person).exists()
    assert list(person.interest_categories.all()) == [categories["Audio"]]  # chosen interests stay


def test_related_notes_fragment(client, categories):
    review = make_review(category=categories["Skincare"])
    neighbour = make_review(product=review.product, title="Same cream, second opinion", quality=0.4)
    fragment = client.get(f"/r/{review.pk}/related/").content.decode()
    assert "More like this" in fragment and "Same cream, second opinion" in fragment
    assert neighbour.title in fragment
    assert client.get("/r/999999/related/").status_code == 404


def test_for_you_in_chinese(client, site):
    person = UserFactory()
    client.force_login(person)
    client.post("/for-you/interests/", {"skip": "1"})
    page = client.get("/zh-hans/for-you/").content.decode()
    assert "减少此类推荐" in page and "推荐" in page
