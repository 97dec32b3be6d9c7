"""Confirming or discarding a proposed plan: applied in one transaction, under locks, refused
when the registry has moved on since the plan was proposed."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from edgecamp.registry.models import Household, Individual
from edgecamp.shelters.inputs import ALLOCATABLE, read_inputs
from edgecamp.shelters.models import (
    AdditionalShelter,
    AllocationLine,
    AllocationPlan,
    ShelterChange,
)
from edgecamp.shelters.types import LINE_BATCH, ConfirmOutcome, PlanConflict
from edgecamp.sites.models import Shelter, Site

log = logging.getLogger(__name__)


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
        if read_inputs(site).fingerprint != locked.fingerprint:
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
