from django.apps import AppConfig


class RankingConfig(AppConfig):
    name = "ranking"
    verbose_name = "Ranking"

    def ready(self) -> None:
        from . import notifications, scoring, signals  # noqa: F401 - binds the formula's constants; connects the receivers

        notifications.connect()
