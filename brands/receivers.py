"""Cache invalidation for what brands change (brands/signals.py holds the rules about reviews)."""

from django.db.models.signals import post_save

from reviews import cards

from .models import CampaignEvent


def campaign_event_saved(sender, instance: CampaignEvent, created: bool, **kwargs) -> None:
    """A brand renaming or re-describing its product updates the row without a save (the
    program's event records it): the product shows on review cards (reviews/cards.py)."""
    if created and instance.kind == instance.Kind.PRODUCT_UPDATED:
        cards.invalidate_now_and_on_commit()


def connect() -> None:
    post_save.connect(campaign_event_saved, sender=CampaignEvent, dispatch_uid="cards-product-updated")
