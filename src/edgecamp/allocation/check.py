"""Check a plan against every rule, and measure it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np

from edgecamp.allocation._site import Occupancy, Site, find_split_run
from edgecamp.allocation.model import (
    EPSILON as EPSILON_M2,
)
from edgecamp.allocation.model import (
    AllocationConfig,
    Household,
    Plan,
    PlanMetrics,
    Shelter,
    Violation,
)


def check_plan(
    shelters: Sequence[Shelter],
    households: Sequence[Household],
    plan: Plan,
    config: AllocationConfig,
) -> list[Violation]:
    """Every broken rule of `plan`; [] when it keeps them all.

    Rules (the name is `Violation.rule`):
    - plan-rows: each household appears exactly once; no unknown household or shelter.
    - explanation: every row, housed or not, explains itself.
    - capacity / emergency-minimum: no shelter holds more people than its capacity, nor fewer
      than `emergency_minimum_m2` m² per person. A split household fills its shelters in turn,
      each up to its effective capacity (min of capacity and area / emergency minimum).
    - shared-family-shelter: a family shelter (capacity below `collective_min_capacity`) holds
      at most one household; collective halls hold several.
    - split-unnecessary: a household occupies several shelters only if it is larger than every
      family shelter that was free at the start (not holding a household kept in place).
    - split-adjacent: a split household's shelters are family shelters of one block, consecutive
      in site order, and hold no other household.
      (Households kept in place are exempt from the split and accessibility rules: the plan
      did not put them there.)
    - stability: without rebalance, a household with a current shelter stays exactly there.
    - accessible-room-left: a DS/ER household is outside accessible shelters only if no
      accessible shelter has room for it in the final plan.
    - unhoused-with-room: nobody is left unhoused while a shelter (or, for a household larger
      than every free family shelter, a run of adjacent free family shelters) could take it.
    - priority: no household with a priority need (DS ER WR SP SC) is unhoused while a household
      without one, not kept in place, holds room that would fit it on its own.
    """
    site = Site(shelters, households, config)
    violations: list[Violation] = []
    occupancy = Occupancy(site)
    seen: Counter[str] = Counter()
    for row in plan.assignments:
        seen[row.household_id] += 1
        j = site.household_index.get(row.household_id)
        if j is None:
            violations.append(
                Violation("plan-rows", "the plan names an unknown household", row.household_id)
            )
            continue
        if not row.explanation.strip():
            violations.append(Violation("explanation", "no explanation", row.household_id))
        unknown = [s for s in row.shelter_ids if s not in site.shelter_index]
        if unknown:
            violations.append(
                Violation("plan-rows", "unknown shelter", row.household_id, unknown[0])
            )
            continue
        if seen[row.household_id] == 1 and row.shelter_ids:
            if len(set(row.shelter_ids)) != len(row.shelter_ids):
                violations.append(
                    Violation("plan-rows", "a shelter is listed twice", row.household_id)
                )
                continue
            occupancy.place(j, [site.shelter_index[s] for s in row.shelter_ids])
    for household_id, count in seen.items():
        if count > 1:
            violations.append(
                Violation("plan-rows", f"the plan lists the household {count} times", household_id)
            )
    for household in households:
        if household.household_id not in seen:
            violations.append(
                Violation("plan-rows", "the plan leaves the household out", household.household_id)
            )

    # Shelters free at the start: family shelters holding no household kept in place.
    kept = set() if config.rebalance else {j for j, current in enumerate(site.current) if current}
    taken_at_start = np.zeros(len(site.shelters), dtype=bool)
    for j in kept:
        taken_at_start[list(site.current[j])] = True
    split_threshold = site.max_family_room(~site.collective & ~taken_at_start & (site.effcap > 0))

    for i in range(len(site.shelters)):
        sid = site.shelters[i].shelter_id
        people = int(occupancy.people[i])
        if people > site.capacity[i]:
            violations.append(
                Violation(
                    "capacity",
                    f"{people} people in a shelter for {site.capacity[i]}",
                    shelter_id=sid,
                )
            )
        if people and site.m2[i] / people < config.emergency_minimum_m2 - EPSILON_M2:
            violations.append(
                Violation(
                    "emergency-minimum",
                    f"{site.m2[i] / people:.2f} m²/person, below the emergency minimum "
                    f"{config.emergency_minimum_m2}",
                    shelter_id=sid,
                )
            )
        if not site.collective[i] and occupancy.households_in[i] > 1:
            violations.append(
                Violation(
                    "shared-family-shelter",
                    f"{occupancy.households_in[i]} households in one family shelter",
                    shelter_id=sid,
                )
            )

    for j, where in enumerate(occupancy.where):
        hid = site.households[j].household_id
        size = int(site.size[j])
        if j in kept and set(where) != set(site.current[j]):
            violations.append(
                Violation("stability", "moved although rebalance was not requested", hid)
            )
        if len(where) > 1 and j not in kept:
            if size <= split_threshold:
                violations.append(
                    Violation(
                        "split-unnecessary",
                        f"split although a free family shelter holds {split_threshold} people",
                        hid,
                    )
                )
            positions = sorted(int(site.position[i]) for i in where)
            same_block = len({int(site.block[i]) for i in where}) == 1
            consecutive = positions[-1] - positions[0] == len(positions) - 1
            family_only = not any(site.collective[i] for i in where)
            alone = all(occupancy.households_in[i] == 1 for i in where)
            if not (same_block and consecutive and family_only and alone):
                violations.append(
                    Violation(
                        "split-adjacent",
                        "a split household needs adjacent family shelters of one block, to itself",
                        hid,
                    )
                )
            if int(site.effcap[list(where)].sum()) < size:
                violations.append(
                    Violation("capacity", f"{size} people do not fit the shelters given", hid)
                )

    free_family = occupancy.free_family()
    hall_room = occupancy.hall_room()
    room_any = max(site.max_family_room(free_family), int(hall_room.max(initial=0)))
    room_accessible = max(
        site.max_family_room(free_family & site.accessible),
        int(hall_room[site.accessible].max(initial=0)),
    )
    # Room a single eviction of a non-priority household (not kept) would open.
    evictable = 0
    for i in range(len(site.shelters)):
        for g in occupancy.occupants[i]:
            if g in kept or site.priority[g] or len(occupancy.where[g]) > 1:
                continue
            if site.collective[i]:
                evictable = max(evictable, int(hall_room[i] + site.size[g]))
            else:
                evictable = max(evictable, int(site.effcap[i]))
    split_fits: dict[int, bool] = {}
    for j, where in enumerate(occupancy.where):
        hid = site.households[j].household_id
        size = int(site.size[j])
        if not where:
            fits = size <= room_any
            if not fits and size > split_threshold:
                if size not in split_fits:
                    split_fits[size] = find_split_run(site, free_family, j) is not None
                fits = split_fits[size]
            if fits:
                violations.append(
                    Violation("unhoused-with-room", "unhoused although room is left", hid)
                )
            elif site.priority[j] and size <= evictable:
                violations.append(
                    Violation(
                        "priority",
                        "unhoused although a household without priority need holds room for it",
                        hid,
                    )
                )
        elif (
            j not in kept
            and site.needs_accessible[j]
            and not all(site.accessible[i] for i in where)
            and size <= room_accessible
        ):
            violations.append(
                Violation(
                    "accessible-room-left",
                    "outside accessible shelters although one has room for it",
                    hid,
                )
            )
    return violations


def plan_metrics(
    shelters: Sequence[Shelter],
    households: Sequence[Household],
    plan: Plan,
    config: AllocationConfig,
) -> PlanMetrics:
    """Objective value and the numbers a camp manager reads (see the package docstring)."""
    site = Site(shelters, households, config)
    occupancy = Occupancy(site)
    for row in plan.assignments:
        j = site.household_index[row.household_id]
        if row.shelter_ids and not occupancy.where[j]:
            occupancy.place(j, [site.shelter_index[s] for s in row.shelter_ids])
    return measure(site, occupancy)


def measure(site: Site, occupancy: Occupancy) -> PlanMetrics:
    config = site.config
    w = config.weights
    objective = 0.0
    housed = people_housed = below = unmet = splits = 0
    blocks: list[int] = []
    origins: list[int] = []
    for j, where in enumerate(occupancy.where):
        size = int(site.size[j])
        if not where:
            unmet += bool(site.priority[j])
            continue
        housed += 1
        people_housed += size
        is_below = below_standard(site, occupancy, j)
        below += size * is_below
        needs = site.unmet_needs(j, where)
        unmet += bool(site.priority[j] and needs)
        splits += len(where) > 1
        objective += site.value(j) - w.split_per_extra_shelter * (len(where) - 1)
        objective -= w.below_standard_per_person * size * is_below
        objective -= site.need_penalty(
            j,
            "accessible shelter" not in needs,
            "near facilities" not in needs,
            "own shelter for the whole household" not in needs,
        )
        blocks.append(int(site.block[where[0]]))
        origins.append(int(site.origin[j]))
    together = community_together(site, blocks, origins)
    objective -= w.community * (housed - together)
    total_people = int(site.size.sum())
    return PlanMetrics(
        objective=objective,
        households_housed=housed,
        households_unhoused=len(site.households) - housed,
        people_housed=people_housed,
        people_unhoused=total_people - people_housed,
        people_below_standard=below,
        needs_unmet=unmet,
        community_cohesion=together / housed if housed else 1.0,
        split_households=splits,
    )


def below_standard(site: Site, occupancy: Occupancy, j: int) -> bool:
    where = occupancy.where[j]
    size = int(site.size[j])
    if len(where) > 1:
        area = float(site.m2[list(where)].sum())
        return area / size < site.config.space_standard_m2 - EPSILON_M2
    i = where[0]
    return bool(occupancy.people[i] > site.at_standard[i])


def community_together(site: Site, blocks: list[int], origins: list[int]) -> int:
    """Housed households that belong to the largest origin group of their block."""
    if not blocks:
        return 0
    keys = np.array(blocks, dtype=np.int64) * (len(site.origin_names) + 1) + np.array(origins)
    unique, counts = np.unique(keys, return_counts=True)
    block_of = unique // (len(site.origin_names) + 1)
    best = np.zeros(len(site.block_names), dtype=np.int64)
    np.maximum.at(best, block_of, counts)
    return int(best.sum())
