"""Web pages for reviews, products and the people who write them.

Thin views: read through selectors, write through services, render a template. Small in-page
updates (helpful votes, saves, comments) are plain form posts that htmx sends in the background
and answers with a fragment; without JavaScript the same forms post and redirect back.

The pages that read the ranking (Discover, the review, product and profile pages, and posting a
comment, which re-renders the review page when refused) live in ranking/views.py: imports point
one way (accounts <- reviews <- ranking). They use the list and cursor helpers defined here.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_POST
from rest_framework.exceptions import NotFound
from rest_framework.request import Request

from config import paging
from config.pagination import CheckedCursorPagination, InvalidCursor
from config.throttling import rate_limited
from config.web import safe_next, web_login_required
from reviews import cards, selectors, services

from .forms import CommentForm, ReviewEditForm, ReviewForm
from .models import Comment, Product, Review, ReviewPhoto

PAGE_SIZE = 20
PEOPLE_PAGE_SIZE = 40
# Deep offsets get slow and nobody scrolls that far; the last page says so.
MAX_PAGE = 100
COMMENTS_SHOWN = 100
FRAGMENT_HEADER = "X-Candor-Fragment"

PRODUCT_ORDERS = {
    "helpful": (gettext_lazy("Most helpful"), ()),  # ranking.selectors.most_helpful_reviews
    "newest": (gettext_lazy("Newest"), ("-created_at", "-id")),
    "rating_high": (gettext_lazy("Highest rating"), ("-rating", "-helpful_count", "-id")),
    "rating_low": (gettext_lazy("Lowest rating"), ("rating", "-helpful_count", "-id")),
}
# The field each order sorts by first (selectors.CardRows reads it with the rows).
PRODUCT_SORT_FIELD = {
    "helpful": "score__quality",
    "newest": "created_at",
    "rating_high": "rating",
    "rating_low": "rating",
}
PROFILE_TABS = ("reviews", "saved", "followers", "following")
VOTE_CHOICES = {"helpful", "not_helpful", "clear"}


# --- helpers ---------------------------------------------------------------------------------


def page_number(request: HttpRequest) -> int:
    return paging.page_number(request, max_page=MAX_PAGE)


def page_slice(queryset, page: int, size: int = PAGE_SIZE) -> tuple[list, bool]:
    return paging.page_slice(queryset, page, size=size, max_page=MAX_PAGE)


class WebCursorPagination(CheckedCursorPagination):
    """DRF's keyset pagination, for pages: stable while the feed changes under the reader."""

    page_size = PAGE_SIZE
    page_size_query_param = None

    def __init__(self, ordering: tuple[str, ...]):
        self.ordering = ordering


def cursor_slice(request: HttpRequest, queryset, ordering: tuple[str, ...]) -> tuple[list, str]:
    """One page after the `cursor` in the query string, and the query string of the next page
    ("" on the last). A damaged cursor is a 400 naming it."""
    paginator = WebCursorPagination(ordering)
    try:
        items = list(paginator.paginate_queryset(queryset, Request(request)))
    except (InvalidCursor, NotFound, ValueError, TypeError, ValidationError):
        # Not a cursor of this list (damaged, or from another tab's order).
        raise BadCursor from None
    next_link = paginator.get_next_link()
    return items, (urlsplit(next_link).query if next_link else "")


class BadCursor(Exception):
    pass


def render_list(request: HttpRequest, template: str, fragment: str, context: dict, status: int = 200) -> HttpResponse:
    """The whole page, or only the next items when endless scroll asks for them."""
    wants_fragment = request.headers.get(FRAGMENT_HEADER) == "items"
    response = render(request, fragment if wants_fragment else template, context, status=status)
    patch_vary_headers(response, [FRAGMENT_HEADER])
    return response


def attach_rows(request: HttpRequest, rows: list) -> None:
    """Product-page rows (selectors.CardRows, the same for every reader) from the card cache: the
    top for everyone, the vote and save links for visitors; a signed-in reader's own forms are
    drawn per request from their state (attach_viewer_state)."""
    # "today", "yesterday" in the row's date: a row drawn yesterday is not reused today.
    extra = timezone.localdate().isoformat()
    if request.user.is_authenticated:
        cards.attach_rows(rows, ["row_top"], selectors.reviews_for_cards, extra=extra)
        attach_viewer_state(request, rows)
    else:
        cards.attach_rows(rows, ["row_top", "row_actions_visitor"], selectors.reviews_for_cards, extra=extra)


def attach_viewer_state(request: HttpRequest, rows: list) -> None:
    """A signed-in reader's own vote and save on each review of a list read as rows (CardRow),
    with the counters their buttons show: one query for the page, whatever the reader has voted
    or saved. Nothing for visitors."""
    if not request.user.is_authenticated or not rows:
        return
    states = selectors.viewer_states(request.user, [row.pk for row in rows])
    for row in rows:
        row.__dict__.update(states.get(row.pk, {}))


def refuse(request: HttpRequest, message: str, status: int) -> HttpResponse:
    """A refused action: plain text for htmx (shown as a toast), a styled page otherwise."""
    if request.htmx:
        return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
    return render(request, "refused.html", {"message": message}, status=status)


def damaged_cursor(request: HttpRequest) -> HttpResponse:
    return refuse(request, gettext("cursor: this page link is damaged; start again from Discover."), 400)


def published_review(request: HttpRequest, pk: int) -> Review:
    review = selectors.review_for_viewer(pk, request.user)
    if review is None or review.status != Review.Status.PUBLISHED:
        raise Http404(gettext("No such review."))
    return review


# --- pages -----------------------------------------------------------------------------------


@login_required
@rate_limited("review")
def review_create(request: HttpRequest) -> HttpResponse:
    """Write a review of an existing product or of one you add, with photos."""
    initial = {}
    if wanted := request.GET.get("product"):
        product = Product.objects.filter(slug=wanted).only("pk").first()
        if product is not None:
            initial["product"] = product.pk
    bound = request.method == "POST"
    form = ReviewForm(request.POST if bound else None, request.FILES if bound else None, initial=initial)
    if bound and form.is_valid():
        data = form.cleaned_data
        try:
            # Adding a product and publishing the review are one unit: a refused photo must not
            # leave a new, review-less product behind.
            with transaction.atomic():
                if data["product_mode"] == ReviewForm.NEW:
                    product = services.product_create(
                        brand=data["new_brand"],
                        category=data["new_category"],
                        name=data["new_name"],
                        created_by=request.user,
                    )
                else:
                    product = data["product"]
                review = services.review_create(
                    author=request.user,
                    product=product,
                    rating=data["rating"],
                    title=data["title"],
                    body=data["body"],
                    tags=data["tag_list"],
                    photos=data["photos"],
                )
        except ValidationError as error:
            form.add_service_error(error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                gettext(
                    "Your review is live: you and your followers see it now, and it joins the ranked"
                    " Discover feed within minutes. Thank you for being candid!"
                ),
            )
            if request.htmx:
                # Sent in the background so chosen photos survive a correction; the page
                # navigates itself.
                response = HttpResponse(status=200)
                response["HX-Redirect"] = review.get_absolute_url()
                return response
            return redirect(review)
    context = {
        "form": form,
        "photos_max": settings.PHOTOS_PER_REVIEW_MAX,
        "photo_max_mb": settings.PHOTO_MAX_BYTES // (1024 * 1024),
    }
    return render(request, "reviews/review_form.html", context, status=400 if form.errors else 200)


# --- small actions (htmx or plain form posts) ------------------------------------------------


@require_POST
@web_login_required
@rate_limited("vote")
def review_vote(request: HttpRequest, pk: int) -> HttpResponse:
    """Set the viewer's vote: vote=helpful, not_helpful or clear (the target state, so a
    repeated click changes nothing)."""
    review = published_review(request, pk)
    choice = request.POST.get("vote", "")
    if choice not in VOTE_CHOICES:
        return refuse(request, gettext("vote: choose helpful, not_helpful or clear."), 400)
    try:
        if choice == "clear":
            services.vote_remove(user=request.user, review=review)
        else:
            services.vote_cast(user=request.user, review=review, helpful=choice == "helpful")
    except PermissionDenied as error:
        return refuse(request, str(error), 403)
    except ValidationError as error:
        return refuse(request, " ".join(error.messages), 400)
    return after_action(request, review, "reviews/partials/vote.html")


@require_POST
@web_login_required
def review_save(request: HttpRequest, pk: int) -> HttpResponse:
    """Add to (saved=1) or remove from (saved=0) the viewer's collection."""
    review = published_review(request, pk)
    want = request.POST.get("saved")
    if want not in {"1", "0"}:
        return refuse(request, gettext("saved: send 1 to save or 0 to remove."), 400)
    try:
        if want == "1":
            services.save_add(user=request.user, review=review)
        else:
            services.save_remove(user=request.user, review=review)
    except ValidationError as error:
        return refuse(request, " ".join(error.messages), 400)
    return after_action(request, review, "reviews/partials/save.html")


def after_action(request: HttpRequest, review: Review, fragment: str) -> HttpResponse:
    back = safe_next(request, review.get_absolute_url())
    if request.htmx:
        fresh = selectors.review_for_viewer(review.pk, request.user)
        # The fresh buttons keep pointing back at the page, should a later post go without htmx.
        return render(request, fragment, {"review": fresh, "next_url": back})
    return redirect(back)


# --- the author's own review and comments: edit and delete ----------------------------------


def own_review(request: HttpRequest, pk: int) -> Review:
    """The review, for its author: 404 when the viewer may not see it, 403 when it is not theirs."""
    review = selectors.review_for_viewer(pk, request.user)
    if review is None:
        raise Http404(gettext("No such review."))
    if review.author_id != request.user.pk:
        raise PermissionDenied(gettext("Only the author can change this review."))
    return review


@web_login_required
def review_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit your review's rating, title, text and tags; remove photos and add new ones."""
    review = own_review(request, pk)
    if not review.can_edit(request.user):
        return refuse(request, gettext("This review was removed by a moderator and can no longer be edited."), 403)
    bound = request.method == "POST"
    form = ReviewEditForm(request.POST if bound else None, request.FILES if bound else None, review=review)
    if bound and form.is_valid():
        data = form.cleaned_data
        try:
            # One unit: a refused new photo must not leave the text edited and the old photos gone.
            with transaction.atomic():
                services.review_update(
                    review=review,
                    editor=request.user,
                    rating=data["rating"],
                    title=data["title"],
                    body=data["body"],
                    tags=data["tag_list"],
                )
                for photo in ReviewPhoto.objects.filter(review=review, pk__in=data["remove_photos"]):
                    services.review_delete_photo(photo=photo, user=request.user)
                if data["photos"]:
                    services.review_add_photos(review=review, user=request.user, photos=data["photos"])
        except ValidationError as error:
            form.add_service_error(error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, gettext("Your review is updated."))
            if request.htmx:
                # The form is sent in the background (static/js/candor.js): the page navigates itself.
                response = HttpResponse(status=200)
                response["HX-Redirect"] = review.get_absolute_url()
                return response
            return redirect(review)
    context = {
        "form": form,
        "review": review,
        "photos_max": settings.PHOTOS_PER_REVIEW_MAX,
        "photo_max_mb": settings.PHOTO_MAX_BYTES // (1024 * 1024),
    }
    return render(request, "reviews/review_edit.html", context, status=400 if form.errors else 200)


@web_login_required
def review_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: ask to confirm. POST: delete the review with its photos, votes and comments."""
    review = own_review(request, pk)
    if request.method != "POST":
        return render(request, "reviews/confirm_delete.html", {"review": review, "what": "review"})
    services.review_delete(review=review, user=request.user)
    messages.success(request, gettext("Your review is deleted."))
    target = reverse("profile", args=[request.user.username])
    if request.htmx:
        response = HttpResponse(status=200)
        response["HX-Redirect"] = target
        return response
    return redirect(target)


def own_comment(request: HttpRequest, pk: int) -> Comment:
    """A published comment on a published review, for its author (404 / 403 as own_review)."""
    comment = get_object_or_404(
        Comment.objects.select_related("author", "review"),
        pk=pk,
        status=Comment.Status.PUBLISHED,
        review__status=Review.Status.PUBLISHED,
    )
    if comment.author_id != request.user.pk:
        raise PermissionDenied(gettext("Only the author can change this comment."))
    return comment


def comment_anchor(comment: Comment) -> str:
    return f"{comment.review.get_absolute_url()}#comment-{comment.pk}"


@web_login_required
def comment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the edit form (in place of the comment with htmx). POST: save it, answering the
    comment as it now reads (htmx) or going back to it."""
    comment = own_comment(request, pk)
    bound = request.method == "POST"
    # Its own ids: the page's new-comment form is there too.
    form = CommentForm(request.POST if bound else None, initial={"body": comment.body}, auto_id=f"comment-{pk}-%s")
    if bound and form.is_valid():
        try:
            comment = services.comment_update(comment=comment, user=request.user, body=form.cleaned_data["body"])
        except ValidationError as error:
            form.add_error("body", error.messages)
        else:
            if request.htmx:
                return render(request, "reviews/partials/comment.html", {"comment": comment, "review": comment.review})
            return redirect(comment_anchor(comment))
    status = 400 if form.errors else 200
    context = {"comment": comment, "review": comment.review, "form": form}
    if request.htmx:
        return render(request, "reviews/partials/comment_edit_form.html", context, status=status)
    return render(request, "reviews/comment_edit.html", context, status=status)


@web_login_required
def comment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: ask to confirm (in place of the comment with htmx). POST: delete it."""
    comment = own_comment(request, pk)
    review = comment.review
    if request.method != "POST":
        context = {"comment": comment, "review": review}
        if request.htmx:
            return render(request, "reviews/partials/comment_delete_confirm.html", context)
        return render(request, "reviews/confirm_delete.html", {**context, "what": "comment"})
    services.comment_delete(comment=comment, user=request.user)
    if request.htmx:
        fresh = selectors.review_for_viewer(review.pk, request.user)
        return render(request, "reviews/partials/comment_deleted.html", {"review": fresh})
    messages.success(request, gettext("Your comment is deleted."))
    return redirect(f"{review.get_absolute_url()}#comments")
