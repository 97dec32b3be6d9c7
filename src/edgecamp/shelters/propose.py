"""Proposing a shelter allocation plan: run the engine on the registry as it stands and store
the plan and its lines; the registry does not change.

Stability
---------
Without rebalance every housed household stays where it is, including households in shelters
that break the engine's hard rules (overcrowded, or a family tent shared by several
households): those shelters and households are kept out of the engine's view and their lines
say "kept, propose with rebalance to relieve it" (rule `stability-crowded`).

Split households
----------------
The registry gives a household one `shelter`. A household the engine splits over several
adjacent family shelters keeps the first as `Household.shelter` (the address search and the API
show) and the others as `AdditionalShelter` rows, so the next run knows they are taken.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from edgecamp import allocation as engine
from edgecamp.shelters.inputs import Inputs, ShelterRow, read_inputs
from edgecamp.shelters.models import (
    AllocationLine,
    AllocationPlan,
)
from edgecamp.shelters.types import (
    LINE_BATCH,
    UNMET_ACCESSIBLE,
    UNMET_FACILITIES,
    UNMET_HOUSING,
    UNMET_OWN_SHELTER,
    AllocationError,
    ProposalSettings,
)
from edgecamp.sites.models import Site

log = logging.getLogger(__name__)


def find_site(name_or_code: str) -> Site | None:
    text = name_or_code.strip()
    return Site.objects.filter(Q(code__iexact=text) | Q(name__iexact=text)).first()


def site_names() -> list[tuple[str, str]]:
    return list(Site.objects.order_by("name").values_list("name", "code"))


def propose_plan(
    site: Site,
    settings: ProposalSettings | None = None,
    *,
    by: AbstractBaseUser | None = None,
    store: bool = True,
) -> AllocationPlan:
    """Allocate the site's shelters to its active households and store the plan as proposed,
    with one line per household, in one transaction. The registry does not change.

    With `store=False` (a dry run) nothing is written; the returned plan is unsaved, with its
    metrics and per-block summary filled in.
    Raises AllocationError when the settings are invalid or the registry cannot be allocated
    as it stands.
    """
    settings = settings or ProposalSettings()
    config = _config(settings)
    inputs = read_inputs(site)
    shelters, households, crowded = _set_aside_crowded(inputs, config)
    try:
        plan = engine.allocate(shelters, households, config)
    except engine.AllocationInputError as error:
        raise AllocationError(
            {
                "__all__": [
                    _(
                        "The site cannot be allocated as the registry stands: %(problem)s. "
                        "Correct the shelters in the registry, or propose with rebalance."
                    )
                    % {"problem": error}
                ]
            }
        ) from None
    violations = engine.check_plan(shelters, households, plan, config)
    if violations:
        log.error("allocation plan for site %s breaks its rules: %s", site.code, violations[:5])
        raise AllocationError(
            {
                "__all__": [
                    _(
                        "The allocation engine produced a plan that breaks its own rules "
                        "(%(rule)s: %(message)s); nothing was stored. Please report this bug."
                    )
                    % {"rule": violations[0].rule, "message": violations[0].message}
                ]
            }
        )
    metrics = engine.plan_metrics(shelters, households, plan, config)
    planned = {row.household_id: row for row in (*plan.assignments, *crowded)}
    assignments = [planned[h.household_id] for h in inputs.households]
    lines = _lines(inputs, assignments, config)
    record = AllocationPlan(
        site=site,
        rebalance=settings.rebalance,
        space_standard_m2=settings.space_standard_m2,
        emergency_minimum_m2=settings.emergency_minimum_m2,
        metrics=_metrics_summary(inputs, plan, metrics, lines, len(crowded)),
        blocks=_block_summary(inputs, lines),
        fingerprint=inputs.fingerprint,
        created_by=by if by is not None and by.pk else None,
    )
    if not store:
        return record
    with transaction.atomic():
        record.save()
        for line in lines:
            line.plan = record
        AllocationLine.objects.bulk_create(lines, batch_size=LINE_BATCH)
    log.info(
        "allocation plan %d proposed for site %s: %d households, %.1f s",
        record.pk,
        site.code,
        len(lines),
        plan.seconds,
    )
    return record


CROWDED_RULE = "stability-crowded"


def _set_aside_crowded(
    inputs: Inputs, config: engine.AllocationConfig
) -> tuple[list[engine.Shelter], list[engine.Household], list[engine.Assignment]]:
    """Without rebalance, households stay where they live even where that breaks the engine's
    hard rules (more people than capacity or the emergency minimum allow, several households in
    a family shelter): such shelters and their households are kept out of the engine's view and
    the plan keeps them in place, saying so. With rebalance the engine re-plans them."""
    if config.rebalance:
        return inputs.shelters, inputs.households, []
    shelters = {s.shelter_id: s for s in inputs.shelters}
    people: dict[str, int] = defaultdict(int)
    households_in: dict[str, list[engine.Household]] = defaultdict(list)
    bad: set[str] = set()
    for household in inputs.households:
        where = household.current_shelter
        for shelter_id in where:
            households_in[shelter_id].append(household)
        if len(where) == 1:
            people[where[0]] += household.size
        elif where and sum(config.effective_capacity(shelters[s]) for s in where) < household.size:
            bad.update(where)
    for shelter_id, occupants in households_in.items():
        shelter = shelters[shelter_id]
        if people[shelter_id] > config.effective_capacity(shelter) or (
            len(occupants) > 1 and not config.is_collective(shelter)
        ):
            bad.add(shelter_id)
    # A household in a bad shelter takes all its shelters with it, and their other occupants.
    aside: dict[str, engine.Household] = {}
    queue = list(bad)
    while queue:
        for household in households_in[queue.pop()]:
            if household.household_id in aside:
                continue
            aside[household.household_id] = household
            for shelter_id in household.current_shelter:
                if shelter_id not in bad:
                    bad.add(shelter_id)
                    queue.append(shelter_id)
    if not aside:
        return inputs.shelters, inputs.households, []
    kept: list[engine.Assignment] = []
    for household in aside.values():
        where = household.current_shelter
        if len(where) == 1:
            shelter = shelters[where[0]]
            crowding = _(
                "%(shelter)s holds %(people)d people in %(households)d households, where its "
                "capacity and the emergency minimum of %(minimum)s m²/person allow "
                "%(allowed)d people%(family)s"
            ) % {
                "shelter": where[0],
                "people": people[where[0]],
                "households": len(households_in[where[0]]),
                "minimum": f"{config.emergency_minimum_m2:g}",
                "allowed": config.effective_capacity(shelter),
                "family": _(" and one household") if not config.is_collective(shelter) else "",
            }
        else:
            crowding = _("its shelters %(shelters)s are overcrowded") % {
                "shelters": " ".join(where)
            }
        kept.append(
            engine.Assignment(
                household.household_id,
                where,
                _(
                    "Kept where it lives: rebalance was not requested, although %(crowding)s. "
                    "Propose with rebalance to relieve it."
                )
                % {"crowding": crowding},
                CROWDED_RULE,
            )
        )
    return (
        [s for s in inputs.shelters if s.shelter_id not in bad],
        [h for h in inputs.households if h.household_id not in aside],
        kept,
    )


def _config(settings: ProposalSettings) -> engine.AllocationConfig:
    errors = AllocationError()
    if not Decimal("0.5") <= settings.space_standard_m2 <= Decimal("50"):
        errors.add("space_standard", _("Give the space standard in m² per person, e.g. 3.5."))
    if not Decimal("0.5") <= settings.emergency_minimum_m2 <= settings.space_standard_m2:
        errors.add(
            "emergency_minimum",
            _(
                "The emergency minimum must be at least 0.5 m² per person and not above the "
                "space standard (e.g. 2.5 with a standard of 3.5)."
            ),
        )
    if errors.errors:
        raise errors
    return engine.AllocationConfig(
        space_standard_m2=float(settings.space_standard_m2),
        emergency_minimum_m2=float(settings.emergency_minimum_m2),
        rebalance=settings.rebalance,
    )


def _lines(
    inputs: Inputs, assignments: Sequence[engine.Assignment], config: engine.AllocationConfig
) -> list[AllocationLine]:
    by_id = {h.household_id: h for h in inputs.households}
    shelters = {s.shelter_id: s for s in inputs.shelters}
    people_in: dict[str, int] = defaultdict(int)
    for row in assignments:
        if len(row.shelter_ids) == 1:
            people_in[row.shelter_ids[0]] += by_id[row.household_id].size
    lines: list[AllocationLine] = []
    for row in assignments:
        household = by_id[row.household_id]
        where = [inputs.shelter_rows[label] for label in row.shelter_ids]
        previous_pks, previous_labels = inputs.previous[row.household_id]
        m2_per_person: float | None = None
        below = False
        unmet: list[str] = []
        if where:
            area = sum(s.covered_m2 for s in where)
            if len(where) > 1:
                m2_per_person = area / household.size
                below = m2_per_person < config.space_standard_m2 - 1e-9
            else:
                people = people_in[where[0].label]
                m2_per_person = area / people
                below = people > config.people_at_standard(area)
            placed = [shelters[s.label] for s in where]
            if household.needs_accessible and not all(s.accessible for s in placed):
                unmet.append(UNMET_ACCESSIBLE)
            if household.needs_facilities and not all(s.near_facilities for s in placed):
                unmet.append(UNMET_FACILITIES)
            if household.needs_own_shelter and (len(placed) > 1 or config.is_collective(placed[0])):
                unmet.append(UNMET_OWN_SHELTER)
        elif household.has_priority_need:
            unmet.append(UNMET_HOUSING)
        new_pks = [s.pk for s in where]
        lines.append(
            AllocationLine(
                household_id=inputs.household_pks[row.household_id],
                shelter_ids=new_pks,
                shelter_codes=" ".join(s.label for s in where),
                previous_shelter_ids=previous_pks,
                previous_codes=" ".join(previous_labels),
                block=where[0].block if where else "",
                change=_change(previous_pks, new_pks, bool(household.current_shelter)),
                people=household.size,
                m2_per_person=(
                    Decimal(f"{m2_per_person:.2f}") if m2_per_person is not None else None
                ),
                below_standard=below,
                needs=" ".join(sorted(household.needs)),
                unmet_needs=" ".join(unmet),
                rule=row.rule,
                explanation=row.explanation,
                explanation_parts=[[code, params] for code, params in row.parts],
            )
        )
    return lines


def _change(previous: Sequence[int], new: Sequence[int], held_allocatable: bool) -> str:
    if not new:
        # A household in a damaged shelter that finds no place keeps its record as it is.
        return AllocationLine.Change.UNHOUSED if held_allocatable else AllocationLine.Change.WAITING
    if not previous:
        return AllocationLine.Change.NEW
    if set(previous) == set(new):
        return AllocationLine.Change.KEPT
    return AllocationLine.Change.MOVED


def _metrics_summary(
    inputs: Inputs,
    plan: engine.Plan,
    metrics: engine.PlanMetrics,
    lines: Sequence[AllocationLine],
    crowded: int,
) -> dict[str, object]:
    summary: dict[str, object] = asdict(metrics)
    # The engine measured the households it placed; those kept in overcrowded shelters
    # (outside its view) count as housed, and their crowding and unmet needs count too.
    kept = [line for line in lines if line.rule == CROWDED_RULE]
    summary["households_housed"] = metrics.households_housed + len(kept)
    summary["people_housed"] = metrics.people_housed + sum(line.people for line in kept)
    summary["people_below_standard"] = metrics.people_below_standard + sum(
        line.people for line in kept if line.below_standard
    )
    summary["needs_unmet"] = metrics.needs_unmet + sum(bool(line.unmet_needs) for line in kept)
    summary["households_kept_overcrowded"] = crowded
    summary["households"] = len(inputs.households)
    summary["shelters"] = len(inputs.shelters)
    summary["method"] = plan.method
    summary["seconds"] = round(plan.seconds, 3)
    summary["bound"] = plan.bound
    summary["gap"] = (
        (plan.bound - metrics.objective) / abs(plan.bound)
        if plan.bound not in (None, 0.0)
        else None
    )
    return summary


@dataclass
class _BlockTotals:
    block: str
    shelters: int = 0
    households: int = 0
    people: int = 0
    area_in_use_m2: float = 0.0
    people_below_standard: int = 0
    needs_unmet: int = 0

    def as_dict(self) -> dict[str, object]:
        summary: dict[str, object] = asdict(self)
        summary["area_in_use_m2"] = round(self.area_in_use_m2, 2)
        summary["m2_per_person"] = (
            round(self.area_in_use_m2 / self.people, 2) if self.people else None
        )
        return summary


def _block_summary(inputs: Inputs, lines: Iterable[AllocationLine]) -> list[dict[str, object]]:
    """Per block, in site order: shelters, households and people housed, m² per person on the
    shelters in use, people below the space standard, households with a need unmet."""
    blocks: dict[str, _BlockTotals] = {}
    by_pk: dict[int, ShelterRow] = {}
    for row in inputs.shelter_rows.values():
        blocks.setdefault(row.block, _BlockTotals(row.block)).shelters += 1
        by_pk[row.pk] = row
    used: set[int] = set()
    for line in lines:
        if not line.shelter_ids:
            continue
        block = blocks[line.block]
        block.households += 1
        block.people += line.people
        block.people_below_standard += line.people if line.below_standard else 0
        block.needs_unmet += 1 if line.unmet_needs else 0
        for pk in line.shelter_ids:
            if pk not in used:
                used.add(pk)
                block.area_in_use_m2 += by_pk[pk].covered_m2
    return [block.as_dict() for block in blocks.values()]
