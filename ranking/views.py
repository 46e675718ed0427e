"""Web pages for the ranking: category rankings (@cosme style) and the published level table.

Read-only and thin: everything shown comes from ranking.selectors; the ranking itself is computed
by the rerank job.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from config import pagecache
from ranking import selectors
from reviews import selectors as review_selectors
from reviews.models import Category
from reviews.selectors import annotate_cover_thumbnail

TOP_PER_CATEGORY = 5


@pagecache.cache_first_page()
def category_rankings(request: HttpRequest) -> HttpResponse:
    """The top products of every category."""
    sections = []
    for category in review_selectors.categories():
        products = annotate_cover_thumbnail(selectors.category_ranking_queryset(category))[:TOP_PER_CATEGORY]
        sections.append({"category": category, "products": list(products)})
    context = {"sections": sections, "min_reviews": settings.RANKING_PRODUCT_MIN_REVIEWS}
    return render(request, "ranking/category_rankings.html", context)


@pagecache.cache_first_page()
def category_ranking(request: HttpRequest, slug: str) -> HttpResponse:
    """One category's ranking, as deep as the ranking keeps exact ranks."""
    category = get_object_or_404(Category, slug=slug)
    products = annotate_cover_thumbnail(selectors.category_ranking_queryset(category))[
        : settings.RANKING_PRODUCT_RANK_DEPTH
    ]
    context = {
        "category": category,
        "products": list(products),
        "categories": review_selectors.categories(),
        "min_reviews": settings.RANKING_PRODUCT_MIN_REVIEWS,
    }
    return render(request, "ranking/category_ranking.html", context)


def levels(request: HttpRequest) -> HttpResponse:
    """The published level thresholds and the invited-tester bar."""
    context = {"levels": selectors.level_table(), "bar": selectors.invited_tester_bar()}
    return render(request, "ranking/levels.html", context)
