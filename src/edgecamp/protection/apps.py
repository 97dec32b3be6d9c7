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

        from edgecamp.protection.views import household_section
        from edgecamp.registry.panels import HouseholdPanel, register_household_panel

        # The household page's confidential section, for protection officers of its site.
        register_household_panel(
            HouseholdPanel("protection", "protection/household_section.html", household_section)
        )


def _always(_values: object) -> bool:
    return True
