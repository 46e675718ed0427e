from django.apps import AppConfig


class CandorConfig(AppConfig):
    """Project-wide pieces that listen to several apps (config may import them all)."""

    name = "config"
    verbose_name = "Candor"

    def ready(self) -> None:
        from . import pagecache

        pagecache.connect()
