from django import forms
from django.utils.translation import gettext_lazy as _

from foryou.models import ShowLess
from reviews.models import Category


class InterestsForm(forms.Form):
    categories = forms.ModelMultipleChoiceField(
        queryset=Category.objects.all(), required=False, widget=forms.CheckboxSelectMultiple, label=_("Categories")
    )
    tags = forms.CharField(
        required=False,
        max_length=400,
        label=_("#Tags"),
        help_text=_("Separate with commas, e.g. dry-skin, spf"),
    )

    def clean_tags(self) -> list[str]:
        return [t.strip() for t in self.cleaned_data["tags"].split(",") if t.strip()]


class ShowLessForm(forms.Form):
    kind = forms.ChoiceField(choices=ShowLess.Kind.choices)
    target = forms.IntegerField(min_value=1)
