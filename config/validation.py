"""The field rules every write path applies, whoever calls the service (API, web, admin actions,
imports, tasks).

Django checks a model's field rules only in forms and full_clean(); a service that saved what it
was given let a 121-character title reach PostgreSQL (DataError, a 500 everywhere but the API)
and an empty body through. Services call check_fields() before they write.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _


def check_fields(instance: models.Model, *names: str, max_lengths: dict[str, int] | None = None) -> None:
    """Check the fields `names` of `instance` against the model's own rules: not blank unless the
    field allows it, its max_length (a TextField's too, which the database does not enforce; or
    the one in `max_lengths`), its validators, its choices, and no NUL character (PostgreSQL
    text cannot hold one). Raises ValidationError naming every bad field. Strip text first:
    the API trims whitespace, so "   " is blank here as there."""
    errors: dict[str, list[str]] = {}
    max_lengths = max_lengths or {}
    for name in names:
        field = instance._meta.get_field(name)
        value = getattr(instance, field.attname)
        if isinstance(value, str):
            limit = max_lengths.get(name, field.max_length)
            if "\x00" in value:
                errors[name] = [_("Null characters are not allowed.")]
            elif limit is not None and len(value) > limit:
                errors[name] = [_("Ensure this field has no more than %(limit)s characters.") % {"limit": limit}]
    others = {field.name for field in instance._meta.fields} - set(names)
    try:
        instance.clean_fields(exclude=others | set(errors))
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            errors.setdefault(name, messages)
    if errors:
        raise ValidationError(errors)
