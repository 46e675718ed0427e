"""The invited-tester disclosure's wording for templates, from its one source
(brands.models.disclosure_wording), so the page says what the API says."""

from django import template

from brands.models import disclosure_wording

register = template.Library()


@register.simple_tag
def disclosure_for(brand_name: str) -> dict[str, str]:
    """`text` and `detail` of the disclosure on a review of one of this brand's products."""
    return disclosure_wording(brand_name)
