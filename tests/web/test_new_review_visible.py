"""A new review is seen at once by the people it matters to (issue 25 item 6): its author on
Discover (marked as joining the ranked feed within minutes) and on their profile, their followers
in Following; everyone else sees it on Discover once the rerank has ranked it."""

import pytest
from django.contrib.messages import get_messages
from django.test import Client

from reviews import services
from reviews.models import Review
from tests.factories import FollowFactory, ProductFactory, ReviewFactory, UserFactory
from tests.web.conftest import rerank

pytestmark = pytest.mark.django_db

NOTE = "New · joins the ranked feed within minutes"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def new_review(author, product=None, title="Calmed my redness in a week") -> Review:
    product = product or ProductFactory()
    return services.review_create(
        author=author, product=product, rating=4, title=title, body="It sinks in within minutes.", tags=[], photos=[]
    )


@pytest.fixture
def ranked_site(product):
    """Discover already has ranked reviews, so the new one is not there by the empty-feed fallback."""
    for _ in range(3):
        ReviewFactory(product=product)
    rerank()


def test_the_author_sees_their_unranked_review_on_discover_with_the_note(ranked_site, member, product):
    review = new_review(member, product)
    page = signed_in(member).get("/").content.decode()
    assert f"/r/{review.pk}/" in page
    assert NOTE in page
    # On top of the first page, before the ranked feed.
    assert page.index(f"/r/{review.pk}/") < page.index('id="feed"')


def test_the_author_sees_it_in_its_category_and_not_in_another(ranked_site, member, product):
    review = new_review(member, product)
    client = signed_in(member)
    assert f"/r/{review.pk}/" in client.get(f"/?category={product.category.slug}").content.decode()
    other = ReviewFactory().product.category
    assert f"/r/{review.pk}/" not in client.get(f"/?category={other.slug}").content.decode()


def test_others_do_not_see_it_on_discover_before_the_rerank_and_do_after(ranked_site, member, product):
    review = new_review(member, product)
    other = signed_in(UserFactory())
    page = other.get("/").content.decode()
    assert f"/r/{review.pk}/" not in page
    assert NOTE not in page
    assert f"/r/{review.pk}/" not in Client().get("/").content.decode()
    rerank()
    page = other.get("/").content.decode()
    assert f"/r/{review.pk}/" in page
    assert NOTE not in page
    # Once ranked, the author finds it in the ranked feed, no longer marked as new.
    page = signed_in(member).get("/").content.decode()
    assert page.count(f'href="/r/{review.pk}/"') >= 1
    assert NOTE not in page


def test_the_author_sees_only_their_newest_few(ranked_site, member, product):
    reviews = [new_review(member, title=f"Take number {n}") for n in range(5)]
    page = signed_in(member).get("/").content.decode()
    shown = [review for review in reviews if f"/r/{review.pk}/" in page]
    assert shown == reviews[-3:]


def test_a_follower_sees_it_in_following_at_once(ranked_site, member, product):
    follower = UserFactory()
    FollowFactory(follower=follower, followee=member)
    review = new_review(member, product)
    assert f"/r/{review.pk}/" in signed_in(follower).get("/?tab=following").content.decode()


def test_the_profile_lists_it_at_once(ranked_site, member, product):
    review = new_review(member, product)
    assert f"/r/{review.pk}/" in Client().get(f"/u/{member.username}/").content.decode()
    assert f"/r/{review.pk}/" in signed_in(member).get(f"/u/{member.username}/").content.decode()


def test_posting_says_it_joins_the_ranked_feed_within_minutes(web, member, product):
    data = {"product_mode": "existing", "product": str(product.pk), "rating": "4", "title": "Calm", "body": "x" * 40}
    response = web.post("/write/", data)
    assert response.status_code == 302, response.content
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert message.startswith("Your review is live")
    assert "joins the ranked Discover feed within minutes" in message


def test_the_authors_page_is_never_the_visitors_cached_page(ranked_site, member, product, settings):
    settings.PAGE_CACHE_SECONDS = 60
    review = new_review(member, product)
    visitor = Client()
    visitor.get("/")
    cached = visitor.get("/")
    assert cached["X-Candor-Cache"] == "hit"
    assert f"/r/{review.pk}/" not in cached.content.decode()
    page = signed_in(member).get("/")
    assert "X-Candor-Cache" not in page
    assert NOTE in page.content.decode()
    assert f"/r/{review.pk}/" in page.content.decode()
