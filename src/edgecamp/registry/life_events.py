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
from edgecamp.registry.models import Household, Individual, LifeEvent, LifeEventIndividual


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
