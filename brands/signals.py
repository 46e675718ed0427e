"""Hooks on other apps' rows, so they never import this one."""

import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Subquery
from django.db.models.signals import post_save, pre_delete, pre_save
from django.dispatch import receiver

from reviews.models import BrandMembership, HelpfulVote, Review

from . import services

logger = logging.getLogger(__name__)


@receiver(post_save, sender=Review, dispatch_uid="brands_link_tester_review")
def link_tester_review(sender, instance: Review, created: bool, raw: bool = False, **kwargs) -> None:
    """A tester's new review of the product they accepted is linked to the campaign (and so
    disclosed) in the same transaction that publishes it."""
    if not created or raw:
        return
    try:
        # A savepoint: a link refused by a concurrent step never stops the review being published;
        # the tester can still link it from their invitations page.
        with transaction.atomic():
            services.link_new_review(instance)
    except (services.TransitionRefused, ValidationError):
        logger.warning("review %s was not linked to its tester campaign", instance.pk, exc_info=True)


@receiver(pre_delete, sender=Review, dispatch_uid="brands_unlink_tester_review")
def unlink_tester_review(sender, instance: Review, **kwargs) -> None:
    services.review_unlinked(review_id=instance.pk)


@receiver(pre_save, sender=HelpfulVote, dispatch_uid="brands_no_votes_on_own_products")
def refuse_brand_votes(sender, instance: HelpfulVote, raw: bool = False, **kwargs) -> None:
    """Brands never reorder reviews of their products: their members cannot vote on them."""
    if raw or instance.pk is not None:
        return
    # One query on the hot vote path: is the voter a member of the reviewed product's brand?
    brand_of_review = Review.objects.filter(pk=instance.review_id).values("product__brand_id")[:1]
    if BrandMembership.objects.filter(user_id=instance.user_id, brand_id=Subquery(brand_of_review)).exists():
        raise PermissionDenied("Members of a brand cannot vote on reviews of its products.")
