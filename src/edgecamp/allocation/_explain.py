"""One sentence-level explanation per household: where, which rule decided, what is unmet."""

from __future__ import annotations

from collections import Counter

import numpy as np

from edgecamp.allocation._site import Occupancy, Site
from edgecamp.allocation.check import below_standard
from edgecamp.allocation.model import PRIORITY_NEEDS, Assignment


def explain(
    site: Site, occupancy: Occupancy, split_threshold: int, method: str
) -> tuple[Assignment, ...]:
    config = site.config
    total = len(site.households)
    block_origin: Counter[tuple[int, int]] = Counter()
    block_total: Counter[int] = Counter()
    for j, where in enumerate(occupancy.where):
        if where:
            block = int(site.block[where[0]])
            block_origin[block, int(site.origin[j])] += 1
            block_total[block] += 1
    unhoused = [j for j, where in enumerate(occupancy.where) if not where]
    unhoused.sort(key=lambda j: (not site.priority[j], int(site.rank[j])))
    queue = {j: q for q, j in enumerate(unhoused, start=1)}
    std = f"{config.space_standard_m2:g}"
    emergency = f"{config.emergency_minimum_m2:g}"

    rows: list[Assignment] = []
    for j, household in enumerate(site.households):
        where = occupancy.where[j]
        size = int(site.size[j])
        codes = " ".join(sorted(PRIORITY_NEEDS & household.needs))
        if not where:
            if size > split_threshold:
                why = (
                    f"{size} people are more than any free family shelter holds "
                    f"({split_threshold}), and no collective hall with room or run of adjacent "
                    "free family shelters in one block is left"
                )
            else:
                why = (
                    f"every shelter that fits {size} people at {emergency} m²/person or more "
                    "went to households ahead in priority (specific needs first, then earlier "
                    "registration)"
                )
            need_text = f" Priority need {codes} is unmet." if codes else ""
            rows.append(
                Assignment(
                    household.household_id,
                    (),
                    f"Unhoused: {why}. Position {queue[j]} of {len(unhoused)} on the waiting "
                    f"list.{need_text}",
                    "unhoused",
                )
            )
            continue
        ordered = sorted(where, key=lambda i: int(site.position[i]))
        ids = tuple(site.shelters[i].shelter_id for i in ordered)
        block = int(site.block[ordered[0]])
        block_name = site.block_names[block]
        if j in occupancy.kept:
            rule = "stability"
            reason = "Kept where it lives: rebalance was not requested."
        elif method == "greedy":
            rule = "first-fit"
            reason = f"First fit in registration order (position {int(site.rank[j]) + 1})."
        elif codes:
            rule = "priority-need"
            reason = (
                f"Priority need {codes} (placed before households without one); registration "
                f"position {int(site.rank[j]) + 1} of {total}."
            )
        else:
            rule = "waiting"
            reason = (
                f"Waiting order: registration position {int(site.rank[j]) + 1} of {total}, "
                "after every household with a priority need."
            )
        below = below_standard(site, occupancy, j)
        if len(ordered) > 1:
            area = float(np.sum(site.m2[ordered]))
            place = (
                f"Split over {len(ordered)} adjacent family shelters {' '.join(ids)} in block "
                f"{block_name}: {size} people are more than any free family shelter holds "
                f"({split_threshold}); {area:g} m² = {area / size:.1f} m²/person"
            )
        else:
            i = ordered[0]
            kind = "collective hall" if site.collective[i] else "family shelter"
            people = int(occupancy.people[i])
            place = (
                f"{kind.capitalize()} {ids[0]} in block {block_name}: {people} people on "
                f"{site.m2[i]:g} m² = {site.m2[i] / people:.1f} m²/person"
            )
        space = (
            f", below the {std} m² standard (emergency minimum {emergency} m² kept)."
            if below
            else f", meets the {std} m² standard."
        )
        unmet = site.unmet_needs(j, ordered)
        if unmet:
            needs = (
                f" Need not met: {', '.join(unmet)} (every place meeting it went to households "
                "ahead in priority or could not hold this one)."
            )
        elif codes:
            needs = " Needs met."
        else:
            needs = ""
        origin = site.origin_names[int(site.origin[j])]
        community = ""
        if origin:
            together = block_origin[block, int(site.origin[j])]
            community = (
                f" {together} of {block_total[block]} households housed in block "
                f"{block_name} come from {origin}."
            )
        rows.append(
            Assignment(
                household.household_id, ids, f"{reason} {place}{space}{needs}{community}", rule
            )
        )
    return tuple(rows)
