"""Partner organisations, the sites they manage, and shelters: blocks of family tents and
prefab units in the planned camp, classrooms and halls in the collective centre, a few tents
in the spontaneous settlement.

There are fewer shelters than households, as in any camp still receiving arrivals: households
registered early and households with specific needs are housed first, the others wait.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from edgecamp.synthetic.records import Block, Household, Organisation, Shelter, Site

PLANNED_CAMP = "planned_camp"
COLLECTIVE_CENTRE = "collective_centre"
SPONTANEOUS = "spontaneous_settlement"

FAMILY_TENT = "family_tent"
PREFAB_UNIT = "prefab_unit"
COLLECTIVE_HALL = "collective_hall"

AVAILABLE = "available"
OCCUPIED = "occupied"
DAMAGED = "damaged"

# Covered living space per person in a collective hall (Sphere 2018 minimum).
SQUARE_METRES_PER_PERSON = 3.5
# A collective centre is one building compound: it does not grow with the caseload.
COLLECTIVE_CENTRE_MAX_PEOPLE = 2500

# Fictional partners (any likeness to a real organisation's name is accidental): name,
# acronym, type. The first five are always present, then up to three more.
_ORGANISATIONS = (
    ("Relief Partners International", "RPI", "ingo"),
    ("United Nations Displacement Support Office", "UNDSO", "un"),
    ("Commission for Displaced Persons Affairs", "CDPA", "government"),
    ("Sahel Hope Association", "SHA", "ngo"),
    ("Camp Women's Committee", "CWC", "community"),
    ("Shelter and Dignity Alliance", "SDA", "ingo"),
    ("Clean Water for All Foundation", "CWAF", "ingo"),
    ("Community Health Volunteers Network", "CHVN", "ngo"),
)

# A neighbourhood of semi-arid land where the three sites lie a few kilometres apart.
_BASE_LATITUDE = 12.62
_BASE_LONGITUDE = 22.45


@dataclass(slots=True)
class SitePlan:
    site: Site
    people_share: float
    community_weights: tuple[float, ...]
    registration_start: date
    housing_rate: float


def make_organisations(rnd: random.Random) -> list[Organisation]:
    count = 5 + int(rnd.random() * 4)
    return [
        Organisation(id=i + 1, name=name, acronym=acronym, type=kind)
        for i, (name, acronym, kind) in enumerate(_ORGANISATIONS[:count])
    ]


def plan_sites(
    rnd: random.Random,
    people: int,
    reference_date: date,
    organisations: Sequence[Organisation],
    community_weights: Sequence[float],
) -> list[SitePlan]:
    """A planned camp (most people), a collective centre in a former school and a spontaneous
    settlement of later arrivals, each with its own mix of communities."""
    by_type = {o.type: o for o in reversed(organisations)}
    collective_share = min(0.06, COLLECTIVE_CENTRE_MAX_PEOPLE / people)
    planned_share = (1.0 - collective_share) * 0.74
    latitude = _BASE_LATITUDE + rnd.uniform(-0.05, 0.05)
    longitude = _BASE_LONGITUDE + rnd.uniform(-0.05, 0.05)
    specs = (
        # name, code, type, share, offset (deg), window (days), desks, manager, housed
        ("Al Amal Camp", "al-amal", PLANNED_CAMP, planned_share, (0.0, 0.0), 182, 4, "ingo",
         rnd.uniform(0.78, 0.86)),
        ("Old Technical School Collective Centre", "tech-school", COLLECTIVE_CENTRE,
         collective_share, (0.031, -0.046), 175, 2, "government", 1.0),
        ("Riverbank Settlement", "riverbank", SPONTANEOUS, 1.0 - planned_share - collective_share,
         (-0.038, 0.027), 120, 2, "ngo", rnd.uniform(0.30, 0.40)),
    )  # fmt: skip
    plans = []
    for index, (name, code, kind, share, offset, window, desks, manager, housed) in enumerate(
        specs
    ):
        start = reference_date - timedelta(days=window)
        # Each site drew its own mix of arrivals.
        tilt = [w * rnd.lognormvariate(0.0, 0.5) for w in community_weights]
        site_people = share * people
        site = Site(
            id=index + 1,
            name=name,
            code=code,
            type=kind,
            latitude=_coordinate(latitude + offset[0] + rnd.uniform(-0.004, 0.004)),
            longitude=_coordinate(longitude + offset[1] + rnd.uniform(-0.004, 0.004)),
            area_m2=_site_area(rnd, kind, site_people),
            managing_organisation_id=by_type[manager].id,
            opened_on=start - timedelta(days=rnd.randint(3, 45) if kind != SPONTANEOUS else 0),
            desks=tuple(f"{code}-desk-{d}" for d in range(1, desks + 1)),
        )
        plans.append(SitePlan(site, share, tuple(tilt), start, housed))
    return plans


def _coordinate(value: float) -> Decimal:
    return Decimal(f"{value:.6f}")


def _site_area(rnd: random.Random, kind: str, people: float) -> int:
    if kind == PLANNED_CAMP:
        per_person = rnd.uniform(30.0, 42.0)  # below the 45 m² standard: a crowded camp
    elif kind == SPONTANEOUS:
        per_person = rnd.uniform(12.0, 20.0)  # highly congested
    else:
        return 12_000 + int(people * 6.0) // 100 * 100
    return max(10_000, int(people * per_person) // 1000 * 1000)


def build_shelters(
    rnd: random.Random,
    plan: SitePlan,
    households: Sequence[Household],
    first_block_id: int,
    first_shelter_id: int,
) -> None:
    """Create the site's blocks and shelters and house the households that get one."""
    ranked = sorted(households, key=lambda h: _housing_priority(rnd, h))
    if plan.site.type == COLLECTIVE_CENTRE:
        shelters = _collective_halls(rnd, ranked)
        per_block = 5
    else:
        shelters = _tents_and_units(rnd, plan, ranked)
        per_block = 80 if plan.site.type == PLANNED_CAMP else 120
    block_id, shelter_id = first_block_id, first_shelter_id
    blocks: list[Block] = []
    for start in range(0, len(shelters), per_block):
        code, name = _block_label(plan.site.type, len(blocks) + 1)
        block = Block(id=block_id, code=code, name=name)
        for position, (shelter, occupants) in enumerate(
            shelters[start : start + per_block], start=1
        ):
            shelter.id = shelter_id
            shelter.code = f"{code}-{position:03d}"
            # The first rows of a block face the lit path with the latrines and the women's
            # WASH block; accessible shelters and halls (inside buildings) are put near too.
            shelter.near_facilities = (
                position <= max(1, round(per_block * NEAR_FACILITIES_SHARE))
                or shelter.accessible
                or shelter.type == COLLECTIVE_HALL
            )
            for household in occupants:
                household.shelter_id = shelter_id
            shelter_id += 1
            block.shelters.append(shelter)
        blocks.append(block)
        block_id += 1
    plan.site.blocks = blocks


Allocation = tuple[Shelter, list[Household]]
NEAR_FACILITIES_SHARE = 0.15


def _housing_priority(rnd: random.Random, household: Household) -> float:
    vulnerable = len(household.members) >= 8 or any(
        code in _PRIORITY_NEEDS for m in household.members for code in m.specific_needs
    )
    # Early arrivals first; specific needs move a family two months up the waiting list.
    return household.registration_date.toordinal() - (60 if vulnerable else 0) + rnd.random() * 20


_PRIORITY_NEEDS = frozenset({"DS", "ER", "SP", "WR", "SM"})


def _needs_access(household: Household) -> bool:
    return any("DS" in m.specific_needs or "ER" in m.specific_needs for m in household.members)


def _tents_and_units(
    rnd: random.Random, plan: SitePlan, ranked: list[Household]
) -> list[Allocation]:
    planned = plan.site.type == PLANNED_CAMP
    housed = ranked[: round(len(ranked) * plan.housing_rate)]
    usable = len(housed) + math.ceil(len(housed) * 0.02)
    prefabs = round(usable * 0.25) if planned else 0
    pools: dict[str, list[Shelter]] = {"accessible": [], PREFAB_UNIT: [], FAMILY_TENT: []}
    for index in range(usable):
        shelter = _prefab(rnd) if index < prefabs else _tent(rnd)
        accessible_share = 0.4 if shelter.type == PREFAB_UNIT else 0.04
        shelter.accessible = rnd.random() < accessible_share
        pools["accessible" if shelter.accessible else shelter.type].append(shelter)
    for pool in pools.values():
        rnd.shuffle(pool)
    shelters: list[Allocation] = []
    for household in housed:
        if _needs_access(household):
            order = ("accessible", PREFAB_UNIT, FAMILY_TENT)
        elif len(household.members) >= 7:
            order = (PREFAB_UNIT, FAMILY_TENT, "accessible")
        else:
            order = (FAMILY_TENT, PREFAB_UNIT, "accessible")
        shelter = next(pools[name] for name in order if pools[name]).pop()
        shelter.status = OCCUPIED
        shelters.append((shelter, [household]))
    unoccupied = [s for pool in pools.values() for s in pool]
    damaged_share = 0.05 if planned else 0.09
    for _ in range(round((len(shelters) + len(unoccupied)) * damaged_share)):
        tent = _tent(rnd)
        tent.status = DAMAGED
        unoccupied.append(tent)
    # Blocks fill in allocation order (the camp grew block by block), with the vacant and
    # damaged shelters scattered through them.
    for shelter in unoccupied:
        shelters.insert(int(rnd.random() * (len(shelters) + 1)), (shelter, []))
    return shelters


def _tent(rnd: random.Random) -> Shelter:
    area = (16.0, 16.0, 16.0, 17.5, 18.0)[int(rnd.random() * 5)]
    return Shelter(0, "", FAMILY_TENT, Decimal(f"{area:.2f}"), 5, False, AVAILABLE)


def _prefab(rnd: random.Random) -> Shelter:
    area = (18.0, 19.5, 21.0, 24.0)[int(rnd.random() * 4)]
    capacity = 6 if area >= 21 else 5
    return Shelter(0, "", PREFAB_UNIT, Decimal(f"{area:.2f}"), capacity, False, AVAILABLE)


def _hall(rnd: random.Random, status: str) -> Shelter:
    area = 10 * int(rnd.uniform(12.0, 42.0))
    capacity = int(area / SQUARE_METRES_PER_PERSON)
    accessible = rnd.random() < 0.5  # ground-floor rooms
    return Shelter(0, "", COLLECTIVE_HALL, Decimal(f"{area}.00"), capacity, accessible, status)


def _collective_halls(rnd: random.Random, ranked: list[Household]) -> list[Allocation]:
    """Classrooms and halls of the former school, each shared by several families."""
    halls: list[Allocation] = []
    room = 0
    for household in ranked:
        size = len(household.members)
        if not halls or room < size:
            hall = _hall(rnd, OCCUPIED)
            halls.append((hall, []))
            room = max(hall.capacity, size)
        halls[-1][1].append(household)
        room -= size
    if len(halls) >= 3:
        halls.append((_hall(rnd, DAMAGED), []))  # a leaking roof: nobody lives there now
    return halls


def _block_label(site_type: str, number: int) -> tuple[str, str]:
    if site_type == PLANNED_CAMP:
        letters = ""
        n = number
        while n:
            n, rest = divmod(n - 1, 26)
            letters = chr(ord("A") + rest) + letters
        return letters, f"Block {letters}"
    if site_type == SPONTANEOUS:
        return f"Z{number}", f"Zone {number}"
    return f"B{number}", f"Building {number}"
