from django import forms

from reviews.models import Category

from .selectors import MAX_QUERY_LENGTH, SORTS

TESTER_CHOICES = [("", "All reviews"), ("only", "Invited testers only"), ("exclude", "No invited testers")]
RATING_CHOICES = [("", "Any rating"), *((str(n), f"{n}★ and up") for n in range(5, 0, -1))]


class SearchForm(forms.Form):
    q = forms.CharField(max_length=MAX_QUERY_LENGTH, required=False, label="Search")
    category = forms.ModelChoiceField(
        queryset=Category.objects.all(), to_field_name="slug", required=False, empty_label="All categories"
    )
    min_rating = forms.TypedChoiceField(choices=RATING_CHOICES, coerce=int, empty_value=None, required=False)
    photos = forms.BooleanField(required=False, label="With photos")
    tester = forms.ChoiceField(choices=TESTER_CHOICES, required=False)
    sort = forms.ChoiceField(choices=list(SORTS.items()), required=False)

    def clean_q(self) -> str:
        value = self.cleaned_data["q"].strip()
        if "\x00" in value:
            raise forms.ValidationError("Remove the NUL character.")
        return value

    def clean_sort(self) -> str:
        return self.cleaned_data["sort"] or "relevance"

    def invited_tester(self) -> bool | None:
        return {"only": True, "exclude": False}.get(self.cleaned_data["tester"])
