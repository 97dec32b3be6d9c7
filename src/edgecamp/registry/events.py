"""Recording what happens in a household's life: births, deaths, people missing and found,
departures and returns, moves to another shelter or site, joins, splits, focal point changes,
and the correction that undoes one of them.

`record_event(number, data, scope=..., recorded_by=...)` is the one service: one transaction
that locks the household row first (two desks recording about one household at the same
moment queue there: a row lock on PostgreSQL, the IMMEDIATE write transaction on SQLite),
validates the input against the household as it is under the lock, changes the records and
writes the `LifeEvent`, or raises `EventError` (messages by field, as the API and the form
name them) having written nothing.

Each kind's input is a frozen dataclass below; `EventInput` carries what every kind has (`on`,
`precision`, `reason`, `note`, `members`: the ids of the members it concerns). The event's
`data` keeps what a correction needs to put things back (old statuses, shelter, site, focal
point, relationships), as ids and codes only.

Rules kept whatever the kind:
- never a household without a focal point while it has active members: the death, departure,
  join or split taking the focal point away must name `new_focal_point`;
- an event is dated neither in the future nor before the household's registration (a birth
  may be: a child born before registration is registered, not born here);
- a merged household or person takes no event;
- shelters: the room rules of registration (services._validate_shelter_room); a shelter left
  empty becomes available again, so the allocation and the dashboard see it free.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from edgecamp.core import dates
from edgecamp.core.access import Scope
from edgecamp.core.dates import in_words
from edgecamp.core.errors import Refused
from edgecamp.registry import life_events
from edgecamp.registry.codes import (
    DatePrecision,
    EventKind,
    EventReason,
    Relationship,
    Sex,
    is_known_nationality,
)
from edgecamp.registry.models import Household, Individual, LifeEvent, Membership, status_data
from edgecamp.registry.services import (
    _next_household_number,
    _occupants,
    _validate_shelter_room,
    housed,
)
from edgecamp.sites.models import OUT_OF_USE, Shelter, Site

log = logging.getLogger(__name__)

MAX_NOTE = 300
MAX_PLACE = 120


class CauseOfDeath(models.TextChoices):
    """Broad categories, as a registry (not a death certificate) records them."""

    ILLNESS = "illness", gettext_lazy("Illness")
    INJURY = "injury", gettext_lazy("Injury or accident")
    VIOLENCE = "violence", gettext_lazy("Violence")
    MATERNAL = "maternal", gettext_lazy("Pregnancy or childbirth")
    NEONATAL = "neonatal", gettext_lazy("Newborn (first 28 days)")
    MALNUTRITION = "malnutrition", gettext_lazy("Malnutrition")
    OLD_AGE = "old_age", gettext_lazy("Old age")
    UNKNOWN = "unknown", gettext_lazy("Unknown")


# Why, for each kind: the reasons a clerk may choose (the first is the default).
DEPARTURE_REASONS = (
    EventReason.VOLUNTARY_REPATRIATION,
    EventReason.RESETTLEMENT,
    EventReason.ONWARD_MOVEMENT,
    EventReason.SPONTANEOUS_DEPARTURE,
    EventReason.TRANSFER_TO_ANOTHER_CAMP,
    EventReason.OTHER,
)
MOVE_REASONS = (
    EventReason.SHELTER_TOO_SMALL,
    EventReason.SHELTER_DAMAGED,
    EventReason.PROTECTION_NEED,
    EventReason.SITE_CLOSURE,
    EventReason.HOUSEHOLD_REQUEST,
    EventReason.OTHER,
)
REASONS: dict[str, tuple[str, ...]] = {
    EventKind.BIRTH: (EventReason.OTHER,),
    EventKind.DEATH: (EventReason.OTHER,),
    EventKind.MISSING: (EventReason.OTHER,),
    EventKind.FOUND: (EventReason.OTHER,),
    EventKind.DEPARTURE: DEPARTURE_REASONS,
    EventKind.RETURN: (EventReason.RETURNED, EventReason.REACTIVATED, EventReason.OTHER),
    EventKind.MOVE: MOVE_REASONS,
    EventKind.RELOCATION: MOVE_REASONS,
    EventKind.JOIN: (EventReason.MARRIAGE, EventReason.FAMILY_REUNIFICATION, EventReason.OTHER),
    EventKind.SPLIT: (EventReason.NEW_HOUSEHOLD, EventReason.MARRIAGE, EventReason.OTHER),
    EventKind.FOCAL_POINT_CHANGE: (
        EventReason.FOCAL_POINT_DIED,
        EventReason.FOCAL_POINT_LEFT,
        EventReason.FOCAL_POINT_CHOSEN,
        EventReason.OTHER,
    ),
    EventKind.CORRECTION: (
        EventReason.EVENT_RECORDED_WRONGLY,
        EventReason.DATA_ERROR,
        EventReason.NEW_INFORMATION,
        EventReason.OTHER,
    ),
}
# Every kind a correcting event can undo (a correction itself is undone by recording the
# event again).
CORRECTABLE = frozenset(REASONS) - {EventKind.CORRECTION}


class EventError(Refused):
    """Messages keyed by the input's field: `date`, `members.1`, `new_focal_point`, `shelter`."""

    detail = gettext_lazy("Nothing was recorded: correct the fields listed in “errors”.")


class HouseholdNotFound(Exception):
    """No household of that number within the scope (its existence is not revealed)."""


# --- Input ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EventInput:
    on: date | None = None  # today when None
    precision: str = DatePrecision.EXACT
    reason: str = ""
    note: str = ""
    members: Sequence[int] = ()

    kind: str = field(default="", init=False)


@dataclass(frozen=True)
class BirthInput(EventInput):
    sex: str = Sex.UNKNOWN
    relationship: str = Relationship.CHILD
    given_name: str = ""
    family_name: str = ""
    names_unknown: bool = False
    nationality: str = ""
    kind: str = field(default=EventKind.BIRTH, init=False)


@dataclass(frozen=True)
class DeathInput(EventInput):
    place: str = ""
    cause: str = ""
    new_focal_point: int | None = None
    kind: str = field(default=EventKind.DEATH, init=False)


@dataclass(frozen=True)
class MissingInput(EventInput):
    new_focal_point: int | None = None
    kind: str = field(default=EventKind.MISSING, init=False)


@dataclass(frozen=True)
class FoundInput(EventInput):
    kind: str = field(default=EventKind.FOUND, init=False)


@dataclass(frozen=True)
class DepartureInput(EventInput):
    destination: str = ""
    new_focal_point: int | None = None
    kind: str = field(default=EventKind.DEPARTURE, init=False)


@dataclass(frozen=True)
class ReturnInput(EventInput):
    shelter: int | None = None
    kind: str = field(default=EventKind.RETURN, init=False)


@dataclass(frozen=True)
class MoveInput(EventInput):
    shelter: int | None = None
    kind: str = field(default=EventKind.MOVE, init=False)


@dataclass(frozen=True)
class RelocationInput(EventInput):
    site: int | None = None
    shelter: int | None = None
    kind: str = field(default=EventKind.RELOCATION, init=False)


@dataclass(frozen=True)
class JoinInput(EventInput):
    to_household: str = ""
    relationship: str = Relationship.OTHER_RELATIVE
    new_focal_point: int | None = None
    kind: str = field(default=EventKind.JOIN, init=False)


@dataclass(frozen=True)
class SplitInput(EventInput):
    focal_point: int | None = None  # of the new household, one of `members`
    new_focal_point: int | None = None  # of the household left, when its focal point goes
    shelter: int | None = None
    kind: str = field(default=EventKind.SPLIT, init=False)


@dataclass(frozen=True)
class FocalPointChangeInput(EventInput):
    new_focal_point: int | None = None
    kind: str = field(default=EventKind.FOCAL_POINT_CHANGE, init=False)


@dataclass(frozen=True)
class CorrectionInput(EventInput):
    corrects: str = ""  # the uuid of the event undone
    kind: str = field(default=EventKind.CORRECTION, init=False)


# What a kind's event does to a person: (statuses it applies to, status it gives).
_PERSON_CHANGES = {
    EventKind.DEATH: ({Individual.Status.ACTIVE, Individual.Status.MISSING}, "deceased"),
    EventKind.MISSING: ({Individual.Status.ACTIVE}, "missing"),
    EventKind.FOUND: ({Individual.Status.MISSING}, "active"),
    EventKind.DEPARTURE: ({Individual.Status.ACTIVE, Individual.Status.MISSING}, "departed"),
    EventKind.RETURN: ({Individual.Status.DEPARTED}, "active"),
}


# --- Hooks -----------------------------------------------------------------------------------


DeathHook = Callable[[LifeEvent, Individual], None]
_death_hooks: list[DeathHook] = []


def on_death(hook: DeathHook) -> None:
    """Called by an app above the registry (the deceased registry to come) in its `ready()`:
    `hook(event, person)` runs inside the transaction recording each death, so what it writes
    commits or rolls back with the event."""
    _death_hooks.append(hook)


FoundHook = Callable[[LifeEvent, Individual], None]
_found_hooks: list[FoundHook] = []


def on_found(hook: FoundHook) -> None:
    """Called by an app above the registry (protection: the tracing request open for the
    person) in its `ready()`: `hook(event, person)` runs inside the transaction recording each
    person found, so what it writes commits or rolls back with the event."""
    _found_hooks.append(hook)


# --- The service -----------------------------------------------------------------------------


def record_event(
    number: str,
    data: EventInput,
    *,
    scope: Scope | None,
    recorded_by: AbstractBaseUser | None = None,
) -> LifeEvent:
    """Record `data` on household `number` (within `scope`), in one transaction."""
    user = recorded_by if recorded_by is not None and recorded_by.pk else None
    with transaction.atomic():
        household = _locked_household(number, scope)
        recorder = _Recorder(household, data, scope, user)
        event = recorder.run()
    log.info("life event %s recorded on household %s", event.kind, household.number)
    return event


def _locked_household(number: str, scope: Scope | None) -> Household:
    """The household, its members locked first (in id order) and then its own row: the order
    a merge takes them in (people, then their household), so the two never deadlock."""
    households = Household.objects.all()
    if scope is not None:
        households = households.filter(scope.sites_q("site_id"))
    found = households.filter(number=number).values_list("pk", flat=True).first()
    if found is None:
        raise HouseholdNotFound(number)
    list(
        Individual.objects.select_for_update()
        .filter(household_id=found)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    household = (
        Household.objects.select_for_update(of=("self",)).select_related("site").get(pk=found)
    )
    if scope is not None and not scope.includes(household.site_id):
        raise HouseholdNotFound(number)  # relocated by another desk meanwhile
    return household


class _Recorder:
    """One event being recorded: validation (collecting every problem) then the changes."""

    def __init__(
        self,
        household: Household,
        data: EventInput,
        scope: Scope | None,
        user: AbstractBaseUser | None,
    ) -> None:
        self.household = household
        self.data = data
        self.scope = scope
        self.user = user
        self.errors = EventError()
        self.today = timezone.localdate()
        self.on = data.on or self.today
        if data.precision == DatePrecision.YEAR:
            # Year-only dates are stored as 1 January, as dates of birth are.
            self.on = self.on.replace(month=1, day=1)
        # Read again under the household's lock: a member added meanwhile (a birth, a desk
        # link) is committed by now, and locked here with the others.
        self.members = {
            m.pk: m
            for m in Individual.objects.select_for_update()
            .filter(household=household)
            .order_by("pk")
        }

    # -- common checks --

    def run(self) -> LifeEvent:
        data = self.data
        handler = getattr(self, f"_{data.kind}", None)
        if handler is None:
            raise EventError({"type": [_("Unknown event type “%s”.") % data.kind]})
        if self.household.status == Household.Status.MERGED:
            raise EventError(
                {
                    "household": [
                        _(
                            "Household %(number)s was closed as a duplicate of another "
                            "registration: record the event on that household."
                        )
                        % {"number": self.household.number}
                    ]
                }
            )
        self._check_common()
        event: LifeEvent = handler()
        return event

    def _check_common(self) -> None:
        data = self.data
        if data.precision not in DatePrecision.values:
            self.errors.add("date_precision", _("Choose exact, year only or estimated."))
        if self.on > self.today:
            self.errors.add("date", _("An event cannot be dated in the future."))
        elif (
            data.kind != EventKind.BIRTH
            and data.precision == DatePrecision.EXACT
            and self.on < self.household.registration_date
        ):
            self.errors.add(
                "date",
                _(
                    "Household %(number)s was registered on %(registered)s: an event here "
                    "cannot be dated earlier."
                )
                % {
                    "number": self.household.number,
                    "registered": self.household.registration_date.isoformat(),
                },
            )
        elif problem := dates.REGISTRATION.problem(self.on, self.today):
            self.errors.add("date", problem)
        allowed = REASONS.get(data.kind, ())
        if data.reason and data.reason not in allowed:
            self.errors.add(
                "reason",
                _("For this event choose a reason among %(reasons)s.")
                % {"reasons": ", ".join(allowed)},
            )
        if len(data.note.strip()) > MAX_NOTE:
            self.errors.add("note", _("Keep the note under 300 characters."))

    def _reason(self) -> str:
        """The reason given, or the kind's usual one; none for the kinds whose only reason
        is "other" (a birth needs no reason)."""
        reasons = REASONS[self.data.kind]
        return self.data.reason or ("" if reasons == (EventReason.OTHER,) else reasons[0])

    def _named(self, *, required: bool, statuses: set[str] | None = None) -> list[Individual]:
        """The members the input names, checked to be current members of this household with
        one of `statuses` (any but merged when None)."""
        if required and not self.data.members:
            self.errors.add("members", _("Choose the member this event concerns."))
        people: list[Individual] = []
        seen: set[int] = set()
        for index, pk in enumerate(self.data.members):
            person = self.members.get(pk)
            path = f"members.{index}"
            if person is None:
                self.errors.add(
                    path,
                    _("This person is not a member of household %(number)s.")
                    % {"number": self.household.number},
                )
            elif pk in seen:
                self.errors.add(path, _("This person is listed twice."))
            elif person.status == Individual.Status.MERGED:
                self.errors.add(
                    path,
                    _("This record was merged into another one: choose the surviving record."),
                )
            elif statuses is not None and person.status not in statuses:
                self.errors.add(
                    path,
                    _("%(person)s is %(status)s: this event does not apply.")
                    % {"person": person, "status": person.get_status_display().lower()},
                )
            else:
                people.append(person)
            seen.add(pk)
        return people

    def _active_members(self) -> list[Individual]:
        return [m for m in self.members.values() if m.status == Individual.Status.ACTIVE]

    def _household_must_be(self, *statuses: str) -> bool:
        if self.household.status in statuses:
            return True
        self.errors.add(
            "household",
            _("Household %(number)s is %(status)s: this event does not apply to it.")
            % {
                "number": self.household.number,
                "status": self.household.get_status_display().lower(),
            },
        )
        return False

    def _successor(self, leaving: Sequence[Individual], chosen: int | None) -> Individual | None:
        """The new focal point when `leaving` takes the focal point away from people who stay
        active: required then, and one of them. None when no change is needed."""
        leaving_ids = {p.pk for p in leaving}
        staying = [m for m in self._active_members() if m.pk not in leaving_ids]
        focal_leaves = self.household.focal_point_id in leaving_ids
        if chosen is None:
            if focal_leaves and staying:
                self.errors.add(
                    "new_focal_point",
                    _(
                        "The focal point leaves the household: choose who becomes the focal "
                        "point of the members who stay."
                    ),
                )
            return None
        person = next((m for m in staying if m.pk == chosen), None)
        if person is None:
            self.errors.add(
                "new_focal_point",
                _("Choose an active member who stays in household %(number)s.")
                % {"number": self.household.number},
            )
        elif not focal_leaves and person.pk == self.household.focal_point_id:
            return None
        return person

    def _shelter(self, shelter_id: int | None, site_id: int, people: int) -> Shelter | None:
        if shelter_id is None:
            return None
        shelter = (
            Shelter.objects.select_for_update(of=("self",))
            .select_related("block")
            .filter(pk=shelter_id)
            .first()
        )
        if shelter is None:
            self.errors.add("shelter", _("Choose a shelter that exists, or leave it empty."))
        elif shelter.block.site_id != site_id:
            self.errors.add("shelter", _("This shelter is in another site."))
        elif shelter.pk == self.household.shelter_id and self.household.status in (
            Household.Status.ACTIVE,
            Household.Status.INACTIVE,
        ):
            self.errors.add("shelter", _("The household already lives in this shelter."))
        elif shelter.status in OUT_OF_USE:
            self.errors.add(
                "shelter",
                _("This shelter is %(status)s; choose another one.")
                % {"status": shelter.get_status_display().lower()},
            )
        else:
            _validate_shelter_room(shelter, people, self.errors)  # type: ignore[arg-type]
        return shelter

    def _raise_if_errors(self) -> None:
        if self.errors.errors:
            raise self.errors

    def _record(
        self,
        kind: str,
        *,
        household: Household | None = None,
        individuals: Sequence[Individual] = (),
        details: dict[str, Any] | None = None,
        reason: str | None = None,
        corrects: LifeEvent | None = None,
    ) -> LifeEvent:
        return life_events.record(
            EventKind(kind),
            household or self.household,
            individuals=individuals,
            occurred_on=self.on,
            precision=self.data.precision,
            reason=self._reason() if reason is None else reason,
            note=self.data.note,
            data=details or {},
            recorded_by=self.user,
            corrects=corrects,
        )

    # -- changes shared by several kinds --

    def _set_status(self, people: Sequence[Individual], status: str) -> dict[str, str]:
        """Each person's status before, by id."""
        before = {str(p.pk): p.status for p in people}
        for person in people:
            person.status = status
            person.save(update_fields=["status", "updated_at"])
        return before

    def _set_focal_point(self, person: Individual | None) -> dict[str, Any] | None:
        if person is None:
            return None
        change = {
            "old": self.household.focal_point_id,
            "new": person.pk,
            "old_relationship": person.relationship,
        }
        self.household.focal_point = person
        self.household.save(update_fields=["focal_point", "updated_at"])
        person.relationship = Relationship.FOCAL_POINT
        person.save(update_fields=["relationship", "updated_at"])
        return change

    def _set_household_status(self, status: str) -> str:
        before = self.household.status
        self.household.status = status
        self.household.save(update_fields=["status", "updated_at"])
        return before

    def _leave_shelter(self, household: Household | None = None) -> int | None:
        """Take the household out of its shelter, which becomes available when empty."""
        household = household or self.household
        shelter_id = household.shelter_id
        if shelter_id is None:
            return None
        household.shelter = None
        household.save(update_fields=["shelter", "updated_at"])
        free_when_empty(shelter_id)
        return shelter_id

    def _enter_shelter(self, shelter: Shelter | None, household: Household | None = None) -> None:
        if shelter is None:
            return
        household = household or self.household
        household.shelter = shelter
        household.save(update_fields=["shelter", "updated_at"])
        occupy_when_full(shelter)

    def _rehouse(self, shelter: Shelter | None, *, also: Sequence[str] = ()) -> int | None:
        """Move the household into `shelter` (None: none) in one write, with the fields
        `also` changed beside it; the old shelter is freed when left empty. Returns its id."""
        old = self.household.shelter_id
        self.household.shelter = shelter
        self.household.save(update_fields=["shelter", *also, "updated_at"])
        if old is not None:
            free_when_empty(old)
        if shelter is not None:
            occupy_when_full(shelter)
        return old

    # -- the kinds --

    def _birth(self) -> LifeEvent:
        data = self.data
        assert isinstance(data, BirthInput)
        self._household_must_be(Household.Status.ACTIVE)
        if data.members:
            self.errors.add("members", _("A birth concerns the new member only: leave it empty."))
        if data.precision != DatePrecision.EXACT:
            self.errors.add("date_precision", _("A birth recorded here has an exact date."))
        given, family = " ".join(data.given_name.split()), " ".join(data.family_name.split())
        if not data.names_unknown and not (given or family):
            self.errors.add(
                "given_name",
                _("Enter the child's name, or tick “names unknown” if not named yet."),
            )
        if len(given) > 100 or len(family) > 100:
            self.errors.add("given_name", _("Keep names under 100 characters."))
        if data.sex not in Sex.values:
            self.errors.add("sex", _("Choose female, male, other or unknown."))
        if data.relationship not in Relationship.values or (
            data.relationship == Relationship.FOCAL_POINT
        ):
            self.errors.add("relationship", _("Choose the relationship to the focal point."))
        nationality = data.nationality.strip().upper()
        if nationality and not is_known_nationality(nationality):
            self.errors.add("nationality", _("Use an ISO 3166 three-letter code (e.g. SDN)."))
        self._raise_if_errors()
        child = Individual(
            household=self.household,
            given_name=given,
            family_name=family,
            names_unknown=data.names_unknown,
            sex=data.sex,
            date_of_birth=self.on,
            date_of_birth_precision=DatePrecision.EXACT,
            relationship=data.relationship,
            nationality=nationality,
        )
        child.save()
        Membership.objects.create(
            individual=child,
            household=self.household,
            relationship=data.relationship,
            started_on=self.on,
            reason="birth",
        )
        return self._record(
            EventKind.BIRTH,
            individuals=[child],
            details=status_data("", child.status, individual=child.pk),
        )

    def _person_status_event(
        self, *, new_focal_point: int | None = None, extra: dict[str, Any] | None = None
    ) -> LifeEvent:
        """Death, missing, found: the named people change status; the focal point is handed
        over when it goes."""
        kind = self.data.kind
        statuses, new_status = _PERSON_CHANGES[kind]
        self._household_must_be(Household.Status.ACTIVE)
        people = self._named(required=True, statuses=statuses)
        successor = None
        if new_status != Individual.Status.ACTIVE:
            successor = self._successor(people, new_focal_point)
        if kind == EventKind.DEATH:
            for index, person in enumerate(people):
                born = person.date_of_birth
                exact = self.data.precision == DatePrecision.EXACT
                if born is not None and (self.on < born if exact else self.on.year < born.year):
                    self.errors.add(
                        "date",
                        _("%(person)s was born on %(born)s: the death cannot be earlier.")
                        % {"person": person, "born": in_words(born)},
                    )
                    self.errors.add(f"members.{index}", _("Check the date of birth or death."))
        self._raise_if_errors()
        before = self._set_status(people, new_status)
        details: dict[str, Any] = {
            "old_status": next(iter(before.values())),
            "new_status": new_status,
            "old_statuses": before,
            **(extra or {}),
        }
        if focal := self._set_focal_point(successor):
            details["focal_point"] = focal
        if kind == EventKind.DEATH and not self._active_members():
            # Nobody left to live here: the household closes (inactive, never deleted) and
            # frees its shelter.
            details["household_status"] = self._set_household_status(Household.Status.INACTIVE)
            details["old_shelter"] = self._leave_shelter()
        event = self._record(kind, individuals=people, details=details)
        hooks = {EventKind.DEATH: _death_hooks, EventKind.FOUND: _found_hooks}.get(kind, [])
        for person in people:
            for hook in hooks:
                hook(event, person)
        return event

    def _death(self) -> LifeEvent:
        data = self.data
        assert isinstance(data, DeathInput)
        if len(data.place.strip()) > MAX_PLACE:
            self.errors.add("place", _("Keep the place under 120 characters."))
        if data.cause and data.cause not in CauseOfDeath.values:
            self.errors.add(
                "cause",
                _("Choose a cause among %(causes)s, or leave it empty.")
                % {"causes": ", ".join(CauseOfDeath.values)},
            )
        return self._person_status_event(
            new_focal_point=data.new_focal_point,
            extra={"place": data.place.strip(), "cause": data.cause},
        )

    def _missing(self) -> LifeEvent:
        data = self.data
        assert isinstance(data, MissingInput)
        return self._person_status_event(new_focal_point=data.new_focal_point)

    def _found(self) -> LifeEvent:
        return self._person_status_event()

    def _departure(self) -> LifeEvent:
        data = self.data
        assert isinstance(data, DepartureInput)
        self._household_must_be(Household.Status.ACTIVE, Household.Status.INACTIVE)
        if not data.reason:
            self.errors.add("reason", _("Choose why the household or the member left."))
        if len(data.destination.strip()) > MAX_PLACE:
            self.errors.add("destination", _("Keep the destination under 120 characters."))
        people = self._named(required=False, statuses=_PERSON_CHANGES[EventKind.DEPARTURE][0])
        active = self._active_members()
        whole = not data.members or {p.pk for p in people} >= {m.pk for m in active}
        successor = None if whole else self._successor(people, data.new_focal_point)
        self._raise_if_errors()
        details: dict[str, Any] = {"destination": data.destination.strip()}
        if not whole:
            before = self._set_status(people, Individual.Status.DEPARTED)
            details.update(
                old_status=next(iter(before.values())),
                new_status=Individual.Status.DEPARTED,
                old_statuses=before,
            )
            if focal := self._set_focal_point(successor):
                details["focal_point"] = focal
            return self._record(EventKind.DEPARTURE, individuals=people, details=details)
        # The whole household leaves: its members keep their own statuses (they left with it,
        # and come back with it), the household stops counting and frees its shelter.
        details.update(
            status_data(self._set_household_status(Household.Status.DEPARTED), "departed")
        )
        details["old_shelter"] = self._leave_shelter()
        return self._record(EventKind.DEPARTURE, details=details)

    def _return(self) -> LifeEvent:
        """The whole household back (departed, inactive), or departed members back to it."""
        data = self.data
        assert isinstance(data, ReturnInput)
        gone = (Household.Status.DEPARTED, Household.Status.INACTIVE, Household.Status.RELOCATED)
        reactivates = self.household.status in gone
        if data.members:
            self._household_must_be(Household.Status.ACTIVE, *gone)
            people = self._named(required=True, statuses=_PERSON_CHANGES[EventKind.RETURN][0])
        else:
            self._household_must_be(*gone)
            people = []
        if data.shelter is not None and self.household.shelter_id is not None:
            self.errors.add("shelter", _("The household has a shelter: record a move instead."))
        arriving = len(people) + (len(self._active_members()) if reactivates else 0)
        shelter = self._shelter(data.shelter, self.household.site_id, arriving)
        self._raise_if_errors()
        details: dict[str, Any] = {}
        if reactivates:
            details["household_status"] = self._set_household_status(Household.Status.ACTIVE)
        if people:
            before = self._set_status(people, Individual.Status.ACTIVE)
            details.update(
                old_status=next(iter(before.values())),
                new_status=Individual.Status.ACTIVE,
                old_statuses=before,
            )
        else:
            details.update(status_data(details["household_status"], Household.Status.ACTIVE))
        if shelter is not None:
            details["new_shelter"] = shelter.pk
            self._enter_shelter(shelter)
        active = self._active_members()
        # The focal point had gone: the first member back takes the role until the household
        # chooses (a focal point change).
        if (
            active
            and self.household.focal_point_id not in {m.pk for m in active}
            and (focal := self._set_focal_point(people[0] if people else active[0]))
        ):
            details["focal_point"] = focal
        return self._record(EventKind.RETURN, individuals=people, details=details)

    def _move(self) -> LifeEvent:
        data = self.data
        assert isinstance(data, MoveInput)
        self._household_must_be(Household.Status.ACTIVE)
        if data.members:
            self.errors.add(
                "members",
                _("A move concerns the whole household; to house part of it elsewhere, split it."),
            )
        if data.shelter is None:
            self.errors.add("shelter", _("Choose the shelter the household moves to."))
        shelter = self._shelter(data.shelter, self.household.site_id, len(self._active_members()))
        self._raise_if_errors()
        assert shelter is not None
        old = self._rehouse(shelter)
        return self._record(EventKind.MOVE, details={"old_shelter": old, "new_shelter": shelter.pk})

    def _relocation(self) -> LifeEvent:
        data = self.data
        assert isinstance(data, RelocationInput)
        self._household_must_be(Household.Status.ACTIVE)
        if data.members:
            self.errors.add(
                "members",
                _("A relocation concerns the whole household; to relocate part of it, split it."),
            )
        site = Site.objects.filter(pk=data.site).first() if data.site is not None else None
        if site is None or (self.scope is not None and not self.scope.includes(site.pk)):
            # A site the user does not work at is answered as one that does not exist.
            self.errors.add(
                "site",
                _("Choose one of your sites: a relocation needs a user who works at both sites."),
            )
        elif site.pk == self.household.site_id:
            self.errors.add("site", _("The household already lives at this site: record a move."))
        elif site.status == Site.Status.CLOSED:
            self.errors.add(
                "site", _("Site %(site)s is closed; choose an open site.") % {"site": site}
            )
        shelter = None
        if site is not None and not self.errors.errors.get("site"):
            shelter = self._shelter(data.shelter, site.pk, len(self._active_members()))
        self._raise_if_errors()
        assert site is not None
        details: dict[str, Any] = {"old_site": self.household.site_id, "new_site": site.pk}
        self.household.site = site
        details["old_shelter"] = self._rehouse(shelter, also=["site"])
        if shelter is not None:
            details["new_shelter"] = shelter.pk
        return self._record(EventKind.RELOCATION, details=details)

    def _join(self) -> LifeEvent:
        data = self.data
        assert isinstance(data, JoinInput)
        self._household_must_be(Household.Status.ACTIVE)
        people = self._named(required=True, statuses={Individual.Status.ACTIVE})
        target = None
        households = Household.objects.select_for_update(of=("self",))
        if self.scope is not None:
            households = households.filter(self.scope.sites_q("site_id"))
        target = households.filter(number=data.to_household.strip()).first()
        if target is None:
            self.errors.add(
                "to_household", _("Enter the number of a household at one of your sites.")
            )
        elif target.pk == self.household.pk:
            self.errors.add("to_household", _("The person is already in this household."))
        elif target.status != Household.Status.ACTIVE:
            self.errors.add(
                "to_household",
                _("Household %(number)s is %(status)s: choose an active household.")
                % {"number": target.number, "status": target.get_status_display().lower()},
            )
        if data.relationship not in Relationship.values or (
            data.relationship == Relationship.FOCAL_POINT
        ):
            self.errors.add(
                "relationship",
                _("Choose the relationship to the focal point of the household joined."),
            )
        self._refuse_everybody(people, "members")
        successor = self._successor(people, data.new_focal_point)
        self._raise_if_errors()
        assert target is not None
        moved = self._move_people(people, target, {p.pk: data.relationship for p in people})
        details: dict[str, Any] = {
            "from_household": self.household.pk,
            "from_household_number": self.household.number,
            "relationships": moved,
        }
        if len(people) == 1:
            # The shape services.move_individual writes for one person.
            details["old_relationship"] = moved[str(people[0].pk)][0]
            details["relationship"] = data.relationship
        if focal := self._set_focal_point(successor):
            details["focal_point"] = focal
        return self._record(EventKind.JOIN, household=target, individuals=people, details=details)

    def _refuse_everybody(self, people: Sequence[Individual], path: str) -> None:
        active = {m.pk for m in self._active_members()}
        if people and active and {p.pk for p in people} >= active:
            self.errors.add(
                path,
                _(
                    "Everybody would leave household %(number)s: leave at least one active "
                    "member, or record a departure or a move of the whole household."
                )
                % {"number": self.household.number},
            )

    def _move_people(
        self, people: Sequence[Individual], to: Household, relationships: dict[int, str]
    ) -> dict[str, list[str]]:
        """Close each person's membership here and open one in `to`; (old, new) relationship
        by id."""
        reason = self._reason()
        Membership.objects.filter(individual__in=people, ended_on__isnull=True).update(
            ended_on=self.on, reason=reason
        )
        Membership.objects.bulk_create(
            Membership(
                individual=person,
                household=to,
                relationship=relationships[person.pk],
                started_on=self.on,
                reason=reason,
            )
            for person in people
        )
        moved = {}
        for person in people:
            moved[str(person.pk)] = [person.relationship, relationships[person.pk]]
            person.household = to
            person.relationship = relationships[person.pk]
            person.save(update_fields=["household", "relationship", "updated_at"])
        return moved

    def _split(self) -> LifeEvent:
        data = self.data
        assert isinstance(data, SplitInput)
        self._household_must_be(Household.Status.ACTIVE)
        people = self._named(required=True, statuses={Individual.Status.ACTIVE})
        self._refuse_everybody(people, "members")
        if data.focal_point is None or data.focal_point not in {p.pk for p in people}:
            self.errors.add(
                "focal_point", _("Choose the focal point of the new household among its members.")
            )
        successor = self._successor(people, data.new_focal_point)
        shelter = self._shelter(data.shelter, self.household.site_id, len(people))
        self._raise_if_errors()
        new = Household.objects.create(
            number=_next_household_number(),
            site=self.household.site,
            place_of_origin=self.household.place_of_origin,
            phone="",
            language=self.household.language,
            registration_date=self.on,
            registration_desk="",
            registered_by=self.user,
        )
        relationships = {
            p.pk: Relationship.FOCAL_POINT
            if p.pk == data.focal_point
            # Their relationship was to the focal point left behind.
            else (
                Relationship.OTHER_RELATIVE
                if p.relationship == Relationship.FOCAL_POINT
                else p.relationship
            )
            for p in people
        }
        moved = self._move_people(people, new, relationships)
        new.focal_point_id = data.focal_point
        new.save(update_fields=["focal_point"])
        if shelter is not None:
            self._enter_shelter(shelter, new)
        details: dict[str, Any] = {
            "new_household": new.pk,
            "new_household_number": new.number,
            "relationships": moved,
        }
        if focal := self._set_focal_point(successor):
            details["focal_point"] = focal
        event = self._record(EventKind.SPLIT, individuals=people, details=details)
        self._record(
            EventKind.SPLIT,
            household=new,
            individuals=people,
            details=status_data(
                "",
                Household.Status.ACTIVE,
                from_household=self.household.pk,
                from_household_number=self.household.number,
            ),
        )
        return event

    def _focal_point_change(self) -> LifeEvent:
        data = self.data
        assert isinstance(data, FocalPointChangeInput)
        self._household_must_be(Household.Status.ACTIVE)
        if data.members:
            self.errors.add("members", _("Name the new focal point in “new_focal_point”."))
        person = self.members.get(data.new_focal_point or 0)
        if person is None or person.status != Individual.Status.ACTIVE:
            self.errors.add("new_focal_point", _("Choose an active member of this household."))
        elif person.pk == self.household.focal_point_id:
            self.errors.add("new_focal_point", _("This person is the focal point already."))
        self._raise_if_errors()
        focal = self._set_focal_point(person)
        return self._record(
            EventKind.FOCAL_POINT_CHANGE, individuals=[person], details={"focal_point": focal}
        )

    # -- undoing --

    def _correction(self) -> LifeEvent:
        data = self.data
        assert isinstance(data, CorrectionInput)
        target = _event_of(self.household, data.corrects)
        if target is None:
            raise EventError(
                {"corrects": [_("Choose an event of this household (its uuid) to correct.")]}
            )
        if target.kind not in CORRECTABLE:
            raise EventError(
                {
                    "corrects": [
                        _(
                            "A %(kind)s cannot be undone by a correcting event: correct the "
                            "records themselves, or record the event that reverses it."
                        )
                        % {"kind": target.get_kind_display().lower()}
                    ]
                }
            )
        if target.corrections.exists():
            raise EventError({"corrects": [_("This event was corrected already.")]})
        if target.kind == EventKind.SPLIT and "new_household" not in target.data:
            # The new household's half of a split: the split is undone where it was recorded.
            raise EventError(
                {
                    "corrects": [
                        _(
                            "This household was split from household %(number)s: undo the "
                            "split there."
                        )
                        % {"number": target.data.get("from_household_number", "")}
                    ]
                }
            )
        # Undoing is safe only if nothing later (not itself undone) built on this event: no
        # later event of the people it named (in any household), or of this household when it
        # named nobody; for a split, nothing recorded on the new household since either.
        later = (
            LifeEvent.objects.filter(recorded_at__gt=target.recorded_at)
            .exclude(kind=EventKind.CORRECTION)
            .exclude(pk=target.pk)
            .filter(corrections__isnull=True)
        )
        people = list(target.individuals.all())
        companion = None
        if target.kind == EventKind.SPLIT:
            companion = _split_companion(target)
            if companion is not None:
                later = later.exclude(pk=companion.pk)
            later = later.filter(
                Q(individuals__in=people) | Q(household_id=target.data["new_household"])
            )
        elif people:
            later = later.filter(individuals__in=people)
        else:
            later = later.filter(household=self.household)
        if later.exists():
            raise EventError(
                {
                    "corrects": [
                        _(
                            "Later events changed what this one recorded: correct the later "
                            "events first, newest first."
                        )
                    ]
                }
            )
        self._raise_if_errors()
        reason = data.reason or EventReason.EVENT_RECORDED_WRONGLY
        if target.kind == EventKind.BIRTH:
            undone = self._undo_birth(people)
        elif target.kind == EventKind.JOIN:
            undone = self._undo_join(target, people)
        elif target.kind == EventKind.SPLIT:
            undone = self._undo_split(target, people)
            closed = Household.objects.get(pk=target.data["new_household"])
            self._record(
                EventKind.CORRECTION,
                household=closed,
                individuals=people,
                details={
                    "corrected_kind": target.kind,
                    **status_data(Household.Status.ACTIVE, closed.status),
                    "back_to_household": self.household.pk,
                    "back_to_household_number": self.household.number,
                },
                reason=reason,
                corrects=companion,
            )
        else:
            undone = self._undo(target, people)
        return self._record(
            EventKind.CORRECTION,
            individuals=people,
            details={"corrected_kind": target.kind, **undone},
            reason=reason,
            corrects=target,
        )

    def _undo_birth(self, people: list[Individual]) -> dict[str, Any]:
        """The child recorded by mistake leaves every count; the record and its history stay
        (a life event names it), marked as recorded in error."""
        child = self.members.get(people[0].pk) if people else None
        if child is None or child.status != Individual.Status.ACTIVE:
            raise EventError(
                {"corrects": [_("The person this birth recorded is no longer an active member.")]}
            )
        before = self._set_status([child], Individual.Status.RECORDED_IN_ERROR)
        return {
            "old_status": Individual.Status.ACTIVE,
            "new_status": Individual.Status.RECORDED_IN_ERROR,
            "old_statuses": before,
        }

    def _undo_join(self, target: LifeEvent, people: list[Individual]) -> dict[str, Any]:
        """The people who joined this household go back to the household they came from, with
        the relationships they had there (and its focal point, if they were it)."""
        old = target.data
        moved: dict[str, list[str]] = old.get("relationships") or {
            str(p.pk): [old.get("old_relationship", ""), old.get("relationship", "")]
            for p in people
        }
        here = [self.members.get(p.pk) for p in people]
        if any(p is None or p.status != Individual.Status.ACTIVE for p in here):
            raise EventError(
                {"corrects": [_("The people who joined are no longer active members here.")]}
            )
        back = self._taking_back(old.get("from_household"), len(people))
        staying = self._locked_members(back)
        return self._move_back([p for p in here if p is not None], back, staying, moved, old)

    def _undo_split(self, target: LifeEvent, people: list[Individual]) -> dict[str, Any]:
        """The new household's members come back with the relationships they had here, this
        household gets its focal point back if they took it, and the new household closes
        (inactive, never deleted; its shelter freed)."""
        old = target.data
        new = self._lock_household(old["new_household"])
        members = self._locked_members(new)
        named = {p.pk for p in people}
        others = [
            m for m in members.values() if m.pk not in named and m.status in _COUNTED_STATUSES
        ]
        leaving = [members.get(p.pk) for p in people]
        if others or any(p is None or p.status != Individual.Status.ACTIVE for p in leaving):
            raise EventError(
                {
                    "corrects": [
                        _(
                            "Household %(number)s is no longer as the split made it (its "
                            "members changed since): correct its members one by one."
                        )
                        % {"number": new.number}
                    ]
                }
            )
        self._can_take_back(self.household, len(people))
        undone = self._move_back(
            [p for p in leaving if p is not None],
            self.household,
            self.members,
            old["relationships"],
            old,
        )
        undone["closed_household"] = new.pk
        undone["closed_household_number"] = new.number
        undone["old_shelter"] = self._leave_shelter(new)
        new.status = Household.Status.INACTIVE
        new.focal_point = None
        new.save(update_fields=["status", "focal_point", "updated_at"])
        return undone

    # -- taking people back --

    def _lock_household(self, pk: int) -> Household:
        found = Household.objects.select_for_update(of=("self",)).filter(pk=pk).first()
        if found is None:
            raise EventError({"corrects": [_("The other household of this event is gone.")]})
        return found

    def _locked_members(self, household: Household) -> dict[int, Individual]:
        return {
            m.pk: m
            for m in Individual.objects.select_for_update()
            .filter(household=household)
            .order_by("pk")
        }

    def _taking_back(self, household_id: int | None, people: int) -> Household:
        """The household people go back to, locked, refused with the reason when it cannot
        take them: not one of the user's, not active, or its shelter full."""
        if household_id is None:
            raise EventError({"corrects": [_("This event does not say where they came from.")]})
        back = self._lock_household(household_id)
        if self.scope is not None and not self.scope.includes(back.site_id):
            raise EventError(
                {
                    "corrects": [
                        _(
                            "Household %(number)s is now at a site you do not work at: a "
                            "user of that site must take them back."
                        )
                        % {"number": back.number}
                    ]
                }
            )
        self._can_take_back(back, people)
        return back

    def _can_take_back(self, back: Household, people: int) -> None:
        if back.status != Household.Status.ACTIVE:
            raise EventError(
                {
                    "corrects": [
                        _(
                            "Household %(number)s is %(status)s and cannot take them back: "
                            "record its return first."
                        )
                        % {"number": back.number, "status": back.get_status_display().lower()}
                    ]
                }
            )
        if back.shelter_id is None:
            return
        shelter = Shelter.objects.select_for_update(of=("self",)).get(pk=back.shelter_id)
        occupants = _occupants(shelter)
        if occupants + people > shelter.capacity:
            raise EventError(
                {
                    "corrects": [
                        _(
                            "The shelter of household %(number)s holds %(capacity)d people and "
                            "%(occupants)d live there already: move that household to a "
                            "larger shelter first."
                        )
                        % {
                            "number": back.number,
                            "capacity": shelter.capacity,
                            "occupants": occupants,
                        }
                    ]
                }
            )

    def _move_back(
        self,
        people: Sequence[Individual],
        back: Household,
        staying: dict[int, Individual],
        moved: dict[str, list[str]],
        old: dict[str, Any],
    ) -> dict[str, Any]:
        """Move `people` into `back` with their relationships before the event; give `back`
        its focal point again when the event had handed it over (and nobody changed it since),
        so it never has two focal points nor none."""
        focal = old.get("focal_point")
        restore = (
            focal is not None
            and back.focal_point_id == focal.get("new")
            and focal.get("old") in {p.pk for p in people}
        )
        relationships = {}
        for person in people:
            before = moved.get(str(person.pk), [person.relationship])[0] or person.relationship
            if before == Relationship.FOCAL_POINT and not (restore and focal["old"] == person.pk):
                before = Relationship.OTHER_RELATIVE  # the household has another focal point
            relationships[person.pk] = before
        undone: dict[str, Any] = {
            "back_to_household": back.pk,
            "back_to_household_number": back.number,
            "relationships": self._move_people(people, back, relationships),
        }
        if restore:
            assert focal is not None
            successor = staying.get(focal["new"])
            if successor is not None:
                successor.relationship = focal["old_relationship"]
                successor.save(update_fields=["relationship", "updated_at"])
            back.focal_point_id = focal["old"]
            back.save(update_fields=["focal_point", "updated_at"])
            undone["focal_point"] = {"old": focal["new"], "new": focal["old"]}
        elif back.focal_point_id is None:
            # Nobody heads the household taken back into (a desk move left it so): the first
            # person back does.
            focal_change = self._focal_point_of(back, people[0])
            undone["focal_point"] = focal_change
        return undone

    def _focal_point_of(self, household: Household, person: Individual) -> dict[str, Any]:
        change = {"old": None, "new": person.pk, "old_relationship": person.relationship}
        household.focal_point = person
        household.save(update_fields=["focal_point", "updated_at"])
        person.relationship = Relationship.FOCAL_POINT
        person.save(update_fields=["relationship", "updated_at"])
        return change

    def _undo(self, target: LifeEvent, people: list[Individual]) -> dict[str, Any]:
        """Put back what `target` changed; the correction's `data`."""
        old = target.data
        undone: dict[str, Any] = {}
        for person in people:
            wanted = old.get("old_statuses", {}).get(str(person.pk))
            if wanted:
                locked = self.members.get(person.pk)
                if locked is None:
                    raise EventError(
                        {"corrects": [_("%(person)s is no longer a member.") % {"person": person}]}
                    )
                undone.setdefault("old_statuses", {})[str(person.pk)] = locked.status
                undone["old_status"], undone["new_status"] = locked.status, wanted
                locked.status = wanted
                locked.save(update_fields=["status", "updated_at"])
        if "household_status" in old or (not people and "old_status" in old):
            wanted = old.get("household_status") or old["old_status"]
            before = self._set_household_status(wanted)
            undone["household_status"] = before
            if not people:
                undone.update(status_data(before, wanted))
        if "old_site" in old:
            site_id = old["old_site"]
            if self.scope is not None and not self.scope.includes(site_id):
                raise EventError(
                    {"corrects": [_("Only a user who works at both sites can undo a relocation.")]}
                )
            undone["old_site"] = self.household.site_id
            self.household.site_id = site_id
            self.household.save(update_fields=["site", "updated_at"])
        if "new_shelter" in old or "old_shelter" in old:
            undone["old_shelter"] = self._leave_shelter()
            back = old.get("old_shelter")
            if back is not None and self.household.status not in (
                Household.Status.DEPARTED,
                Household.Status.RELOCATED,
            ):
                shelter = self._shelter(back, self.household.site_id, len(self._active_members()))
                if self.errors.errors:
                    self.errors.errors = {
                        "corrects": [
                            _("The household's former shelter is no longer free: %(why)s")
                            % {"why": " ".join(self.errors.errors.get("shelter", []))}
                        ]
                    }
                    raise self.errors
                self._enter_shelter(shelter)
                undone["new_shelter"] = back
        if focal := old.get("focal_point"):
            person = self.members.get(focal["new"])
            if person is not None and self.household.focal_point_id == person.pk:
                person.relationship = focal["old_relationship"]
                person.save(update_fields=["relationship", "updated_at"])
                self.household.focal_point_id = focal["old"]
                self.household.save(update_fields=["focal_point", "updated_at"])
                undone["focal_point"] = {"old": person.pk, "new": focal["old"]}
        return undone


# The statuses of people a household still counts as its own.
_COUNTED_STATUSES = {
    Individual.Status.ACTIVE,
    Individual.Status.MISSING,
    Individual.Status.DEPARTED,
}


def _split_companion(split: LifeEvent) -> LifeEvent | None:
    """The event a split writes on the household it creates (its first event)."""
    return (
        LifeEvent.objects.filter(household_id=split.data["new_household"], kind=EventKind.SPLIT)
        .order_by("recorded_at", "id")
        .first()
    )


def _event_of(household: Household, public_id: str) -> LifeEvent | None:
    try:
        key = uuid.UUID(str(public_id).strip())
    except ValueError:
        return None
    return (
        LifeEvent.objects.filter(household=household, uuid=key)
        .prefetch_related("individuals")
        .first()
    )


# --- Shelters ------------------------------------------------------------------------------------


def free_when_empty(shelter_id: int) -> None:
    """A shelter nobody lives in any more (a hall with room again) is available."""
    shelter = Shelter.objects.select_for_update().filter(pk=shelter_id).first()
    if shelter is None or shelter.status != Shelter.Status.OCCUPIED:
        return
    if shelter.type == Shelter.Type.COLLECTIVE_HALL:
        if _occupants(shelter) >= shelter.capacity:
            return
    elif housed(shelter).exists():
        return
    shelter.status = Shelter.Status.AVAILABLE
    shelter.save(update_fields=["status", "updated_at"])


def occupy_when_full(shelter: Shelter) -> None:
    """`shelter` (locked by the caller, in this transaction) is occupied once full."""
    if shelter.type == Shelter.Type.COLLECTIVE_HALL and _occupants(shelter) < shelter.capacity:
        return
    if shelter.status == Shelter.Status.AVAILABLE:
        shelter.status = Shelter.Status.OCCUPIED
        shelter.save(update_fields=["status", "updated_at"])


# --- Reading ----------------------------------------------------------------------------------


def departure_of(household_id: int) -> LifeEvent | None:
    """The departure that made this household leave, if it has left (for the desk's refusal)."""
    return (
        LifeEvent.objects.filter(
            household_id=household_id, kind=EventKind.DEPARTURE, individuals__isnull=True
        )
        .filter(corrections__isnull=True)
        .order_by("-occurred_on", "-recorded_at")
        .first()
    )


def household_number(household_id: int) -> str | None:
    return Household.objects.filter(pk=household_id).values_list("number", flat=True).first()


def events_of(number: str, *, scope: Scope | None) -> Any:
    """The events recorded on household `number` (None when not within the scope), newest
    first."""
    households = Household.objects.all()
    if scope is not None:
        households = households.filter(scope.sites_q("site_id"))
    household = households.filter(number=number).first()
    if household is None:
        return None
    # A join is listed under both households: the one joined (where it is recorded) and the
    # one left.
    return (
        LifeEvent.objects.filter(
            Q(household=household) | Q(pk__in=life_events.joins_left(household))
        )
        .select_related("recorded_by", "corrects")
        .prefetch_related("individuals")
        .order_by("-occurred_on", "-recorded_at", "-id")
    )
