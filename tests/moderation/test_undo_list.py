"""The queue's "undo" list offers only decisions that can still be undone (issue 25 item 7): once
a hide is undone, or the content decided on again, its Undo button goes, since the service would
refuse it."""

import re

import pytest

from moderation.models import AuditEntry
from tests.moderation.test_evidence_and_undo import brigade

pytestmark = pytest.mark.django_db


def undo_buttons(client) -> list[str]:
    page = re.sub(r"\s+", " ", client.get("/moderation/").content.decode())
    return re.findall(r'action="/moderation/undo/(\d+)/"', page)


def hide(client, review) -> AuditEntry:
    client.post(f"/moderation/reviews/{review.pk}/action/", {"action": "hide", "reason": "Spam", "confirm": "yes"})
    return AuditEntry.objects.filter(action=AuditEntry.Action.REVIEW_HIDE).latest("created_at", "id")


def test_an_undone_decision_leaves_the_undo_list(mod_web, review):
    brigade(review)
    entry = hide(mod_web, review)
    assert undo_buttons(mod_web) == [str(entry.pk)]
    mod_web.post(f"/moderation/undo/{entry.pk}/")
    assert undo_buttons(mod_web) == []
    # Hidden again: only the new decision can be undone.
    again = hide(mod_web, review)
    assert undo_buttons(mod_web) == [str(again.pk)]


def test_a_decision_overtaken_by_another_leaves_the_undo_list(mod_web, review):
    brigade(review)
    hide(mod_web, review)
    mod_web.post(f"/moderation/reviews/{review.pk}/action/", {"action": "remove", "reason": "Spam", "confirm": "yes"})
    removal = AuditEntry.objects.get(action=AuditEntry.Action.REVIEW_REMOVE)
    assert undo_buttons(mod_web) == [str(removal.pk)]


def test_each_undo_button_names_its_decision(mod_web, review):
    brigade(review)
    hide(mod_web, review)
    page = mod_web.get("/moderation/").content.decode()
    assert f'Undo<span class="sr-only"> hid a review #{review.pk}</span></button>' in page
