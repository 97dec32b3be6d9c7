from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DistributionsConfig(AppConfig):
    name = "edgecamp.distributions"
    verbose_name = _("Distributions")

    def ready(self) -> None:
        from edgecamp.distributions.services import card_household_number
        from edgecamp.verification import queries as verification_queries

        # The verification desk finds a household by its ration card too.
        verification_queries.provide_card_reader(card_household_number)
