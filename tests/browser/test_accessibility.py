"""axe-core on every main page, at 390 px and 1280 px: no serious or critical violation for a
visitor, a signed-in member, a brand's member (the brand dashboard) or a moderator (the queue)."""

import pytest
from django.contrib.auth.models import Group

from accounts import services as account_services
from accounts.models import MODERATORS_GROUP
from reviews.models import Brand, BrandMembership
from tests.web.conftest import rerank

from .conftest import WIDTHS, assert_accessible, log_in
from .scenario import PASSWORD, build_community

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def community(db):
    built = build_community()
    rerank()  # so Discover and the rankings have something to show
    dewy = Brand.objects.get(slug="dewy-lab")
    pm = account_services.user_register(username="dewy_pm", password=PASSWORD, display_name="Dewy Lab team")
    BrandMembership.objects.create(brand=dewy, user=pm)
    moderator = account_services.user_register(username="moderator_jo", password=PASSWORD, display_name="Jo")
    moderator.groups.add(Group.objects.get_or_create(name=MODERATORS_GROUP)[0])
    return built


def public_pages(community) -> list[str]:
    review, product = community["reviews"][0], community["products"][0]
    return [
        "/",
        f"/r/{review.pk}/",
        f"/p/{product.slug}/",
        "/u/mei/",
        "/search/?q=sunscreen",
        "/rankings/",
        "/rankings/skincare/",
        "/rankings/levels/",
    ]


def check(page, paths: list[str]) -> None:
    """Every page at both widths; one failure lists every page's violations, not just the first."""
    failures = []
    for width, height in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": height})
        for path in paths:
            page.goto(path)
            try:
                assert_accessible(page)
            except AssertionError as failure:
                failures.append(str(failure).split("\nassert ")[0])
    assert not failures, "\n".join(failures)


def test_pages_a_visitor_sees(page, community):
    check(page, [*public_pages(community), "/login/", "/signup/"])


def test_pages_a_member_sees(page, community):
    log_in(page, "sofia")  # follows Mei and has notifications (votes, a comment reply)
    check(page, [*public_pages(community), "/write/", "/notifications/", "/settings/profile/"])


def test_brand_dashboard_and_moderation_queue(page, community):
    log_in(page, "dewy_pm")
    check(page, ["/brand/"])
    page.context.clear_cookies()
    log_in(page, "moderator_jo")
    check(page, ["/moderation/"])
