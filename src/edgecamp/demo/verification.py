"""A closed verification round in the demo camp (edgecamp.verification): at the camp's
smallest site a manager opened a round, the desks saw nearly every household in person (a few
members absent, a few new people counted), and the close set the households nobody saw
inactive, each with its event. Through the app's own services, so the events, the audit trail
and the site counts are what real work leaves."""

from __future__ import annotations

import random
from typing import Any

from django.db.models import Count, Q

from edgecamp.registry.models import Household, Individual
from edgecamp.sites.models import Site
from edgecamp.verification.services import (
    ConfirmInput,
    OpenInput,
    close_round,
    confirm_household,
    open_round,
)

# Share of the site's households the desks see in person.
SEEN = 0.95


def load_verification_round(sites: list[Site], rng: random.Random, manager: Any) -> tuple[int, int]:
    """Open, work and close one round at the site with the fewest active households; returns
    (households verified, households not seen)."""
    counted = Site.objects.filter(pk__in=[s.pk for s in sites]).annotate(
        active=Count("households", filter=Q(households__status=Household.Status.ACTIVE))
    )
    site = min(counted, key=lambda s: (s.active, s.pk))
    round_ = open_round(
        OpenInput(site_id=site.pk, name=f"Verification {site.code} (demo)"), opened_by=manager
    )
    households = list(
        Household.objects.filter(site=site, status=Household.Status.ACTIVE).order_by("number")
    )
    members: dict[int, list[int]] = {}
    for household_id, person_id in Individual.objects.filter(
        household__in=households, status=Individual.Status.ACTIVE
    ).values_list("household_id", "pk"):
        members.setdefault(household_id, []).append(person_id)
    # The households nobody brought to a desk: one in twenty, at least one.
    missed = {h.pk for h in rng.sample(households, max(1, round(len(households) * (1 - SEEN))))}
    verified = 0
    for household in households:
        people = sorted(members.get(household.pk, []))
        if not people or household.pk in missed:
            continue
        absent = [p for p in people[1:] if rng.random() < 0.05]
        confirm_household(
            round_.pk,
            ConfirmInput(
                household_number=household.number,
                present=[p for p in people if p not in absent],
                absent=absent,
                new_people=1 if rng.random() < 0.02 else 0,
                desk="verification-desk-1",
            ),
            confirmed_by=manager,
        )
        verified += 1
    outcome = close_round(round_.pk, closed_by=manager)
    return verified, outcome.not_seen
