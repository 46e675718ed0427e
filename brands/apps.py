from django.apps import AppConfig


class BrandsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "brands"
    verbose_name = "Brands and tester campaigns"

    def ready(self) -> None:
        # Links a tester's new review to their campaign and keeps brand members from voting on
        # reviews of their own products, without the reviews app importing this one.
        from . import receivers, signals  # noqa: F401

        receivers.connect()
