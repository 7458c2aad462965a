from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PekkaConfig(AppConfig):
    """The project's own cross-cutting pieces: template filters, money, permissions, set-up commands."""

    name = "pekka"
    verbose_name = _("PEKKA case management")
