from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DistributionsConfig(AppConfig):
    name = "edgecamp.distributions"
    verbose_name = _("Distributions")

    def ready(self) -> None:
        from edgecamp.distributions.cards import InvalidCard, read_card_code
        from edgecamp.distributions.jobs import CARDS_KIND
        from edgecamp.distributions.services import card_household_number
        from edgecamp.jobs.kinds import register_kind
        from edgecamp.registry.search import register_code_reader
        from edgecamp.verification import queries as verification_queries

        # A large cycle's cards are made by a background job.
        register_kind(CARDS_KIND)

        def household_of_card(text: str) -> str | None:
            """The household number a scanned or typed ration-card code names."""
            try:
                return read_card_code(text)
            except InvalidCard:
                return None

        # The household search finds a household by its ration card (the QR or its text).
        register_code_reader(household_of_card)
        # The verification desk finds a household by its ration card too.
        verification_queries.provide_card_reader(card_household_number)
