"""The review page on a phone (issue 25 item 1): the note first (photos, author, title, text,
tags), one action bar (helpful, save, comments, share) that sticks to the bottom of a phone's
screen, and a save toggle on feed cards for signed-in members."""

import re
from pathlib import Path

from django.conf import settings
from django.test import Client

from reviews import services

CSS = Path(settings.BASE_DIR) / "static" / "css" / "candor.css"


def positions(page: str, *needles: str) -> list[int]:
    found = [page.find(needle) for needle in needles]
    assert -1 not in found, dict(zip(needles, found, strict=True))
    return found


def test_review_page_puts_the_title_after_the_author_line_and_before_the_comments(web, review, member):
    services.comment_create(author=member, review=review, body="Does it pill under sunscreen?")
    page = web.get(review.get_absolute_url()).content.decode()
    photos, author, title, text, tags, actions, comments = positions(
        page,
        'class="note-media"',
        'class="author-card"',
        '<h1 class="note-title"',
        'class="note-text"',
        'class="tags"',
        "data-action-bar",
        'id="comments"',
    )
    assert photos < author < title < text < tags < actions < comments
    # Nothing of the note's own between the author line and the title (badges sit in the line).
    between = page[author:title]
    assert between.count("<h1") == 0 and "note-text" not in between


def test_review_page_has_one_action_bar_with_helpful_save_comments_and_share(web, review):
    page = web.get(review.get_absolute_url()).content.decode()
    assert page.count("data-action-bar") == 1
    bar = page[page.index("data-action-bar") : page.index('id="comments"')]
    assert 'data-vote="helpful"' in bar
    assert f'hx-post="/r/{review.pk}/save/"' in bar
    assert 'href="#comments"' in bar
    assert "data-share" in bar and 'aria-label="Share this review"' in bar
    assert f'href="http://testserver{review.get_absolute_url()}"' in bar


def test_own_review_bar_shows_the_counts_as_text(review, author):
    own = Client()
    own.force_login(author)
    page = own.get(review.get_absolute_url()).content.decode()
    bar = page[page.index("data-action-bar") : page.index('id="comments"')]
    assert "found this helpful" in bar and 'data-vote="helpful"' not in bar
    assert "Share this review" in bar


def test_the_action_bar_sticks_to_the_bottom_on_a_phone():
    css = CSS.read_text()
    phone_blocks = re.findall(r"@media \(max-width: 640px\) \{(.*?)\n\}", css, re.S)
    bar_rules = [rule for block in phone_blocks for rule in re.findall(r"\.action-bar \{([^}]*)\}", block)]
    assert bar_rules, "no .action-bar rule inside @media (max-width: 640px)"
    assert any(re.search(r"position:\s*(sticky|fixed)", rule) and "bottom:" in rule for rule in bar_rules)
    assert any("safe-area-inset-bottom" in rule for rule in bar_rules)
    # On a wide screen the actions stay in the page's flow.
    outside = re.sub(r"@media[^{]*\{.*?\n\}", "", css, flags=re.S)
    assert not re.search(r"\.action-bar \{[^}]*position:\s*(sticky|fixed)", outside)


def test_feed_cards_have_a_save_toggle_for_members_only(web, client, review, author):
    profile = f"/u/{author.username}/"
    member_page = web.get(profile).content.decode()
    card = member_page[member_page.index('<article class="card"') :]
    card = card[: card.index("</article>")]
    assert f'hx-post="/r/{review.pk}/save/"' in card
    assert 'name="saved" value="1"' in card
    assert "csrfmiddlewaretoken" in card
    # The same cached card for a visitor: no member's form, no member's token.
    visitor_page = client.get(profile).content.decode()
    card = visitor_page[visitor_page.index('<article class="card"') :]
    card = card[: card.index("</article>")]
    assert "/save/" not in card and "csrfmiddlewaretoken" not in card


def test_saving_from_a_card_swaps_in_the_saved_toggle(htmx, review, member):
    response = htmx.post(f"/r/{review.pk}/save/", {"saved": "1", "next": "/"})
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="save-{review.pk}"' in html and 'aria-pressed="true"' in html
    assert review.saves.filter(user=member).exists()
