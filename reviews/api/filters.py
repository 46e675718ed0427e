import django_filters
from django import forms
from django.db.models import Q

from reviews.models import Product, Review


class IdFilter(django_filters.Filter):
    """A whole number within the database's id range; anything else is a 400 naming the field."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)


class RatingFilter(IdFilter):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, min_value=1, max_value=5, **kwargs)


class ProductFilter(django_filters.FilterSet):
    category = django_filters.CharFilter(field_name="category__slug")
    brand = django_filters.CharFilter(field_name="brand__slug")
    q = django_filters.CharFilter(method="search", label="Text in the product or brand name")

    class Meta:
        model = Product
        fields = ["category", "brand", "q"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value) | Q(brand__name__icontains=value) | Q(description__icontains=value)
        )


class ReviewFilter(django_filters.FilterSet):
    product = IdFilter(field_name="product_id")
    author = django_filters.CharFilter(field_name="author__username")
    category = django_filters.CharFilter(field_name="product__category__slug")
    tag = django_filters.CharFilter(field_name="tags__name")
    rating = RatingFilter(field_name="rating")
    min_rating = RatingFilter(field_name="rating", lookup_expr="gte")
    q = django_filters.CharFilter(method="search", label="Text in the title or body")

    class Meta:
        model = Review
        fields = ["product", "author", "category", "tag", "rating", "min_rating", "q"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(title__icontains=value) | Q(body__icontains=value))
