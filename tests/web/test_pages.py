"""Every page renders for the people allowed to see it, in the Candor style."""

import re

import pytest
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.views.defaults import server_error

from ranking import selectors as ranking
from reviews import services
from reviews.models import Review
from tests.factories import CategoryFactory, FollowFactory, ProductFactory, ReviewFactory, SaveFactory, UserFactory

from .conftest import rerank

pytestmark = pytest.mark.django_db


def public_pages(review, product, author) -> list[str]:
    return [
        "/",
        "/?tab=following",
        f"/?category={product.category.slug}",
        "/?page=2",
        review.get_absolute_url(),
        product.get_absolute_url(),
        f"{product.get_absolute_url()}?order=newest",
        f"{product.get_absolute_url()}?order=rating_low&rating=5",
        f"/u/{author.username}/",
        f"/u/{author.username}/?tab=followers",
        f"/u/{author.username}/?tab=following",
        "/search/",
        "/search/?q=barrier",
        "/search/?q=%23sensitive-skin",
        "/rankings/",
        f"/rankings/{product.category.slug}/",
        "/rankings/levels/",
        "/login/",
        "/signup/",
    ]


def test_every_public_page_renders_for_anonymous_visitors(client, review, product, author):
    for url in public_pages(review, product, author):
        response = client.get(url)
        assert response.status_code == 200, url
        assert b"css/candor.css" in response.content, url


def test_every_page_renders_for_a_signed_in_member(web, member, review, product, author):
    for url in [
        *public_pages(review, product, author)[:-2],
        "/write/",
        f"/write/?product={product.slug}",
        f"/u/{member.username}/?tab=saved",
        "/settings/profile/",
    ]:
        response = web.get(url)
        assert response.status_code == 200, url


def test_pages_for_members_send_anonymous_visitors_to_log_in(client):
    for url in ["/write/", "/settings/profile/"]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/login/?next=")


def test_signed_in_visitors_skip_the_log_in_and_sign_up_forms(web):
    assert web.get("/login/").status_code == 302
    assert web.get("/signup/").status_code == 302


def test_unknown_addresses_get_the_styled_404_page(client, product):
    for url in [
        "/no-such-page/",
        "/r/999999/",
        "/p/no-such-product/",
        "/u/nobody-here/",
        "/?category=nope",
        "/rankings/nope/",
    ]:
        response = client.get(url)
        assert response.status_code == 404, url
        assert b"find that page" in response.content, url
        assert b"css/candor.css" in response.content


def test_the_500_page_renders_without_a_request_context():
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert b"Something went wrong on our side" in response.content
    assert "css/candor.css" in render_to_string("500.html")


def test_discover_shows_cards_with_cover_title_author_level_and_helpful_count(client, review):
    rerank()
    page = client.get("/").content.decode()
    photo = review.photos.order_by("position").first()
    assert review.title in page
    assert photo.thumbnail.url in page
    assert review.author.public_name in page
    assert 'class="card-helpful"' in page
    assert "Lv1</span>" in page


def test_discover_follows_the_ranking_order(client, product):
    ReviewFactory.create_batch(5, product=product)
    rerank()
    expected = [r.title for r in ranking.discover_feed(None)]
    page = client.get("/").content.decode()
    assert [title for title in expected if title in page] == expected
    assert sorted(expected, key=page.index) == expected


def test_discover_shows_the_newest_reviews_until_the_first_ranking(client, review):
    page = client.get("/").content.decode()
    assert "Rankings are being computed" in page
    assert review.title in page


def test_discover_filters_by_category(client, review):
    other = ReviewFactory(product=ProductFactory(category=CategoryFactory(slug="snacks", name="Snacks")))
    rerank()
    page = client.get("/?category=snacks").content.decode()
    assert other.title in page
    assert review.title not in page


def test_following_tab_shows_only_people_you_follow(web, member, review):
    stranger = ReviewFactory(title="From a stranger")
    assert review.title not in web.get("/?tab=following").content.decode()
    FollowFactory(follower=member, followee=review.author)
    page = web.get("/?tab=following").content.decode()
    assert review.title in page
    assert stranger.title not in page


def test_discover_pages_by_a_stable_cursor_and_answers_endless_scroll_with_cards_only(client, product):
    ReviewFactory.create_batch(21, product=product)
    rerank()
    first = client.get("/?category=" + product.category.slug).content.decode()
    assert first.count('class="card"') == 20
    link = re.search(r'data-more href="(\?[^"]+)"', first).group(1).replace("&amp;", "&")
    assert "cursor=" in link and f"category={product.category.slug}" in link
    fragment = client.get("/" + link, headers={"X-Candor-Fragment": "items"})
    body = fragment.content.decode()
    assert body.count('class="card"') == 1
    assert "<html" not in body
    assert "data-more" not in body  # the last page
    assert "X-Candor-Fragment" in fragment["Vary"]


def test_a_damaged_cursor_is_a_400_naming_it(client, review):
    rerank()
    for cursor in ["garbage", "cD0yMDI2LTAxLTAx"]:  # not base64 / a date where a score belongs
        response = client.get(f"/?cursor={cursor}")
        assert response.status_code == 400
        assert b"cursor:" in response.content


def test_review_page_shows_photos_rating_tags_product_and_comments(client, review, member):
    services.comment_create(author=member, review=review, body="Does it pill under sunscreen?")
    rerank()
    page = client.get(review.get_absolute_url()).content.decode()
    for photo in review.photos.all():
        assert photo.image.url in page
    assert 'aria-label="5 out of 5 stars"' in page
    assert "#sensitive-skin" in page
    assert review.product.get_absolute_url() in page
    assert "Does it pill under sunscreen?" in page
    assert "Helpful" in page and "Not helpful" in page
    assert "Why it is ranked here" in page
    assert "Helpfulness (80% confidence lower bound)" in page
    assert "Lv1</span>" in page


def test_review_page_says_when_a_review_is_not_ranked_yet(client, review):
    page = client.get(review.get_absolute_url()).content.decode()
    assert "Not scored yet: rankings refresh every" in page


def test_hidden_review_is_shown_only_to_its_author(client, review, author):
    Review.objects.filter(pk=review.pk).update(status=Review.Status.HIDDEN)
    assert client.get(review.get_absolute_url()).status_code == 404
    own = Client()
    own.force_login(author)
    response = own.get(review.get_absolute_url())
    assert response.status_code == 200
    assert b"This review is hidden" in response.content


def test_product_page_shows_rating_histogram_and_orders_reviews(client, product):
    low = ReviewFactory(product=product, rating=1, title="Broke me out")
    high = ReviewFactory(product=product, rating=5, title="Holy grail")
    ReviewFactory(product=product, rating=5)
    rerank()
    page = client.get(product.get_absolute_url()).content.decode()

    # Each bar's link reads "5 stars: 2 reviews": visible digits, the words only for screen readers.
    def bar(stars: int, s: str, count: int, reviews: str) -> str:
        return (
            f'<span class="histo-label">{stars}<span aria-hidden="true">★</span><span class="sr-only"> star{s}:</span>'
            f'</span><span class="histo-bar" aria-hidden="true"><span class="w-{round(100 * count / 3)}"></span>'
            f'</span><span class="histo-count">{count}<span class="sr-only"> {reviews}</span>'
        )

    assert bar(5, "s", 2, "reviews") in page
    assert bar(1, "", 1, "review") in page
    assert bar(3, "s", 0, "reviews") in page
    lowest = client.get(f"{product.get_absolute_url()}?order=rating_low").content.decode()
    assert lowest.index(low.title) < lowest.index(high.title)
    highest = client.get(f"{product.get_absolute_url()}?order=rating_high").content.decode()
    assert highest.index(high.title) < highest.index(low.title)
    only_ones = client.get(f"{product.get_absolute_url()}?rating=1").content.decode()
    assert low.title in only_ones and high.title not in only_ones


def test_product_page_filter_and_order_links_keep_the_other_parameters(client, product):
    ReviewFactory(product=product, rating=5)
    ReviewFactory(product=product, rating=4)
    rerank()
    page = client.get(f"{product.get_absolute_url()}?order=newest&rating=4&page=1&q=a%26b").content.decode()
    # The current star filter links back to all; the others switch to theirs; page is dropped.
    assert '<a href="?order=newest&amp;q=a%26b" aria-current="true"><span class="histo-label">4<' in page
    assert '<span class="sr-only"> review (showing only these; select to show all)</span>' in page
    assert '<a href="?order=newest&amp;rating=5&amp;q=a%26b"><span class="histo-label">5<' in page
    assert '<span class="w-50"></span>' in page
    assert '<a href="?order=helpful&amp;rating=4&amp;q=a%26b">Most helpful</a>' in page
    assert '<a href="?order=newest&amp;rating=4&amp;q=a%26b" aria-current="true">Newest</a>' in page
    plain = client.get(product.get_absolute_url()).content.decode()
    assert '<a href="?rating=5"><span class="histo-label">5<' in plain
    assert '<a href="?order=helpful" aria-current="true">Most helpful</a>' in plain


def test_discover_category_chips_mark_the_active_one_and_keep_the_tab(client, product):
    page = client.get(f"/?category={product.category.slug}").content.decode()
    assert '<a class="chip" href="/">All</a>' in page
    assert f'<a class="chip" href="?category={product.category.slug}" aria-current="true">' in page
    following = client.get("/?tab=following").content.decode()
    assert '<a class="chip" href="?tab=following" aria-current="true">All</a>' in following
    assert f'<a class="chip" href="?tab=following&amp;category={product.category.slug}">' in following


def test_product_page_shows_its_category_rank_and_most_helpful_order(client, product):
    ReviewFactory.create_batch(3, product=product)
    rerank()
    page = client.get(product.get_absolute_url()).content.decode()
    assert "No. 1 in skincare" in page
    expected = [r.title for r in ranking.most_helpful_reviews(product)]
    assert sorted(expected, key=page.index) == expected


def test_category_rankings_list_the_top_products(client, product):
    ReviewFactory.create_batch(3, product=product, rating=5)
    unranked = ProductFactory(category=product.category, name="Only one review")
    ReviewFactory(product=unranked)
    rerank()
    for url in ["/rankings/", f"/rankings/{product.category.slug}/"]:
        page = client.get(url).content.decode()
        assert product.name in page
        assert '<span class="sr-only">Number </span>1</span>' in page
        assert unranked.name not in page  # under the minimum number of reviews


def test_levels_page_publishes_the_thresholds(client):
    page = client.get("/rankings/levels/").content.decode()
    for row in ranking.level_table():
        assert f"Lv{row['level']}</span>" in page
    assert "Invited testers" in page


def test_profile_shows_level_progress_counts_reviews_and_follow_button(web, member, review, author):
    FollowFactory(follower=UserFactory(), followee=author)
    rerank()
    page = web.get(f"/u/{author.username}/").content.decode()
    standing = ranking.standing_for(author)
    assert f"Lv{standing.level}</span>" in page
    assert f'aria-label="Progress to level {standing.level + 1}"' in page
    assert review.title in page
    assert f'id="followers-count-{author.pk}">1<' in page
    assert f"/u/{author.username}/follow/" in page


def test_saved_reviews_are_visible_only_on_your_own_profile(web, member, review, author):
    SaveFactory(user=member, review=review)
    own = web.get(f"/u/{member.username}/?tab=saved").content.decode()
    assert review.title in own
    others = Client()
    others.force_login(author)
    theirs = others.get(f"/u/{member.username}/?tab=saved").content.decode()
    assert 'href="?tab=saved"' not in theirs  # no Saved tab on someone else's profile
    assert review.title not in theirs


def test_search_finds_products_and_reviews_by_text_and_tag(client, review, product):
    page = client.get("/search/?q=barrier").content.decode()
    assert product.get_absolute_url() in page
    by_text = client.get("/search/?q=redness").content.decode()
    assert review.title in by_text
    by_tag = client.get("/search/?q=%23sensitive-skin").content.decode()
    assert "Reviews tagged #sensitive-skin" in by_tag
    assert review.title in by_tag
    assert review.title not in client.get("/search/?q=%23no-such-tag").content.decode()
