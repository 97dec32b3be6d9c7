"""Life events of a household in the API: `POST /households/{number}/events` records one
(a body of one of the shapes below, chosen by `type`), `GET` lists them. Each route parses the
request and calls `events.record_event`; its refusals are answered by api.py (422 with the
messages by field)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal
from uuid import UUID

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from edgecamp.core.access import scope_for
from edgecamp.core.schemas import PUBLIC_ID, CleanInput, FieldProblems, Pages, Problem
from edgecamp.registry import events
from edgecamp.registry.codes import DatePrecision, EventKind, Relationship, Sex
from edgecamp.registry.models import LifeEvent

router = Router(tags=["life events"])


def _reasons(kind: str) -> dict[str, Any]:
    return {"enum": ["", *events.REASONS[kind]]}


class _EventIn(CleanInput):
    date: dt.date | None = Field(
        None, description="When it happened (ISO 8601); today if omitted. Never in the future."
    )
    date_precision: str = Field(
        DatePrecision.EXACT.value,
        description="`year` or `estimated` when the date is approximate (a death years ago).",
        json_schema_extra={"enum": list(DatePrecision.values)},
    )
    note: str = Field("", max_length=300, description="The clerk's own words.")
    members: list[int] = Field(
        default_factory=list,
        description="Ids of the members the event concerns; empty: the whole household.",
    )

    def common(self) -> dict[str, Any]:
        return {
            "on": self.date,
            "precision": self.date_precision,
            "reason": getattr(self, "reason", ""),
            "note": self.note,
            "members": tuple(self.members),
        }


class BirthIn(_EventIn):
    """A child born into the household: a new member, dated by the (exact) date of birth."""

    type: Literal["birth"]
    reason: str = Field("", json_schema_extra=_reasons(EventKind.BIRTH))
    sex: str = Field(json_schema_extra={"enum": list(Sex.values)})
    relationship: str = Field(
        Relationship.CHILD.value,
        description="To the focal point.",
        json_schema_extra={"enum": [r for r in Relationship.values if r != "focal_point"]},
    )
    given_name: str = ""
    family_name: str = ""
    names_unknown: bool = Field(False, description="Not named yet.")
    nationality: str = Field("", description="ISO 3166 alpha-3.")

    def to_input(self) -> events.EventInput:
        return events.BirthInput(
            **self.common(),
            sex=self.sex,
            relationship=self.relationship,
            given_name=self.given_name,
            family_name=self.family_name,
            names_unknown=self.names_unknown,
            nationality=self.nationality,
        )


class _NewFocalPoint(_EventIn):
    new_focal_point: int | None = Field(
        None,
        description="Id of the member who becomes focal point: required when the focal point "
        "is among those who leave and others stay.",
    )


class DeathIn(_NewFocalPoint):
    """A member died (`members`: who). The person stays on record, out of active counts."""

    type: Literal["death"]
    reason: str = Field("", json_schema_extra=_reasons(EventKind.DEATH))
    place: str = Field("", max_length=120)
    cause: str = Field(
        "",
        description="Broad category, optional.",
        json_schema_extra={"enum": ["", *events.CauseOfDeath.values]},
    )

    def to_input(self) -> events.EventInput:
        return events.DeathInput(
            **self.common(),
            place=self.place,
            cause=self.cause,
            new_focal_point=self.new_focal_point,
        )


class MissingIn(_NewFocalPoint):
    """Members missing since `date`."""

    type: Literal["missing"]
    reason: str = Field("", json_schema_extra=_reasons(EventKind.MISSING))

    def to_input(self) -> events.EventInput:
        return events.MissingInput(**self.common(), new_focal_point=self.new_focal_point)


class FoundIn(_EventIn):
    """Missing members found again."""

    type: Literal["found"]
    reason: str = Field("", json_schema_extra=_reasons(EventKind.FOUND))

    def to_input(self) -> events.EventInput:
        return events.FoundInput(**self.common())


class DepartureIn(_NewFocalPoint):
    """Members, or (without `members`) the whole household, left the camp; a departed
    household frees its shelter."""

    type: Literal["departure"]
    reason: str = Field(json_schema_extra=_reasons(EventKind.DEPARTURE))
    destination: str = Field("", max_length=120)

    def to_input(self) -> events.EventInput:
        return events.DepartureInput(
            **self.common(), destination=self.destination, new_focal_point=self.new_focal_point
        )


class ReturnIn(_EventIn):
    """The household (departed or inactive) is back, or departed `members` are."""

    type: Literal["return"]
    reason: str = Field("", json_schema_extra=_reasons(EventKind.RETURN))
    shelter: int | None = Field(None, description="Id of a free shelter of the site.")

    def to_input(self) -> events.EventInput:
        return events.ReturnInput(**self.common(), shelter=self.shelter)


class MoveIn(_EventIn):
    """The whole household moves to another shelter of its site (room rules of
    registration)."""

    type: Literal["move"]
    reason: str = Field("", json_schema_extra=_reasons(EventKind.MOVE))
    shelter: int = Field(description="Id of the shelter moved to.")

    def to_input(self) -> events.EventInput:
        return events.MoveInput(**self.common(), shelter=self.shelter)


class RelocationIn(_EventIn):
    """The whole household moves to another site (one of the caller's); its number stays."""

    type: Literal["relocation"]
    reason: str = Field("", json_schema_extra=_reasons(EventKind.RELOCATION))
    site: int = Field(description="Id of the site moved to.")
    shelter: int | None = Field(None, description="Id of a shelter of that site.")

    def to_input(self) -> events.EventInput:
        return events.RelocationInput(**self.common(), site=self.site, shelter=self.shelter)


class JoinIn(_NewFocalPoint):
    """`members` move to another existing household (marriage); memberships keep history."""

    type: Literal["join"]
    reason: str = Field("", json_schema_extra=_reasons(EventKind.JOIN))
    to_household: str = Field(description="Number of the household joined.")
    relationship: str = Field(
        Relationship.OTHER_RELATIVE.value,
        description="To the focal point of the household joined.",
        json_schema_extra={"enum": [r for r in Relationship.values if r != "focal_point"]},
    )

    def to_input(self) -> events.EventInput:
        return events.JoinInput(
            **self.common(),
            to_household=self.to_household,
            relationship=self.relationship,
            new_focal_point=self.new_focal_point,
        )


class SplitIn(_NewFocalPoint):
    """`members` become a new household (a number of its own) with `focal_point` at its head;
    at least one active member stays."""

    type: Literal["split"]
    reason: str = Field("", json_schema_extra=_reasons(EventKind.SPLIT))
    focal_point: int = Field(description="Id of the new household's focal point (a member).")
    shelter: int | None = Field(None, description="Id of a free shelter for the new household.")

    def to_input(self) -> events.EventInput:
        return events.SplitInput(
            **self.common(),
            focal_point=self.focal_point,
            new_focal_point=self.new_focal_point,
            shelter=self.shelter,
        )


class FocalPointChangeIn(_EventIn):
    type: Literal["focal_point_change"]
    reason: str = Field("", json_schema_extra=_reasons(EventKind.FOCAL_POINT_CHANGE))
    new_focal_point: int = Field(description="Id of the active member who becomes focal point.")

    def to_input(self) -> events.EventInput:
        return events.FocalPointChangeInput(**self.common(), new_focal_point=self.new_focal_point)


class CorrectionIn(_EventIn):
    """Undoes an earlier event recorded by mistake, of any type: statuses, shelter, site and
    focal point as they were; an undone birth leaves the child out of every count (status
    `recorded_in_error`, history kept); an undone join takes the people back to the household
    they came from (refused with the reason when it cannot take them: not active, at a site
    the caller does not work at, its shelter full); an undone split brings the members back
    and closes the new household. Refused when later events built on it (correct those
    first). A join is undone on the household joined, a split on the household split."""

    type: Literal["correction"]
    reason: str = Field("", json_schema_extra=_reasons(EventKind.CORRECTION))
    corrects: UUID = Field(description="uuid of the event undone.")

    def to_input(self) -> events.EventInput:
        common = self.common()
        common["members"] = ()
        return events.CorrectionInput(**common, corrects=str(self.corrects))


EventIn = Annotated[
    BirthIn
    | DeathIn
    | MissingIn
    | FoundIn
    | DepartureIn
    | ReturnIn
    | MoveIn
    | RelocationIn
    | JoinIn
    | SplitIn
    | FocalPointChangeIn
    | CorrectionIn,
    Field(discriminator="type"),
]
# The `type` values: api.py leaves them out of error paths (`sex`, not `birth.sex`).
EVENT_TYPES = frozenset(
    {
        "birth",
        "death",
        "missing",
        "found",
        "departure",
        "return",
        "move",
        "relocation",
        "join",
        "split",
        "focal_point_change",
        "correction",
    }
)


class LifeEventOut(Schema):
    uuid: UUID = Field(description=PUBLIC_ID)
    type: str = Field(json_schema_extra={"enum": list(EventKind.values)})
    household: str = Field(
        description="Number of the household the event is recorded on (for a join: the "
        "household joined)."
    )
    from_household: str | None = Field(
        description="For a join, the number of the household left: a join is listed under "
        "both households. For the new household's half of a split, the household split."
    )
    date: dt.date
    date_precision: str = Field(json_schema_extra={"enum": list(DatePrecision.values)})
    reason: str
    note: str
    members: list[int] = Field(description="Ids of the members concerned; empty: everyone.")
    details: dict[str, Any] = Field(
        description="The type's own details, as ids and codes (statuses before, shelters, "
        "sites, focal point, the new household of a split)."
    )
    corrects: UUID | None = Field(description="The event this one undoes.")
    recorded_at: dt.datetime
    recorded_by: str | None

    @staticmethod
    def resolve_type(event: LifeEvent) -> str:
        return event.kind

    @staticmethod
    def resolve_household(event: LifeEvent) -> str:
        return event.household.number

    @staticmethod
    def resolve_from_household(event: LifeEvent) -> str | None:
        if event.kind not in (EventKind.JOIN, EventKind.SPLIT):
            return None
        data = event.data
        if data.get("from_household_number"):
            return str(data["from_household_number"])
        if data.get("from_household"):
            # A join written before the number was kept beside the id (or by a desk move).
            return events.household_number(data["from_household"])
        return None

    @staticmethod
    def resolve_date(event: LifeEvent) -> dt.date:
        return event.occurred_on

    @staticmethod
    def resolve_date_precision(event: LifeEvent) -> str:
        return event.occurred_on_precision

    @staticmethod
    def resolve_members(event: LifeEvent) -> list[int]:
        return [person.pk for person in event.individuals.all()]

    @staticmethod
    def resolve_details(event: LifeEvent) -> dict[str, Any]:
        return dict(event.data)

    @staticmethod
    def resolve_corrects(event: LifeEvent) -> UUID | None:
        return event.corrects.uuid if event.corrects_id else None

    @staticmethod
    def resolve_recorded_by(event: LifeEvent) -> str | None:
        return event.recorded_by.get_username() if event.recorded_by_id else None


@router.post(
    "/households/{number}/events",
    response={201: LifeEventOut, 404: Problem, 422: FieldProblems},
    summary="Record a life event",
)
def record_event(request: HttpRequest, number: str, payload: EventIn) -> Status[Any]:
    """One event of the household's life, chosen by `type`, in one transaction: refused as a
    whole (422, the messages by field) when anything is wrong: a date in the future or before
    the registration, a death before the birth, a full shelter, a merged record, a site the
    caller does not work at, a split taking everybody, a focal point leaving without
    `new_focal_point`. Two desks recording on one household at once are served one after the
    other. Undo an event with `type: "correction"` and `corrects`."""
    try:
        event = events.record_event(
            number, payload.to_input(), scope=scope_for(request.user), recorded_by=request.user
        )
    except events.HouseholdNotFound:
        raise _not_found(number) from None
    # The event as written (its household, recorder and corrected event are in memory).
    return Status(201, event)


@router.get(
    "/households/{number}/events",
    response={200: list[LifeEventOut], 404: Problem},
    summary="List a household's life events",
)
@paginate(Pages)
def list_events(request: HttpRequest, number: str) -> Any:
    """The events of the household, newest first: those recorded on it, and the joins by
    which members left it for another household (recorded there, `from_household` is this
    one)."""
    found = events.events_of(number, scope=scope_for(request.user))
    if found is None:
        raise _not_found(number)
    return found.select_related("household")


def _not_found(number: str) -> HttpError:
    return HttpError(
        404,
        _(
            "No household has the number “%(number)s”. Check the number, or search with "
            "GET /api/v1/households?q=."
        )
        % {"number": number},
    )
