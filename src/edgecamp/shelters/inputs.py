"""Reading the registry for the allocation engine: what a plan is computed from, and its
fingerprint (a plan is confirmed only if the registry still gives the same).

What the engine sees
--------------------
- Shelters: the site's shelters that are available or occupied (damaged and decommissioned
  ones are left out), in site order: blocks by code, shelters by code within a block; so
  "adjacent" for a split household means consecutive codes in one block. A shelter's engine id
  is `BLOCK/CODE`, which is what explanations name.
- Households: the site's active households with at least one active member; size = active
  members, origin = place of origin, needs = the specific-need codes of the active members
  that are not protection-sensitive (a plan is read by shelter staff, and who it puts first
  or where would tell them who has such a need: SC gives no priority here),
  waiting order = registration date, then household number; current shelters = its shelter
  plus its additional shelters, where those are still allocatable.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import asdict, dataclass

from django.db.models import Count

from edgecamp import allocation as engine
from edgecamp.registry.codes import PROTECTION_SENSITIVE_NEEDS
from edgecamp.registry.models import Household, Individual, SpecificNeedRecord
from edgecamp.shelters.models import (
    AdditionalShelter,
)
from edgecamp.sites.models import Shelter, Site

ALLOCATABLE = (Shelter.Status.AVAILABLE, Shelter.Status.OCCUPIED)


@dataclass(frozen=True)
class ShelterRow:
    pk: int
    label: str  # the engine id, BLOCK/CODE
    block: str
    type: str
    capacity: int
    covered_m2: float


@dataclass
class Inputs:
    shelters: list[engine.Shelter]
    households: list[engine.Household]
    shelter_rows: dict[str, ShelterRow]  # by engine id
    household_pks: dict[str, int]  # by number (the engine id)
    # Every shelter a household holds in the registry, allocatable or not: (pks, labels).
    previous: dict[str, tuple[list[int], list[str]]]
    fingerprint: str = ""


def read_inputs(site: Site) -> Inputs:
    shelter_rows: dict[str, ShelterRow] = {}
    shelters: list[engine.Shelter] = []
    for row in (
        Shelter.objects.filter(block__site=site, status__in=ALLOCATABLE)
        .order_by("block__code", "code", "pk")
        .values(
            "pk",
            "code",
            "block__code",
            "type",
            "covered_m2",
            "capacity",
            "accessible",
            "near_facilities",
        )
    ):
        label = f"{row['block__code']}/{row['code']}"
        shelter_rows[label] = ShelterRow(
            row["pk"],
            label,
            row["block__code"],
            row["type"],
            row["capacity"],
            float(row["covered_m2"]),
        )
        shelters.append(
            engine.Shelter(
                shelter_id=label,
                block=row["block__code"],
                covered_m2=float(row["covered_m2"]),
                capacity=row["capacity"],
                accessible=row["accessible"],
                near_facilities=row["near_facilities"],
            )
        )
    label_of_pk = {row.pk: label for label, row in shelter_rows.items()}
    position = {label: i for i, label in enumerate(shelter_rows)}

    active = Household.objects.filter(site=site, status=Household.Status.ACTIVE)
    sizes = dict(
        # Joins, not `household__in=active`: PostgreSQL plans the IN subquery badly on a
        # freshly loaded registry (seconds instead of milliseconds).
        Individual.objects.filter(
            household__site=site,
            household__status=Household.Status.ACTIVE,
            status=Individual.Status.ACTIVE,
        )
        .values("household_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("household_id", "n")
    )
    needs: dict[int, set[str]] = defaultdict(set)
    for household_id, code in (
        SpecificNeedRecord.objects.filter(
            individual__household__site=site,
            individual__household__status=Household.Status.ACTIVE,
            individual__status=Individual.Status.ACTIVE,
        )
        .values_list("individual__household_id", "code")
        .order_by()
    ):
        if code in engine.NEED_CODES and code not in PROTECTION_SENSITIVE_NEEDS:
            needs[household_id].add(code)
    extra: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for household_id, shelter_id, block, code in (
        AdditionalShelter.objects.filter(
            household__site=site, household__status=Household.Status.ACTIVE
        )
        .values_list("household_id", "shelter_id", "shelter__block__code", "shelter__code")
        .order_by()
    ):
        extra[household_id].append((shelter_id, f"{block}/{code}"))

    households: list[engine.Household] = []
    household_pks: dict[str, int] = {}
    previous: dict[str, tuple[list[int], list[str]]] = {}
    for row in active.order_by("registration_date", "number").values(
        "pk",
        "number",
        "place_of_origin",
        "registration_date",
        "shelter_id",
        "shelter__code",
        "shelter__block__code",
    ):
        size = sizes.get(row["pk"], 0)
        if size < 1:
            continue  # nobody left to house
        held: list[tuple[int, str]] = []
        if row["shelter_id"] is not None:
            held.append(
                (row["shelter_id"], f"{row['shelter__block__code']}/{row['shelter__code']}")
            )
        held.extend(extra.get(row["pk"], []))
        current = sorted(
            (label_of_pk[pk] for pk, _label in held if pk in label_of_pk), key=position.__getitem__
        )
        number = row["number"]
        household_pks[number] = row["pk"]
        previous[number] = ([pk for pk, _l in held], [label for _p, label in held])
        households.append(
            engine.Household(
                household_id=number,
                size=size,
                origin=row["place_of_origin"].strip().casefold(),
                needs=frozenset(needs.get(row["pk"], ())),
                current_shelter=tuple(current),
                registered_on=row["registration_date"],
            )
        )
    inputs = Inputs(shelters, households, shelter_rows, household_pks, previous)
    inputs.fingerprint = fingerprint_of(inputs)
    return inputs


def fingerprint_of(inputs: Inputs) -> str:
    """What the plan was computed from, including every shelter a household holds, so any
    change that could invalidate the plan changes the fingerprint."""
    document = {
        "shelters": [[asdict(s), inputs.shelter_rows[s.shelter_id].pk] for s in inputs.shelters],
        "households": [
            [
                h.household_id,
                h.size,
                h.origin,
                sorted(h.needs),
                list(h.current_shelter),
                h.registered_on.isoformat() if h.registered_on else None,
                sorted(inputs.previous[h.household_id][0]),
            ]
            for h in inputs.households
        ],
    }
    encoded = json.dumps(document, sort_keys=True, separators=(",", ":")).encode()
    return hashlib.sha256(encoded).hexdigest()
