"""Shelter allocation services: propose a plan for a site, confirm it, discard it.

`propose_plan` reads the registry, runs the allocation engine (`edgecamp.allocation`, no
Django) and stores the plan and its lines in one transaction; the registry does not change.
`confirm_plan` applies a proposed plan in one transaction, under locks, and refuses a plan the
registry has moved on from since it was proposed (its inputs' fingerprint differs).

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

import hashlib
import json
import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from edgecamp import allocation as engine
from edgecamp.core.errors import Refused
from edgecamp.registry.codes import PROTECTION_SENSITIVE_NEEDS
from edgecamp.registry.models import Household, Individual, SpecificNeedRecord
from edgecamp.shelters.models import (
    AdditionalShelter,
    AllocationLine,
    AllocationPlan,
    ShelterChange,
)
from edgecamp.sites.models import Shelter, Site

log = logging.getLogger(__name__)

ALLOCATABLE = (Shelter.Status.AVAILABLE, Shelter.Status.OCCUPIED)
LINE_BATCH = 1000
# Keys of AllocationLine.unmet_needs; views translate them.
UNMET_ACCESSIBLE = "accessible"
UNMET_FACILITIES = "facilities"
UNMET_OWN_SHELTER = "own_shelter"
UNMET_HOUSING = "housing"
UNMET_KEYS = (UNMET_ACCESSIBLE, UNMET_FACILITIES, UNMET_OWN_SHELTER, UNMET_HOUSING)


class AllocationError(Refused):
    """The request cannot be served as asked; messages keyed by the input field they concern
    (`space_standard`, `site`) or `__all__`. Nothing was written."""

    detail = gettext_lazy("No plan was stored: correct the fields listed in “errors”.")


class PlanConflict(Exception):
    """The plan cannot be confirmed or discarded in its state, or the registry has changed since
    it was proposed. Nothing was written."""


@dataclass(frozen=True)
class ProposalSettings:
    rebalance: bool = False
    space_standard_m2: Decimal = Decimal("3.5")
    emergency_minimum_m2: Decimal = Decimal("2.5")


@dataclass(frozen=True)
class ConfirmOutcome:
    plan: AllocationPlan
    newly_housed: int
    moved: int
    unhoused: int
    vacated: int

    @property
    def changed(self) -> int:
        return self.newly_housed + self.moved + self.unhoused


# --- Reading the registry ----------------------------------------------------------------------


@dataclass(frozen=True)
class _ShelterRow:
    pk: int
    label: str  # the engine id, BLOCK/CODE
    block: str
    type: str
    capacity: int
    covered_m2: float


@dataclass
class _Inputs:
    shelters: list[engine.Shelter]
    households: list[engine.Household]
    shelter_rows: dict[str, _ShelterRow]  # by engine id
    household_pks: dict[str, int]  # by number (the engine id)
    # Every shelter a household holds in the registry, allocatable or not: (pks, labels).
    previous: dict[str, tuple[list[int], list[str]]]
    fingerprint: str = ""


def _read_inputs(site: Site) -> _Inputs:
    shelter_rows: dict[str, _ShelterRow] = {}
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
        shelter_rows[label] = _ShelterRow(
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
    inputs = _Inputs(shelters, households, shelter_rows, household_pks, previous)
    inputs.fingerprint = _fingerprint(inputs)
    return inputs


def _fingerprint(inputs: _Inputs) -> str:
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


# --- Proposing ---------------------------------------------------------------------------------


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
    inputs = _read_inputs(site)
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
    inputs: _Inputs, config: engine.AllocationConfig
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
    inputs: _Inputs, assignments: Sequence[engine.Assignment], config: engine.AllocationConfig
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
    inputs: _Inputs,
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


def _block_summary(inputs: _Inputs, lines: Iterable[AllocationLine]) -> list[dict[str, object]]:
    """Per block, in site order: shelters, households and people housed, m² per person on the
    shelters in use, people below the space standard, households with a need unmet."""
    blocks: dict[str, _BlockTotals] = {}
    by_pk: dict[int, _ShelterRow] = {}
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


# --- Confirming and discarding ------------------------------------------------------------------


def confirm_plan(plan: AllocationPlan, *, by: AbstractBaseUser | None = None) -> ConfirmOutcome:
    """Apply a proposed plan in one transaction: every household's shelters, the shelters'
    statuses, a ShelterChange per household moved; other proposed plans of the site are
    superseded. Raises PlanConflict (nothing written) when the plan is no longer proposed or
    the registry changed since it was proposed."""
    with transaction.atomic():
        # The site row serialises confirmations of one site; the shelter and household locks
        # keep desks from changing what is being applied.
        site = Site.objects.select_for_update().get(pk=plan.site_id)
        locked = AllocationPlan.objects.select_for_update().get(pk=plan.pk)
        _require_proposed(locked)
        list(
            Shelter.objects.select_for_update(of=("self",))
            .filter(block__site=site)
            .values_list("pk", flat=True)
        )
        list(
            Household.objects.select_for_update()
            .filter(site=site, status=Household.Status.ACTIVE)
            .values_list("pk", flat=True)
        )
        if _read_inputs(site).fingerprint != locked.fingerprint:
            raise PlanConflict(
                _(
                    "The registry has changed since this plan was proposed (households, "
                    "members, needs or shelters); it cannot be confirmed. Propose again."
                )
            )
        user = by if by is not None and by.pk else None
        now = timezone.now()
        outcome = _apply(locked, user, now)
        AllocationPlan.objects.filter(site=site, status=AllocationPlan.Status.PROPOSED).exclude(
            pk=locked.pk
        ).update(status=AllocationPlan.Status.SUPERSEDED, decided_at=now)
        locked.status = AllocationPlan.Status.CONFIRMED
        locked.decided_at = now
        locked.decided_by = user
        locked.save(update_fields=["status", "decided_at", "decided_by"])
    _copy_decision(locked, plan)
    log.info(
        "allocation plan %d confirmed for site %s: %d households changed shelter",
        plan.pk,
        site.code,
        outcome.changed,
    )
    return outcome


def discard_plan(plan: AllocationPlan, *, by: AbstractBaseUser | None = None) -> None:
    with transaction.atomic():
        locked = AllocationPlan.objects.select_for_update().get(pk=plan.pk)
        _require_proposed(locked)
        locked.status = AllocationPlan.Status.DISCARDED
        locked.decided_at = timezone.now()
        locked.decided_by = by if by is not None and by.pk else None
        locked.save(update_fields=["status", "decided_at", "decided_by"])
    _copy_decision(locked, plan)


def _require_proposed(plan: AllocationPlan) -> None:
    if plan.status == AllocationPlan.Status.PROPOSED:
        return
    messages = {
        AllocationPlan.Status.CONFIRMED: _("This plan has already been confirmed."),
        AllocationPlan.Status.DISCARDED: _("This plan was discarded; propose a new one."),
        AllocationPlan.Status.SUPERSEDED: _(
            "Another plan for this site was confirmed after this one was proposed; propose again."
        ),
    }
    raise PlanConflict(messages.get(plan.status, _("This plan is not open for a decision.")))


def _copy_decision(source: AllocationPlan, target: AllocationPlan) -> None:
    target.status = source.status
    target.decided_at = source.decided_at
    target.decided_by = source.decided_by


_APPLIED = (
    AllocationLine.Change.NEW,
    AllocationLine.Change.MOVED,
    AllocationLine.Change.UNHOUSED,
)


def _apply(plan: AllocationPlan, user: AbstractBaseUser | None, now: datetime) -> ConfirmOutcome:
    lines = list(
        plan.lines.filter(change__in=_APPLIED).values(
            "household_id",
            "shelter_ids",
            "shelter_codes",
            "previous_shelter_ids",
            "previous_codes",
            "change",
        )
    )
    changed_pks = [line["household_id"] for line in lines]
    assigned = {pk for line in lines for pk in line["shelter_ids"]}
    reason = _("allocation plan #%(id)d") % {"id": plan.pk}
    history = [
        ShelterChange(
            household_id=line["household_id"],
            plan=plan,
            old_shelter_ids=line["previous_shelter_ids"],
            old_codes=line["previous_codes"],
            new_shelter_ids=line["shelter_ids"],
            new_codes=line["shelter_codes"],
            reason=reason,
            changed_by=user,
        )
        for line in lines
    ]

    # Households outside the plan (departed, or without active members) still recorded in a
    # shelter the plan gives to someone else leave it.
    in_plan = plan.lines.values("household_id")
    vacating = list(
        Household.objects.filter(site=plan.site_id)
        .filter(Q(shelter__in=assigned) | Q(additional_shelters__shelter__in=assigned))
        .exclude(pk__in=in_plan)
        .distinct()
        .values_list("pk", flat=True)
    )
    if vacating:
        old = _held_shelters(vacating)
        history.extend(
            ShelterChange(
                household_id=pk,
                plan=plan,
                old_shelter_ids=[p for p, _c in old[pk]],
                old_codes=" ".join(c for _p, c in old[pk]),
                reason=_("%(reason)s: its shelter went to an active household")
                % {"reason": reason},
                changed_by=user,
            )
            for pk in vacating
        )
        Household.objects.filter(pk__in=vacating).update(shelter=None, updated_at=now)

    AdditionalShelter.objects.filter(
        Q(household__in=changed_pks) | Q(household__in=vacating) | Q(shelter__in=assigned)
    ).delete()
    households = []
    for line in lines:
        household = Household(pk=line["household_id"])
        household.shelter_id = line["shelter_ids"][0] if line["shelter_ids"] else None
        household.updated_at = now
        households.append(household)
    Household.objects.bulk_update(households, ["shelter", "updated_at"], batch_size=LINE_BATCH)
    AdditionalShelter.objects.bulk_create(
        (
            AdditionalShelter(household_id=line["household_id"], shelter_id=pk)
            for line in lines
            for pk in line["shelter_ids"][1:]
        ),
        batch_size=LINE_BATCH,
    )
    _record_history(history)
    _refresh_shelter_statuses(plan.site_id, now)
    return ConfirmOutcome(
        plan=plan,
        newly_housed=sum(line["change"] == AllocationLine.Change.NEW for line in lines),
        moved=sum(line["change"] == AllocationLine.Change.MOVED for line in lines),
        unhoused=sum(line["change"] == AllocationLine.Change.UNHOUSED for line in lines),
        vacated=len(vacating),
    )


def _held_shelters(household_pks: Sequence[int]) -> dict[int, list[tuple[int, str]]]:
    held: dict[int, list[tuple[int, str]]] = {pk: [] for pk in household_pks}
    for pk, shelter_pk, block, code in Household.objects.filter(
        pk__in=household_pks, shelter__isnull=False
    ).values_list("pk", "shelter_id", "shelter__block__code", "shelter__code"):
        held[pk].append((shelter_pk, f"{block}/{code}"))
    for pk, shelter_pk, block, code in AdditionalShelter.objects.filter(
        household__in=household_pks
    ).values_list("household_id", "shelter_id", "shelter__block__code", "shelter__code"):
        held[pk].append((shelter_pk, f"{block}/{code}"))
    return held


def _record_history(history: Sequence[ShelterChange]) -> None:
    ShelterChange.objects.bulk_create(history, batch_size=LINE_BATCH)


def _refresh_shelter_statuses(site_id: int, now: datetime) -> None:
    """Available or occupied, as registration reads them: a family shelter is occupied when a
    household lives there, a collective hall when it is full."""
    # Departed and relocated households may still name their old shelter; they do not live there.
    living = [Household.Status.ACTIVE, Household.Status.INACTIVE]
    shelters = Shelter.objects.filter(block__site_id=site_id, status__in=ALLOCATABLE)
    occupied: set[int] = set(
        shelters.filter(households__status__in=living)
        .exclude(type=Shelter.Type.COLLECTIVE_HALL)
        .values_list("pk", flat=True)
    )
    occupied |= set(shelters.filter(additional_of__isnull=False).values_list("pk", flat=True))
    people = (
        Individual.objects.filter(
            status=Individual.Status.ACTIVE,
            household__status__in=living,
            household__shelter__in=shelters.filter(type=Shelter.Type.COLLECTIVE_HALL),
        )
        .values("household__shelter_id", "household__shelter__capacity")
        .annotate(n=Count("pk"))
        .order_by()
    )
    occupied |= {
        row["household__shelter_id"]
        for row in people
        if row["n"] >= row["household__shelter__capacity"]
    }
    shelters.filter(pk__in=occupied).exclude(status=Shelter.Status.OCCUPIED).update(
        status=Shelter.Status.OCCUPIED, updated_at=now
    )
    shelters.exclude(pk__in=occupied).exclude(status=Shelter.Status.AVAILABLE).update(
        status=Shelter.Status.AVAILABLE, updated_at=now
    )
