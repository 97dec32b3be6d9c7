from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VerificationConfig(AppConfig):
    name = "edgecamp.verification"
    verbose_name = _("Verification rounds")

    def ready(self) -> None:
        from edgecamp.audit import capture

        # A confirmation's str() would be meaningless in the log: name it by its household.
        capture.REPR_FIELDS.setdefault("verification.confirmation", "household_id")

        from edgecamp.registry.panels import HouseholdPanel, register_household_panel
        from edgecamp.verification.queries import household_panel

        # The household page's verification section: its confirmations, the open round's desk.
        register_household_panel(
            HouseholdPanel("verification", "verification/household_panel.html", household_panel)
        )
