"""A signed-in member's pages (issue 24): the same number of queries whatever the member has
voted, saved, written or not read yet; their own state drawn right, with each state's template
drawn once per page (candor._reader_part) and the unread count read with their row."""

import re

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.template import RequestContext, Template
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import services as account_services
from accounts.backends import NameBackend
from accounts.models import MODERATORS_GROUP, Notification, User
from ranking import selectors as ranking_selectors
from reviews import cards as card_cache
from reviews import selectors, services
from reviews.models import Review
from tests.factories import (
    BrandMembershipFactory,
    CommentFactory,
    ProductFactory,
    ReviewFactory,
    UserFactory,
    image_upload,
)
from tests.web.conftest import rerank


def _own_unranked_card_rows_by_orm(viewer, *, category_slug=None):
    """The rows ranking.selectors.own_unranked_rows_and_states stands for, read by the ORM: the
    viewer's published reviews the rerank has not reached (its _unranked rule), newest first."""
    rows = selectors.card_rows(
        ("own-unranked", category_slug),
        lambda: ranking_selectors._unranked(Review.objects.filter(status=Review.Status.PUBLISHED), category_slug),
        sort="created_at",
    )
    return rows.of_author(viewer.pk, ranking_selectors.OWN_UNRANKED_SHOWN)


pytestmark = pytest.mark.django_db


def test_a_members_vote_and_save_forms_are_their_templates_drawn_for_each_review(rf):
    member = UserFactory()
    product = ProductFactory()
    reviews = [ReviewFactory(product=product) for _ in range(5)] + [ReviewFactory(product=product, author=member)]
    services.vote_put(user=member, review_id=reviews[0].pk, helpful=True)
    services.save_add(user=member, review=reviews[0])
    services.vote_put(user=member, review_id=reviews[1].pk, helpful=False)
    services.save_add(user=member, review=reviews[2])
    for voter in UserFactory.create_batch(2):  # counts that differ between reviews of one state
        services.vote_put(user=voter, review_id=reviews[3].pk, helpful=True)
    services.save_add(user=UserFactory(), review=reviews[4])
    listed = list(selectors.reviews_for_listing(member).filter(product=product).order_by("id"))
    request = rf.get(product.get_absolute_url())
    request.user = member
    drawn = Template(
        "{% load candor %}{% for review in reviews %}{% review_fragment review 'row_top' %}"
        '{% include "reviews/partials/review_row_actions.html" %}\n</article>{% endfor %}'
        "@@{% review_rows reviews %}"
        '@@{% for review in reviews %}{% include "reviews/partials/save.html" %}##{% endfor %}'
        "@@{% for review in reviews %}{% review_fragment review 'card' %}{% endfor %}"
    ).render(RequestContext(request, {"reviews": listed}))
    each, rows, toggles, cards = drawn.split("@@")
    assert rows == each
    bodies = [card_cache.fragment(review, "card") for review in listed]
    assert cards == "".join(
        f"{body}{toggle}</article>\n" for body, toggle in zip(bodies, toggles.split("##")[:-1], strict=True)
    )
    # Every state shows: voted helpful and saved, not helpful, saved only, none, their own review.
    assert 'name="vote" value="clear" class="pill is-on"' in rows
    assert "is-on is-on-neutral" in rows
    assert rows.count('aria-pressed="true" data-save') == 2
    assert rows.count('class="vote-tally"') == 1
    assert f'data-focus-key="save-{reviews[4].pk}"' in rows
    assert '<span class="count" data-count="saves">1</span>' in rows
    assert '<span class="count" data-count="helpful">2</span>' in rows


def test_the_header_counts_unread_notifications_with_the_members_row():
    member = UserFactory()
    for title in ("one", "two", "three"):
        account_services.notify(recipient=member, kind=Notification.Kind.OTHER, title=title)
    account_services.notify(recipient=member, kind=Notification.Kind.OTHER, title="read")
    Notification.objects.filter(title="read").update(read_at="2026-01-01T00:00:00Z")
    client = Client()
    client.force_login(member)
    with CaptureQueriesContext(connection) as captured:
        page = client.get("/").content.decode()
    assert '<span class="bell-count" aria-hidden="true">3</span>' in page
    notification_queries = [q["sql"] for q in captured.captured_queries if "accounts_notification" in q["sql"]]
    assert len(notification_queries) == 1 and "accounts_user" in notification_queries[0]
    account_services.notifications_mark_read(user=member)
    assert "bell-count" not in client.get("/").content.decode()


@pytest.fixture
def pages():
    product = ProductFactory(image="")
    reviews = [ReviewFactory(product=product) for _ in range(6)]
    services.review_add_photos(review=reviews[0], user=reviews[0].author, photos=[image_upload()])
    CommentFactory(review=reviews[0])
    busy = UserFactory()  # votes on, saves and follows everything, with reviews ranked and not
    ReviewFactory(product=product, author=busy)
    rerank()
    for review in reviews:
        services.vote_put(user=busy, review_id=review.pk, helpful=review.pk % 2 == 0)
        services.save_add(user=busy, review=review)
        account_services.follow_create(follower=busy, followee=review.author)
    ReviewFactory(author=busy)  # not ranked yet: on top of their Discover
    for i in range(5):
        account_services.notify(recipient=busy, kind=Notification.Kind.OTHER, title=f"n{i}")
    urls = {"discover": "/", "product": product.get_absolute_url(), "review": f"/r/{reviews[0].pk}/"}
    return urls, {"new member": UserFactory(), "busy member": busy}


def queries_of(client: Client, url: str) -> int:
    client.get(url)  # warm: the chrome read once per process, the cards stored
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("page", ["discover", "product", "review"])
def test_a_member_with_much_runs_the_queries_of_one_with_nothing(pages, page):
    urls, members = pages
    visitor = queries_of(Client(), urls[page])
    counts = {}
    for name, member in members.items():
        client = Client()
        client.force_login(member)
        counts[name] = queries_of(client, urls[page])
    assert counts["busy member"] == counts["new member"], counts
    # On top of a visitor's: the member's row (with their unread count), their own votes and
    # saves on the page's reviews (Discover, product page; on Discover in the statement of their
    # own reviews not ranked yet), and the session row where sessions are not cached (the
    # embedded default).
    extra = {"discover": 2, "product": 2, "review": 1}[page] + (0 if connection.vendor == "postgresql" else 1)
    assert counts["new member"] == visitor + extra, (visitor, counts)


def test_discover_and_the_product_page_show_the_members_own_saves_votes_and_counts(pages):
    urls, members = pages
    client = Client()
    client.force_login(members["busy member"])
    for page in ("discover", "product"):
        html = client.get(urls[page]).content.decode()
        # Saved by this member (and by nobody else): "Saved", count 1, on every card or row.
        assert html.count('aria-pressed="true" data-save') == 6, page
        assert html.count('<span class="count" data-count="saves">1</span>') == 6, page
    html = client.get(urls["product"]).content.decode()
    assert html.count('value="clear" class="pill is-on"') == 3  # their helpful votes
    assert html.count("is-on is-on-neutral") == 3  # their not-helpful votes
    assert html.count('class="vote-tally"') == 1  # their own review: counts, no buttons


def test_a_members_header_is_theirs_with_their_own_csrf_token_each_time():
    members = [UserFactory(display_name="Ana"), UserFactory(display_name="Bo")]
    clients = []
    for member in members:
        client = Client(enforce_csrf_checks=True)
        client.force_login(member)
        clients.append(client)
    pages = [client.get("/").content.decode() for client in clients]
    assert "Your profile, Ana" in pages[0] and "Your profile, Bo" not in pages[0]
    assert "Your profile, Bo" in pages[1] and "Your profile, Ana" not in pages[1]
    again = clients[0].get("/").content.decode()  # the header from the fragment cache
    assert "candorcsrfplaceholder" not in again
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', again).group(1)
    assert re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', again).count(token) >= 2  # log-out, language
    assert clients[0].post(reverse("logout"), {"csrfmiddlewaretoken": token}).status_code == 302
    account_services.notify(recipient=members[1], kind=Notification.Kind.OTHER, title="new")
    assert '<span class="bell-count" aria-hidden="true">1</span>' in clients[1].get("/").content.decode()


def test_viewer_states_reads_each_reviews_vote_save_and_counts_in_one_query():
    member = UserFactory()
    up, down, saved_only, untouched = ReviewFactory.create_batch(4)
    own = ReviewFactory(author=member)
    services.vote_put(user=member, review_id=up.pk, helpful=True)
    services.vote_put(user=member, review_id=down.pk, helpful=False)
    services.save_add(user=member, review=up)
    services.save_add(user=member, review=saved_only)
    services.vote_put(user=UserFactory(), review_id=untouched.pk, helpful=True)  # someone else's
    ids = [review.pk for review in (up, down, saved_only, untouched, own)]
    with CaptureQueriesContext(connection) as captured:
        states = selectors.viewer_states(member, ids)
    assert len(captured) == 1
    assert selectors.viewer_states(member, []) == {}
    # The same as the ORM's annotations (reviews_for_listing), booleans as booleans on SQLite too.
    listed = {review.pk: review for review in selectors.reviews_for_listing(member).filter(pk__in=ids)}
    for pk in ids:
        expected = {field: getattr(listed[pk], field) for field in selectors.VIEWER_STATE_FIELDS}
        assert states[pk] == expected
        assert type(states[pk]["viewer_saved"]) is bool
    assert states[up.pk]["viewer_vote"] is True and states[up.pk]["viewer_saved"] is True
    assert states[down.pk]["viewer_vote"] is False and states[down.pk]["viewer_saved"] is False
    assert states[saved_only.pk]["viewer_vote"] is None and states[saved_only.pk]["viewer_saved"] is True
    assert states[untouched.pk]["viewer_vote"] is None and states[untouched.pk]["helpful_count"] == 1
    assert states[own.pk]["author_id"] == member.pk


def test_the_members_row_is_the_orms_with_their_roles_and_unread_count_in_one_statement():
    plain, superuser, moderator, brand_member, inactive = UserFactory.create_batch(5)
    User.objects.filter(pk=superuser.pk).update(is_superuser=True)
    moderator.groups.add(Group.objects.get_or_create(name=MODERATORS_GROUP)[0])
    membership = BrandMembershipFactory(user=brand_member, is_owner=True)
    User.objects.filter(pk=inactive.pk).update(is_active=False)
    for title in ("one", "two"):
        account_services.notify(recipient=brand_member, kind=Notification.Kind.OTHER, title=title)
    backend = NameBackend()
    for member, moderates, unread in (
        (plain, False, 0),
        (superuser, True, 0),
        (moderator, True, 0),
        (brand_member, False, 2),
    ):
        with CaptureQueriesContext(connection) as captured:
            row = backend.get_user(member.pk)
            roles = (row.is_moderator, row.is_brand_member, row.unread_notifications)
        assert len(captured) == 1
        fresh = User.objects.get(pk=member.pk)
        for field in User._meta.concrete_fields:  # as the ORM reads them (dates, booleans on SQLite)
            assert getattr(row, field.attname) == getattr(fresh, field.attname), field.attname
            assert type(getattr(row, field.attname)) is type(getattr(fresh, field.attname)), field.attname
        assert (
            roles == (fresh.is_moderator, fresh.is_brand_member, unread) == (moderates, member == brand_member, unread)
        )
    row = backend.get_user(str(brand_member.pk))  # as a session may hold it
    with CaptureQueriesContext(connection) as captured:
        assert row.brand_membership == membership and row.brand_membership.brand_id == membership.brand_id
        assert row.brand_membership.user is row and row.role == User.Role.BRAND_MEMBER
    assert len(captured) == 0
    assert backend.get_user(inactive.pk) is None
    assert backend.get_user(10**9) is None and backend.get_user("not a number") is None


def test_discovers_own_not_yet_ranked_rows_are_the_orms_rows():
    member = UserFactory()
    product, elsewhere = ProductFactory(), ProductFactory()  # one review per author and product
    in_category = [ProductFactory(category=product.category) for _ in range(5)]
    ReviewFactory(author=member, product=product)  # ranked below
    rerank()  # the member has a standing (their level is on the card)
    unranked = [ReviewFactory(author=member, product=in_category[i]) for i in range(3)]
    unranked.append(ReviewFactory(author=member, product=elsewhere))
    ReviewFactory(author=member, product=in_category[3], status=Review.Status.HIDDEN)
    ReviewFactory(product=in_category[4])  # someone else's
    others = ReviewFactory.create_batch(2)  # on the page, with the member's vote and save
    services.vote_put(user=member, review_id=others[0].pk, helpful=False)
    services.save_add(user=member, review=others[1])
    services.save_add(user=member, review=unranked[1])
    page = [review.pk for review in others]
    slugs = [None, product.category.slug, elsewhere.category.slug, "no-such-category"]
    for slug in slugs:
        for page_ids in ([], page):
            with CaptureQueriesContext(connection) as captured:
                rows, states = ranking_selectors.own_unranked_rows_and_states(member, page_ids, category_slug=slug)
            assert len(captured) == 1
            expected = _own_unranked_card_rows_by_orm(member, category_slug=slug)
            assert [(row.pk, row.digest, row.position) for row in rows] == [
                (row.pk, row.digest, row.position) for row in expected
            ]
            ids = [*page_ids, *(row.pk for row in rows)]
            assert states == selectors.viewer_states(member, ids) and set(states) == set(ids)
    _, states = ranking_selectors.own_unranked_rows_and_states(member, page)
    assert states[others[0].pk]["viewer_vote"] is False and states[others[1].pk]["viewer_saved"] is True
    assert states[unranked[1].pk]["viewer_saved"] is True and states[unranked[1].pk]["author_id"] == member.pk

    def own(**kwargs):
        return [row.pk for row in ranking_selectors.own_unranked_rows_and_states(member, page, **kwargs)[0]]

    newest_three = [review.pk for review in sorted(unranked, key=lambda r: (r.created_at, r.pk), reverse=True)][:3]
    assert own() == newest_three
    assert own(category_slug=elsewhere.category.slug) == [unranked[-1].pk]
    assert ranking_selectors.own_unranked_rows_and_states(UserFactory(), []) == ([], {})
