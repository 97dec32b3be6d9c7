"""Corrections through the API: `PATCH /households/{number}` and `PATCH /individuals/{id}`,
partial JSON bodies, conditional on `If-Match` (core.preconditions): missing 428, stale 412
with the current representation and its ETag. The ETag is of the representation the GETs
answer (`household_representation`, `individual_representation`), computed again under the
household's row lock inside the correcting transaction (registry.corrections)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.errors import HttpError

from edgecamp.audit.capture import record_sensitive_read
from edgecamp.core.access import Scope, scope_for
from edgecamp.core.params import MAX_DB_INT
from edgecamp.core.preconditions import check_if_match, etag_of
from edgecamp.core.schemas import CleanInput, FieldProblems, Problem
from edgecamp.registry import corrections, queries
from edgecamp.registry.codes import (
    PROTECTION_SENSITIVE_NEEDS,
    DatePrecision,
    DocumentType,
    Relationship,
    Sex,
    SpecificNeed,
)
from edgecamp.registry.schemas import HouseholdDetail, IndividualDetail

_REASONS = {"enum": [str(r.value) for r in corrections.CORRECTION_REASONS]}

ETAG_HEADER = {
    "ETag": {
        "description": "The representation's strong validator: send it back in If-Match to "
        "correct the record.",
        "schema": {"type": "string"},
    }
}
IF_MATCH = {
    "name": "If-Match",
    "in": "header",
    "required": True,
    "description": "The ETag of the record as you read it (GET). Missing: 428; no longer the "
    "record's: 412 with the record as it is now and its ETag. `*` matches any version.",
    "schema": {"type": "string"},
}


def as_json(schema: type[Schema], record: Any) -> dict[str, Any]:
    """The JSON a response of `schema` carries for `record`."""
    return schema.from_orm(record).model_dump(mode="json")


def with_etag(schema: type[Schema], record: Any) -> HttpResponse:
    """The 200 answer for `record` with its ETag: serialised once, for the body and the tag
    (returning the record would have ninja serialise it a second time)."""
    body = as_json(schema, record)
    response = JsonResponse(body)
    response["ETag"] = etag_of(body)
    return response


def household_representation(number: str, scope: Scope) -> dict[str, Any] | None:
    household = queries.household_detail(number, scope=scope)
    return None if household is None else as_json(HouseholdDetail, household)


def individual_representation(individual_id: int, scope: Scope) -> dict[str, Any] | None:
    individual = queries.individual_detail(individual_id, scope=scope)
    return None if individual is None else as_json(IndividualDetail, individual)


# --- Shapes ------------------------------------------------------------------------------------


class _CorrectionIn(CleanInput):
    reason: str = Field(
        description="Why: data_error (recorded wrongly), new_information (a new document or "
        "information), other (say what in `note`).",
        json_schema_extra=_REASONS,
    )
    note: str = Field("", max_length=300, description="The clerk's own words.")


class HouseholdPatch(_CorrectionIn):
    """Only the fields sent are corrected."""

    phone: str | None = None
    language: str | None = Field(None, description="ISO 639 code: ar, fr, so...")
    place_of_origin: str | None = None
    registration_desk: str | None = None
    focal_point: int | None = Field(
        None, ge=1, le=MAX_DB_INT, description="Id of an active member of the household."
    )
    previous_focal_point_relationship: str = Field(
        "",
        description="With a new focal point: how the previous one is related to the new one.",
        json_schema_extra={"enum": ["", *Relationship.values]},
    )

    def to_correction(self) -> corrections.HouseholdCorrection:
        given = self.model_dump(exclude_unset=True)
        values = {
            name: ("" if given[name] is None and name != "focal_point" else given[name])
            for name in corrections.HOUSEHOLD_FIELDS
            if name in given
        }
        return corrections.HouseholdCorrection(
            reason=self.reason,
            note=self.note,
            values=values,
            previous_focal_point_relationship=self.previous_focal_point_relationship,
        )


class DocumentPatch(CleanInput):
    """A document to add (no `uuid`: type and number), to correct (its `uuid` and the fields
    to change) or to withdraw (`uuid` and `withdraw`)."""

    uuid: str | None = Field(None, description="The document's `uuid`, as the GET lists it.")
    type: str | None = Field(None, json_schema_extra={"enum": DocumentType.values})
    number: str | None = None
    issuing_country: str | None = None
    expires_on: date | None = None
    withdraw: bool = False

    def to_change(self) -> corrections.DocumentChange:
        given = self.model_dump(exclude_unset=True)
        values = {
            name: ("" if given[name] is None and name != "expires_on" else given[name])
            for name in ("type", "number", "issuing_country", "expires_on")
            if name in given
        }
        return corrections.DocumentChange(uuid=self.uuid, values=values, withdraw=self.withdraw)


class IndividualPatch(_CorrectionIn):
    """Only the fields sent are corrected. Documents and specific needs are changed one by
    one: `documents` added, corrected or withdrawn, needs added or closed."""

    given_name: str | None = None
    family_name: str | None = None
    given_name_local: str | None = Field(None, description="The given name in own script.")
    family_name_local: str | None = Field(None, description="The family name in own script.")
    other_names: list[str] | None = None
    names_unknown: bool | None = None
    sex: str | None = Field(None, json_schema_extra={"enum": Sex.values})
    date_of_birth: date | None = Field(None, description="null: unknown.")
    date_of_birth_precision: str | None = Field(
        None, json_schema_extra={"enum": DatePrecision.values}
    )
    nationality: str | None = None
    relationship: str | None = Field(
        None,
        description="Relationship to the focal point (the focal point itself is changed on "
        "the household).",
        json_schema_extra={"enum": Relationship.values},
    )
    documents: list[DocumentPatch] = Field(default_factory=list)
    specific_needs_added: list[str] = Field(
        default_factory=list, json_schema_extra={"items": {"enum": SpecificNeed.values}}
    )
    specific_needs_closed: list[str] = Field(
        default_factory=list,
        description="Protection-sensitive needs only by protection officers of the site.",
        json_schema_extra={"items": {"enum": SpecificNeed.values}},
    )

    def to_correction(self) -> corrections.IndividualCorrection:
        given = self.model_dump(exclude_unset=True)
        values = {}
        for name in corrections.INDIVIDUAL_FIELDS:
            if name not in given:
                continue
            value = given[name]
            if value is None and name == "other_names":
                value = []
            elif value is None and name not in ("date_of_birth", "names_unknown"):
                value = ""
            values[name] = value
        return corrections.IndividualCorrection(
            reason=self.reason,
            note=self.note,
            values=values,
            documents=[document.to_change() for document in self.documents],
            needs_added=self.specific_needs_added,
            needs_closed=self.specific_needs_closed,
        )


class StaleHousehold(Schema):
    detail: str
    current: HouseholdDetail = Field(description="The household as it is now (ETag header).")


class StaleIndividual(Schema):
    detail: str
    current: IndividualDetail = Field(description="The person as they are now (ETag header).")


def _responses(ok: type[Schema], stale: type[Schema]) -> dict[int, Any]:
    return {
        200: ok,
        404: Problem,
        409: FieldProblems,
        412: stale,
        422: FieldProblems,
        428: FieldProblems,
    }


_OPENAPI = {
    "parameters": [IF_MATCH],
    "responses": {
        200: {"headers": ETAG_HEADER},
        412: {"headers": ETAG_HEADER},
    },
}


# --- Routes ------------------------------------------------------------------------------------


def add_routes(router: Router) -> None:
    """Add the PATCH operations to the registry's router: beside the GETs of the same paths
    (a second router's pattern for a path would never be reached)."""
    router.patch(
        "/households/{number}",
        response=_responses(HouseholdDetail, StaleHousehold),
        summary="Correct a household",
        openapi_extra=_OPENAPI,
    )(patch_household)
    router.patch(
        "/individuals/{individual_id}",
        response=_responses(IndividualDetail, StaleIndividual),
        summary="Correct an individual",
        openapi_extra=_OPENAPI,
    )(patch_individual)


def patch_household(request: HttpRequest, number: str, payload: HouseholdPatch) -> Any:
    """Corrects the fields sent (phone, language, place of origin, desk, focal point), with a
    reason, recorded as a `correction` life event with each value before and after. Requires
    If-Match with the ETag of GET /households/{number}: missing 428, stale 412 (nothing
    written; `current` is the household now). Answers the household and its new ETag."""
    scope = scope_for(request.user)
    household_id = (
        queries.visible_households(scope).filter(number=number).values_list("pk", flat=True)
    ).first()
    if household_id is None:
        raise HttpError(404, _("No household has the number “%(number)s”.") % {"number": number})

    read: dict[str, dict[str, Any]] = {}

    def precondition(_locked: Any) -> None:
        read["current"] = household_representation(number, scope) or {}
        check_if_match(request, read["current"])

    corrected = corrections.correct_household(
        household_id,
        payload.to_correction(),
        scope=scope,
        corrected_by=request.user,
        precondition=precondition,
    )
    body = _household_answer(read["current"], corrected)
    if body is None:  # the focal point changed: members and memberships too, read them again
        household = queries.household_detail(number, scope=scope)
        if household is not None and queries.has_sensitive_needs(household.members.all()):
            record_sensitive_read(household, "specific needs")
        return with_etag(HouseholdDetail, household)
    if _shows_sensitive_needs(body["members"]):
        record_sensitive_read(corrected, "specific needs")
    return _answer(body)


def patch_individual(request: HttpRequest, individual_id: int, payload: IndividualPatch) -> Any:
    """Corrects the fields sent (names, other names, names unknown, sex, date of birth and
    its precision, nationality, relationship), adds, corrects or withdraws documents, adds or
    closes specific needs; with a reason, recorded as `correction` life events. Requires
    If-Match with the ETag of GET /individuals/{id}: missing 428, stale 412. A correction of
    a protection-sensitive need is visible to protection officers of the site only."""
    scope = scope_for(request.user)
    if not 1 <= individual_id <= MAX_DB_INT:
        raise HttpError(404, _("No individual has the id %(id)d.") % {"id": individual_id})

    read: dict[str, dict[str, Any]] = {}

    def precondition(_locked: Any) -> None:
        read["current"] = individual_representation(individual_id, scope) or {}
        check_if_match(request, read["current"])

    correction = payload.to_correction()
    corrected = corrections.correct_individual(
        individual_id,
        correction,
        scope=scope,
        corrected_by=request.user,
        precondition=precondition,
    )
    body = _individual_answer(read["current"], corrected, correction)
    if body is None:  # documents, needs or memberships changed: read the person again
        individual = queries.individual_detail(individual_id, scope=scope)
        if individual is not None and queries.has_sensitive_needs([individual]):
            record_sensitive_read(individual, "specific needs")
        return with_etag(IndividualDetail, individual)
    if _shows_sensitive_needs([body]):
        record_sensitive_read(corrected, "specific needs")
    return _answer(body)


# --- The answer from the representation read under the lock -----------------------------------
#
# A correction's event changes no status, so the representation after it is the one read under
# the lock (for If-Match) with the corrected columns put in: built from them rather than read
# again (6 to 8 queries less). What touches other rows (a focal point: two members'
# relationships and memberships; a person's documents, needs or relationship) is read again.

_HOUSEHOLD_COLUMNS = ("phone", "language", "place_of_origin", "registration_desk")
_INDIVIDUAL_COLUMNS = (
    "given_name",
    "family_name",
    "given_name_local",
    "family_name_local",
    "other_names",
    "names_unknown",
    "sex",
    "date_of_birth",
    "date_of_birth_precision",
    "nationality",
)


def _household_answer(current: dict[str, Any], household: Any) -> dict[str, Any] | None:
    focal = current.get("focal_point")
    if (focal["id"] if focal else None) != household.focal_point_id:
        return None
    return current | {name: getattr(household, name) for name in _HOUSEHOLD_COLUMNS}


def _individual_answer(
    current: dict[str, Any], person: Any, correction: corrections.IndividualCorrection
) -> dict[str, Any] | None:
    if (
        correction.documents
        or correction.needs_added
        or correction.needs_closed
        or current.get("relationship") != person.relationship
        or current.get("status") != person.status
    ):
        return None
    columns = {name: getattr(person, name) for name in _INDIVIDUAL_COLUMNS}
    born = columns["date_of_birth"]
    columns["date_of_birth"] = born.isoformat() if born is not None else None
    columns["other_names"] = list(columns["other_names"])
    return current | columns


def _shows_sensitive_needs(people: list[dict[str, Any]]) -> bool:
    return any(
        code in PROTECTION_SENSITIVE_NEEDS for person in people for code in person["specific_needs"]
    )


def _answer(body: dict[str, Any]) -> HttpResponse:
    response = JsonResponse(body)
    response["ETag"] = etag_of(body)
    return response
