"""Serializer fields shared by the apps' APIs."""

from django.utils.encoding import smart_str
from rest_framework import serializers
from rest_framework.fields import empty


class SlugRelatedField(serializers.SlugRelatedField):
    """DRF's SlugRelatedField, refusing a NUL byte before it reaches the database: PostgreSQL
    text cannot hold one, so the lookup raised DataError (a 500) instead of "does not exist"."""

    def to_internal_value(self, data):
        if isinstance(data, str) and "\x00" in data:
            self.fail("does_not_exist", slug_name=self.slug_field, value=smart_str(data))
        return super().to_internal_value(data)


class BooleanField(serializers.BooleanField):
    """DRF's BooleanField, whose absence from a form-encoded body is absence, as in JSON.

    DRF reads a boolean missing from form data as False (an unchecked HTML checkbox sends
    nothing), so an empty form `PUT reviews/{id}/vote/` recorded a not-helpful vote. Here a
    required field missing from a form is "This field is required."; an optional one is left
    out (its default, if it has one). Use it for every boolean a client sends.
    """

    default_empty_html = empty
