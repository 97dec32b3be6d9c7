from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "edgecamp.registry"
    verbose_name = _("Registry")

    def ready(self) -> None:
        from edgecamp.audit import capture
        from edgecamp.jobs.kinds import register_kind
        from edgecamp.registry.jobs import DEDUPE_KIND

        # The review page starts the registry-wide dedupe as a background job.
        register_kind(DEDUPE_KIND)

        # A merge that moved a protection-sensitive need names it among `need_ids`: its entries
        # are about protection data (the needs' own entries are, by their code).
        capture.SENSITIVE_ROWS.setdefault("registry.mergerecord", _moves_sensitive_needs)
        # A sensitive need's row: only the fact of the change is logged, never the code.
        capture.SENSITIVE_ROWS.setdefault("registry.specificneedrecord", _sensitive_need)
        # A correction of a protection-sensitive need (registry.corrections): its event, and
        # the row naming whom it concerns, are logged as a change only.
        capture.SENSITIVE_ROWS.setdefault("registry.lifeevent", _protection_event)
        capture.SENSITIVE_ROWS.setdefault("registry.lifeeventindividual", _about_protection_event)
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


def _protection_event(values: dict[str, object]) -> bool:
    data = values.get("data")
    return isinstance(data, dict) and bool(data.get("protection"))


def _about_protection_event(values: dict[str, object]) -> bool:
    from edgecamp.registry.models import LifeEvent

    event = LifeEvent.objects.filter(pk=values.get("event_id")).values_list("data", flat=True)
    data = event.first()
    return isinstance(data, dict) and bool(data.get("protection"))
