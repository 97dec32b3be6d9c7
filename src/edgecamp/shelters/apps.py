from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SheltersConfig(AppConfig):
    name = "edgecamp.shelters"
    verbose_name = _("Sites and shelters")
