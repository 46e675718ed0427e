"""For You web pages: the feed, the interests step (after sign-up, skippable, and any time
later), "show less" on a card, and reset. Thin: each calls one service and renders."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from config.web import safe_next, web_login_required
from foryou import selectors, services
from foryou.forms import InterestsForm, ShowLessForm
from foryou.models import FeedState, ShowLess, TagInterest
from reviews import cards
from reviews.selectors import review_for_viewer
from reviews.views import damaged_cursor


def _show_less_choices(review) -> list[tuple[str, int, str]]:
    """A card's "show less" buttons: (kind, target id, label)."""
    return [
        (ShowLess.Kind.AUTHOR, review.author_id, gettext("Less from %(name)s") % {"name": review.author.public_name}),
        (
            ShowLess.Kind.PRODUCT,
            review.product_id,
            gettext("Less about %(product)s") % {"product": review.product.name},
        ),
        (
            ShowLess.Kind.CATEGORY,
            review.product.category_id,
            gettext("Less %(category)s") % {"category": review.product.category.name},
        ),
    ]


@login_required
def for_you(request: HttpRequest) -> HttpResponse:
    """The signed-in person's For You grid, each card with its reason and "show less". A person
    who has never chosen interests nor skipped the step is asked first."""
    user = request.user
    if "cursor" not in request.GET and not FeedState.objects.filter(user=user, onboarded_at__isnull=False).exists():
        if not user.interest_categories.exists() and not TagInterest.objects.filter(user=user).exists():
            return redirect(f"{reverse('foryou-interests')}?next={reverse('for-you')}")
    try:
        page = services.feed_page(user=user, cursor=request.GET.get("cursor") or None)
    except services.BadCursor:
        return damaged_cursor(request)
    cards.attach(page.reviews, ["card"])
    entries = [
        {
            "review": review,
            "reason": page.reasons[review.pk],
            "first_chance": review.pk in page.first_chance_ids,
            "less": _show_less_choices(review),
        }
        for review in page.reviews
    ]
    context = {
        "entries": entries,
        "has_next": bool(page.next_cursor),
        "next_query": f"cursor={page.next_cursor}" if page.next_cursor else "",
        "tab": "for-you",
    }
    return render(request, "foryou/for_you.html", context)


@login_required
def interests(request: HttpRequest) -> HttpResponse:
    """Choose categories and #tags for For You; "Skip" counts the step as done."""
    user = request.user
    back = safe_next(request, reverse("for-you"))
    if request.method == "POST" and "skip" in request.POST:
        services.onboarding_skip(user=user)
        return redirect(back)
    initial = {
        "categories": list(user.interest_categories.all()),
        "tags": ", ".join(TagInterest.objects.filter(user=user).values_list("tag__name", flat=True)),
    }
    form = InterestsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.interests_set(
                user=user, categories=form.cleaned_data["categories"], tags=form.cleaned_data["tags"]
            )
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            messages.success(request, gettext("Interests saved: For You follows them now."))
            return redirect(back)
    status = 400 if form.is_bound else 200
    return render(request, "foryou/interests.html", {"form": form, "next": back}, status=status)


@require_POST
@web_login_required
def show_less(request: HttpRequest) -> HttpResponse:
    """ "Show less like this" from a card: author, product or category, respected from the next page."""
    form = ShowLessForm(request.POST)
    if not form.is_valid():
        problems = "; ".join(f"{field}: {' '.join(errors)}" for field, errors in form.errors.items())
        return HttpResponse(problems, status=400, content_type="text/plain")
    kind = form.cleaned_data["kind"]
    try:
        services.show_less_add(user=request.user, kind=kind, target_id=form.cleaned_data["target"])
    except ValidationError as error:
        return HttpResponse(" ".join(error.messages), status=400, content_type="text/plain")
    label = dict(ShowLess.Kind.choices)[kind].lower()
    if request.htmx:
        return render(request, "foryou/partials/show_less_done.html", {"label": label})
    messages.success(request, gettext("You'll see less of this %(label)s.") % {"label": label})
    return redirect(safe_next(request, reverse("for-you")))


@require_POST
@web_login_required
def reset(request: HttpRequest) -> HttpResponse:
    services.signals_reset(user=request.user, interests=request.POST.get("interests") == "1")
    messages.success(request, gettext("For You starts afresh."))
    return redirect("for-you")


def related(request: HttpRequest, pk: int) -> HttpResponse:
    """ "More like this" under a review, fetched by the review page after it loads (so the page
    itself costs no more): co-engaged reviews, else content neighbours (selectors.related_reviews)."""
    review = review_for_viewer(pk, request.user)
    if review is None:
        raise Http404(gettext("No such review."))
    reviews = selectors.related_reviews(review, request.user)
    cards.attach(reviews, ["card"])
    return render(request, "foryou/partials/related.html", {"related": reviews})
