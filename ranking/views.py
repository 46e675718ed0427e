"""Web pages that show the ranking: Discover (reviews by quality), the product page (most
helpful first, its rank), the review page ("why it is ranked here", the author's level and
badges), the profile page (level, badges), category rankings (@cosme style) and the published
level table.

They live here, not in reviews, because they read ranking's selectors and imports point one way
(accounts <- reviews <- ranking). Thin: reads come from the selectors, the one write (a comment,
which re-renders the review page when refused) from reviews.services; the list and cursor helpers
are reviews.views'. The ranking itself is computed by the rerank job.
"""

from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import selectors as account_selectors
from config import pagecache, paging
from config.web import web_login_required
from ranking import policy, scoring, selectors
from reviews import cards
from reviews import selectors as review_selectors
from reviews import services as review_services
from reviews.forms import CommentForm
from reviews.models import Category, Review
from reviews.selectors import annotate_cover_thumbnail
from reviews.views import (
    COMMENTS_SHOWN,
    MAX_PAGE,
    PAGE_SIZE,
    PEOPLE_PAGE_SIZE,
    PRODUCT_ORDERS,
    PRODUCT_SORT_FIELD,
    PROFILE_TABS,
    BadCursor,
    attach_rows,
    attach_viewer_state,
    cursor_slice,
    damaged_cursor,
    page_number,
    page_slice,
    published_review,
    render_list,
)

TOP_PER_CATEGORY = 5


@pagecache.cache_first_page()
def category_rankings(request: HttpRequest) -> HttpResponse:
    """The top products of every category."""
    sections = []
    for category in review_selectors.categories():
        products = annotate_cover_thumbnail(selectors.category_ranking_queryset(category))[:TOP_PER_CATEGORY]
        sections.append({"category": category, "products": selectors.explain_ranked_products(list(products))})
    context = {"sections": sections, "min_reviews": scoring.PRODUCT_MIN_REVIEWS}
    return render(request, "ranking/category_rankings.html", context)


@pagecache.cache_first_page()
def category_ranking(request: HttpRequest, slug: str) -> HttpResponse:
    """One category's ranking, as deep as the ranking keeps exact ranks."""
    category = get_object_or_404(Category, slug=slug)
    products = annotate_cover_thumbnail(selectors.category_ranking_queryset(category))[: policy.PRODUCT_RANK_DEPTH]
    context = {
        "category": category,
        "products": selectors.explain_ranked_products(list(products)),
        "categories": review_selectors.categories(),
        "min_reviews": scoring.PRODUCT_MIN_REVIEWS,
    }
    return render(request, "ranking/category_ranking.html", context)


def levels(request: HttpRequest) -> HttpResponse:
    """The published level thresholds and the invited-tester bar."""
    context = {"levels": selectors.level_table(), "bar": selectors.invited_tester_bar()}
    return render(request, "ranking/levels.html", context)


# --- pages around reviews, in ranking order ------------------------------------------------


@pagecache.cache_first_page(allowed={"category": pagecache.slug, "tab": pagecache.one_of("explore")})
def discover(request: HttpRequest) -> HttpResponse:
    """The photo-card grid: everyone's reviews by quality (decaying with age), or the newest from
    the people you follow; by category."""
    tab = "following" if request.GET.get("tab") == "following" else "explore"
    categories = review_selectors.categories()
    slug = request.GET.get("category", "")
    category = next((c for c in categories if c.slug == slug), None)
    if slug and category is None:
        raise Http404(_("No such category."))
    own_new = []
    if tab == "following":
        reviews = review_selectors.feed(request.user, following_only=True)
        if category is not None:
            reviews = reviews.filter(product__category=category)
        try:
            items, next_query = cursor_slice(
                request, review_selectors.without_card_data(reviews), ("-created_at", "-id")
            )
        except BadCursor:
            return damaged_cursor(request)
        cards.attach(items, ["card"])
    else:
        # The same cards for every reader: read as rows, cards from the card cache.
        category_slug = category.slug if category else None
        rows = review_selectors.card_rows(
            ("discover", category_slug),
            lambda: selectors.discover_feed(None, category_slug=category_slug),
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
        if request.user.is_authenticated and after is None and items:
            # The author's own reviews the rerank has not scored yet, on top of their first page
            # (not while nothing is ranked: the newest reviews below hold them): only they see
            # them before it runs (a visitor's page is page-cached, theirs never). Read with
            # their state on every card of the page (their save toggles).
            own_new, states = selectors.own_unranked_rows_and_states(
                request.user, [row.pk for row in items], category_slug=category_slug
            )
            for row in items + own_new:
                row.__dict__.update(states.get(row.pk, {}))
        else:
            attach_viewer_state(request, items)  # a signed-in reader's save toggles
        cards.attach_rows(items + own_new, ["card"], review_selectors.reviews_for_cards)
    ranking_pending = False
    if tab == "explore" and not items and "cursor" not in request.GET:
        # Nothing scored yet (a fresh install before the first rerank): show the newest reviews
        # rather than an empty page, and say so.
        newest = review_selectors.feed(request.user)
        if category is not None:
            newest = newest.filter(product__category=category)
        items, next_query, ranking_pending = list(review_selectors.without_card_data(newest)[:PAGE_SIZE]), "", True
        cards.attach(items, ["card"])
    context = {
        "reviews": items,
        "own_new": own_new,
        "has_next": bool(next_query),
        "next_query": next_query,
        "tab": tab,
        "categories": categories,
        "active_category": category,
        "ranking_pending": ranking_pending and bool(items),
    }
    return render_list(request, "reviews/discover.html", "reviews/partials/card_page.html", context)


def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    review = review_selectors.review_for_viewer(pk, request.user)
    if review is None:
        raise Http404(_("No such review."))
    return render_review(request, review, comment_form=CommentForm())


def render_review(
    request: HttpRequest, review: Review, *, comment_form: CommentForm, status: int = 200
) -> HttpResponse:
    author = account_selectors.users_with_public_counts(request.user).filter(pk=review.author_id).first()
    latest = review_selectors.comments_for_review(review).order_by("-created_at", "-id")[:COMMENTS_SHOWN]
    more_reviews = selectors.most_helpful_reviews(review.product, request.user).exclude(pk=review.pk)[:4]
    standing = selectors.standing_for(review.author)
    context = {
        "review": review,
        "author": author or review.author,
        "author_standing": standing,
        "explanation": selectors.score_explanation(review),
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
    product = review_selectors.product_for_page(slug)
    if product is None:
        raise Http404(_("No such product."))
    order = request.GET.get("order", "helpful")
    if order not in PRODUCT_ORDERS:
        order = "helpful"
    try:
        rating = int(request.GET.get("rating", ""))
    except ValueError:
        rating = None
    if rating not in range(1, 6):
        rating = None

    # The rows are everyone's: read as rows, every row from the card cache; a signed-in reader's
    # own votes and saves come with attach_rows.
    def rows_list():
        if order == "helpful":
            # The quality score, not the raw count: 2 of 2 ranks below 90 of 100.
            reviews = selectors.most_helpful_reviews(product)
        else:
            reviews = review_selectors.reviews_for_listing().filter(product=product)
            reviews = reviews.order_by(*PRODUCT_ORDERS[order][1])
        if rating:
            reviews = reviews.filter(rating=rating)
        return review_selectors.without_card_data(reviews, scores=order == "helpful")

    page = page_number(request)
    rows = review_selectors.card_rows(("product", product.pk, order, rating), rows_list, sort=PRODUCT_SORT_FIELD[order])
    items = rows.at((page - 1) * PAGE_SIZE, PAGE_SIZE + 1)
    items, has_next = items[:PAGE_SIZE], len(items) > PAGE_SIZE and page < MAX_PAGE
    attach_rows(request, items)
    distribution = product.distribution
    rank = selectors.loaded_product_rank(product)
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
        raise Http404(_("No such member."))
    is_self = request.user.is_authenticated and request.user.pk == member.pk
    tab = request.GET.get("tab", "reviews")
    if tab not in PROFILE_TABS or (tab == "saved" and not is_self):
        tab = "reviews"
    page = page_number(request)
    if tab == "reviews":
        items, has_next = page_slice(
            review_selectors.reviews_for_listing(request.user).filter(author=member).order_by("-created_at", "-id"),
            page,
        )
    elif tab == "saved":
        items, has_next = page_slice(
            review_selectors.saved_reviews(member, request.user).order_by("-saved_at", "-id"), page
        )
    else:
        people = account_selectors.followers_of if tab == "followers" else account_selectors.following_of
        items, has_next = page_slice(people(member).order_by("-followed_at", "-id"), page, PEOPLE_PAGE_SIZE)
    standing = selectors.standing_for(member)
    context = {
        "member": member,
        "standing": standing,
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


@require_POST
@web_login_required
def comment_create(request: HttpRequest, pk: int) -> HttpResponse:
    review = published_review(request, pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            comment = review_services.comment_create(author=request.user, review=review, body=form.cleaned_data["body"])
        except ValidationError as error:
            form.add_error("body", error.messages)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            if request.htmx:
                fresh = review_selectors.review_for_viewer(review.pk, request.user)
                return render(request, "reviews/partials/comment_created.html", {"comment": comment, "review": fresh})
            return redirect(f"{review.get_absolute_url()}#comment-{comment.pk}")
    if request.htmx:
        message = " ".join(m for errors in form.errors.values() for m in errors)
        return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
    return render_review(request, review, comment_form=form, status=400)
