"""The audit log cannot be edited or deleted from the ORM, the API or the admin; admin changes are
recorded in it too."""

import pytest
from django.contrib import admin
from django.test import Client, RequestFactory
from django.urls import reverse

from moderation import services
from moderation.admin import AuditEntryAdmin
from moderation.models import Announcement, AuditEntry, AuditImmutableError
from ranking.models import FraudFlag, ReviewScore
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(moderator, author):
    return services.user_warn(user=author, moderator=moderator, reason="Disclose gifts")


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def admin_web(superuser) -> Client:
    client = Client()
    client.force_login(superuser)
    return client


def test_entries_cannot_be_changed_or_deleted_through_the_orm(entry):
    entry.reason = "rewritten"
    with pytest.raises(AuditImmutableError):
        entry.save()
    with pytest.raises(AuditImmutableError):
        entry.delete()
    with pytest.raises(AuditImmutableError):
        AuditEntry.objects.filter(pk=entry.pk).update(reason="rewritten")
    with pytest.raises(AuditImmutableError):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(AuditImmutableError):
        AuditEntry.objects.bulk_update([entry], ["reason"])
    assert AuditEntry.objects.get(pk=entry.pk).reason == "Disclose gifts"


def test_deleting_an_account_keeps_its_history(entry, moderator, author):
    author_id = author.pk
    author.delete()
    kept = AuditEntry.objects.get(pk=entry.pk)
    assert kept.target_user_id == author_id and kept.target_username == author.username
    assert kept.actor_username == moderator.username


def test_audit_admin_is_read_only_even_for_superusers(superuser, entry, admin_web):
    request = RequestFactory().get("/admin/")
    request.user = superuser
    model_admin = admin.site._registry[AuditEntry]
    assert isinstance(model_admin, AuditEntryAdmin)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, entry)
    assert not model_admin.has_delete_permission(request, entry)
    listing = admin_web.get("/admin/moderation/auditentry/?q=gifts&action__exact=user_warn")
    assert listing.status_code == 200
    row_link = f"/admin/moderation/auditentry/{entry.pk}/change/".encode()
    assert row_link in listing.content
    assert row_link not in admin_web.get("/admin/moderation/auditentry/?q=no-such-thing").content
    page = admin_web.get(f"/admin/moderation/auditentry/{entry.pk}/change/")
    assert page.status_code == 200 and b'name="_save"' not in page.content
    # A forged post changes nothing.
    forged = admin_web.post(f"/admin/moderation/auditentry/{entry.pk}/change/", {"reason": "rewritten"})
    assert forged.status_code == 403
    assert admin_web.post(f"/admin/moderation/auditentry/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert admin_web.get("/admin/moderation/auditentry/add/").status_code == 403
    assert AuditEntry.objects.get(pk=entry.pk).reason == "Disclose gifts"


@pytest.mark.parametrize(
    "path",
    [
        "/admin/moderation/queueitem/",
        "/admin/moderation/report/",
        "/admin/moderation/announcement/",
        "/admin/moderation/editorspick/",
        "/admin/ranking/fraudflag/",
        "/admin/ranking/reviewscore/",
        "/admin/ranking/reviewerstanding/",
        "/admin/ranking/categorystanding/",
        "/admin/ranking/categorystats/",
        "/admin/ranking/productscore/",
        "/admin/ranking/votepair/",
        "/admin/ranking/rerankrun/",
        "/admin/ranking/rerankpending/",
        "/admin/ranking/testerevent/",
    ],
)
def test_admin_change_lists_load_with_search(admin_web, path, consumer, review, moderator):
    services.report_create(reporter=consumer, review=review, reason="spam")
    FraudFlag.objects.create(kind="vote_ring", key="ring:x", evidence={})
    ReviewScore.objects.create(review=review, product=review.product, category=review.product.category)
    response = admin_web.get(path + "?q=a")
    assert response.status_code == 200, path


def test_every_model_has_an_admin():
    from django.apps import apps

    missing = [
        f"{m._meta.app_label}.{m.__name__}"
        for app in ("accounts", "reviews", "ranking", "moderation")
        for m in apps.get_app_config(app).get_models()
        if m not in admin.site._registry
    ]
    # Photos and brand memberships are inlines of their parents; flagged votes are listed on the
    # moderation fraud-flag page; staged parts and scores are a split rerank's scratch rows, vote
    # events and review changes the queues each rerank empties, the vote-weight version a counter.
    assert sorted(missing) == [
        "ranking.FlaggedVote",
        "ranking.ReviewChange",
        "ranking.StagedPart",
        "ranking.StagedScore",
        "ranking.VoteEvent",
        "ranking.VoteWeightVersion",
        "reviews.BrandMembership",
        "reviews.ReviewPhoto",
    ]


def test_admin_edits_are_copied_into_the_audit_log(admin_web, superuser, moderator):
    announcement = services.announcement_create(moderator=moderator, title="Old title", pinned=False)
    response = admin_web.post(
        f"/admin/moderation/announcement/{announcement.pk}/change/",
        {
            "title": "New title",
            "body": "",
            "link_url": "",
            "tone": "info",
            "starts_at_0": announcement.starts_at.strftime("%Y-%m-%d"),
            "starts_at_1": announcement.starts_at.strftime("%H:%M:%S"),
            "ends_at_0": "",
            "ends_at_1": "",
        },
    )
    assert response.status_code == 302, response.content
    assert Announcement.objects.get(pk=announcement.pk).title == "New title"
    entry = AuditEntry.objects.get(action="admin_change")
    assert entry.actor_id == superuser.pk and entry.target_type == "moderation.announcement"
    assert entry.target_id == str(announcement.pk) and "Title" in entry.after["change"]


def test_audit_api_filters(mod_api, moderator, other_moderator, author, consumer):
    services.user_warn(user=author, moderator=moderator, reason="one")
    services.user_warn(user=consumer, moderator=other_moderator, reason="two")
    services.user_suspend(user=consumer, moderator=moderator, days=1, reason="three")

    def reasons(query: str) -> list[str]:
        response = mod_api.get(f"/api/v1/moderation/audit/?{query}")
        assert response.status_code == 200
        return [e["reason"] for e in response.json()["results"]]

    assert reasons("") == ["three", "two", "one"]
    assert reasons(f"actor={moderator.username}") == ["three", "one"]
    assert reasons(f"member={consumer.username}") == ["three", "two"]
    assert reasons("action=user_suspend") == ["three"]
    assert reasons(f"target_type=user&target_id={author.pk}") == ["one"]
    assert mod_api.get("/api/v1/moderation/audit/?action=nonsense").status_code == 400


def test_admin_deletions_are_one_at_a_time_and_audited(superuser, admin_web):
    from moderation.models import AuditEntry as Entry
    from reviews.models import Review
    from tests.factories import ReviewFactory

    first, second = ReviewFactory(), ReviewFactory()
    changelist = reverse("admin:reviews_review_changelist")
    admin_web.post(changelist, {"action": "delete_selected", "_selected_action": [first.pk, second.pk], "post": "yes"})
    assert Review.objects.count() == 2  # no bulk delete action exists

    before = Entry.objects.count()
    response = admin_web.post(reverse("admin:reviews_review_delete", args=[first.pk]), {"post": "yes"})
    assert response.status_code == 302 and not Review.objects.filter(pk=first.pk).exists()
    assert Entry.objects.count() == before + 1
