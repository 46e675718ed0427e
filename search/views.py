"""The search page: the same query as the API (search.selectors.search)."""

from django.http import HttpRequest, HttpResponse

from config import paging
from reviews.views import render_list

from . import selectors
from .forms import SearchForm


def search(request: HttpRequest) -> HttpResponse:
    """Reviews, products, tags and people matching the words of `q`, or `#tag` for a tag; with
    filters, sorts, the count and highlighted matches."""
    form = SearchForm(request.GET)
    context = {"form": form, "query": "", "sorts": selectors.SORTS.items(), "result": None}
    if not form.is_valid():
        context["query"] = str(request.GET.get("q", ""))[:100]
        return render_list(request, "search/search.html", "search/partials/hit_page.html", context, status=400)
    data = form.cleaned_data
    query = data["q"]
    page = paging.page_number(request, max_page=selectors.MAX_PAGE)
    category = data["category"]
    result = selectors.search(
        query,
        filters=selectors.Filters(
            category=category.slug if category else "",
            min_rating=data["min_rating"],
            has_photos=data["photos"],
            invited_tester=form.invited_tester(),
        ),
        sort=data["sort"],
        page=page,
        viewer=request.user,
    )
    context.update(
        query=query,
        result=result,
        sort=data["sort"],
        reviews=result.reviews,
        has_next=result.has_next,
        next_page=page + 1,
        page=page,
        filtered=bool(category or data["min_rating"] or data["photos"] or data["tester"]),
    )
    return render_list(request, "search/search.html", "search/partials/hit_page.html", context)
