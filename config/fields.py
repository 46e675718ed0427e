"""Serializer fields shared by the apps' APIs."""

from django.utils.encoding import smart_str
from rest_framework import serializers


class SlugRelatedField(serializers.SlugRelatedField):
    """DRF's SlugRelatedField, refusing a NUL byte before it reaches the database: PostgreSQL
    text cannot hold one, so the lookup raised DataError (a 500) instead of "does not exist"."""

    def to_internal_value(self, data):
        if isinstance(data, str) and "\x00" in data:
            self.fail("does_not_exist", slug_name=self.slug_field, value=smart_str(data))
        return super().to_internal_value(data)
