"""Web forms for accounts. Rules (unique names, password strength, avatar checks) stay in the
services; their errors are put back on the field they name."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from config.forms import ServiceErrorsMixin

from .names import normalise_name


class UsernameField(forms.RegexField):
    """A username, normalised (accounts.names) before its pattern and length are checked."""

    def to_python(self, value):
        return normalise_name(super().to_python(value))


class SignupForm(ServiceErrorsMixin, forms.Form):
    username = UsernameField(
        regex=r"^[\w.@+-]+\Z",
        min_length=3,
        max_length=150,
        label=_("Username"),
        help_text=_("3 or more letters, digits and . @ + - _ — it appears in your profile's address."),
        error_messages={"invalid": _("Use only letters, digits and . @ + - _")},
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}),
    )
    display_name = forms.CharField(
        max_length=60, required=False, label=_("Display name"), help_text=_("Optional: the name people see.")
    )
    email = forms.EmailField(required=False, label=_("Email"), widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        max_length=128,
        help_text=_("At least 8 characters; not only digits and not a common password."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


class ProfileForm(ServiceErrorsMixin, forms.Form):
    display_name = forms.CharField(max_length=60, required=False, label=_("Display name"))
    bio = forms.CharField(
        max_length=500, required=False, label=_("About you"), widget=forms.Textarea(attrs={"rows": 4})
    )
    avatar = forms.FileField(
        required=False,
        label=_("Avatar"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    language = forms.ChoiceField(
        required=False,
        label=_("Language"),
        choices=[("", _("Same as my browser")), *settings.LANGUAGES],
        help_text=_("The language Candor's pages are shown in."),
    )
    interest_categories = forms.ModelMultipleChoiceField(
        queryset=None, required=False, widget=forms.CheckboxSelectMultiple, label=_("Interests")
    )

    def __init__(self, *args, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["interest_categories"].queryset = categories
