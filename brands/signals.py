"""Hooks on other apps' rows, so they never import this one."""

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.signals import post_save, pre_delete
from django.dispatch import receiver

from reviews.models import Review

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
