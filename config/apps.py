from django.apps import AppConfig


class CandorConfig(AppConfig):
    """Project-wide plumbing (caches, pagination, middleware). It imports no domain app: each app
    connects its own receivers, cache invalidation included, in its own apps.py."""

    name = "config"
    verbose_name = "Candor"
