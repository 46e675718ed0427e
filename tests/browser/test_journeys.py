"""What a person does on Candor, in a real browser: sign up, write a review with photos, find it,
vote, save, follow and search, with screenshots at phone and desktop widths."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import Follow
from reviews.models import Review, Save
from tests.web.conftest import rerank

from .conftest import log_in
from .photos import product_photo
from .scenario import REVIEWS, build_community

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def build_and_rank() -> dict:
    built = build_community()
    rerank()  # as Celery beat would, so Discover and the rankings have something to show
    return built


@pytest.fixture
def community(community_of):
    return community_of(build_and_rank)


@pytest.fixture
def photo_files(tmp_path):
    first, second = tmp_path / "morning.jpg", tmp_path / "texture.png"
    first.write_bytes(product_photo(11, (720, 960)))
    second.write_bytes(product_photo(12, (900, 900), fmt="PNG"))
    not_a_photo = tmp_path / "receipt.jpg"
    not_a_photo.write_bytes(b"this is a text file with a .jpg name")
    return first, second, not_a_photo


def test_sign_up_write_a_review_with_two_photos_and_find_it(page, shots, community, photo_files):
    first, second, not_a_photo = photo_files
    page.goto("/signup/")
    shots("sign-up")
    page.get_by_label("Username").fill("yuki")
    page.get_by_label("Display name").fill("Yuki T.")
    page.get_by_label("Password").fill("candid-reviews-42")
    page.get_by_role("button", name="Create account").click()
    expect(page.locator(".toast")).to_contain_text("Welcome to Candor, Yuki T.")
    # Sign-up ends on the (skippable) interests step of For You.
    expect(page).to_have_url(re.compile(r"/for-you/interests/$"))

    page.get_by_role("link", name="Write a review").first.click()
    expect(page).to_have_url(re.compile(r"/write/$"))
    page.set_input_files('input[name="photos"]', [str(first), str(second)])
    expect(page.locator(".photo-preview img")).to_have_count(2)
    page.get_by_label("Product", exact=True).fill("Kumo · Airy Sunscreen SPF50")
    page.locator('label[for="id_rating_3"]').click()  # the fourth star
    page.get_by_label("Title").fill("Light, no white cast, lasts until lunch")
    page.get_by_label("Your review").fill("Medium skin, oily T-zone. No white cast and no pilling under makeup.")
    page.get_by_role("textbox", name="Tags").fill("spf, oily-skin")

    # A file that is not a photo is refused by the server; nothing typed or chosen is lost.
    page.set_input_files('input[name="photos"]', [str(not_a_photo)])
    expect(page.locator(".photo-preview")).to_have_count(3)
    page.get_by_role("button", name="Publish review").click()
    expect(page.locator('[data-errors-for="photos"]')).to_contain_text("not a valid JPEG, PNG or WebP image")
    expect(page.get_by_label("Title")).to_have_value("Light, no white cast, lasts until lunch")
    expect(page.locator(".photo-preview")).to_have_count(3)
    assert not Review.objects.filter(author__username="yuki").exists()
    shots("write-error-keeps-text")

    page.get_by_role("button", name="Remove photo 3, receipt.jpg").click()
    expect(page.locator(".photo-preview")).to_have_count(2)
    page.get_by_role("button", name="Publish review").click()
    expect(page.locator("h1")).to_have_text("Light, no white cast, lasts until lunch")
    expect(page.locator(".carousel .slide img")).to_have_count(2)
    expect(page.locator(".toast")).to_contain_text("Your review is live")
    review = Review.objects.get(author__username="yuki")
    assert (review.rating, review.photos.count()) == (4, 2)
    shots("review-page")

    rerank()  # the next scheduled ranking run picks the new review up
    page.goto("/")
    card = page.locator(f'.card[data-id="{review.pk}"]')
    expect(card).to_contain_text("Light, no white cast")
    expect(card.locator(".card-cover img")).to_be_visible()
    shots("discover")

    page.goto(review.product.get_absolute_url())
    expect(page.locator(f'.review-row[data-id="{review.pk}"]')).to_contain_text("Light, no white cast")
    shots("product-page")


def test_vote_save_and_follow_without_reloading(page, shots, community):
    review = Review.objects.get(title="Frizz gone, hair not greasy")  # by Haruto
    newcomer = "amara"
    log_in(page, newcomer)
    page.goto(review.get_absolute_url())
    page.evaluate("window.__sameDocument = true")

    helpful = page.locator(f"#vote-{review.pk} [data-vote=helpful]")
    # Amara voted helpful while building the community; the page shows her vote pressed.
    expect(helpful).to_have_attribute("aria-pressed", "true")
    before = int(helpful.locator(".count").inner_text())
    helpful.click()  # withdraw
    expect(page.locator(f"#vote-{review.pk} [data-vote=helpful]")).to_have_attribute("aria-pressed", "false")
    expect(page.locator(f"#vote-{review.pk} [data-vote=helpful] .count")).to_have_text(str(before - 1))
    page.locator(f"#vote-{review.pk} [data-vote=helpful]").click()  # vote again
    expect(page.locator(f"#vote-{review.pk} [data-vote=helpful] .count")).to_have_text(str(before))
    page.locator(f"#vote-{review.pk} [data-vote=not_helpful]").click()
    expect(page.locator(f"#vote-{review.pk} [data-vote=not_helpful] .count")).to_have_text("1")
    expect(page.locator(f"#vote-{review.pk} [data-vote=helpful] .count")).to_have_text(str(before - 1))
    # keyboard focus stays on the button that was pressed
    expect(page.locator(f"#vote-{review.pk} [data-vote=not_helpful]")).to_be_focused()

    page.locator(f"#save-{review.pk} button").click()
    expect(page.locator(f"#save-{review.pk} button")).to_contain_text("Saved")
    expect(page.locator(f"#save-{review.pk} .count")).to_have_text("1")

    author = review.author
    followers = page.locator(f"#followers-count-{author.pk}")
    expect(followers).to_have_text("1")  # Amara already follows Haruto: unfollow, then follow
    page.locator(f"#follow-{author.pk} button").click()
    expect(page.locator(f"#follow-{author.pk} button")).to_contain_text("Follow")
    expect(followers).to_have_text("0")
    page.locator(f"#follow-{author.pk} button").click()
    expect(page.locator(f"#follow-{author.pk} button")).to_contain_text("Following")
    expect(followers).to_have_text("1")

    page.get_by_label("Add a comment").fill("How many drops do you use for long hair?")
    page.get_by_role("button", name="Post").click()
    expect(page.locator("#comment-list .comment")).to_contain_text("How many drops")
    expect(page.locator("#no-comments")).to_have_count(0)
    expect(page.locator(f"#comment-count-{review.pk}")).to_have_text("1")
    expect(page.get_by_label("Add a comment")).to_have_value("")

    assert page.evaluate("window.__sameDocument") is True  # no reload happened
    review.refresh_from_db()
    assert review.not_helpful_count >= 1
    assert Save.objects.filter(user__username=newcomer, review=review).exists()
    assert Follow.objects.filter(follower__username=newcomer, followee=author).exists()
    shots("after-vote-save-follow")

    page.goto(f"/u/{newcomer}/?tab=saved")
    expect(page.locator(f'.card[data-id="{review.pk}"]')).to_be_visible()
    shots("profile-saved")


def test_own_review_cannot_be_voted_on(page, community):
    review = Review.objects.get(title="Frizz gone, hair not greasy")
    log_in(page, "haruto")
    page.goto(review.get_absolute_url())
    # The counts are plain text, not buttons that do nothing (issue 25 item 2).
    expect(page.locator(f"#vote-{review.pk} button")).to_have_count(0)
    expect(page.locator(f"#vote-{review.pk} .vote-tally")).to_contain_text("found this helpful")
    expect(page.locator(f"#vote-{review.pk} .vote-tally")).to_contain_text("You cannot vote on your own review")


def test_search_products_reviews_and_tags(page, shots, community):
    page.goto("/")
    page.get_by_label("Search products, reviews and #tags").first.fill("sunscreen")
    page.keyboard.press("Enter")
    expect(page.locator(".product-card")).to_contain_text("Airy Sunscreen SPF50")
    shots("search-product")
    page.get_by_label("Search products, reviews and #tags").last.fill("white cast")
    page.get_by_role("button", name="Search").click()
    expect(page.locator(".card")).to_contain_text("No white cast")
    shots("search-review")
    page.goto("/search/?q=%23sensitive-skin")
    expect(page.get_by_role("heading", name="Reviews tagged #sensitive-skin")).to_be_visible()
    expect(page.locator(".card")).to_have_count(2)
    shots("search-tag")


def test_discover_loads_more_cards_as_you_scroll(page, shots, community):
    from tests.factories import ReviewFactory

    ReviewFactory.create_batch(20, product=community["products"][1])
    rerank()
    page.goto("/")
    expect(page.locator(".card")).to_have_count(20)
    page.locator("[data-more]").scroll_into_view_if_needed()
    expect(page.locator(".card")).to_have_count(len(REVIEWS) + 20)
    expect(page.locator("[data-feed-end]")).to_be_visible()
    shots("discover-all")


def test_phone_navigation_and_keyboard_focus(page, shots, community):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/")
    expect(page.get_by_role("navigation", name="Main (mobile)")).to_be_visible()
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    page.goto("/nowhere/")
    expect(page.locator("h1")).to_have_text("We couldn't find that page")
    shots("not-found")


def test_category_rankings_and_levels(page, shots, community):
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Rankings").click()
    expect(page.get_by_role("heading", name="Rankings", exact=True)).to_be_visible()
    skincare = page.locator(".rank-section", has=page.get_by_role("heading", name="Skincare"))
    expect(skincare.locator(".rank-item")).not_to_have_count(0)
    shots("rankings")
    skincare.locator(".rank-item").first.click()
    expect(page.locator(".rank-badge")).to_contain_text("No. 1 in skincare")
    shots("ranked-product")
    page.goto("/rankings/levels/")
    expect(page.locator(".level-table tbody tr")).to_have_count(10)
    shots("levels")


def test_no_page_scrolls_sideways_on_a_phone(page, shots, community):
    review = Review.objects.get(title="Finally calmed my redness in a week")
    log_in(page, "mei")
    page.set_viewport_size({"width": 390, "height": 844})
    for url in [
        "/",
        "/?tab=following",
        review.get_absolute_url(),
        review.product.get_absolute_url(),
        "/u/mei/",
        "/u/mei/?tab=followers",
        "/write/",
        "/search/?q=cream",
        "/rankings/",
        "/rankings/levels/",
        "/notifications/",
        "/settings/profile/",
    ]:
        page.goto(url)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{url} is {width}px wide"
    page.goto("/settings/profile/")
    shots("profile-edit")
    page.goto("/notifications/")
    shots("notifications")
