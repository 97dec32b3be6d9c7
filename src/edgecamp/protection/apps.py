from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProtectionConfig(AppConfig):
    name = "edgecamp.protection"
    verbose_name = _("Protection")

    def ready(self) -> None:
        from edgecamp.audit import capture

        # Every row of this app is protection-sensitive: the audit log records that a note or a
        # tracing request was written, by whom and when, never what it says.
        for label in ("protection.confidentialnote", "protection.tracingrequest"):
            capture.SENSITIVE_ROWS.setdefault(label, _always)

        from edgecamp.protection.services import note_found
        from edgecamp.protection.views import household_section, tracing_actions
        from edgecamp.registry.events import on_found
        from edgecamp.registry.panels import (
            HouseholdPanel,
            register_household_panel,
            register_member_actions,
        )

        # The household page's confidential section, for protection officers of its site.
        register_household_panel(
            HouseholdPanel("protection", "protection/household_section.html", household_section)
        )
        # Beside a missing member, for them too: open a tracing request, or the one open.
        register_member_actions("tracing", tracing_actions)
        # A member found again: the request open for them notes it.
        on_found(note_found)


def _always(_values: object) -> bool:
    return True
