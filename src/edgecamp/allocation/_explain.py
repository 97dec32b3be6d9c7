"""One sentence-level explanation per household: where, which rule decided, what is unmet."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import numpy as np

from edgecamp.allocation._site import Occupancy, Site
from edgecamp.allocation.check import below_standard
from edgecamp.allocation.model import PRIORITY_NEEDS, Assignment, Part


def gettext_noop(message: str) -> str:
    """Marks a sentence for the project's translators (xgettext finds this name); the engine
    itself stays free of Django and writes English. The shelters app translates the parts."""
    return message


# Each sentence of an explanation, by code; its parameters are pre-formatted strings, a list
# of unmet needs (codes of NEEDS) is joined with ", ". English explanation = the sentences
# joined with spaces.
SENTENCES: dict[str, str] = {
    "unhoused_too_big": gettext_noop(
        "Unhoused: %(size)s people are more than any free family shelter holds (%(split)s), "
        "and no collective hall with room or run of adjacent free family shelters in one "
        "block is left."
    ),
    "unhoused_no_fit": gettext_noop(
        "Unhoused: every shelter that fits %(size)s people at %(emergency)s m²/person or more "
        "went to households ahead in priority (specific needs first, then earlier "
        "registration)."
    ),
    "waiting_list": gettext_noop("Position %(position)s of %(total)s on the waiting list."),
    "priority_need_unmet": gettext_noop("Priority need %(codes)s is unmet."),
    "kept": gettext_noop("Kept where it lives: rebalance was not requested."),
    "first_fit": gettext_noop("First fit in registration order (position %(position)s)."),
    "priority_need": gettext_noop(
        "Priority need %(codes)s (placed before households without one); registration "
        "position %(position)s of %(total)s."
    ),
    "waiting": gettext_noop(
        "Waiting order: registration position %(position)s of %(total)s, after every "
        "household with a priority need."
    ),
    "split_below": gettext_noop(
        "Split over %(count)s adjacent family shelters %(shelters)s in block %(block)s: "
        "%(size)s people are more than any free family shelter holds (%(split)s); %(area)s m² "
        "= %(per_person)s m²/person, below the %(standard)s m² standard (emergency minimum "
        "%(emergency)s m² kept)."
    ),
    "split_meets": gettext_noop(
        "Split over %(count)s adjacent family shelters %(shelters)s in block %(block)s: "
        "%(size)s people are more than any free family shelter holds (%(split)s); %(area)s m² "
        "= %(per_person)s m²/person, meets the %(standard)s m² standard."
    ),
    "family_below": gettext_noop(
        "Family shelter %(shelter)s in block %(block)s: %(people)s people on %(m2)s m² = "
        "%(per_person)s m²/person, below the %(standard)s m² standard (emergency minimum "
        "%(emergency)s m² kept)."
    ),
    "family_meets": gettext_noop(
        "Family shelter %(shelter)s in block %(block)s: %(people)s people on %(m2)s m² = "
        "%(per_person)s m²/person, meets the %(standard)s m² standard."
    ),
    "hall_below": gettext_noop(
        "Collective hall %(shelter)s in block %(block)s: %(people)s people on %(m2)s m² = "
        "%(per_person)s m²/person, below the %(standard)s m² standard (emergency minimum "
        "%(emergency)s m² kept)."
    ),
    "hall_meets": gettext_noop(
        "Collective hall %(shelter)s in block %(block)s: %(people)s people on %(m2)s m² = "
        "%(per_person)s m²/person, meets the %(standard)s m² standard."
    ),
    "need_not_met": gettext_noop(
        "Need not met: %(needs)s (every place meeting it went to households ahead in priority "
        "or could not hold this one)."
    ),
    "needs_met": gettext_noop("Needs met."),
    "community": gettext_noop(
        "%(together)s of %(housed)s households housed in block %(block)s come from %(origin)s."
    ),
}
# The needs a place may leave unmet (Site.unmet_needs), in English.
NEEDS: dict[str, str] = {
    "accessible shelter": gettext_noop("accessible shelter"),
    "near facilities": gettext_noop("near facilities"),
    "own shelter for the whole household": gettext_noop("own shelter for the whole household"),
}


def _same(text: str) -> str:
    return text


def in_words(parts: tuple[Part, ...], translate: Callable[[str], str] = _same) -> str:
    """The explanation from its parts; `translate` (a gettext) gives it in another language."""
    say = translate
    sentences = []
    for code, params in parts:
        values = {
            key: ", ".join(say(NEEDS.get(v, v)) for v in value)
            if isinstance(value, list)
            else value
            for key, value in params.items()
        }
        sentences.append(say(SENTENCES[code]) % values)
    return " ".join(sentences)


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
                parts: list[Part] = [
                    ("unhoused_too_big", {"size": str(size), "split": str(split_threshold)})
                ]
            else:
                parts = [("unhoused_no_fit", {"size": str(size), "emergency": emergency})]
            parts.append(("waiting_list", {"position": str(queue[j]), "total": str(len(unhoused))}))
            if codes:
                parts.append(("priority_need_unmet", {"codes": codes}))
            rows.append(_assignment(household.household_id, (), parts, "unhoused"))
            continue
        ordered = sorted(where, key=lambda i: int(site.position[i]))
        ids = tuple(site.shelters[i].shelter_id for i in ordered)
        block = int(site.block[ordered[0]])
        block_name = site.block_names[block]
        position = str(int(site.rank[j]) + 1)
        if j in occupancy.kept:
            rule = "stability"
            parts = [("kept", {})]
        elif method == "greedy":
            rule = "first-fit"
            parts = [("first_fit", {"position": position})]
        elif codes:
            rule = "priority-need"
            parts = [("priority_need", {"codes": codes, "position": position, "total": str(total)})]
        else:
            rule = "waiting"
            parts = [("waiting", {"position": position, "total": str(total)})]
        below = below_standard(site, occupancy, j)
        standard: dict[str, str | list[str]] = {"standard": std, "emergency": emergency}
        if len(ordered) > 1:
            area = float(np.sum(site.m2[ordered]))
            parts.append(
                (
                    "split_below" if below else "split_meets",
                    {
                        "count": str(len(ordered)),
                        "shelters": " ".join(ids),
                        "block": block_name,
                        "size": str(size),
                        "split": str(split_threshold),
                        "area": f"{area:g}",
                        "per_person": f"{area / size:.1f}",
                        **standard,
                    },
                )
            )
        else:
            i = ordered[0]
            kind = "hall" if site.collective[i] else "family"
            people = int(occupancy.people[i])
            parts.append(
                (
                    f"{kind}_below" if below else f"{kind}_meets",
                    {
                        "shelter": ids[0],
                        "block": block_name,
                        "people": str(people),
                        "m2": f"{site.m2[i]:g}",
                        "per_person": f"{site.m2[i] / people:.1f}",
                        **standard,
                    },
                )
            )
        unmet = site.unmet_needs(j, ordered)
        if unmet:
            parts.append(("need_not_met", {"needs": list(unmet)}))
        elif codes:
            parts.append(("needs_met", {}))
        origin = site.origin_names[int(site.origin[j])]
        if origin:
            parts.append(
                (
                    "community",
                    {
                        "together": str(block_origin[block, int(site.origin[j])]),
                        "housed": str(block_total[block]),
                        "block": block_name,
                        "origin": origin,
                    },
                )
            )
        rows.append(_assignment(household.household_id, ids, parts, rule))
    return tuple(rows)


def _assignment(
    household_id: str, ids: tuple[str, ...], parts: list[Part], rule: str
) -> Assignment:
    done = tuple(parts)
    return Assignment(household_id, ids, in_words(done), rule, done)
