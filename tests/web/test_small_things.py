"""Issue 25 item 9: the small things a reader trips over."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from accounts.models import Notification
from accounts.services import notify
from reviews import services

pytestmark = pytest.mark.django_db

CSS = (Path(settings.BASE_DIR) / "static" / "css" / "candor.css").read_text()


def _inner(selector: str, start: int) -> tuple[str, int]:
    """The text inside the parentheses opening at `start`, and the index after the closing one."""
    depth = 0
    for i in range(start, len(selector)):
        depth += {"(": 1, ")": -1}.get(selector[i], 0)
        if depth == 0:
            return selector[start + 1 : i], i + 1
    raise ValueError(selector)


def specificity(selector: str) -> tuple[int, int, int]:
    """CSS specificity of one complex selector: :where() counts nothing, :not()/:is()/:has() count
    their most specific argument (all the arguments here are single selectors)."""
    ids = classes = types = 0
    i = 0
    while i < len(selector):
        match = re.match(r":(where|not|is|has)\(", selector[i:])
        if match:
            inner, i = _inner(selector, i + len(match.group(0)) - 1)
            if match.group(1) != "where":
                a, b, c = max(specificity(part.strip()) for part in inner.split(","))
                ids, classes, types = ids + a, classes + b, types + c
            continue
        if selector[i] == "[":
            classes += 1
            i = selector.index("]", i) + 1
        elif m := re.match(r"#[\w-]+", selector[i:]):
            ids += 1
            i += len(m.group(0))
        elif m := re.match(r"::?[\w-]+", selector[i:]):
            if m.group(0).startswith("::"):
                types += 1
            else:
                classes += 1
            i += len(m.group(0))
        elif m := re.match(r"\.[\w-]+", selector[i:]):
            classes += 1
            i += len(m.group(0))
        elif m := re.match(r"[a-zA-Z][\w-]*", selector[i:]):
            types += 1
            i += len(m.group(0))
        else:
            i += 1
    return ids, classes, types


def _split_selectors(text: str) -> list[str]:
    parts, depth, current = [], 0, ""
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    return [*parts, current.strip()]


def _top_level_rules(css: str) -> list[tuple[str, str]]:
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    return [(sel.strip(), body) for sel, body in re.findall(r"(?:^|})\s*([^{}@]+?)\s*\{([^{}]*)\}", css)]


def test_specificity_helper_counts_where_as_nothing_and_not_as_its_argument():
    assert specificity('input[type="search"]:not(.topbar-search input)') == (0, 2, 2)
    assert specificity('input[type="search"]:where(:not(.topbar-search input))') == (0, 1, 1)
    assert specificity('.search-page-form input[type="search"]') == (0, 2, 1)


def test_search_page_input_keeps_room_for_its_icon():
    """The icon sits at the input's left; the search page's padding-left must not lose to the
    generic input rule (whose :not() used to outrank it, so the text ran under the icon)."""
    rules = _top_level_rules(CSS)
    icon_room = [
        (specificity(sel), index)
        for index, (text, body) in enumerate(rules)
        for sel in _split_selectors(text)
        if sel == '.search-page-form input[type="search"]' and re.search(r"padding-left:\s*4\dpx", body)
    ]
    assert icon_room, "the search page rule giving the icon room is gone"
    room, room_at = max(icon_room)
    for index, (text, body) in enumerate(rules):
        if not re.search(r"(^|;|\s)padding(-left)?\s*:", body):
            continue
        for sel in _split_selectors(text):
            may_match = 'input[type="search"]' in sel.replace("'", '"') and ".topbar-search input" != sel
            if not may_match or sel == '.search-page-form input[type="search"]':
                continue
            other = specificity(sel)
            assert other < room or (other == room and index < room_at), f"{sel} outranks the icon room"


def test_unread_helpful_milestones_of_one_review_are_one_line(web, member):
    for count in (1, 10):
        notify(
            recipient=member,
            kind=Notification.Kind.HELPFUL_MILESTONE,
            title=f"{count} {'person' if count == 1 else 'people'} found your review helpful",
            data={"review": 41, "milestone": count},
        )
    notify(
        recipient=member,
        kind=Notification.Kind.HELPFUL_MILESTONE,
        title="1 person found your review helpful",
        body="“Another review”",
        data={"review": 42, "milestone": 1},
    )
    page = web.get("/notifications/").content.decode()
    assert page.count("10 people found your review helpful") == 1
    # The other review's milestone stays its own line; review 41's "1 person" folded away.
    assert page.count("1 person found your review helpful") == 1
    assert page.count('class="notification is-unread"') == 2


def test_missing_rating_says_choose_a_rating_on_the_page_and_for_the_script(web, product):
    form_page = web.get("/write/").content.decode()
    # The write page's script shows this when the form is sent without a star chosen.
    assert 'data-missing="Choose a rating from 1 to 5 stars." data-errors-for="rating"' in form_page
    response = web.post("/write/", {"product_mode": "existing", "product": str(product.pk), "title": "T", "body": "B"})
    assert response.status_code == 400
    assert 'data-errors-for="rating"><p>Choose a rating from 1 to 5 stars.</p>' in response.content.decode()


def test_visitor_on_a_phone_sees_sign_up_in_the_header(db):
    page = Client().get("/").content.decode()
    mobile = page.split('class="topbar-mobile"', 1)[1].split("</div>", 1)[0]
    assert ">Sign up</a>" in mobile


def test_comment_response_deletes_no_comments_only_for_the_first_comment(htmx, member, review):
    first = htmx.post(f"/r/{review.pk}/comments/", {"body": "Does it pill under sunscreen?"}).content.decode()
    assert '<li id="no-comments" hx-swap-oob="delete">' in first
    second = htmx.post(f"/r/{review.pk}/comments/", {"body": "And under makeup?"}).content.decode()
    assert "And under makeup?" in second
    # The page already has comments, so there is no #no-comments for htmx to find.
    assert "no-comments" not in second


def test_no_oob_when_the_review_already_had_comments(htmx, author, review):
    services.comment_create(author=author, review=review, body="Happy to answer questions.")
    fragment = htmx.post(f"/r/{review.pk}/comments/", {"body": "How long does a tube last?"}).content.decode()
    assert "How long does a tube last?" in fragment
    assert "no-comments" not in fragment
