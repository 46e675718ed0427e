from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from config.forms import DateTimeLocalInput, ServiceErrorsMixin
from reviews.models import Brand, Category, Product


class BrandRegisterForm(forms.Form):
    name = forms.CharField(label=_("Brand name"), max_length=120)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    description = forms.CharField(
        label=_("About the brand"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ProductForm(forms.Form):
    name = forms.CharField(label=_("Product name"), max_length=160)
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.all(), to_field_name="slug")
    description = forms.CharField(
        label=_("Description"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class CampaignForm(ServiceErrorsMixin, forms.Form):
    # No "---------" choice: a campaign is always for one of the brand's products.
    product = forms.ModelChoiceField(
        label=_("Product"), queryset=Product.objects.none(), to_field_name="slug", empty_label=None
    )
    title = forms.CharField(label=_("Campaign title"), max_length=160)
    description = forms.CharField(
        label=_("What testers receive"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Describe the product and the package. Never what to write: testers review freely."),
    )
    units = forms.IntegerField(label=_("Units to give away"), min_value=1, max_value=500)
    categories = forms.ModelMultipleChoiceField(
        label=_("Experts wanted in"),
        queryset=Category.objects.all(),
        to_field_name="slug",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty for the product's own category."),
    )
    min_level = forms.IntegerField(label=_("Minimum reviewer level"), min_value=1, max_value=10, initial=1)
    invite_opens_at = forms.DateTimeField(label=_("Invitations open"), widget=DateTimeLocalInput())
    invite_closes_at = forms.DateTimeField(label=_("Invitations close"), widget=DateTimeLocalInput())
    review_days = forms.IntegerField(
        label=_("Days to review after receiving"),
        min_value=1,
        max_value=90,
        initial=14,
    )

    def __init__(self, *args, brand: Brand, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = Product.objects.filter(brand=brand).select_related("category")
        self.fields["product"].label_from_instance = lambda p: f"{p.name} ({p.category.name})"
        # Members have no time zone of their own: times are read and shown in the site's
        # (settings.TIME_ZONE, the current one), so each label names it and the current time there.
        zone = timezone.get_current_timezone_name()
        local_now = timezone.localtime()
        for name in ("invite_opens_at", "invite_closes_at"):
            self.fields[name].label = gettext("%(label)s (%(zone)s time)") % {
                "label": self.fields[name].label,
                "zone": zone,
            }
            self.fields[name].help_text = gettext("It is now %(now)s %(zone)s.") % {
                "now": formats.date_format(local_now, "M j, H:i"),
                "zone": zone,
            }
        if not self.is_bound:
            now = timezone.localtime().replace(second=0, microsecond=0)
            self.initial.setdefault("invite_opens_at", now)
            self.initial.setdefault("invite_closes_at", now + timezone.timedelta(days=14))


class AcceptForm(forms.Form):
    shipping_address = forms.CharField(
        label=_("Shipping address"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "street-address"}),
        help_text=_("Shown only to the brand, only until you mark the product received; then erased."),
    )


class ShipForm(forms.Form):
    tracking = forms.CharField(label=_("Tracking number"), max_length=120, required=False)


class LinkReviewForm(forms.Form):
    review = forms.IntegerField(min_value=1, max_value=2**63 - 1, widget=forms.HiddenInput)
