"""Protection records in the REST API: for protection officers of the household's site only
(the policy in access_policy.py admits the role; the queries keep to the officer's sites, and
answer 404 elsewhere). Every read is audited as a sensitive read."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from edgecamp.core.access import scope_for
from edgecamp.core.params import MAX_DB_INT
from edgecamp.core.schemas import (
    PUBLIC_ID,
    CleanInput,
    FieldProblems,
    MultilineText,
    PagedRows,
    Pages,
    Problem,
)
from edgecamp.protection import queries, services
from edgecamp.protection.models import ConfidentialNote, TracingRequest
from edgecamp.registry.models import Household

router = Router(tags=["protection"])


class NoteOut(Schema):
    id: int
    uuid: UUID = Field(description=PUBLIC_ID)
    household: str
    individual_id: int | None
    text: str
    written_by: str
    written_at: datetime

    @staticmethod
    def from_note(note: ConfidentialNote) -> dict[str, Any]:
        return {
            "id": note.pk,
            "uuid": note.uuid,
            "household": note.household.number,
            "individual_id": note.individual_id,
            "text": note.text,
            "written_by": note.written_by.get_username() if note.written_by else "",
            "written_at": note.written_at,
        }


class TracingOut(Schema):
    id: int
    uuid: UUID = Field(description=PUBLIC_ID)
    household: str
    requester_id: int
    sought_given_name: str
    sought_family_name: str
    sought_sex: str
    sought_age: int | None
    relationship: str
    last_seen_place: str
    last_seen_on: date | None
    sought_individual_id: int | None = Field(description="The registered person sought, if any.")
    reported_found_on: date | None = Field(
        description="When the registry recorded the person sought as found (review the status)."
    )
    status: str
    opened_at: datetime
    updated_at: datetime

    @staticmethod
    def from_request(found: TracingRequest) -> dict[str, Any]:
        return {
            "id": found.pk,
            "uuid": found.uuid,
            "household": found.household.number,
            "requester_id": found.requester_id,
            "sought_given_name": found.sought_given_name,
            "sought_family_name": found.sought_family_name,
            "sought_sex": found.sought_sex,
            "sought_age": found.sought_age,
            "relationship": found.relationship,
            "last_seen_place": found.last_seen_place,
            "last_seen_on": found.last_seen_on,
            "sought_individual_id": found.sought_individual_id,
            "reported_found_on": found.found_event.occurred_on if found.found_event_id else None,
            "status": found.status,
            "opened_at": found.opened_at,
            "updated_at": found.updated_at,
        }


class HouseholdProtectionOut(Schema):
    notes: list[NoteOut]
    tracing_requests: list[TracingOut]


class NoteIn(CleanInput):
    text: MultilineText = Field(max_length=services.MAX_NOTE)
    individual_id: int | None = Field(None, description="A member the note is about; or none.")


class TracingIn(CleanInput):
    requester_id: int = Field(description="The member of the household who is asking.")
    sought_given_name: str = Field("", max_length=100)
    sought_family_name: str = Field("", max_length=100)
    sought_sex: str = Field("", description="female, male, other; empty if unknown.")
    sought_age: int | None = Field(None, description="Estimated age in years.")
    relationship: str = Field(max_length=60, description="Of the person sought to the requester.")
    last_seen_place: str = Field("", max_length=200)
    last_seen_on: date | None = None
    sought_individual_id: int | None = Field(
        None,
        description="The member of this household reported missing, when the person sought "
        "is registered here (one request in progress per person).",
    )


class StatusIn(CleanInput):
    status: str = Field(description="open, located, reunited or closed.")


def _household(request: HttpRequest, number: str) -> Household:
    household = queries.protection_household(number, scope_for(request.user))
    if household is None:
        raise HttpError(404, _("No household has the number %(number)s.") % {"number": number})
    return household


@router.get(
    "/households/{number}/protection",
    response={200: HouseholdProtectionOut, 404: Problem},
    summary="Confidential notes and tracing requests of a household",
)
def get_household_protection(request: HttpRequest, number: str) -> Status[Any]:
    scope = scope_for(request.user)
    household = _household(request, number)
    found = queries.read_household_protection(household, scope)
    assert found is not None  # _household checked the scope
    return Status(
        200,
        {
            "notes": [NoteOut.from_note(n) for n in found.notes],
            "tracing_requests": [TracingOut.from_request(t) for t in found.tracing_requests],
        },
    )


@router.post(
    "/households/{number}/notes",
    response={201: NoteOut, 404: Problem, 422: FieldProblems},
    summary="Add a confidential note",
)
def add_note(request: HttpRequest, number: str, payload: NoteIn) -> Status[Any]:
    household = _household(request, number)
    note = services.add_note(
        household,
        text=payload.text,
        individual_id=payload.individual_id,
        written_by=request.user,
    )
    return Status(201, NoteOut.from_note(note))


@router.post(
    "/households/{number}/tracing-requests",
    response={201: TracingOut, 404: Problem, 422: FieldProblems},
    summary="Open a tracing request",
)
def open_tracing_request(request: HttpRequest, number: str, payload: TracingIn) -> Status[Any]:
    household = _household(request, number)
    data = services.TracingInput(**payload.dict())
    found = services.open_tracing_request(household, data, opened_by=request.user)
    return Status(201, TracingOut.from_request(found))


@router.get(
    "/tracing-requests",
    response=list[TracingOut],
    summary="Tracing requests at your sites, newest first",
)
@paginate(Pages)
def list_tracing_requests(
    request: HttpRequest,
    status: str = Query("", description="Only this status: open, located, reunited, closed."),
    site: int | None = Query(None, ge=1, le=MAX_DB_INT, description="Only this site (id)."),
) -> PagedRows[TracingRequest]:
    """Only the requests of the page returned are read, and audited as read."""

    def rows(page: list[TracingRequest]) -> list[dict[str, Any]]:
        queries.record_reads(page)
        return [TracingOut.from_request(t) for t in page]

    found = queries.tracing_caseload(scope_for(request.user), status=status, site_id=site)
    return PagedRows(found, rows)


@router.post(
    "/tracing-requests/{request_id}/status",
    response={200: TracingOut, 404: Problem, 422: FieldProblems},
    summary="Change the status of a tracing request",
)
def set_tracing_status(request: HttpRequest, request_id: int, payload: StatusIn) -> Status[Any]:
    found = queries.tracing_request(request_id, scope_for(request.user))
    if found is None:
        raise HttpError(404, _("No tracing request has this id at your sites."))
    services.set_tracing_status(found, payload.status)
    return Status(200, TracingOut.from_request(found))
