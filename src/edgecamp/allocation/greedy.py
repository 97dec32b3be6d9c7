"""The baseline a camp would do by hand: registration order, first shelter that fits."""

from __future__ import annotations

import time
from collections.abc import Sequence

import numpy as np

from edgecamp.allocation._explain import explain
from edgecamp.allocation._site import Occupancy, Site, find_split_run
from edgecamp.allocation.model import AllocationConfig, Household, Plan, Shelter


def greedy_first_fit(
    shelters: Sequence[Shelter],
    households: Sequence[Household],
    config: AllocationConfig | None = None,
) -> Plan:
    """Households in waiting order; each takes the first shelter (input order) with room.

    It keeps the hard rules (capacity, emergency minimum, one household per family shelter,
    adjacent splits only when necessary, stability) but ignores needs, space standard and
    community.
    """
    config = config or AllocationConfig()
    started = time.perf_counter()
    site = Site(shelters, households, config)
    occupancy = Occupancy(site)
    if not config.rebalance:
        occupancy.keep_current()
    free = occupancy.free_family()
    split_threshold = site.max_family_room(free)
    room = np.where(free, site.effcap, 0) + occupancy.hall_room()
    no_split_from = 1 << 62
    for j in np.argsort(site.rank):
        j = int(j)
        if occupancy.where[j]:
            continue
        size = int(site.size[j])
        fits = room >= size
        if fits.any():
            i = int(np.argmax(fits))
            occupancy.place(j, (i,))
            room[i] = 0 if not site.collective[i] else room[i] - size
            free[i] = False
        elif split_threshold < size < no_split_from:
            run = find_split_run(site, free, j, prefer_needs=False)
            if run is None:
                no_split_from = size
                continue
            occupancy.place(j, run)
            free[list(run)] = False
            room[list(run)] = 0
    assignments = explain(site, occupancy, split_threshold, "greedy")
    return Plan(assignments, "greedy", time.perf_counter() - started)
