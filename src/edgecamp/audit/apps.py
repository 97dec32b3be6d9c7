from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "edgecamp.audit"
    verbose_name = _("Audit log")

    def ready(self) -> None:
        from edgecamp.audit import capture

        capture.connect()
