"""The For You feed as a person gets it (services.feed_page): interests, diversity, show less,
seen notes, what may never be shown, reasons true to the signals, a new person's feed."""

from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Follow
from foryou import policy as P
from foryou import selectors, services
from foryou.models import CandidateList, ShowLess, TopicPool
from reviews.models import HelpfulVote, Review, Save
from tests.factories import ProductFactory, UserFactory

from .conftest import make_review, refresh

pytestmark = pytest.mark.django_db


def page_ids(page):
    return [i.review_id for i in page.items]


def all_pages(user, pages=3, size=10):
    out, cursor = [], None
    for _ in range(pages):
        page = services.feed_page(user=user, cursor=cursor, page_size=size)
        out.extend(page.items)
        cursor = page.next_cursor
        if cursor is None:
            break
    return out


def assert_diverse(items):
    for start in range(len(items)):
        window = items[start : start + P.DIVERSITY_WINDOW]
        assert max(Counter(i.author_id for i in window).values()) <= P.DIVERSITY_MAX_SAME
        assert max(Counter(i.product_id for i in window).values()) <= P.DIVERSITY_MAX_SAME


def world(categories, per_category=12):
    """Good reviews in every category, each by its own author on its own product."""
    return {
        name: [make_review(category=cat, quality=0.4 + 0.01 * n) for n in range(per_category)]
        for name, cat in categories.items()
    }


def test_new_person_gets_popular_reviews_from_every_category(categories):
    reviews = world(categories, per_category=6)
    person = UserFactory()
    refresh()
    page = services.feed_page(user=person, page_size=20)
    assert len(page.items) == 20
    shown = {r.product.category.name for r in page.reviews}
    assert shown == set(reviews)
    assert {page.reasons[i].kind for i in page_ids(page)} == {selectors.POPULAR}
    assert all(page.reasons[i].text == "Popular on Candor" for i in page_ids(page))


def test_interests_respected_with_room_to_discover(categories):
    world(categories, per_category=20)
    person = UserFactory()
    refresh()
    services.interests_set(user=person, categories=[categories["Skincare"]], tags=[])
    page = services.feed_page(user=person, page_size=20)
    counts = Counter(r.product.category.name for r in page.reviews)
    assert counts["Skincare"] == 16  # (1 - DISCOVERY_SHARE) of the page
    assert sum(counts.values()) == 20 and len(counts) > 1  # room to discover


def test_two_interests_share_the_page(categories):
    world(categories)
    person = UserFactory()
    refresh()
    services.interests_set(user=person, categories=[categories["Skincare"], categories["Audio"]], tags=[])
    counts = Counter(r.product.category.name for r in services.feed_page(user=person, page_size=20).reviews)
    assert counts["Skincare"] == counts["Audio"] == 8


def test_diversity_caps_across_pages(categories):
    prolific = UserFactory()
    product = ProductFactory(category=categories["Skincare"])
    for n in range(8):  # the best reviews on the site, all by one author
        make_review(category=categories["Skincare"], author=prolific, quality=0.9 - n * 0.01)
    for n in range(8):  # and on one product
        make_review(product=product, quality=0.85 - n * 0.01)
    world(categories, per_category=6)
    person = UserFactory()
    refresh()
    items = all_pages(person, pages=3, size=7)
    assert len(items) == 21
    assert len({i.review_id for i in items}) == 21  # no card twice across pages
    assert_diverse(items)
    assert sum(1 for i in items if i.author_id == prolific.pk) >= 2  # still shown, just spread


def test_show_less_respected_at_once(categories):
    reviews = world(categories, per_category=4)
    person = UserFactory()
    refresh()
    first = services.feed_page(user=person, page_size=20)
    target = first.reviews[0]
    services.show_less_add(user=person, kind=ShowLess.Kind.AUTHOR, target_id=target.author_id)
    services.show_less_add(user=person, kind=ShowLess.Kind.CATEGORY, target_id=categories["Snacks"].pk)
    services.show_less_add(user=person, kind=ShowLess.Kind.PRODUCT, target_id=reviews["Audio"][0].product_id)
    again = services.feed_page(user=person, page_size=20)  # no refresh run in between
    assert again.items
    assert target.author_id not in {i.author_id for i in again.items}
    assert categories["Snacks"].pk not in {i.category_id for i in again.items}
    assert reviews["Audio"][0].product_id not in {i.product_id for i in again.items}


def test_hidden_removed_and_suspended_or_banned_authors_never_shown(categories):
    reviews = world(categories, per_category=3)
    person = UserFactory()
    refresh()
    assert len(services.feed_page(user=person, page_size=12).items) == 12
    hidden, removed, suspended, banned = (reviews[name][0] for name in ("Skincare", "Makeup", "Snacks", "Audio"))
    Review.objects.filter(pk=hidden.pk).update(status=Review.Status.HIDDEN)
    Review.objects.filter(pk=removed.pk).update(status=Review.Status.REMOVED)
    type(person).objects.filter(pk=suspended.author_id).update(suspended_until=timezone.now() + timedelta(days=3))
    type(person).objects.filter(pk=banned.author_id).update(is_active=False)
    # The lists are as the job left them: the request filters.
    shown = set(page_ids(services.feed_page(user=person, page_size=20)))
    assert shown and not shown & {hidden.pk, removed.pk, suspended.pk, banned.pk}
    assert len(shown) == 8


def test_seen_notes_do_not_come_back_soon(categories):
    world(categories, per_category=6)
    person = UserFactory()
    refresh()
    first = page_ids(services.feed_page(user=person, page_size=10))
    services.seen_mark(user=person, review_ids=first[:5])
    again = page_ids(services.feed_page(user=person, page_size=10))
    assert not set(again) & set(first[:5])
    later = timezone.now() + P.SEEN_HIDDEN_FOR + timedelta(minutes=5)
    assert set(first[:5]) & set(page_ids(services.feed_page(user=person, page_size=10, now=later)))


def test_scrolling_past_a_page_marks_it_seen(categories):
    world(categories, per_category=6)
    person = UserFactory()
    refresh()
    first = services.feed_page(user=person, page_size=8)
    services.feed_page(user=person, cursor=first.next_cursor, page_size=8)
    fresh_scroll = page_ids(services.feed_page(user=person, page_size=8))
    assert not set(fresh_scroll) & set(page_ids(first))


def test_reasons_true_to_the_signals(categories):
    skincare = categories["Skincare"]
    person = UserFactory()
    saved = make_review(category=skincare, title="Barrier Cream", quality=0.6)
    co_liked = make_review(category=categories["Makeup"], quality=0.3)
    # Two others who saved Barrier Cream found co_liked helpful.
    for other in (UserFactory(), UserFactory()):
        Save.objects.create(user=other, review=saved)
        HelpfulVote.objects.create(user=other, review=co_liked, helpful=True)
    followed_author = UserFactory(display_name="Mei")
    from_followed = make_review(category=categories["Audio"], author=followed_author, quality=0.3)
    Follow.objects.create(follower=person, followee=followed_author)
    fan = UserFactory()
    fan.interest_categories.set([skincare])
    liked_in_skincare = make_review(category=skincare, quality=0.3)
    HelpfulVote.objects.create(user=fan, review=liked_in_skincare, helpful=True)
    plain_skincare = make_review(category=skincare, quality=0.3)
    Save.objects.create(user=person, review=saved)
    refresh()
    services.interests_set(user=person, categories=[skincare], tags=[])
    page = services.feed_page(user=person, page_size=20)
    reasons = page.reasons
    assert saved.pk not in reasons  # already saved: not shown again
    assert reasons[co_liked.pk].kind == selectors.SAVED
    assert reasons[co_liked.pk].text == "Because you saved Barrier Cream"
    assert reasons[from_followed.pk].text == "From Mei, whom you follow"
    assert reasons[liked_in_skincare.pk].text == "Popular with people who like Skincare"
    assert reasons[plain_skincare.pk].text == "Highly rated in Skincare, one of your interests"


def test_quality_is_the_prior(categories):
    """Co-engaged but poor loses to a good review the person has no signal for."""
    person = UserFactory()
    seed = make_review(category=categories["Skincare"], quality=0.6)
    poor = make_review(category=categories["Skincare"], quality=0.03)
    good = make_review(category=categories["Skincare"], quality=0.7)
    for other in (UserFactory() for _ in range(5)):
        Save.objects.create(user=other, review=seed)
        Save.objects.create(user=other, review=poor)
    Save.objects.create(user=person, review=seed)
    refresh()
    order = page_ids(services.feed_page(user=person, page_size=10))
    assert order.index(good.pk) < order.index(poor.pk)


def test_tag_interest(categories):
    person = UserFactory()
    tagged = make_review(category=categories["Snacks"], quality=0.5)
    tagged.tags.create(name="spicy")
    world(categories, per_category=5)
    refresh()
    services.interests_set(user=person, categories=[], tags=["#Spicy"])
    page = services.feed_page(user=person, page_size=20)
    assert page.reasons[tagged.pk].text == "Highly rated in #spicy, which you follow"


def test_reset_forgets_learned_signals(categories):
    person = UserFactory()
    seed = make_review(category=categories["Skincare"], title="Seed", quality=0.6)
    co = make_review(category=categories["Makeup"], quality=0.5)
    other = UserFactory()
    Save.objects.create(user=other, review=seed)
    Save.objects.create(user=other, review=co)
    Save.objects.create(user=person, review=seed)
    services.show_less_add(user=person, kind=ShowLess.Kind.CATEGORY, target_id=categories["Audio"].pk)
    refresh()
    assert services.feed_page(user=person).reasons[co.pk].kind == selectors.SAVED
    services.signals_reset(user=person)
    assert not ShowLess.objects.filter(user=person).exists()
    assert services.feed_page(user=person).reasons[co.pk].kind == selectors.POPULAR


def test_job_refreshes_only_active_people(categories):
    world(categories, per_category=2)
    active, inactive, never = UserFactory(), UserFactory(), UserFactory()
    refresh()
    services.feed_page(user=active)
    services.feed_page(user=inactive)
    from foryou.models import FeedState

    FeedState.objects.filter(user=inactive).update(last_visit_at=timezone.now() - timedelta(days=P.ACTIVE_DAYS + 1))
    later = timezone.now() + P.LIST_MAX_AGE + timedelta(minutes=1)
    result = refresh(now=later)
    assert result.user_ids == [active.pk]
    assert not CandidateList.objects.filter(user=never).exists()
    # A fresh list with no new signal is not rebuilt; a new save makes it due at once.
    assert refresh(now=later + timedelta(minutes=1)).user_ids == []
    Save.objects.create(user=active, review=Review.objects.first(), created_at=later + timedelta(minutes=2))
    assert refresh(now=later + timedelta(minutes=3)).user_ids == [active.pk]
    assert TopicPool.objects.filter(key="global").exists()


def test_setting_interests_never_undoes_a_suspension_made_meanwhile(categories):
    person = UserFactory()
    loaded = type(person).objects.get(pk=person.pk)  # as the request loaded them
    suspended_until = timezone.now() + timedelta(days=2)
    type(person).objects.filter(pk=person.pk).update(suspended_until=suspended_until)
    services.interests_set(user=loaded, categories=[categories["Audio"]], tags=[])
    person.refresh_from_db()
    assert person.suspended_until == suspended_until
    assert list(person.interest_categories.all()) == [categories["Audio"]]
