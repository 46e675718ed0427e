from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from reviews.models import Category

from .selectors import MAX_QUERY_LENGTH, SORTS

TESTER_CHOICES = [("", _("All reviews")), ("only", _("Invited testers only")), ("exclude", _("No invited testers"))]
RATING_CHOICES = [
    ("", _("Any rating")),
    *((str(n), format_lazy(_("{stars}★ and up"), stars=n)) for n in range(5, 0, -1)),
]


class SearchForm(forms.Form):
    q = forms.CharField(max_length=MAX_QUERY_LENGTH, required=False, label=pgettext_lazy("search form field", "Search"))
    category = forms.ModelChoiceField(
        queryset=Category.objects.all(), to_field_name="slug", required=False, empty_label=_("All categories")
    )
    min_rating = forms.TypedChoiceField(choices=RATING_CHOICES, coerce=int, empty_value=None, required=False)
    photos = forms.BooleanField(required=False, label=_("With photos"))
    tester = forms.ChoiceField(choices=TESTER_CHOICES, required=False)
    sort = forms.ChoiceField(choices=list(SORTS.items()), required=False)

    def clean_q(self) -> str:
        value = self.cleaned_data["q"].strip()
        if "\x00" in value:
            raise forms.ValidationError(_("Remove the NUL character."))
        return value

    def clean_sort(self) -> str:
        return self.cleaned_data["sort"] or "relevance"

    def invited_tester(self) -> bool | None:
        return {"only": True, "exclude": False}.get(self.cleaned_data["tester"])
