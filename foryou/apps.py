from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForYouConfig(AppConfig):
    name = "foryou"
    verbose_name = _("For You")
    default_auto_field = "django.db.models.BigAutoField"
