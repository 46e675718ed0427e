from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BrandsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "brands"
    verbose_name = _("Brands and tester campaigns")

    def ready(self) -> None:
        # Links a tester's new review to their campaign, without the reviews app importing this
        # one. (The brand vote veto lives in the vote path, reviews.services._vote_write.)
        from . import notifications, receivers, signals  # noqa: F401

        receivers.connect()
        notifications.connect()
