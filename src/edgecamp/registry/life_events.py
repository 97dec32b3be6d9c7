"""Writing and reading life events (models.LifeEvent): the one history of a household and its
people. Services record an event in the same transaction as the change it records (this module
never opens one); `queries.timeline` reads a household's."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from edgecamp.registry.codes import DatePrecision, EventKind
from edgecamp.registry.models import (
    Household,
    Individual,
    LifeEvent,
    LifeEventIndividual,
    Membership,
)


def record(
    kind: EventKind,
    household: Household,
    *,
    individuals: Sequence[Individual] = (),
    occurred_on: date | None = None,
    precision: str = DatePrecision.EXACT,
    reason: str = "",
    note: str = "",
    data: dict[str, Any] | None = None,
    recorded_by: AbstractBaseUser | None = None,
    corrects: LifeEvent | None = None,
) -> LifeEvent:
    """Write one event about `household` (and the `individuals` it concerns, if not the whole
    household); call inside the transaction that makes the change."""
    event = LifeEvent.objects.create(
        kind=kind,
        household=household,
        occurred_on=occurred_on or timezone.localdate(),
        occurred_on_precision=precision,
        reason=reason,
        note=note.strip()[:300],
        data=data or {},
        recorded_by=recorded_by if recorded_by is not None and recorded_by.pk else None,
        corrects=corrects,
    )
    if individuals:
        LifeEventIndividual.objects.bulk_create(
            LifeEventIndividual(event=event, individual=person) for person in individuals
        )
    return event


def household_status_history(events: Iterable[LifeEvent]) -> list[LifeEvent]:
    """Of a household's (prefetched) events, those that changed the household's status."""
    return [e for e in events if e.changes_status and not e.individuals.all()]


def status_history(events: Iterable[LifeEvent]) -> list[LifeEvent]:
    """Of a person's (prefetched) events, those that changed a status."""
    return [e for e in events if e.changes_status]


def joins_left(household: Household, *, current: Iterable[int] = ()) -> list[int]:
    """Ids of the joins by which people left `household` for another one, and of the
    corrections that undid them: recorded on the household joined, they are part of this
    household's history too. `current`: ids of people whose events the caller reads anyway
    (its members now), left out of the search."""
    former = set(
        Membership.objects.filter(household=household, ended_on__isnull=False).values_list(
            "individual_id", flat=True
        )
    ) - set(current)
    if not former:
        return []
    return [
        pk
        for pk, kind, data in LifeEvent.objects.filter(
            kind__in=(EventKind.JOIN, EventKind.CORRECTION),
            pk__in=LifeEventIndividual.objects.filter(individual_id__in=former).values("event_id"),
        )
        .exclude(household=household)
        .values_list("pk", "kind", "data")
        if (kind == EventKind.JOIN and data.get("from_household") == household.pk)
        or (
            data.get("corrected_kind") == EventKind.JOIN
            and data.get("back_to_household") == household.pk
        )
    ]
