"""First chance for new reviews: who qualifies, who sees them, how much of a page they take,
and how weighted early engagement moves a note to a wider tier."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Follow
from foryou import policy as P
from foryou import selectors, services
from foryou.models import FirstChance
from ranking.models import FraudFlag, ReviewerStanding
from reviews.models import Comment, HelpfulVote, Save
from tests.factories import UserFactory

from .conftest import make_review, refresh

pytestmark = pytest.mark.django_db


def new_review(category, **kwargs):
    kwargs.setdefault("quality", None)  # not ranked yet: only the first chance can show it
    return make_review(category=category, age_hours=1, **kwargs)


def reader(*categories):
    person = UserFactory()
    person.interest_categories.set(categories)
    return person


def old_reviews(category, n=20):
    return [make_review(category=category, quality=0.5) for _ in range(n)]


def test_good_new_reviews_enter_tier_zero_and_poor_ones_do_not(categories):
    skincare = categories["Skincare"]
    good = new_review(skincare)
    short = new_review(skincare, body="Nice.")
    flagged_author = UserFactory()
    flag = FraudFlag.objects.create(kind=FraudFlag.Kind.VOTE_RING, key="ring:x")
    flag.accounts.add(flagged_author)
    flagged = new_review(skincare, author=flagged_author)
    suspended = new_review(skincare, author=UserFactory(suspended_until=timezone.now() + timedelta(days=1)))
    disliked_author = UserFactory()
    ReviewerStanding.objects.create(user=disliked_author, helpful_weight_received=1, unhelpful_weight_received=9)
    disliked = new_review(skincare, author=disliked_author)
    low = new_review(skincare, quality=0.05)
    old = make_review(category=skincare, age_hours=24 * 5)
    refresh()
    status = dict(FirstChance.objects.values_list("review_id", "status"))
    assert status[good.pk] == FirstChance.Status.ACTIVE
    for refused in (short, flagged, suspended, disliked, low):
        assert status[refused.pk] == FirstChance.Status.INELIGIBLE
    assert old.pk not in status


def test_new_note_reaches_interest_matched_readers_only(categories):
    skincare, audio = categories["Skincare"], categories["Audio"]
    old_reviews(skincare)
    old_reviews(audio)
    note = new_review(skincare)
    refresh()
    matched, unmatched = reader(skincare), reader(audio)
    page = services.feed_page(user=matched, page_size=10)
    assert note.pk in page.first_chance_ids
    assert page.reasons[note.pk].text == "New from a Lv1 reviewer"
    assert note.pk not in {i.review_id for i in services.feed_page(user=unmatched, page_size=20).items}
    assert FirstChance.objects.get(pk=note.pk).impressions == 1


def test_reason_names_the_authors_level(categories):
    skincare = categories["Skincare"]
    old_reviews(skincare)
    author = UserFactory()
    ReviewerStanding.objects.create(user=author, level=6)
    note = new_review(skincare, author=author)
    refresh()
    page = services.feed_page(user=reader(skincare), page_size=10)
    assert page.reasons[note.pk].text == "New from a Lv6 reviewer"


def test_first_chance_share_is_bounded(categories):
    skincare = categories["Skincare"]
    old_reviews(skincare, 30)
    notes = {new_review(skincare).pk for _ in range(15)}
    refresh()
    person = reader(skincare)
    items, cursor = [], None
    for _ in range(2):
        page = services.feed_page(user=person, cursor=cursor, page_size=15)
        items += page.items
        cursor = page.next_cursor
    assert len(items) == 30
    new_positions = [n for n, i in enumerate(items) if i.review_id in notes]
    assert new_positions == [n for n in range(30) if n % P.DIVERSITY_WINDOW in P.FIRST_CHANCE_SLOTS]
    assert all(items[n].reason == selectors.NEW for n in new_positions)


def test_used_up_audience_ends_the_first_chance(categories):
    note = new_review(categories["Skincare"])
    refresh()
    FirstChance.objects.filter(pk=note.pk).update(impressions=P.TIER_AUDIENCE[0])
    refresh()
    assert FirstChance.objects.get(pk=note.pk).status == FirstChance.Status.ENDED
    old_reviews(categories["Skincare"])
    page = services.feed_page(user=reader(categories["Skincare"]), page_size=20)
    assert note.pk not in {i.review_id for i in page.items}


def test_a_comment_says_more_than_a_vote(categories):
    by_vote, by_comment = new_review(categories["Skincare"]), new_review(categories["Skincare"])
    refresh()
    HelpfulVote.objects.create(user=UserFactory(), review=by_vote, helpful=True)
    Comment.objects.create(author=UserFactory(), review=by_comment, body="Does it pill under sunscreen?")
    engagement = services.first_chance_engagement(list(FirstChance.objects.all()))
    assert engagement[by_comment.pk] == P.ENGAGEMENT_WEIGHTS["comment"]
    assert engagement[by_vote.pk] == P.ENGAGEMENT_WEIGHTS["vote"]


def test_engagement_is_weighted_by_standing_and_fraud_discounted(categories):
    note = new_review(categories["Skincare"])
    refresh()
    trusted, suspicious, fraud = UserFactory(), UserFactory(), UserFactory()
    ReviewerStanding.objects.create(user=trusted, vote_weight=2.0)
    for status, member in ((FraudFlag.Status.OPEN, suspicious), (FraudFlag.Status.CONFIRMED, fraud)):
        flag = FraudFlag.objects.create(kind=FraudFlag.Kind.SERIAL_VOTING, key=f"serial:{member.pk}", status=status)
        flag.accounts.add(member)
    for voter in (trusted, suspicious, fraud):
        HelpfulVote.objects.create(user=voter, review=note, helpful=True)
    HelpfulVote.objects.create(user=note.author, review=note, helpful=True)  # the author's own: nothing
    engagement = services.first_chance_engagement([FirstChance.objects.get(pk=note.pk)])
    assert engagement[note.pk] == pytest.approx(2.0 + 0.25)


def test_early_engagement_moves_the_note_to_a_wider_tier(categories):
    skincare, audio = categories["Skincare"], categories["Audio"]
    old_reviews(audio)
    note = new_review(skincare)
    refresh()
    HelpfulVote.objects.create(user=UserFactory(), review=note, helpful=True)
    refresh()
    assert FirstChance.objects.get(pk=note.pk).tier == 0  # one vote is not enough
    Comment.objects.create(author=UserFactory(), review=note, body="Which shade did you get?")
    refresh()
    assert FirstChance.objects.get(pk=note.pk).tier == 1
    assert note.pk not in services.feed_page(user=reader(audio), page_size=10).first_chance_ids
    for _ in range(2):
        Comment.objects.create(author=UserFactory(), review=note, body="Does it pill?")
    Save.objects.create(user=UserFactory(), review=note)
    Follow.objects.create(follower=UserFactory(), followee=note.author)
    refresh()
    assert FirstChance.objects.get(pk=note.pk).tier == P.WIDE_TIER
    page = services.feed_page(user=reader(audio), page_size=10)
    assert note.pk in page.first_chance_ids  # the wide tier reaches readers outside the interest


def test_a_note_whose_author_is_suspended_or_flagged_after_enrolment_is_not_shown(categories):
    skincare = categories["Skincare"]
    old_reviews(skincare)
    suspended_note, flagged_note = new_review(skincare), new_review(skincare)
    refresh()
    assert FirstChance.objects.filter(status=FirstChance.Status.ACTIVE).count() == 2
    type(suspended_note.author).objects.filter(pk=suspended_note.author_id).update(
        suspended_until=timezone.now() + timedelta(days=1)
    )
    flag = FraudFlag.objects.create(kind=FraudFlag.Kind.VOTE_RING, key="ring:late")
    flag.accounts.add(flagged_note.author)
    shown = {i.review_id for i in services.feed_page(user=reader(skincare), page_size=20).items}
    assert len(shown) == 20 and not shown & {suspended_note.pk, flagged_note.pk}
