"""Generic pieces of the web forms of every app (imports no app)."""

from django import forms
from django.core.exceptions import ValidationError


class ServiceErrorsMixin:
    """Put a service's ValidationError on the field it names, or on the form: the rules stay in
    the services, their messages land next to what the person typed."""

    def service_error_field(self, name: str) -> str | None:
        """The form field that shows a service's error about `name` (None: the form's top)."""
        return name if name in self.fields else None

    def add_service_error(self, error: ValidationError) -> None:
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for name, errors in error.error_dict.items():
            self.add_error(self.service_error_field(name), errors)


class DateTimeLocalInput(forms.DateTimeInput):
    """The browser's date and time picker (`<input type="datetime-local">`)."""

    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)
