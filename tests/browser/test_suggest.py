"""Suggestions as you type (issue 26): the header's search box and the search page's show
products, brands and #tags from the suggest API in an ARIA combobox listbox, usable from the
keyboard, and the page stays accessible with the list open."""

import re

import pytest
from playwright.sync_api import expect

from reviews.models import Product
from tests.conftest import SCREENSHOTS

from .conftest import assert_accessible
from .scenario import build_community

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def community(community_of):
    return community_of(build_community)


def test_header_box_suggests_a_product_and_arrow_enter_opens_it(page, community):
    product = Product.objects.get(name="Airy Sunscreen SPF50")
    page.goto("/")
    box = page.locator("#site-search")
    expect(box).to_have_attribute("role", "combobox")
    expect(box).to_have_attribute("aria-expanded", "false")

    box.press_sequentially("Air", delay=40)
    listbox = page.get_by_role("listbox", name="Suggestions")
    expect(listbox).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    expect(box).to_have_attribute("aria-controls", listbox.get_attribute("id"))
    first = listbox.get_by_role("option").first
    expect(first).to_contain_text("Airy Sunscreen SPF50")
    expect(first).to_contain_text("Product · Kumo")  # labelled by kind, with its brand

    box.press("ArrowDown")
    expect(first).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", first.get_attribute("id"))
    box.press("Enter")
    expect(page).to_have_url(re.compile(re.escape(product.get_absolute_url()) + "$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Airy Sunscreen SPF50")


def test_one_latin_letter_is_not_enough_and_escape_closes_the_list(page, community):
    page.goto("/")
    box = page.locator("#site-search")
    box.press_sequentially("K", delay=40)
    page.wait_for_timeout(400)  # past the debounce: no request was made for one letter
    expect(page.get_by_role("listbox", name="Suggestions")).to_be_hidden()

    box.press_sequentially("u", delay=40)
    listbox = page.get_by_role("listbox", name="Suggestions")
    expect(listbox.get_by_role("option", name=re.compile(r"^Kumo\s*Brand$"))).to_be_visible()
    box.press("Escape")
    expect(listbox).to_be_hidden()
    expect(box).to_have_attribute("aria-expanded", "false")
    expect(box).to_have_value("Ku")  # Escape closes the list, it does not clear what was typed


def test_search_page_box_runs_the_search_for_a_chosen_brand(page, community):
    page.goto("/search/")
    box = page.locator("#search-q")
    box.press_sequentially("Petal", delay=40)
    listbox = page.get_by_role("listbox", name="Suggestions")
    brand = listbox.get_by_role("option", name=re.compile(r"^Petal & Co\s*Brand$"))
    expect(brand).to_be_visible()
    # The products come first: walk down to the brand, as a keyboard user would.
    options = listbox.get_by_role("option")
    index = next(i for i in range(options.count()) if "Brand" in options.nth(i).inner_text())
    for _ in range(index + 1):
        box.press("ArrowDown")
    expect(brand).to_have_attribute("aria-selected", "true")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q=Petal"))
    expect(page.locator("#search-q")).to_have_value(re.compile(r"^Petal"))


def test_page_is_accessible_with_the_suggestions_open(page, community):
    page.goto("/")
    box = page.locator("#site-search")
    box.press_sequentially("Ri", delay=40)
    listbox = page.get_by_role("listbox", name="Suggestions")
    expect(listbox.get_by_role("option").first).to_be_visible()
    box.press("ArrowDown")
    assert_accessible(page)
    # Desktop only: below 768 px the header has no search box (Shots would resize it away).
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "suggest--header-list-open-1280.png"))
