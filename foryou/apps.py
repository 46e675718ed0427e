from django.apps import AppConfig


class ForYouConfig(AppConfig):
    name = "foryou"
    verbose_name = "For You"
    default_auto_field = "django.db.models.BigAutoField"
