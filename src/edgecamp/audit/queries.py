"""Reading the audit log, scoped like the registry: a manager of some sites sees the entries of
those sites; entries about no site (accounts, catalogues) are for managers of every site.

Entries about protection data (`AuditEntry.sensitive`: reads of it, protection-sensitive needs,
notes, tracing requests) are for the protection officers of their site, who see only those:
that such an entry exists next to a household already tells what the household's page hides.
Administrators see that they exist, never which record or what changed, only where the
setting EDGECAMP_AUDIT_PROTECTION_ENTRIES_TO_ADMINISTRATORS says the law of the operation
needs it."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from edgecamp.audit.models import AuditEntry
from edgecamp.core.access import Role, Scope


@dataclass(frozen=True)
class AuditFilter:
    actor: str = ""
    action: str = ""
    model: str = ""
    site_id: int | None = None
    record: str = ""
    since: date | None = None
    until: date | None = None


# The sites a scope sees, as (id, name), for the log's site filter; the sites app, above this
# one, provides it at start-up (sites/apps.py).
_site_lister: list[Callable[[Scope], Iterable[tuple[int, str]]]] = []


def provide_site_lister(lister: Callable[[Scope], Iterable[tuple[int, str]]]) -> None:
    _site_lister[:] = [lister]


def site_choices(scope: Scope) -> list[tuple[str, str]]:
    if not _site_lister:
        return []
    return [(str(pk), name) for pk, name in _site_lister[0](scope)]


def visible_entries(scope: Scope) -> QuerySet[AuditEntry]:
    entries = AuditEntry.objects.all()
    if not scope.all_sites:
        entries = entries.filter(site_id__in=sorted(scope.site_ids))
    if scope.protection:
        return entries.filter(sensitive=True)
    if _sees_that_protection_entries_exist(scope):
        return entries
    return entries.filter(sensitive=False)


def shown(entry: AuditEntry, scope: Scope) -> AuditEntry:
    """The entry as the scope may read it: of an entry about protection data, only that it
    exists, unless the scope is a protection officer (of its site: `visible_entries`)."""
    if entry.sensitive and not scope.protection:
        entry.object_id = entry.object_repr = ""
        entry.changes = {}
    return entry


def _sees_that_protection_entries_exist(scope: Scope) -> bool:
    return (
        scope.role == Role.ADMINISTRATOR
        and settings.EDGECAMP_AUDIT_PROTECTION_ENTRIES_TO_ADMINISTRATORS
    )


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
        if not scope.protection:
            # Which records have entries about protection data is what `shown` hides.
            conditions &= Q(sensitive=False)
    if wanted.since:
        conditions &= Q(at__gte=_start_of(wanted.since))
    if wanted.until:
        conditions &= Q(at__lt=_start_of(wanted.until) + timedelta(days=1))
    if before_id is not None:
        conditions &= Q(pk__lt=before_id)
    return entries.filter(conditions).order_by("-id")


def recorded_models(scope: Scope) -> list[str]:
    return list(visible_entries(scope).order_by("model").values_list("model", flat=True).distinct())


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))
