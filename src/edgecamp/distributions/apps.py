from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DistributionsConfig(AppConfig):
    name = "edgecamp.distributions"
    verbose_name = _("Distributions")
