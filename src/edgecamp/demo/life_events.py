"""The demo camp's history: births, deaths (one of a focal point, handed over), people missing
and found, departures (one member, whole households leaving their tents), a move, a split and
a mistaken death undone, all through the registry's own service, dated over the last weeks."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from edgecamp.registry import events
from edgecamp.registry.models import Household, Individual
from edgecamp.sites.models import Shelter, Site

BIRTHS = 6
DEATHS = 3
DEPARTURES = 4


def load_life_events(site: Site, rng: random.Random, clerk: Any, today: date) -> int:
    """Record the demo's life events at `site`; returns how many were recorded."""
    candidates = list(
        Household.objects.filter(
            site=site,
            status=Household.Status.ACTIVE,
            focal_point__isnull=False,
            registration_date__lt=today - timedelta(days=60),
        ).order_by("number")[:400]
    )
    rng.shuffle(candidates)
    pool = iter(candidates)
    recorded = 0

    def record(household: Household, data: events.EventInput) -> None:
        nonlocal recorded
        events.record_event(household.number, data, scope=None, recorded_by=clerk)
        recorded += 1

    def days_ago() -> date:
        return today - timedelta(days=rng.randint(1, 45))

    def others(household: Household) -> list[Individual]:
        return list(
            Individual.objects.filter(household=household, status=Individual.Status.ACTIVE)
            .exclude(pk=household.focal_point_id)
            .order_by("pk")
        )

    def next_with(test: Callable[[Household], bool]) -> Household | None:
        return next((h for h in pool if test(h)), None)

    for index in range(BIRTHS):
        household = next(pool, None)
        if household is None:
            break
        named = index % 3 != 0
        record(
            household,
            events.BirthInput(
                on=days_ago(),
                sex=rng.choice(["female", "male"]),
                given_name=rng.choice(["Nour", "Amal", "Idris", "Salma", "Bilal"]) if named else "",
                family_name=household.focal_point.family_name if named else "",
                names_unknown=not named,
                note="born at the health centre",
            ),
        )
    for index in range(DEATHS):
        household = next_with(lambda h: len(others(h)) >= 2)
        if household is None:
            break
        rest = others(household)
        if index == 0:  # the focal point died: the eldest other member takes over
            successor = min(rest, key=lambda p: p.date_of_birth or today)
            record(
                household,
                events.DeathInput(
                    on=days_ago(),
                    members=[household.focal_point_id],
                    cause="illness",
                    place="health centre",
                    new_focal_point=successor.pk,
                ),
            )
        else:
            record(
                household,
                events.DeathInput(
                    on=date(today.year - 1, 1, 1) if index == 2 else days_ago(),
                    precision="year" if index == 2 else "exact",
                    members=[rest[-1].pk],
                    cause=rng.choice(["unknown", "injury", "old_age"]),
                ),
            )
    # A death recorded in the wrong household, undone by a correcting event.
    household = next_with(lambda h: len(others(h)) >= 1)
    if household is not None:
        mistaken = events.record_event(
            household.number,
            events.DeathInput(on=today, members=[others(household)[0].pk]),
            scope=None,
            recorded_by=clerk,
        )
        recorded += 1
        record(
            household,
            events.CorrectionInput(
                corrects=str(mistaken.uuid), reason="event_recorded_wrongly", note="wrong household"
            ),
        )
    household = next_with(lambda h: len(others(h)) >= 1)
    if household is not None:
        child = others(household)[-1]
        record(household, events.MissingInput(on=days_ago(), members=[child.pk]))
        record(household, events.FoundInput(on=today, members=[child.pk]))
    reasons = ["resettlement", "voluntary_repatriation", "spontaneous_departure", "onward_movement"]
    for index in range(DEPARTURES):
        household = next_with(lambda h, late=index > 1: h.shelter_id is not None or late)
        if household is None:
            break
        record(
            household,
            events.DepartureInput(
                on=days_ago(),
                reason=reasons[index % len(reasons)],
                destination=["Canada", "home village", "", "Khartoum"][index % 4],
            ),
        )
    household = next_with(lambda h: len(others(h)) >= 2)
    if household is not None:
        rest = others(household)
        record(
            household,
            events.DepartureInput(
                on=days_ago(), reason="onward_movement", members=[rest[0].pk], destination="Nyala"
            ),
        )
    household = next_with(lambda h: h.shelter_id is not None)
    free = (
        Shelter.objects.filter(
            block__site=site, status=Shelter.Status.AVAILABLE, type=Shelter.Type.FAMILY_TENT
        )
        .order_by("-capacity")
        .first()
    )
    if household is not None and free is not None:
        size = Individual.objects.filter(household=household, status="active").count()
        if size <= free.capacity:
            record(
                household,
                events.MoveInput(on=days_ago(), shelter=free.pk, reason="shelter_damaged"),
            )
    household = next_with(lambda h: len(others(h)) >= 3)
    if household is not None:
        leaving = others(household)[:2]
        record(
            household,
            events.SplitInput(
                on=days_ago(),
                members=[p.pk for p in leaving],
                focal_point=leaving[0].pk,
                reason="marriage",
                note="the eldest son married and set up his own household",
            ),
        )
    return recorded
