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


def _always(_values: object) -> bool:
    return True
