"""Reading the audit log, scoped like the registry: a manager of some sites sees the entries of
those sites; entries about no site (accounts, catalogues) are for managers of every site."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from edgecamp.accounts.scope import Scope
from edgecamp.audit.models import AuditEntry


@dataclass(frozen=True)
class AuditFilter:
    actor: str = ""
    action: str = ""
    model: str = ""
    site_id: int | None = None
    record: str = ""
    since: date | None = None
    until: date | None = None


def visible_entries(scope: Scope) -> QuerySet[AuditEntry]:
    if scope.all_sites:
        return AuditEntry.objects.all()
    return AuditEntry.objects.filter(site_id__in=sorted(scope.site_ids))


def audit_entries(
    scope: Scope, wanted: AuditFilter, *, before_id: int | None = None
) -> QuerySet[AuditEntry]:
    """Newest first; page with `before_id` (the last id shown) rather than an offset, so the
    hundredth page of a large log costs what the first does."""
    entries = visible_entries(scope)
    conditions = Q()
    if wanted.actor:
        conditions &= Q(actor_name__iexact=wanted.actor)
    if wanted.action:
        conditions &= Q(action=wanted.action)
    if wanted.model:
        conditions &= Q(model=wanted.model)
    if wanted.site_id is not None:
        conditions &= Q(site_id=wanted.site_id)
    if wanted.record:
        conditions &= Q(object_repr=wanted.record) | Q(object_id=wanted.record)
    if wanted.since:
        conditions &= Q(at__gte=_start_of(wanted.since))
    if wanted.until:
        conditions &= Q(at__lt=_start_of(wanted.until) + timedelta(days=1))
    if before_id is not None:
        conditions &= Q(pk__lt=before_id)
    return entries.filter(conditions).order_by("-id")


def recorded_models() -> list[str]:
    return list(AuditEntry.objects.order_by("model").values_list("model", flat=True).distinct())


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))
