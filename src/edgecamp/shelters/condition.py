"""A shelter's condition: a manager marks it damaged, under repair or decommissioned, or
habitable again, with a reason and a date; the history (`sites.ShelterStatusChange`) is kept.

A shelter out of use takes nobody new (registration, the move event and allocation read its
status). Marking an occupied shelter damaged or under repair is allowed: people often stay
while a repair is arranged, so the outcome names the households to move and the page offers
the move. Decommissioning one that people still live in is refused, naming the households to
move first: a decommissioned shelter is struck off, and nobody may be left in it on paper."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from edgecamp.core.access import Scope
from edgecamp.core.errors import Refused
from edgecamp.registry.models import Household, Individual
from edgecamp.registry.services import housed
from edgecamp.shelters.models import AdditionalShelter
from edgecamp.sites.models import Condition, Shelter, ShelterStatusChange

REASON_MAX = 300


class ConditionError(Refused):
    detail = gettext_lazy("The shelter's status was not changed: correct the fields in “errors”.")


class ShelterNotFound(Exception):
    pass


@dataclass(frozen=True)
class ConditionInput:
    condition: str
    reason: str
    on: date | None = None  # today when not given


@dataclass(frozen=True)
class ConditionOutcome:
    change: ShelterStatusChange
    # Households still living in a shelter now out of use: the ones to move.
    to_move: list[str]


def households_in(shelter: Shelter) -> list[str]:
    """Numbers of the households living in the shelter (as their own or a further shelter)."""
    own = housed(shelter).values_list("number", flat=True)
    further = AdditionalShelter.objects.filter(shelter=shelter).exclude(
        household__status__in=[
            Household.Status.DEPARTED,
            Household.Status.RELOCATED,
            Household.Status.MERGED,
        ]
    )
    return sorted({*own, *further.values_list("household__number", flat=True)})


def change_condition(
    shelter_id: int,
    data: ConditionInput,
    *,
    scope: Scope | None,
    by: AbstractBaseUser | None,
) -> ConditionOutcome:
    """Marks the shelter, in one transaction under its row lock; raises ConditionError (nothing
    written) or ShelterNotFound (not a shelter of the scope's sites)."""
    with transaction.atomic():
        shelters = Shelter.objects.select_for_update(of=("self",)).select_related("block")
        if scope is not None:
            shelters = shelters.filter(scope.sites_q("block__site_id"))
        shelter = shelters.filter(pk=shelter_id).first()
        if shelter is None:
            raise ShelterNotFound(shelter_id)
        errors = ConditionError()
        reason = " ".join(data.reason.split())
        today = timezone.localdate()
        on = data.on or today
        if data.condition not in Condition.values:
            errors.add(
                "status",
                _("Choose a status: %(choices)s.")
                % {"choices": ", ".join(str(label) for label in Condition.labels)},
            )
        elif data.condition == shelter.condition:
            errors.add(
                "status",
                _("This shelter is already %(status)s.")
                % {"status": Condition(data.condition).label.lower()},
            )
        if not reason:
            errors.add("reason", _("Say why, e.g. “roof torn by the storm”."))
        elif len(reason) > REASON_MAX:
            errors.add("reason", _("Keep the reason under %(n)d characters.") % {"n": REASON_MAX})
        if on > today:
            errors.add("date", _("The date cannot be in the future."))
        living = households_in(shelter)
        if data.condition == Condition.DECOMMISSIONED and living:
            errors.add(
                "status",
                _(
                    "People still live in this shelter: move households %(numbers)s first, "
                    "then decommission it."
                )
                % {"numbers": ", ".join(living)},
            )
        if errors.errors:
            raise errors
        previous = shelter.condition
        shelter.status = (
            _room_status(shelter) if data.condition == Condition.HABITABLE else data.condition
        )
        shelter.save(update_fields=["status", "updated_at"])
        change = ShelterStatusChange.objects.create(
            shelter=shelter,
            condition=data.condition,
            previous=previous,
            reason=reason,
            occurred_on=on,
            recorded_by=by if by is not None and by.pk else None,
        )
    to_move = living if data.condition != Condition.HABITABLE else []
    return ConditionOutcome(change, to_move)


def _room_status(shelter: Shelter) -> str:
    """Available or occupied, as registration reads them: a family shelter is occupied when a
    household lives there, a collective hall when it is full."""
    if AdditionalShelter.objects.filter(shelter=shelter).exists():
        return Shelter.Status.OCCUPIED
    if shelter.type != Shelter.Type.COLLECTIVE_HALL:
        return Shelter.Status.OCCUPIED if housed(shelter).exists() else Shelter.Status.AVAILABLE
    people = Individual.objects.filter(
        household__in=housed(shelter), status=Individual.Status.ACTIVE
    ).count()
    return Shelter.Status.OCCUPIED if people >= shelter.capacity else Shelter.Status.AVAILABLE
