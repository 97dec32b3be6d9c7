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

        # A large cycle's cards are made by a background job.
        register_kind(CARDS_KIND)

        def household_of_card(text: str, strict: bool) -> str | None:
            """The household number a scanned or typed ration-card code names; at a desk
            (`strict`) a forged, replaced or revoked card is refused as at distribution."""
            if strict:
                return card_household_number(text)
            try:
                return read_card_code(text)
            except InvalidCard:
                return None

        # The household search and the verification desk find a household by its ration
        # card (the QR or its text), through the registry's one reader of codes.
        register_code_reader(household_of_card)
