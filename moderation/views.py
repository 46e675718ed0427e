"""Web pages for moderators (the queue, decisions, curation, the audit log) and the report form
every member uses. Thin: a form checks the input, one service decides, the page redirects (PRG)
with a message; a refused decision re-renders the page with the service's message on the field
it names (400), or the 403 page.
"""

from collections.abc import Callable
from datetime import timedelta
from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import User
from config import paging
from config.web import web_login_required
from ranking.models import FraudFlag, ReviewScore
from reviews.models import Category, Comment, Review

from . import selectors, services
from .forms import (
    AnnouncementForm,
    AuditFilterForm,
    ContentActionForm,
    DismissForm,
    FeatureForm,
    FraudDecisionForm,
    PickAddForm,
    PickChangeForm,
    ReportForm,
    UserActionForm,
)
from .models import MAX_EDITORS_PICKS, AuditEntry, QueueItem

PAGE_SIZE = 25
MAX_PAGE = 200
MAX_ID = 2**63 - 1
HISTORY_SHOWN = 20


# --- helpers ---------------------------------------------------------------------------------


def moderator_required(view: Callable) -> Callable:
    """Signed in (else the log-in page) and a moderator (else 403)."""

    @wraps(view)
    def check(request: HttpRequest, *args, **kwargs):
        if not request.user.is_moderator:
            raise PermissionDenied(_("Only moderators can open the moderation pages."))
        return view(request, *args, **kwargs)

    return web_login_required(check)


def _pk(value: int) -> int:
    if not 1 <= value <= MAX_ID:
        raise Http404
    return value


def page_number(request: HttpRequest) -> int:
    return paging.page_number(request, max_page=MAX_PAGE)


def page_slice(queryset, page: int, size: int = PAGE_SIZE) -> tuple[list, bool]:
    return paging.page_slice(queryset, page, size=size, max_page=MAX_PAGE)


def apply_errors(form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form fields it names (or on the form)."""
    if hasattr(error, "error_dict"):
        for field, messages_ in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages_)
    else:
        form.add_error(None, error.messages)


def decide(request: HttpRequest, form, action: Callable[[], object], success: str) -> bool:
    """Run one decision; True when it went through. A refused one lands on the form."""
    try:
        action()
    except ValidationError as error:
        apply_errors(form, error)
        return False
    messages.success(request, success)
    return True


# What a decision on content says once done, by (kind, action).
CONTENT_DONE = {
    ("review", "hide"): gettext_lazy("Review hidden. The author has been told."),
    ("review", "remove"): gettext_lazy("Review removed. The author has been told."),
    ("review", "restore"): gettext_lazy("Review restored. The author has been told."),
    ("comment", "hide"): gettext_lazy("Comment hidden. The author has been told."),
    ("comment", "remove"): gettext_lazy("Comment removed. The author has been told."),
    ("comment", "restore"): gettext_lazy("Comment restored. The author has been told."),
}
UNDONE = {
    "review": gettext_lazy("Undone: the review is back as it was, and its reports are open again."),
    "comment": gettext_lazy("Undone: the comment is back as it was, and its reports are open again."),
}
MEMBER_DONE = {
    "warn": gettext_lazy("%(name)s has been warned."),
    "suspend": gettext_lazy("%(name)s is suspended and has been told."),
    "unsuspend": gettext_lazy("%(name)s’s suspension is lifted; they have been told."),
    "ban": gettext_lazy("%(name)s is banned and has been told."),
    "unban": gettext_lazy("%(name)s’s ban is lifted; they have been told."),
}
# Actions that take content or an account away: the form's first POST shows a confirmation page.
DESTRUCTIVE = {"hide", "remove", "suspend", "ban"}


def needs_confirmation(request: HttpRequest, form) -> bool:
    return form.is_valid() and form.cleaned_data.get("action") in DESTRUCTIVE and request.POST.get("confirm") != "yes"


def render_confirm(request: HttpRequest, form, *, action_url: str, what: str, back_url: str) -> HttpResponse:
    """The confirmation step of a destructive decision: the same fields, posted again with
    confirm=yes. Nothing has changed yet."""
    context = {
        "form": form,
        "action": form.cleaned_data["action"],
        "action_url": action_url,
        "what": what,
        "back_url": back_url,
        "next": request.POST.get("next", ""),
    }
    return render(request, "moderation/confirm.html", context)


def _undo_entry(history) -> AuditEntry | None:
    """The target's last decision, when it is a hide or remove still inside the undo window."""
    latest = history[0] if history else None
    return latest if latest is not None and services.undoable(latest) else None


# --- the queue -------------------------------------------------------------------------------


@moderator_required
def queue(request: HttpRequest) -> HttpResponse:
    """Reported items by severity and reporters, or the vote-fraud flags (tab=fraud)."""
    tab = "fraud" if request.GET.get("tab") == "fraud" else "reports"
    page = page_number(request)
    if tab == "reports":
        status = request.GET.get("status", QueueItem.Status.OPEN)
        if status not in QueueItem.Status.values:
            status = QueueItem.Status.OPEN
        items, has_next = page_slice(selectors.queue(status=status), page)
    else:
        status = request.GET.get("status", FraudFlag.Status.OPEN)
        if status not in FraudFlag.Status.values:
            status = FraudFlag.Status.OPEN
        items, has_next = page_slice(selectors.fraud_flags(status=status), page)
    context = {
        "tab": tab,
        "status": status,
        "statuses": QueueItem.Status.choices if tab == "reports" else FraudFlag.Status.choices,
        "items": items,
        "page": page,
        "has_next": has_next,
        "counts": selectors.queue_counts(),
        "undoable": selectors.undoable_decisions(request.user),
    }
    return render(request, "moderation/queue.html", context)


def _render_item(request: HttpRequest, item: QueueItem, *, action_form=None, dismiss_form=None, status=200):
    target = item.target
    context = {
        "item": item,
        "target": target,
        "reports": item.shown_reports,
        "action_form": action_form or ContentActionForm(),
        "dismiss_form": dismiss_form or DismissForm(),
        "action_url": reverse(f"moderation-{item.target_type}-action", args=[target.pk]),
        "is_own": target.author_id == request.user.pk,
        "reported_by_me": any(r.reporter_id == request.user.pk and r.status == "open" for r in item.shown_reports),
        "history": selectors.describe_entries(
            list(selectors.audit_log(target_type=item.target_type, target_id=str(target.pk))[:HISTORY_SHOWN])
        ),
        "evidence": selectors.report_evidence(item.shown_reports),
    }
    context["undo_entry"] = _undo_entry(context["history"])
    return render(request, "moderation/item.html", context, status=status)


@moderator_required
def queue_item(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.queue_item(_pk(pk))
    if item is None:
        raise Http404(_("No such queue item."))
    return _render_item(request, item)


@moderator_required
@require_POST
def queue_item_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.queue_item(_pk(pk))
    if item is None:
        raise Http404(_("No such queue item."))
    form = DismissForm(request.POST)
    if form.is_valid() and decide(
        request,
        form,
        lambda: services.queue_item_dismiss(item=item, moderator=request.user, reason=form.cleaned_data["reason"]),
        _("Reports dismissed."),
    ):
        return redirect("moderation-queue")
    return _render_item(request, item, dismiss_form=form, status=400)


# --- content -----------------------------------------------------------------------------------


def _render_review(request: HttpRequest, review: Review, *, action_form=None, feature_form=None, status=200):
    score = ReviewScore.objects.filter(pk=review.pk).only("featured_until").first()
    context = {
        "review": review,
        "item": selectors.open_item_for(review=review),
        "featured_until": score.featured_until if score and score.is_featured() else None,
        "action_form": action_form or ContentActionForm(),
        "feature_form": feature_form or FeatureForm(),
        "is_own": review.author_id == request.user.pk,
        "history": selectors.describe_entries(
            list(selectors.audit_log(target_type="review", target_id=str(review.pk))[:HISTORY_SHOWN])
        ),
    }
    context["undo_entry"] = _undo_entry(context["history"])
    return render(request, "moderation/review.html", context, status=status)


def _review(pk: int) -> Review:
    return get_object_or_404(Review.objects.select_related("author", "product__brand", "product__category"), pk=_pk(pk))


@moderator_required
def review_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_review(request, _review(pk))


@moderator_required
@require_POST
def review_action(request: HttpRequest, pk: int) -> HttpResponse:
    review = _review(pk)
    form = ContentActionForm(request.POST)
    if needs_confirmation(request, form):
        if review.author_id == request.user.pk:  # refused by the service anyway: no confirm step
            raise PermissionDenied(_("You cannot moderate your own review; another moderator must decide."))
        return render_confirm(
            request,
            form,
            action_url=reverse("moderation-review-action", args=[review.pk]),
            what="review",
            back_url=reverse("moderation-review", args=[review.pk]),
        )
    if form.is_valid() and decide(
        request,
        form,
        lambda: services.review_moderate(review=review, moderator=request.user, **form.cleaned_data),
        str(CONTENT_DONE.get(("review", form.cleaned_data.get("action")), "")),
    ):
        if request.POST.get("next") == "queue":
            return redirect("moderation-queue")
        return redirect("moderation-review", review.pk)
    return _render_review(request, review, action_form=form, status=400)


@moderator_required
@require_POST
def review_feature(request: HttpRequest, pk: int) -> HttpResponse:
    review = _review(pk)
    if request.POST.get("op") == "end":
        services.review_unfeature(review=review, moderator=request.user)
        messages.success(request, _("The feature ends at the next ranking refresh."))
        return redirect("moderation-review", review.pk)
    form = FeatureForm(request.POST)
    if form.is_valid() and decide(
        request,
        form,
        lambda: services.review_feature(
            review=review,
            moderator=request.user,
            until=timezone.now() + timedelta(days=form.cleaned_data["days"]),
            reason=form.cleaned_data["reason"],
        ),
        _("Featured: the boost applies from the next ranking refresh."),
    ):
        return redirect("moderation-review", review.pk)
    return _render_review(request, review, feature_form=form, status=400)


def _render_comment(request: HttpRequest, comment: Comment, *, action_form=None, status=200):
    context = {
        "comment": comment,
        "item": selectors.open_item_for(comment=comment),
        "action_form": action_form or ContentActionForm(),
        "is_own": comment.author_id == request.user.pk,
        "history": selectors.describe_entries(
            list(selectors.audit_log(target_type="comment", target_id=str(comment.pk))[:HISTORY_SHOWN])
        ),
    }
    context["undo_entry"] = _undo_entry(context["history"])
    return render(request, "moderation/comment.html", context, status=status)


def _comment(pk: int) -> Comment:
    return get_object_or_404(Comment.objects.select_related("author", "review__author"), pk=_pk(pk))


@moderator_required
def comment_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_comment(request, _comment(pk))


@moderator_required
@require_POST
def comment_action(request: HttpRequest, pk: int) -> HttpResponse:
    comment = _comment(pk)
    form = ContentActionForm(request.POST)
    if needs_confirmation(request, form):
        if comment.author_id == request.user.pk:  # refused by the service anyway: no confirm step
            raise PermissionDenied(_("You cannot moderate your own comment; another moderator must decide."))
        return render_confirm(
            request,
            form,
            action_url=reverse("moderation-comment-action", args=[comment.pk]),
            what="comment",
            back_url=reverse("moderation-comment", args=[comment.pk]),
        )
    if form.is_valid() and decide(
        request,
        form,
        lambda: services.comment_moderate(comment=comment, moderator=request.user, **form.cleaned_data),
        str(CONTENT_DONE.get(("comment", form.cleaned_data.get("action")), "")),
    ):
        if request.POST.get("next") == "queue":
            return redirect("moderation-queue")
        return redirect("moderation-comment", comment.pk)
    return _render_comment(request, comment, action_form=form, status=400)


@moderator_required
@require_POST
def decision_undo(request: HttpRequest, pk: int) -> HttpResponse:
    """Undo a hide or remove within services.UNDO_WINDOW."""
    entry = get_object_or_404(AuditEntry, pk=_pk(pk), action__in=list(services.UNDOABLE))
    what = services.UNDOABLE[entry.action]
    try:
        services.decision_undo(entry=entry, moderator=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, str(UNDONE[what]))
    return redirect(f"moderation-{what}", entry.target_id)


# --- members -------------------------------------------------------------------------------------


def _render_member(request: HttpRequest, member: User, *, form=None, status=200):
    context = {
        "member": member,
        "form": form or UserActionForm(),
        "is_self": member.pk == request.user.pk,
        "decisions": selectors.audit_log().filter(target_user_id=member.pk)[:HISTORY_SHOWN],
        "reports_filed": selectors.reports_by(member)[:HISTORY_SHOWN],
    }
    return render(request, "moderation/member.html", context, status=status)


@moderator_required
def member_page(request: HttpRequest, username: str) -> HttpResponse:
    return _render_member(request, get_object_or_404(User, username=username))


@moderator_required
@require_POST
def member_action(request: HttpRequest, username: str) -> HttpResponse:
    member = get_object_or_404(User, username=username)
    form = UserActionForm(request.POST)
    if needs_confirmation(request, form):
        if member.pk == request.user.pk:  # refused by the service anyway: no confirm step
            raise PermissionDenied(_("You cannot moderate your own account."))
        return render_confirm(
            request,
            form,
            action_url=reverse("moderation-member-action", args=[member.username]),
            what=member.username,
            back_url=reverse("moderation-member", args=[member.username]),
        )
    if form.is_valid() and decide(
        request,
        form,
        lambda: services.user_moderate(user=member, moderator=request.user, **form.cleaned_data),
        str(MEMBER_DONE.get(form.cleaned_data.get("action"), _("Done."))) % {"name": member.username},
    ):
        return redirect("moderation-member", member.username)
    return _render_member(request, member, form=form, status=400)


# --- vote fraud ----------------------------------------------------------------------------------


def _render_flag(request: HttpRequest, flag: FraudFlag, *, form=None, status=200):
    context = {
        "flag": flag,
        "votes": selectors.fraud_flag_votes(flag),
        "form": form or FraudDecisionForm(),
        "history": selectors.describe_entries(
            list(selectors.audit_log(target_type="fraud_flag", target_id=str(flag.pk))[:HISTORY_SHOWN])
        ),
    }
    return render(request, "moderation/fraud_flag.html", context, status=status)


def _flag(pk: int) -> FraudFlag:
    flag = selectors.fraud_flag(_pk(pk))
    if flag is None:
        raise Http404(_("No such flag."))
    return flag


@moderator_required
def fraud_flag_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_flag(request, _flag(pk))


@moderator_required
@require_POST
def fraud_flag_decision(request: HttpRequest, pk: int) -> HttpResponse:
    flag = _flag(pk)
    form = FraudDecisionForm(request.POST)
    if form.is_valid() and decide(
        request,
        form,
        lambda: services.fraud_flag_decide(flag=flag, moderator=request.user, **form.cleaned_data),
        _("Decision recorded: it applies at the next ranking refresh."),
    ):
        return redirect("moderation-fraud-flag", flag.pk)
    return _render_flag(request, flag, form=form, status=400)


# --- announcements -------------------------------------------------------------------------------


def _announcement_values(form: AnnouncementForm) -> dict:
    values = dict(form.cleaned_data)
    if values.get("starts_at") is None:
        values.pop("starts_at")
    return values


@moderator_required
@require_http_methods(["GET", "POST"])
def announcements(request: HttpRequest) -> HttpResponse:
    form = AnnouncementForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid() and decide(
            request,
            form,
            lambda: services.announcement_create(moderator=request.user, **_announcement_values(form)),
            _("Announcement posted."),
        ):
            return redirect("moderation-announcements")
    page = page_number(request)
    items, has_next = page_slice(selectors.announcements(), page)
    context = {"form": form, "items": items, "page": page, "has_next": has_next}
    return render(request, "moderation/announcements.html", context, status=400 if form.errors else 200)


@moderator_required
@require_http_methods(["GET", "POST"])
def announcement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    announcement = get_object_or_404(selectors.announcements(), pk=_pk(pk))
    if request.method == "POST":
        form = AnnouncementForm(request.POST)
        if form.is_valid():
            values = _announcement_values(form)
            values.setdefault("starts_at", announcement.starts_at)
            if decide(
                request,
                form,
                lambda: services.announcement_update(announcement=announcement, moderator=request.user, **values),
                _("Announcement saved."),
            ):
                return redirect("moderation-announcements")
    else:
        form = AnnouncementForm.for_announcement(announcement)
    context = {"form": form, "announcement": announcement}
    return render(request, "moderation/announcement_edit.html", context, status=400 if form.errors else 200)


# --- editor's picks ------------------------------------------------------------------------------


@moderator_required
def picks_index(request: HttpRequest) -> HttpResponse:
    categories = list(Category.objects.order_by("position", "name"))
    return render(request, "moderation/picks_index.html", {"categories": categories})


@moderator_required
@require_http_methods(["GET", "POST"])
def picks_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """Add a pick, remove one, or move one up or down; each change saves the whole ordered list
    through services.editors_picks_set."""
    category = get_object_or_404(Category, slug=slug)
    rows = list(selectors.editors_pick_rows(category))
    add_form = PickAddForm()
    status = 200
    if request.method == "POST":
        current = [{"review": row.review_id, "note": row.note} for row in rows]
        form = PickAddForm(request.POST) if request.POST.get("op") == "add" else PickChangeForm(request.POST)
        if form.is_valid():
            wanted = _changed_picks(current, form.cleaned_data)
            if decide(
                request,
                form,
                lambda: services.editors_picks_set(category=category, moderator=request.user, picks=wanted),
                _("Editor's picks saved."),
            ):
                return redirect("moderation-picks-edit", category.slug)
        if isinstance(form, PickAddForm):
            add_form = form
        else:
            for error in form.non_field_errors() or [e for errors in form.errors.values() for e in errors]:
                messages.error(request, error)
        status = 400
    context = {"category": category, "rows": rows, "add_form": add_form, "max_picks": MAX_EDITORS_PICKS}
    return render(request, "moderation/picks_edit.html", context, status=status)


def _changed_picks(current: list[dict], data: dict) -> list[dict]:
    ids = [pick["review"] for pick in current]
    if "op" not in data:  # adding
        return [*current, {"review": data["review"], "note": data["note"]}]
    if data["review"] not in ids:
        return current
    index = ids.index(data["review"])
    picks = list(current)
    if data["op"] == "remove":
        del picks[index]
    elif data["op"] == "up" and index > 0:
        picks[index - 1], picks[index] = picks[index], picks[index - 1]
    elif data["op"] == "down" and index < len(picks) - 1:
        picks[index + 1], picks[index] = picks[index], picks[index + 1]
    return picks


# --- the audit log -------------------------------------------------------------------------------


@moderator_required
def audit(request: HttpRequest) -> HttpResponse:
    """Every recorded decision, newest first; read only."""
    form = AuditFilterForm(request.GET or None)
    filters = {k: v for k, v in form.cleaned_data.items() if v} if form.is_valid() else {}
    page = page_number(request)
    items, has_next = page_slice(selectors.audit_log(**filters), page)
    items = selectors.describe_entries(items)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "items": items,
        "page": page,
        "has_next": has_next,
        "query": query.urlencode(),
        "actions": AuditEntry.Action,
    }
    return render(request, "moderation/audit.html", context, status=400 if form.errors else 200)


# --- reports (every member) ---------------------------------------------------------------------


def _report(request: HttpRequest, *, review: Review | None = None, comment: Comment | None = None) -> HttpResponse:
    target_review = review if review is not None else comment.review
    if target_review.status != Review.Status.PUBLISHED or (comment is not None and comment.status != "published"):
        raise Http404(_("Nothing to report here."))
    form = ReportForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.report_create(reporter=request.user, review=review, comment=comment, **form.cleaned_data)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("Thank you. The moderators will look at it."))
                anchor = f"#comment-{comment.pk}" if comment is not None else ""
                return redirect(target_review.get_absolute_url() + anchor)
        status = 400
    context = {"form": form, "review": target_review, "comment": comment}
    return render(request, "moderation/report_form.html", context, status=status)


@web_login_required
@require_http_methods(["GET", "POST"])
def report_review(request: HttpRequest, pk: int) -> HttpResponse:
    review = get_object_or_404(Review.objects.select_related("author", "product__brand"), pk=_pk(pk))
    return _report(request, review=review)


@web_login_required
@require_http_methods(["GET", "POST"])
def report_comment(request: HttpRequest, pk: int) -> HttpResponse:
    comment = get_object_or_404(Comment.objects.select_related("author", "review__product__brand"), pk=_pk(pk))
    return _report(request, comment=comment)
