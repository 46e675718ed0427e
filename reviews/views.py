"""Web pages for reviews, products and the people who write them.

Thin views: read through selectors, write through services, render a template. Small in-page
updates (helpful votes, saves, comments) are plain form posts that htmx sends in the background
and answers with a fragment; without JavaScript the same forms post and redirect back.

The profile page lives here rather than in accounts because it lists reviews (accounts imports
neither reviews nor ranking). The pages read ranking's selectors (quality order, levels, badges,
"why it is ranked here"); the ranking itself is computed only in the ranking app.
"""

from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.text import slugify
from django.views.decorators.http import require_POST
from rest_framework.exceptions import NotFound
from rest_framework.request import Request

from accounts import selectors as account_selectors
from config import pagecache, paging
from config.pagination import CheckedCursorPagination, InvalidCursor
from config.throttling import rate_limited
from config.web import safe_next, web_login_required
from ranking import selectors as ranking
from reviews import cards, selectors, services
from reviews.api.filters import ProductFilter, ReviewFilter

from .forms import CommentForm, ReviewForm, SearchForm
from .models import Product, Review

PAGE_SIZE = 20
PEOPLE_PAGE_SIZE = 40
# Deep offsets get slow and nobody scrolls that far; the last page says so.
MAX_PAGE = 100
COMMENTS_SHOWN = 100
FRAGMENT_HEADER = "X-Candor-Fragment"

PRODUCT_ORDERS = {
    "helpful": ("Most helpful", ()),  # ranking.selectors.most_helpful_reviews
    "newest": ("Newest", ("-created_at", "-id")),
    "rating_high": ("Highest rating", ("-rating", "-helpful_count", "-id")),
    "rating_low": ("Lowest rating", ("rating", "-helpful_count", "-id")),
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


def attach_rows(request: HttpRequest, reviews: list) -> None:
    """Product-page rows from the card cache: the top for everyone, the vote and save links for
    visitors (signed-in readers get their own forms, drawn per request). `reviews`: Review
    instances, or for visitors the rows of selectors.CardRows."""
    # "today", "yesterday" in the row's date: a row drawn yesterday is not reused today.
    extra = timezone.localdate().isoformat()
    if request.user.is_authenticated:
        cards.attach(reviews, ["row_top"], extra=extra)
    else:
        cards.attach_rows(reviews, ["row_top", "row_actions_visitor"], selectors.reviews_for_cards, extra=extra)


def refuse(request: HttpRequest, message: str, status: int) -> HttpResponse:
    """A refused action: plain text for htmx (shown as a toast), a styled page otherwise."""
    if request.htmx:
        return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
    return render(request, "refused.html", {"message": message}, status=status)


def damaged_cursor(request: HttpRequest) -> HttpResponse:
    return refuse(request, "cursor: this page link is damaged; start again from Discover.", 400)


def published_review(request: HttpRequest, pk: int) -> Review:
    review = selectors.review_for_viewer(pk, request.user)
    if review is None or review.status != Review.Status.PUBLISHED:
        raise Http404("No such review.")
    return review


# --- pages -----------------------------------------------------------------------------------


@pagecache.cache_first_page(allowed={"category": pagecache.slug, "tab": pagecache.one_of("explore")})
def discover(request: HttpRequest) -> HttpResponse:
    """The photo-card grid: everyone's reviews by quality (decaying with age), or the newest from
    the people you follow; by category."""
    tab = "following" if request.GET.get("tab") == "following" else "explore"
    categories = selectors.categories()
    slug = request.GET.get("category", "")
    category = next((c for c in categories if c.slug == slug), None)
    if slug and category is None:
        raise Http404("No such category.")
    if tab == "following":
        reviews = selectors.feed(request.user, following_only=True)
        if category is not None:
            reviews = reviews.filter(product__category=category)
        try:
            items, next_query = cursor_slice(request, selectors.without_card_data(reviews), ("-created_at", "-id"))
        except BadCursor:
            return damaged_cursor(request)
        cards.attach(items, ["card"])
    else:
        # The same cards for every reader: read as rows, cards from the card cache.
        category_slug = category.slug if category else None
        rows = selectors.card_rows(
            ("discover", category_slug),
            lambda: ranking.discover_feed(None, category_slug=category_slug),
            sort="score__discover",
            sort_id="score__review_id",  # the id as the index of this order holds it
        )
        try:
            after = paging.decode_cursor(request.GET["cursor"]) if "cursor" in request.GET else None
        except paging.BadCursor:
            return damaged_cursor(request)
        items = rows.after(after, PAGE_SIZE + 1)
        next_query = ""
        if len(items) > PAGE_SIZE:
            items = items[:PAGE_SIZE]
            next_query = urlencode(
                {
                    **({"category": category_slug} if category_slug else {}),
                    "cursor": paging.encode_cursor(items[-1].position),
                }
            )
        cards.attach_rows(items, ["card"], selectors.reviews_for_cards)
    ranking_pending = False
    if tab == "explore" and not items and "cursor" not in request.GET:
        # Nothing scored yet (a fresh install before the first rerank): show the newest reviews
        # rather than an empty page, and say so.
        newest = selectors.feed(request.user)
        if category is not None:
            newest = newest.filter(product__category=category)
        items, next_query, ranking_pending = list(selectors.without_card_data(newest)[:PAGE_SIZE]), "", True
        cards.attach(items, ["card"])
    context = {
        "reviews": items,
        "has_next": bool(next_query),
        "next_query": next_query,
        "tab": tab,
        "categories": categories,
        "active_category": category,
        "ranking_pending": ranking_pending and bool(items),
    }
    return render_list(request, "reviews/discover.html", "reviews/partials/card_page.html", context)


def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    review = selectors.review_for_viewer(pk, request.user)
    if review is None:
        raise Http404("No such review.")
    return render_review(request, review, comment_form=CommentForm())


def render_review(
    request: HttpRequest, review: Review, *, comment_form: CommentForm, status: int = 200
) -> HttpResponse:
    author = account_selectors.users_with_public_counts(request.user).filter(pk=review.author_id).first()
    latest = selectors.comments_for_review(review).order_by("-created_at", "-id")[:COMMENTS_SHOWN]
    more_reviews = ranking.most_helpful_reviews(review.product, request.user).exclude(pk=review.pk)[:4]
    standing = ranking.standing_for(review.author)
    context = {
        "review": review,
        "author": author or review.author,
        "author_standing": standing,
        "author_badges": standing.badges,
        "explanation": ranking.score_explanation(review),
        "photos": list(review.photos.all()),
        "comments": list(reversed(latest)),
        "comment_form": comment_form,
        "more_reviews": more_reviews,
        "is_own": request.user.is_authenticated and request.user.pk == review.author_id,
    }
    return render(request, "reviews/review_detail.html", context, status=status)


@pagecache.cache_first_page(
    allowed={
        "order": pagecache.one_of(*PRODUCT_ORDERS),
        "rating": pagecache.one_of("1", "2", "3", "4", "5"),
        "page": pagecache.one_of("1"),
    }
)
def product_detail(request: HttpRequest, slug: str) -> HttpResponse:
    product = selectors.product_for_page(slug)
    if product is None:
        raise Http404("No such product.")
    order = request.GET.get("order", "helpful")
    if order not in PRODUCT_ORDERS:
        order = "helpful"
    try:
        rating = int(request.GET.get("rating", ""))
    except ValueError:
        rating = None
    if rating not in range(1, 6):
        rating = None

    def build(viewer):
        if order == "helpful":
            # The quality score, not the raw count: 2 of 2 ranks below 90 of 100.
            reviews = ranking.most_helpful_reviews(product, viewer)
        else:
            reviews = selectors.reviews_for_listing(viewer).filter(product=product)
            reviews = reviews.order_by(*PRODUCT_ORDERS[order][1])
        return selectors.without_card_data(reviews, scores=order == "helpful")

    page = page_number(request)
    if request.user.is_authenticated:
        reviews = build(request.user)
        if rating:
            reviews = reviews.filter(rating=rating)
        items, has_next = page_slice(reviews, page)
    else:
        # A visitor's rows are everyone's: read as rows, every row from the card cache.
        def visitor_list():
            reviews = build(None)
            return reviews.filter(rating=rating) if rating else reviews

        rows = selectors.card_rows(("product", product.pk, order, rating), visitor_list, sort=PRODUCT_SORT_FIELD[order])
        items = rows.at((page - 1) * PAGE_SIZE, PAGE_SIZE + 1)
        items, has_next = items[:PAGE_SIZE], len(items) > PAGE_SIZE and page < MAX_PAGE
    attach_rows(request, items)
    distribution = product.distribution
    rank = ranking.loaded_product_rank(product)
    context = {
        "product": product,
        "rank": {"position": rank[0], "category": rank[1]} if rank else None,
        "cover": product.cover,
        "distribution": distribution,
        "orders": [(key, label) for key, (label, _fields) in PRODUCT_ORDERS.items()],
        "order": order,
        "rating": rating,
        "reviews": items,
        "has_next": has_next,
        "next_page": page + 1,
        "page": page,
    }
    return render_list(request, "reviews/product_detail.html", "reviews/partials/review_rows.html", context)


def profile(request: HttpRequest, username: str) -> HttpResponse:
    member = account_selectors.users_with_public_counts(request.user).filter(username=username).first()
    if member is None:
        raise Http404("No such member.")
    is_self = request.user.is_authenticated and request.user.pk == member.pk
    tab = request.GET.get("tab", "reviews")
    if tab not in PROFILE_TABS or (tab == "saved" and not is_self):
        tab = "reviews"
    page = page_number(request)
    if tab == "reviews":
        items, has_next = page_slice(
            selectors.reviews_for_listing(request.user).filter(author=member).order_by("-created_at", "-id"), page
        )
    elif tab == "saved":
        items, has_next = page_slice(selectors.saved_reviews(member, request.user).order_by("-saved_at", "-id"), page)
    else:
        people = account_selectors.followers_of if tab == "followers" else account_selectors.following_of
        items, has_next = page_slice(people(member).order_by("-followed_at", "-id"), page, PEOPLE_PAGE_SIZE)
    standing = ranking.standing_for(member)
    context = {
        "member": member,
        "standing": standing,
        "badges": standing.badges,
        "is_self": is_self,
        "tab": tab,
        "items": items,
        "has_next": has_next,
        "next_page": page + 1,
        "page": page,
        "interests": list(member.interest_categories.all()),
    }
    fragment = "reviews/partials/card_page.html" if tab in ("reviews", "saved") else "reviews/partials/people_page.html"
    if tab in ("reviews", "saved"):
        cards.attach(items, ["card"])
        context["reviews"] = items
    return render_list(request, "reviews/profile.html", fragment, context)


def search(request: HttpRequest) -> HttpResponse:
    """Products and reviews matching words in their names and text, or `#tag` for a tag."""
    form = SearchForm(request.GET)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    products: list[Product] = []
    reviews = Review.objects.none()
    tag = ""
    if query.startswith("#"):
        tag = slugify(query.lstrip("#"), allow_unicode=True)
        if tag:
            reviews = ReviewFilter({"tag": tag}, queryset=selectors.reviews_for_listing(request.user)).qs
    elif query:
        products = list(
            ProductFilter({"q": query}, queryset=selectors.products_with_stats()).qs.order_by("-review_count", "name")[
                :12
            ]
        )
        reviews = ReviewFilter({"q": query}, queryset=selectors.reviews_for_listing(request.user)).qs
    page = page_number(request)
    items, has_next = page_slice(reviews.order_by("-helpful_count", "-created_at", "-id"), page)
    cards.attach(items, ["card"])
    context = {
        "form": form,
        "query": query,
        "tag": tag,
        "products": products,
        "reviews": items,
        "has_next": has_next,
        "next_page": page + 1,
        "page": page,
    }
    return render_list(request, "reviews/search.html", "reviews/partials/card_page.html", context)


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
            messages.success(request, "Your review is live. Thank you for being candid!")
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
        return refuse(request, "vote: choose helpful, not_helpful or clear.", 400)
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
        return refuse(request, "saved: send 1 to save or 0 to remove.", 400)
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


@require_POST
@web_login_required
def comment_create(request: HttpRequest, pk: int) -> HttpResponse:
    review = published_review(request, pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            comment = services.comment_create(author=request.user, review=review, body=form.cleaned_data["body"])
        except ValidationError as error:
            form.add_error("body", error.messages)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            if request.htmx:
                fresh = selectors.review_for_viewer(review.pk, request.user)
                return render(request, "reviews/partials/comment_created.html", {"comment": comment, "review": fresh})
            return redirect(f"{review.get_absolute_url()}#comment-{comment.pk}")
    if request.htmx:
        message = " ".join(m for errors in form.errors.values() for m in errors)
        return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
    return render_review(request, review, comment_form=form, status=400)
