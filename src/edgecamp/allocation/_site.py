"""Indexed shelters and households, and the occupancy that the engine, the greedy baseline and
the checker all work on."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import numpy as np
import numpy.typing as npt

from edgecamp.allocation.model import AllocationConfig, Household, Shelter

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]


class AllocationInputError(ValueError):
    """The shelters or households cannot be allocated as given; the message says how to fix."""


class Site:
    """Shelters and households as arrays.

    Site order: shelters grouped by block (blocks in order of first appearance), then in input
    order. Two shelters are adjacent when they are consecutive in site order within one block.
    """

    def __init__(
        self,
        shelters: Sequence[Shelter],
        households: Sequence[Household],
        config: AllocationConfig,
    ) -> None:
        self.config = config
        self.shelters = list(shelters)
        self.households = list(households)
        self.shelter_index: dict[str, int] = {}
        for i, shelter in enumerate(self.shelters):
            if shelter.shelter_id in self.shelter_index:
                raise AllocationInputError(f"shelter {shelter.shelter_id} is listed twice")
            self.shelter_index[shelter.shelter_id] = i
        self.household_index: dict[str, int] = {}
        for j, household in enumerate(self.households):
            if household.household_id in self.household_index:
                raise AllocationInputError(f"household {household.household_id} is listed twice")
            if household.size < 1:
                raise AllocationInputError(
                    f"household {household.household_id} has size {household.size}; "
                    "a household has at least one person"
                )
            for sid in household.current_shelter:
                if sid not in self.shelter_index:
                    raise AllocationInputError(
                        f"household {household.household_id} lives in shelter {sid}, "
                        "which is not among the shelters"
                    )
            self.household_index[household.household_id] = j

        blocks: dict[str, int] = {}
        for shelter in self.shelters:
            blocks.setdefault(shelter.block, len(blocks))
        self.block_names = list(blocks)
        n = len(self.shelters)
        self.block = np.array([blocks[s.block] for s in self.shelters], dtype=np.int64)
        self.order: IntArray = np.lexsort((np.arange(n), self.block)).astype(np.int64)
        self.position: IntArray = np.empty(n, dtype=np.int64)
        self.position[self.order] = np.arange(n)
        self.m2: FloatArray = np.array([s.covered_m2 for s in self.shelters], dtype=np.float64)
        self.capacity = np.array([s.capacity for s in self.shelters], dtype=np.int64)
        self.effcap = np.array(
            [config.effective_capacity(s) for s in self.shelters], dtype=np.int64
        )
        self.at_standard = np.array(
            [config.people_at_standard(s.covered_m2) for s in self.shelters], dtype=np.int64
        )
        self.accessible = np.array([s.accessible for s in self.shelters], dtype=np.bool_)
        self.near = np.array([s.near_facilities for s in self.shelters], dtype=np.bool_)
        self.collective = np.array([config.is_collective(s) for s in self.shelters], dtype=np.bool_)

        m = len(self.households)
        self.size = np.array([h.size for h in self.households], dtype=np.int64)
        # Waiting rank: 0 waited longest.
        far = date.max.toordinal() + 1
        dates = [h.registered_on.toordinal() if h.registered_on else far for h in households]
        by_wait = np.lexsort((np.arange(m), np.array(dates, dtype=np.int64)))
        self.rank: IntArray = np.empty(m, dtype=np.int64)
        self.rank[by_wait] = np.arange(m)
        self.share: FloatArray = 1.0 - self.rank / max(m, 1)
        self.needs_accessible = np.array([h.needs_accessible for h in households], dtype=bool)
        self.needs_facilities = np.array([h.needs_facilities for h in households], dtype=bool)
        self.needs_own = np.array([h.needs_own_shelter for h in households], dtype=bool)
        self.priority = np.array([h.has_priority_need for h in households], dtype=bool)
        origins: dict[str, int] = {}
        for h in households:
            origins.setdefault(h.origin, len(origins))
        self.origin_names = list(origins)
        self.origin = np.array([origins[h.origin] for h in households], dtype=np.int64)
        self.current: list[tuple[int, ...]] = [
            tuple(self.shelter_index[s] for s in h.current_shelter) for h in households
        ]

    # -- objective pieces -------------------------------------------------------------------

    def value(self, j: int) -> float:
        """What housing household j is worth before penalties."""
        w = self.config.weights
        return (
            w.housed + w.waiting * float(self.share[j]) + w.priority_need * bool(self.priority[j])
        )

    def unmet_needs(self, j: int, where: Sequence[int]) -> list[str]:
        """The needs of household j that shelters `where` do not meet ([] when unhoused)."""
        unmet: list[str] = []
        if not where:
            return unmet
        if self.needs_accessible[j] and not all(self.accessible[i] for i in where):
            unmet.append("accessible shelter")
        if self.needs_facilities[j] and not all(self.near[i] for i in where):
            unmet.append("near facilities")
        if self.needs_own[j] and (len(where) > 1 or self.collective[where[0]]):
            unmet.append("own shelter for the whole household")
        return unmet

    def need_penalty(self, j: int, accessible: bool, near: bool, own: bool) -> float:
        w = self.config.weights
        penalty = 0.0
        if self.needs_accessible[j] and not accessible:
            penalty += w.unmet_accessible
        if self.needs_facilities[j] and not near:
            penalty += w.unmet_facilities
        if self.needs_own[j] and not own:
            penalty += w.unmet_own_shelter
        return penalty

    def max_family_room(self, free_family: BoolArray) -> int:
        rooms = self.effcap[free_family]
        return int(rooms.max()) if rooms.size else 0


class Occupancy:
    """Who is where. Family shelters hold one household; collective halls several."""

    def __init__(self, site: Site) -> None:
        self.site = site
        n = len(site.shelters)
        self.people: IntArray = np.zeros(n, dtype=np.int64)
        self.households_in: IntArray = np.zeros(n, dtype=np.int64)
        self.where: list[tuple[int, ...]] = [() for _ in site.households]
        self.occupants: list[set[int]] = [set() for _ in range(n)]
        self.kept: set[int] = set()

    def place(self, j: int, where: Sequence[int]) -> None:
        assert not self.where[j], "a household is placed once"
        where = tuple(int(i) for i in where)
        self.where[j] = where
        if len(where) == 1:
            self.people[where[0]] += self.site.size[j]
        else:
            # A split household fills its shelters up to their effective capacities.
            left = int(self.site.size[j])
            for i in where:
                take = min(left, int(self.site.effcap[i]))
                self.people[i] += take
                left -= take
        for i in where:
            self.households_in[i] += 1
            self.occupants[i].add(j)

    def remove(self, j: int) -> None:
        where = self.where[j]
        if len(where) == 1:
            self.people[where[0]] -= self.site.size[j]
        else:
            left = int(self.site.size[j])
            for i in where:
                take = min(left, int(self.site.effcap[i]))
                self.people[i] -= take
                left -= take
        for i in where:
            self.households_in[i] -= 1
            self.occupants[i].discard(j)
        self.where[j] = ()

    def free_family(self) -> BoolArray:
        site = self.site
        result: BoolArray = (~site.collective) & (self.households_in == 0) & (site.effcap > 0)
        return result

    def hall_room(self) -> IntArray:
        site = self.site
        room: IntArray = np.where(site.collective, site.effcap - self.people, 0)
        return room

    def keep_current(self) -> None:
        """Place every household that has a current shelter there (stability)."""
        site = self.site
        for j, where in enumerate(site.current):
            if where:
                self.place(j, where)
                self.kept.add(j)
        for i in np.flatnonzero(self.people > site.effcap):
            shelter = site.shelters[int(i)]
            raise AllocationInputError(
                f"shelter {shelter.shelter_id} already holds {int(self.people[i])} people, more "
                f"than its capacity ({shelter.capacity}) or the emergency minimum of "
                f"{site.config.emergency_minimum_m2} m²/person allows "
                f"({int(site.effcap[i])}); correct current_shelter or allocate with rebalance"
            )
        for i in np.flatnonzero((self.households_in > 1) & ~site.collective):
            shelter = site.shelters[int(i)]
            raise AllocationInputError(
                f"family shelter {shelter.shelter_id} already holds several households; only "
                "collective halls are shared. Correct current_shelter or allocate with rebalance"
            )


def find_split_run(
    site: Site,
    free_family: BoolArray,
    j: int,
    anchor: int = 0,
    *,
    prefer_needs: bool = True,
) -> tuple[int, ...] | None:
    """The best run of adjacent free family shelters in one block that holds household j.

    Fewest shelters first, then runs meeting the household's needs, then runs sparing
    accessible and well-placed shelters, then the run nearest the `anchor` position in site
    order (community). Looks near the anchor first, then everywhere.
    """
    n = len(site.order)
    if prefer_needs:
        reach = 2_000
        lo, hi = max(0, anchor - reach), min(n, anchor + reach)
        if hi - lo < n:
            run = _search_run(site, free_family, j, anchor, lo, hi, prefer_needs)
            if run is not None:
                return run
    return _search_run(site, free_family, j, anchor, 0, n, prefer_needs)


def _search_run(
    site: Site,
    free_family: BoolArray,
    j: int,
    anchor: int,
    lo: int,
    hi: int,
    prefer_needs: bool,
) -> tuple[int, ...] | None:
    size = int(site.size[j])
    order = site.order[lo:hi]
    free = free_family[order]
    if not free.any():
        return None
    cap = np.where(free, site.effcap[order], 0)
    block = site.block[order]
    n = len(order)
    bad_cum = np.concatenate(([0], np.cumsum(~free)))
    cap_cum = np.concatenate(([0], np.cumsum(cap)))
    acc_cum = np.concatenate(([0], np.cumsum(site.accessible[order])))
    near_cum = np.concatenate(([0], np.cumsum(site.near[order])))
    max_cap = int(cap.max())
    if max_cap <= 0:
        return None
    shortest = -(-size // max_cap)
    for length in range(max(shortest, 2), min(n, shortest + 4) + 1):
        starts = np.arange(n - length + 1)
        ends = starts + length
        ok = (bad_cum[ends] - bad_cum[starts] == 0) & (block[starts] == block[ends - 1])
        ok &= cap_cum[ends] - cap_cum[starts] >= size
        if not ok.any():
            continue
        candidates = starts[ok]
        ends = candidates + length
        accessible = acc_cum[ends] - acc_cum[candidates]
        near = near_cum[ends] - near_cum[candidates]
        all_acc = accessible == length
        all_near = near == length
        wants_acc = prefer_needs and bool(site.needs_accessible[j])
        wants_near = prefer_needs and bool(site.needs_facilities[j])
        score = np.abs(candidates + lo - anchor).astype(np.float64) / max(len(site.order), 1)
        if prefer_needs:
            # Leave accessible and well-placed shelters, and spare capacity, to others unless
            # this run meets the household's need with them.
            spare = cap_cum[ends] - cap_cum[candidates] - size
            score += 0.5 * spare
            score += np.where(wants_acc & all_acc, 0.0, 2.0 * accessible)
            score += np.where(wants_near & all_near, 0.0, 1.0 * near)
        if wants_acc:
            score += np.where(all_acc, 0.0, 100.0)
        if wants_near:
            score += np.where(all_near, 0.0, 50.0)
        best = int(candidates[int(np.argmin(score))])
        return tuple(int(i) for i in order[best : best + length])
    return None
