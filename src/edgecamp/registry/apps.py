from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "edgecamp.registry"
    verbose_name = _("Registry")

    def ready(self) -> None:
        from edgecamp.audit import capture

        # A merge that moved a protection-sensitive need names it among `need_ids`: its entries
        # are about protection data (the needs' own entries are, by their code).
        capture.SENSITIVE_ROWS.setdefault("registry.mergerecord", _moves_sensitive_needs)
        # A sensitive need's row: only the fact of the change is logged, never the code.
        capture.SENSITIVE_ROWS.setdefault("registry.specificneedrecord", _sensitive_need)
        # A household's str() names its focal point: the log names it by its number.
        capture.REPR_FIELDS.setdefault("registry.household", "number")


def _sensitive_need(values: dict[str, object]) -> bool:
    from edgecamp.registry.codes import PROTECTION_SENSITIVE_NEEDS

    return values.get("code") in PROTECTION_SENSITIVE_NEEDS


def _moves_sensitive_needs(values: dict[str, object]) -> bool:
    from edgecamp.registry.codes import PROTECTION_SENSITIVE_NEEDS
    from edgecamp.registry.models import SpecificNeedRecord

    need_ids = values.get("need_ids")
    if not isinstance(need_ids, list) or not need_ids:
        return False
    return SpecificNeedRecord.objects.filter(
        pk__in=need_ids, code__in=sorted(PROTECTION_SENSITIVE_NEEDS)
    ).exists()
