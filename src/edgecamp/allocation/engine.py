"""The optimising allocator: an LP over classes, then a deterministic placement.

1. Households kept in place (stability) are fixed first.
2. Households are grouped into classes (size, accessible need, facilities need, own-shelter
   need, waiting band); free family shelters into types (effective capacity, people at the
   space standard, accessible, near facilities); collective halls stay individual but are
   reached through four pools (accessible x near facilities).
3. One LP (HiGHS through scipy) chooses how many households of each class go to each family
   type, each hall pool, or a split. Its optimum with optimistic coefficients (best waiting
   share in the class, convex lower envelope of the hall crowding penalty, no split or
   community penalty beyond what is certain) is an upper bound on the objective of any plan.
4. Placement: within a class the longest-waiting households take the class's places; splits
   take runs of adjacent free family shelters first; origins are laid out in site order so a
   place of origin fills neighbouring shelters and blocks (community).
5. Settling passes keep the checker's rules: fill any room left (priority order), move DS/ER
   households to accessible room, let priority-need households take the place of a household
   without one.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import coo_matrix

from edgecamp.allocation._explain import explain
from edgecamp.allocation._site import (
    BoolArray,
    FloatArray,
    IntArray,
    Occupancy,
    Site,
    find_split_run,
)
from edgecamp.allocation.check import below_standard
from edgecamp.allocation.model import AllocationConfig, Household, Plan, Shelter

Progress = Callable[[str, int, int], None]
STEPS = 5


def allocate(
    shelters: Sequence[Shelter],
    households: Sequence[Household],
    config: AllocationConfig | None = None,
    progress: Progress | None = None,
) -> Plan:
    """A plan housing households by priority need, then waiting time (see the package doc)."""
    config = config or AllocationConfig()
    report: Progress = progress or (lambda step, done, total: None)
    started = time.perf_counter()
    report("indexing", 0, STEPS)
    site = Site(shelters, households, config)
    occupancy = Occupancy(site)
    if not config.rebalance:
        occupancy.keep_current()
    free = occupancy.free_family()
    split_threshold = site.max_family_room(free)
    report("optimising", 1, STEPS)
    # Stage 1 bounds the objective and picks the split households; once their runs are laid
    # out, stage 2 re-plans the rest on the shelters actually left.
    first = _solve(site, occupancy, free, split_threshold, allow_split=True)
    report("placing", 2, STEPS)
    placer = _Placer(site, occupancy, split_threshold, first.anchor)
    placer.place_splits(first.split_households)
    second = _solve(site, occupancy, occupancy.free_family(), split_threshold, allow_split=False)
    placer.place_targets(second)
    report("settling", 3, STEPS)
    placer.settle()
    report("explaining", 4, STEPS)
    assignments = explain(site, occupancy, split_threshold, "lp")
    report("done", STEPS, STEPS)
    return Plan(assignments, "lp-classes", time.perf_counter() - started, first.bound)


@dataclass
class _Targets:
    bound: float
    # Family type -> its free shelters, and the households the LP sends there.
    family_shelters: list[IntArray]
    family_households: list[list[int]]
    halls: IntArray
    hall_pool: IntArray
    hall_target: IntArray
    pool_households: list[list[int]]
    split_households: list[int]
    # Household -> preferred position in site order (community).
    anchor: IntArray


def _solve(
    site: Site,
    occupancy: Occupancy,
    free: BoolArray,
    split_threshold: int,
    *,
    allow_split: bool,
) -> _Targets:
    """Solve the class LP for the households not placed yet on the room left."""
    config = site.config
    w = config.weights
    m = len(site.households)
    placed = np.array([bool(where) for where in occupancy.where], dtype=bool)
    open_households = np.flatnonzero(~placed)

    # Household classes.
    band = site.rank[open_households] * config.wait_bands // max(m, 1)
    size = site.size[open_households]
    flags = (
        site.needs_accessible[open_households].astype(np.int64) * 4
        + site.needs_facilities[open_households] * 2
        + site.needs_own[open_households]
    )
    key = (size * 8 + flags) * config.wait_bands + band
    _, class_of = np.unique(key, return_inverse=True)
    order = np.lexsort((site.rank[open_households], class_of))
    members_sorted = open_households[order]
    class_sorted = class_of[order]
    n_classes = int(class_of.max()) + 1 if len(class_of) else 0
    class_count = np.bincount(class_of, minlength=n_classes)
    class_start = np.concatenate(([0], np.cumsum(class_count)[:-1])).astype(np.int64)
    first = members_sorted[class_start] if n_classes else np.zeros(0, dtype=np.int64)
    c_size = site.size[first].astype(np.float64)
    c_acc = site.needs_accessible[first]
    c_fac = site.needs_facilities[first]
    c_own = site.needs_own[first]
    c_value = (
        w.housed + w.waiting * site.share[first] + w.priority_need * site.priority[first]
    ).astype(np.float64)
    del class_sorted

    # Family shelter types.
    family = np.flatnonzero(free)
    tkey = (
        (site.effcap[family] * 4096 + site.at_standard[family]) * 2 + site.accessible[family]
    ) * 2 + site.near[family]
    _, type_of = np.unique(tkey, return_inverse=True)
    n_types = int(type_of.max()) + 1 if len(type_of) else 0
    type_count = np.bincount(type_of, minlength=n_types)
    type_first = np.zeros(n_types, dtype=np.int64)
    type_first[type_of[::-1]] = family[::-1]
    t_effcap = site.effcap[type_first]
    t_std = site.at_standard[type_first]
    t_acc = site.accessible[type_first]
    t_near = site.near[type_first]

    # Collective halls with room, and the crowding penalty's convex envelope.
    hall_room = occupancy.hall_room()
    halls = np.flatnonzero(hall_room > 0)
    people = occupancy.people[halls]
    std = site.at_standard[halls]
    eff = site.effcap[halls]
    std_room = np.clip(np.minimum(std, eff) - people, 0, None)
    excess_room = eff - people - std_room
    over = people > std
    with np.errstate(divide="ignore", invalid="ignore"):
        envelope = np.where(over, 1.0, eff / np.maximum(eff - std, 1).astype(np.float64))
    rate = w.below_standard_per_person * envelope
    hall_pool = site.accessible[halls].astype(np.int64) * 2 + site.near[halls]
    pool_max_room = np.zeros(4, dtype=np.int64)
    np.maximum.at(pool_max_room, hall_pool, hall_room[halls])

    costs: list[FloatArray] = []
    upper: list[FloatArray] = []
    rows: list[IntArray] = []
    cols: list[IntArray] = []
    vals: list[FloatArray] = []
    n_vars = 0

    def add_vars(cost: FloatArray, ub: FloatArray) -> IntArray:
        nonlocal n_vars
        index = np.arange(n_vars, n_vars + len(cost), dtype=np.int64)
        n_vars += len(cost)
        costs.append(cost)
        upper.append(ub)
        return index

    def add_entries(row: IntArray, col: IntArray, val: FloatArray) -> None:
        rows.append(row)
        cols.append(col)
        vals.append(val)

    row_class = 0
    row_type = n_classes
    row_pool = row_type + n_types
    row_split = row_pool + 4
    rhs: list[float] = [*class_count.astype(float), *type_count.astype(float), 0.0, 0.0, 0.0, 0.0]

    # x: class -> family type.
    ci, ti = np.nonzero(c_size[:, None] <= t_effcap[None, :])
    x_cost = (
        c_value[ci]
        - w.below_standard_per_person * c_size[ci] * (c_size[ci] > t_std[ti])
        - w.unmet_accessible * (c_acc[ci] & ~t_acc[ti])
        - w.unmet_facilities * (c_fac[ci] & ~t_near[ti])
    )
    x_idx = add_vars(x_cost, np.full(len(ci), np.inf))
    add_entries(row_class + ci, x_idx, np.ones(len(ci)))
    add_entries(row_type + ti, x_idx, np.ones(len(ci)))

    # y: class -> hall pool (in households; the pool row counts people).
    pools = np.arange(4)
    ci_y, pi = np.nonzero(c_size[:, None] <= pool_max_room[None, :])
    p_acc = pools[pi] >= 2
    p_near = pools[pi] % 2 == 1
    y_cost = (
        c_value[ci_y]
        - w.unmet_accessible * (c_acc[ci_y] & ~p_acc)
        - w.unmet_facilities * (c_fac[ci_y] & ~p_near)
        - w.unmet_own_shelter * c_own[ci_y]
    )
    y_idx = add_vars(y_cost, np.full(len(ci_y), np.inf))
    add_entries(row_class + ci_y, y_idx, np.ones(len(ci_y)))
    add_entries(row_pool + pi, y_idx, c_size[ci_y])

    # u/e: people in each hall within the standard and beyond it.
    u_idx = add_vars(np.zeros(len(halls)), std_room.astype(np.float64))
    e_idx = add_vars(-rate, excess_room.astype(np.float64))
    add_entries(row_pool + hall_pool, u_idx, -np.ones(len(halls)))
    add_entries(row_pool + hall_pool, e_idx, -np.ones(len(halls)))

    # w/s: split households and the family shelters they take, one variant per combination of
    # needs met: a need is met only if every shelter of the run meets it.
    split_classes = (
        np.flatnonzero(c_size > split_threshold)
        if n_types and allow_split
        else np.zeros(0, dtype=np.int64)
    )
    max_effcap = float(t_effcap.max()) if n_types else 1.0
    # An all-accessible run uses accessible shelters that have a free accessible neighbour.
    row_paired = row_split
    rhs.append(float(_paired_accessible(site, free)))
    next_row = row_split + 1
    w_vars: list[int] = []
    w_class: list[int] = []
    for c in split_classes:
        for acc_met in (True, False) if c_acc[c] else (False,):
            for near_met in (True, False) if c_fac[c] else (False,):
                allowed = np.ones(n_types, dtype=bool)
                if acc_met:
                    allowed &= t_acc
                if near_met:
                    allowed &= t_near
                types = np.flatnonzero(allowed)
                if not len(types):
                    continue
                value = (
                    c_value[c]
                    + w.split_per_extra_shelter
                    - w.unmet_own_shelter * c_own[c]
                    - w.unmet_accessible * (c_acc[c] and not acc_met)
                    - w.unmet_facilities * (c_fac[c] and not near_met)
                )
                w_at = add_vars(np.array([value]), np.array([np.inf]))
                s_idx = add_vars(
                    np.full(len(types), -w.split_per_extra_shelter), np.full(len(types), np.inf)
                )
                ones = np.ones(len(types))
                add_entries(np.array([row_class + c]), w_at, np.ones(1))
                add_entries(row_type + types, s_idx, ones)
                # People fit the run; a run has at least `shortest` shelters.
                add_entries(np.full(len(types), next_row), s_idx, -t_effcap[types].astype(float))
                add_entries(np.array([next_row]), w_at, np.array([c_size[c]]))
                shortest = max(2, math.ceil(c_size[c] / max_effcap))
                add_entries(np.full(len(types), next_row + 1), s_idx, -ones)
                add_entries(np.array([next_row + 1]), w_at, np.array([float(shortest)]))
                if acc_met:
                    add_entries(np.full(len(types), row_paired), s_idx, ones)
                rhs.extend([0.0, 0.0])
                next_row += 2
                w_vars.append(int(w_at[0]))
                w_class.append(int(c))

    cost = np.concatenate(costs) if costs else np.zeros(0)
    bound = _placed_value(site, occupancy)
    solution = np.zeros(len(cost))
    if n_vars:
        matrix = coo_matrix(
            (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
            shape=(len(rhs), n_vars),
        ).tocsr()
        result = linprog(
            -cost,
            A_ub=matrix,
            b_ub=np.array(rhs),
            bounds=np.column_stack((np.zeros(n_vars), np.concatenate(upper))),
            method="highs",
        )
        if result.status != 0:
            raise RuntimeError(f"the allocation LP failed: {result.message}")
        solution = np.asarray(result.x)
        bound += -float(result.fun)
    counts = np.floor(solution + 1e-6).astype(np.int64)

    # Disaggregate: the longest-waiting members of each class take its places.
    taken = np.zeros(n_classes, dtype=np.int64)

    def take(c: int, k: int) -> list[int]:
        start = class_start[c] + taken[c]
        k = min(k, int(class_count[c] - taken[c]))
        taken[c] += k
        return [int(j) for j in members_sorted[start : start + k]]

    family_households: list[list[int]] = [[] for _ in range(n_types)]
    for v, c, t in zip(x_idx, ci, ti, strict=True):
        if counts[v]:
            family_households[t].extend(take(int(c), int(counts[v])))
    pool_households: list[list[int]] = [[] for _ in range(4)]
    for v, c, p in zip(y_idx, ci_y, pi, strict=True):
        if counts[v]:
            pool_households[p].extend(take(int(c), int(counts[v])))
    split_households: list[int] = []
    # Splits per class, not per variant: half a split in two variants is one household.
    split_total = np.zeros(n_classes)
    np.add.at(split_total, np.array(w_class, dtype=np.int64), solution[w_vars])
    for c in np.flatnonzero(split_total > 1 - 1e-6):
        split_households.extend(take(int(c), int(np.floor(split_total[c] + 1e-6))))
    hall_target = np.floor(solution[u_idx] + solution[e_idx] + 1e-6).astype(np.int64)

    # Community: lay origins out along site order in proportion to the shelters they use
    # (a family shelter each, a run for a split household, a share of a hall).
    units = np.zeros(m)
    for group in family_households:
        units[group] = 1.0
    mean_hall = float(site.effcap[halls].mean()) if len(halls) else 1.0
    for group in pool_households:
        units[group] = site.size[group] / mean_hall
    units[split_households] = np.ceil(site.size[split_households] / max_effcap)
    for j, where in enumerate(occupancy.where):
        if where:
            units[j] = (
                len(where)
                if len(where) > 1 or not site.collective[where[0]]
                else (site.size[j] / mean_hall)
            )
    per_origin = np.bincount(site.origin, weights=units, minlength=len(site.origin_names))
    origin_order = np.lexsort((np.arange(len(per_origin)), -per_origin))
    start_share = np.zeros(len(per_origin))
    start_share[origin_order] = np.concatenate(
        ([0.0], np.cumsum(per_origin[origin_order])[:-1])
    ) / max(float(units.sum()), 1.0)
    origin_anchor = (start_share * len(site.shelters)).astype(np.int64)
    origin_rank = np.empty(len(per_origin), dtype=np.int64)
    origin_rank[origin_order] = np.arange(len(per_origin))
    site_origin_rank = origin_rank[site.origin]

    def by_origin(group: list[int]) -> list[int]:
        arr = np.array(group, dtype=np.int64)
        return [int(j) for j in arr[np.lexsort((site.rank[arr], site_origin_rank[arr]))]]

    return _Targets(
        bound=bound,
        family_shelters=[
            family[type_of == t][np.argsort(site.position[family[type_of == t]])]
            for t in range(n_types)
        ],
        family_households=[by_origin(g) for g in family_households],
        halls=halls[np.argsort(site.position[halls])],
        hall_pool=hall_pool[np.argsort(site.position[halls])],
        hall_target=hall_target[np.argsort(site.position[halls])],
        pool_households=[by_origin(g) for g in pool_households],
        split_households=by_origin(split_households),
        anchor=origin_anchor[site.origin],
    )


def _paired_accessible(site: Site, free: BoolArray) -> int:
    """Free accessible family shelters next to another in the same block (site order)."""
    order = site.order
    good = free[order] & site.accessible[order]
    block = site.block[order]
    pair = good[:-1] & good[1:] & (block[:-1] == block[1:])
    paired = np.zeros(len(order), dtype=bool)
    paired[:-1] |= pair
    paired[1:] |= pair
    return int(paired.sum())


def _placed_value(site: Site, occupancy: Occupancy) -> float:
    """The objective contribution of the households already placed (kept in place)."""
    w = site.config.weights
    total = 0.0
    for j, where in enumerate(occupancy.where):
        if not where:
            continue
        unmet = site.unmet_needs(j, where)
        total += site.value(j) - w.split_per_extra_shelter * (len(where) - 1)
        total -= site.need_penalty(
            j,
            "accessible shelter" not in unmet,
            "near facilities" not in unmet,
            "own shelter for the whole household" not in unmet,
        )
        if len(where) > 1 or not site.collective[where[0]]:
            total -= w.below_standard_per_person * site.size[j] * below_standard(site, occupancy, j)
    crowded = site.collective & (occupancy.people > site.at_standard)
    total -= w.below_standard_per_person * float(occupancy.people[crowded].sum())
    return total


class _Placer:
    """Places households into shelters and settles the plan so the checker's rules hold."""

    def __init__(
        self, site: Site, occupancy: Occupancy, split_threshold: int, anchor: IntArray
    ) -> None:
        self.site = site
        self.occupancy = occupancy
        self.split_threshold = split_threshold
        self.anchor = anchor
        self.free = occupancy.free_family()
        self.hall_room = occupancy.hall_room()

    # -- primitives ---------------------------------------------------------------------

    def _place(self, j: int, where: Sequence[int]) -> None:
        self.occupancy.place(j, where)
        for i in where:
            if self.site.collective[i]:
                self.hall_room[i] -= self.site.size[j]
            else:
                self.free[i] = False

    def _remove(self, j: int) -> None:
        where = self.occupancy.where[j]
        self.occupancy.remove(j)
        for i in where:
            if self.site.collective[i]:
                self.hall_room[i] += self.site.size[j]
            else:
                self.free[i] = True

    def place_splits(self, households: list[int]) -> None:
        for j in households:
            run = find_split_run(self.site, self.free, j, int(self.anchor[j]))
            if run is not None:
                self._place(j, run)

    def place_targets(self, targets: _Targets) -> None:
        site = self.site
        for shelters, group in zip(targets.family_shelters, targets.family_households, strict=True):
            available = [int(i) for i in shelters if self.free[i]]
            for i, j in zip(available, group, strict=False):
                self._place(j, (i,))
        for pool in range(4):
            in_pool = targets.hall_pool == pool
            halls = targets.halls[in_pool]
            left = targets.hall_target[in_pool].copy()
            k = 0
            for j in targets.pool_households[pool]:
                size = int(site.size[j])
                # Mostly the current hall; a few halls ahead take what no longer fits it.
                ahead = np.flatnonzero(left[k : k + 4] >= size)
                if not len(ahead):
                    k += 1
                    if k >= len(halls):
                        break
                    continue
                h = k + int(ahead[0])
                if self.hall_room[halls[h]] >= size:
                    self._place(j, (int(halls[h]),))
                    left[h] -= size

    # -- settling -----------------------------------------------------------------------

    def settle(self) -> None:
        for _ in range(4):
            changed = self._fill_room()
            changed |= self._accessible_moves()
            changed |= self._fill_room()
            changed |= self._priority_swaps()
            if not changed:
                break

    def _queue(self) -> list[int]:
        site = self.site
        unhoused = np.array(
            [j for j, where in enumerate(self.occupancy.where) if not where], dtype=np.int64
        )
        if not len(unhoused):
            return []
        order = np.lexsort((site.rank[unhoused], ~site.priority[unhoused]))
        return [int(j) for j in unhoused[order]]

    def _best_single(self, j: int, accessible_only: bool = False) -> int | None:
        """The best shelter with room for household j on its own, or None."""
        site = self.site
        size = int(site.size[j])
        w = site.config.weights
        family = self.free & (site.effcap >= size)
        hall = self.hall_room >= size
        if accessible_only or site.needs_accessible[j]:
            accessible = (family | hall) & site.accessible
            if accessible_only or accessible.any():
                family &= site.accessible
                hall &= site.accessible
        candidates = np.flatnonzero(family | hall)
        if not len(candidates):
            return None
        people = self.occupancy.people[candidates]
        is_hall = site.collective[candidates]
        after = people + size
        crowd = np.where(
            after > site.at_standard[candidates],
            np.where(people > site.at_standard[candidates], size, after),
            0,
        )
        score = -w.below_standard_per_person * crowd.astype(np.float64)
        score -= w.unmet_accessible * (site.needs_accessible[j] & ~site.accessible[candidates])
        score -= w.unmet_facilities * (site.needs_facilities[j] & ~site.near[candidates])
        score -= w.unmet_own_shelter * (site.needs_own[j] & is_hall)
        # Keep larger family shelters for larger households; stay near the origin's blocks.
        score -= 0.5 * np.where(is_hall, 0, site.effcap[candidates] - size)
        distance = np.abs(site.position[candidates] - self.anchor[j])
        score -= distance / max(len(site.shelters), 1)
        return int(candidates[int(np.argmax(score))])

    def _fill_room(self) -> bool:
        site = self.site
        changed = False
        no_split_from = 1 << 62
        max_single = self._max_single()
        for j in self._queue():
            size = int(site.size[j])
            if size <= max_single:
                i = self._best_single(j)
                if i is not None:
                    self._place(j, (i,))
                    changed = True
                    max_single = self._max_single()
                    continue
            if self.split_threshold < size < no_split_from:
                run = find_split_run(site, self.free, j, int(self.anchor[j]))
                if run is None:
                    no_split_from = size
                    continue
                self._place(j, run)
                changed = True
                max_single = self._max_single()
        return changed

    def _max_single(self) -> int:
        site = self.site
        family = int(site.effcap[self.free].max(initial=0))
        return max(family, int(self.hall_room.max(initial=0)))

    def _accessible_moves(self) -> bool:
        site = self.site
        changed = False
        movers = [
            j
            for j, where in enumerate(self.occupancy.where)
            if where
            and site.needs_accessible[j]
            and j not in self.occupancy.kept
            and not all(site.accessible[i] for i in where)
        ]
        movers.sort(key=lambda j: (not site.priority[j], int(site.rank[j])))
        for j in movers:
            size = int(site.size[j])
            room = (self.free & (site.effcap >= size)) | (self.hall_room >= size)
            if not (room & site.accessible).any():
                continue
            i = self._best_single(j, accessible_only=True)
            if i is None:
                continue
            self._remove(j)
            self._place(j, (i,))
            changed = True
        return changed

    def _priority_swaps(self) -> bool:
        """A priority-need household takes the place of the latest-registered household
        without one, not kept in place, whose room would fit it."""
        site = self.site
        occupancy = self.occupancy
        waiting = [j for j in self._queue() if site.priority[j]]
        if not waiting:
            return False
        pair_shelter: list[int] = []
        pair_household: list[int] = []
        for i, occupants in enumerate(occupancy.occupants):
            for g in occupants:
                if g in occupancy.kept or site.priority[g] or len(occupancy.where[g]) > 1:
                    continue
                pair_shelter.append(i)
                pair_household.append(g)
        if not pair_shelter:
            return False
        shelter = np.array(pair_shelter, dtype=np.int64)
        evictee = np.array(pair_household, dtype=np.int64)
        alive = np.ones(len(shelter), dtype=bool)
        hall = site.collective[shelter]
        w = site.config.weights

        def room() -> IntArray:
            result: IntArray = np.where(
                hall, self.hall_room[shelter] + site.size[evictee], site.effcap[shelter]
            )
            return result

        pair_room = room()
        changed = False
        for j in waiting:
            size = int(site.size[j])
            fits = alive & (pair_room >= size)
            if not fits.any():
                continue
            penalty = (
                w.unmet_accessible * (site.needs_accessible[j] & ~site.accessible[shelter])
                + w.unmet_facilities * (site.needs_facilities[j] & ~site.near[shelter])
                + w.unmet_own_shelter * (site.needs_own[j] & hall)
                + w.below_standard_per_person * size * (~hall & (size > site.at_standard[shelter]))
            )
            score = np.where(fits, -penalty * 1e6 + site.rank[evictee], -np.inf)
            best = int(np.argmax(score))
            i, g = int(shelter[best]), int(evictee[best])
            self._remove(g)
            self._place(j, (i,))
            alive[evictee == g] = False
            pair_room = room()
            changed = True
        return changed
