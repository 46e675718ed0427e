"""Review.body_length is kept by the database (a stored generated column), in characters."""

import pytest

from reviews.models import Review
from tests.factories import ReviewFactory

pytestmark = pytest.mark.django_db


def test_body_length_counts_characters_and_follows_every_write():
    review = ReviewFactory(body="敏感肌でも使える化粧水")  # 11 characters, 33 bytes in UTF-8
    assert Review.objects.values_list("body_length", flat=True).get(pk=review.pk) == 11
    Review.objects.filter(pk=review.pk).update(body="x" * 120)  # a bulk write, no save()
    assert Review.objects.values_list("body_length", flat=True).get(pk=review.pk) == 120
