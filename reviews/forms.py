"""Web forms for reviews. They check what a browser can get wrong; the services keep the rules
(photos, tags, one review per product) and their errors are put back on the matching field."""

import re

from django import forms
from django.utils.translation import gettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _

from config.forms import ServiceErrorsMixin

from .models import Brand, Category, Product, Review

TAG_SEPARATORS = re.compile(r"[\s,，、;]+")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    """Several uploads under one name. The files are checked by the photo service, not here,
    so a bad file gets exactly the message the API gives."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [super(MultipleImageField, self).clean(item, initial) for item in files]


def split_tags(text: str) -> list[str]:
    return [part for part in TAG_SEPARATORS.split(text or "") if part.strip("#")]


def product_label(product: Product) -> str:
    return f"{product.brand.name} · {product.name}"


class ReviewForm(ServiceErrorsMixin, forms.Form):
    EXISTING, NEW = "existing", "new"

    product_mode = forms.ChoiceField(
        choices=[(EXISTING, _("Pick a product")), (NEW, _("Add a new product"))],
        initial=EXISTING,
        widget=forms.RadioSelect,
        label=_("Product"),
    )
    # A text box with a <datalist> of every product: the browser filters it as one types, with or
    # without JS. It takes a product's label ("Brand · Name") or its id (links, the API's habits).
    product = forms.CharField(
        required=False,
        label=_("Product"),
        help_text=_("Type a brand or product name and pick it from the list."),
        widget=forms.TextInput(attrs={"list": "product-options", "autocomplete": "off"}),
    )
    new_brand = forms.ModelChoiceField(
        queryset=Brand.objects.all(), required=False, label=_("Brand"), empty_label=_("Choose a brand…")
    )
    new_category = forms.ModelChoiceField(
        queryset=Category.objects.all(), required=False, label=_("Category"), empty_label=_("Choose a category…")
    )
    new_name = forms.CharField(max_length=160, required=False, label=_("Product name"))
    rating = forms.TypedChoiceField(
        choices=[(n, ngettext_lazy("%(count)d star", "%(count)d stars", "count") % {"count": n}) for n in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
        label=_("Rating"),
        error_messages={"required": _("Choose a rating from 1 to 5 stars.")},
    )
    title = forms.CharField(
        max_length=Review._meta.get_field("title").max_length,
        label=_("Title"),
        widget=forms.TextInput(attrs={"placeholder": _("The one-line verdict")}),
    )
    body = forms.CharField(
        widget=forms.Textarea(
            attrs={"rows": 8, "placeholder": _("Who are you, how did you use it, what worked, what didn't?")}
        ),
        max_length=Review._meta.get_field("body").max_length,
        label=_("Your review"),
    )
    tags = forms.CharField(
        required=False,
        max_length=400,
        label=_("Tags"),
        help_text=_("Up to 10, separated by spaces or commas, e.g. sensitive-skin spf50"),
        widget=forms.TextInput(attrs={"placeholder": _("#sensitive-skin #spf50")}),
    )
    photos = MultipleImageField(required=False, label=_("Photos"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Every product in one <select>, grouped by category: fine for a catalogue of hundreds;
        # a much larger one would want a search-as-you-type picker here.
        products = Product.objects.select_related("brand", "category").order_by(
            "category__position", "category__name", "brand__name", "name"
        )
        self._products = {p.pk: p for p in products}
        self.product_options = [(product_label(p), p.category.name) for p in products]
        self._by_label = {label.casefold(): p for p, (label, _c) in zip(products, self.product_options, strict=True)}
        if isinstance(self.initial.get("product"), int) and self.initial["product"] in self._products:
            self.initial["product"] = product_label(self._products[self.initial["product"]])
        # Required or not depending on the product mode; the template shows no "(optional)".
        for name in ("product", "new_brand", "new_category", "new_name"):
            self.fields[name].conditional = True

    def clean(self):
        data = super().clean()
        if data.get("product_mode") == self.NEW:
            for name, message in (
                ("new_brand", gettext("Choose the product's brand.")),
                ("new_category", gettext("Choose a category.")),
                ("new_name", gettext("Give the product's name.")),
            ):
                if not data.get(name):
                    self.add_error(name, message)
        elif "product_mode" in data:
            given = (data.get("product") or "").strip()
            product = self._products.get(int(given)) if given.isdigit() else self._by_label.get(given.casefold())
            if not given:
                self.add_error("product", gettext("Choose the product you are reviewing, or add a new one."))
            elif product is None:
                self.add_error("product", gettext("No such product: pick one from the list, or add a new one."))
            else:
                data["product"] = product
        data["tag_list"] = split_tags(data.get("tags", ""))
        return data

    def service_error_field(self, name: str) -> str | None:
        """A new product's name (and, when posting one, the product itself) is typed in new_name."""
        if name == "name" or (name == "product" and self.cleaned_data.get("product_mode") == self.NEW):
            return "new_name"
        return super().service_error_field(name)


class ReviewEditForm(ServiceErrorsMixin, forms.Form):
    """The author's edit of their review: the product stays; photos can be removed and added."""

    rating = ReviewForm.base_fields["rating"]
    title = ReviewForm.base_fields["title"]
    body = ReviewForm.base_fields["body"]
    tags = ReviewForm.base_fields["tags"]
    remove_photos = forms.TypedMultipleChoiceField(
        coerce=int, required=False, widget=forms.CheckboxSelectMultiple, label=_("Remove photos")
    )
    photos = MultipleImageField(required=False, label=_("Add photos"))

    def __init__(self, *args, review: Review, **kwargs):
        initial = {
            "rating": review.rating,
            "title": review.title,
            "body": review.body,
            "tags": " ".join(tag.name for tag in review.tags.all()),
        }
        super().__init__(*args, initial=initial, **kwargs)
        self.current_photos = list(review.photos.all())
        self.fields["remove_photos"].choices = [
            (photo.pk, gettext("Photo %(number)s") % {"number": n}) for n, photo in enumerate(self.current_photos, 1)
        ]

    def clean(self):
        data = super().clean()
        data["tag_list"] = split_tags(data.get("tags", ""))
        return data


class CommentForm(forms.Form):
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": _("Say something kind and useful…")}),
        max_length=2000,
        label=_("Add a comment"),
        error_messages={"required": _("A comment cannot be empty.")},
    )
