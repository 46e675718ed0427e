from rest_framework import serializers

from config.fields import BooleanField, SlugRelatedField
from foryou import policy as P
from foryou import selectors
from foryou.models import ShowLess
from reviews.api.serializers import ReviewSerializer
from reviews.models import Category


class ReasonSerializer(serializers.Serializer):
    """Why the card is there, true to the signal behind it."""

    kind = serializers.ChoiceField(choices=selectors.REASON_KINDS, read_only=True)
    text = serializers.CharField(read_only=True, help_text='In the reader\'s words: "Because you saved Barrier Cream".')
    review_id = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="saved, helpful, commented: the review"
    )
    review_title = serializers.CharField(read_only=True, allow_null=True)
    author = serializers.CharField(read_only=True, allow_null=True, help_text="following: the username")
    category = serializers.CharField(read_only=True, allow_null=True, help_text="liked_by_interest, category: slug")
    tag = serializers.CharField(read_only=True, allow_null=True)
    level = serializers.IntegerField(read_only=True, allow_null=True, help_text="new: the author's level")


class ForYouCardSerializer(serializers.Serializer):
    review = ReviewSerializer(read_only=True)
    reason = ReasonSerializer(read_only=True)
    first_chance = serializers.BooleanField(
        read_only=True, help_text="A new review shown in its first-chance share (a bounded part of each page)."
    )


class ForYouPageSerializer(serializers.Serializer):
    next = serializers.URLField(read_only=True, allow_null=True)
    results = ForYouCardSerializer(many=True, read_only=True)


class ForYouQuerySerializer(serializers.Serializer):
    cursor = serializers.CharField(
        required=False, allow_blank=True, help_text="`next` of the previous page, as given; empty: the first page."
    )
    page_size = serializers.IntegerField(required=False, min_value=1, max_value=P.MAX_PAGE_SIZE, default=P.PAGE_SIZE)


class InterestsSerializer(serializers.Serializer):
    categories = SlugRelatedField(many=True, slug_field="slug", queryset=Category.objects.all())
    tags = serializers.ListField(
        child=serializers.CharField(max_length=40), max_length=30, required=False, default=list
    )


class ShowLessSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ShowLess.Kind.choices)
    target = serializers.CharField(
        max_length=200, help_text="author: username; product: slug; category: slug (as the card shows them)."
    )


class SeenSerializer(serializers.Serializer):
    reviews = serializers.ListField(child=serializers.IntegerField(min_value=1), min_length=1, max_length=100)


class SeenResultSerializer(serializers.Serializer):
    marked = serializers.IntegerField(read_only=True)


class ResetSerializer(serializers.Serializer):
    interests = BooleanField(required=False, default=False, help_text="Also forget chosen categories and #tags.")
