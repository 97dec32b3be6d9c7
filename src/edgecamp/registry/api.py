"""Households and individuals: search, register, read. Each route parses the request, calls
a query or the registration service and renders the result; errors are rendered in api.py."""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from edgecamp.audit.capture import record_sensitive_read
from edgecamp.core.access import scope_for
from edgecamp.core.params import MAX_DB_INT
from edgecamp.core.schemas import FieldProblems, Pages, Problem
from edgecamp.registry import corrections_api, duplicates, merge, queries, services
from edgecamp.registry.corrections_api import ETAG_HEADER, with_etag
from edgecamp.registry.models import DuplicateCandidate, Household, Individual, MergeRecord
from edgecamp.registry.schemas import (
    DuplicateCandidateOut,
    DuplicateCheckIn,
    DuplicateCheckOut,
    DuplicatesFound,
    HouseholdDetail,
    HouseholdIn,
    HouseholdSummary,
    IndividualDetail,
    MergeIn,
    MergeOut,
)

router = Router(tags=["registry"])


@router.get("/households", response=list[HouseholdSummary], summary="Search households")
@paginate(Pages)
def list_households(
    request: HttpRequest,
    q: str = Query(
        "",
        description="A household number (or part of one), or words of a member's name or alias; "
        "accents and case are ignored. Empty: all households, newest first.",
    ),
    site: int | None = Query(
        None, ge=1, le=MAX_DB_INT, description="Only households of this site (id)."
    ),
) -> QuerySet[Household]:
    return queries.search_households(q, site_id=site, scope=scope_for(request.user))


@router.post(
    "/households",
    response={200: HouseholdDetail, 201: HouseholdDetail, 409: DuplicatesFound, 422: FieldProblems},
    summary="Register a household",
)
def register_household(request: HttpRequest, payload: HouseholdIn) -> Status[Any]:
    """Registers the household and all its members at once, or nothing: every invalid field is
    reported in `errors` under its path in the request. Only at the caller's sites.

    Each member is first checked against the active people of the caller's sites: a likely
    duplicate (or two members that look like one person typed twice, in `repeated`) answers
    409 with the matches, and nothing is written, unless the body carries
    `duplicates_confirmed_reason`.

    With `link_to` (the number of a household of a 409 match), the household is that one:
    members matched to its people are left out, the others are added to it (200)."""
    scope = scope_for(request.user)
    if not scope.includes(payload.site):
        raise services.RegistrationError(
            {
                "site": [
                    _(
                        "You do not work at this site: register at one of your sites, or ask an "
                        "administrator to add this site to your account."
                    )
                ]
            }
        )
    data = payload.to_input()
    if payload.link_to.strip():
        linked = merge.link_to_household(
            data, payload.link_to.strip(), scope=scope, registered_by=request.user
        )
        return Status(200, _household_or_404(linked.household.number, request))
    try:
        household = duplicates.register_unless_duplicate(
            data, scope=scope, registered_by=request.user
        )
    except duplicates.PossibleDuplicates as possible:
        return Status(
            409,
            {
                "detail": _(
                    "Some members look already registered, or typed twice. Check the "
                    "matches; to register anyway, send the request again with "
                    "duplicates_confirmed_reason, or with link_to to add the members to "
                    "a matched household."
                ),
                "members": _matches_out(possible.found),
                "repeated": [
                    {"member": second, "same_as": first} for first, second in possible.repeated
                ],
            },
        )
    return Status(201, _household_or_404(household.number, request))


@router.post(
    "/households/check-duplicates",
    response={200: DuplicateCheckOut},
    summary="Check members against the registry",
)
def check_duplicates(request: HttpRequest, payload: DuplicateCheckIn) -> dict[str, Any]:
    """The people of the caller's sites most likely to be each proposed member (probability at
    least 0.8, best first); members without likely matches are left out. Writes nothing."""
    scope = scope_for(request.user)
    matches = [
        duplicates.likely_matches(
            member.to_input(),
            scope=scope,
            phone=payload.phone,
            place_of_origin=payload.place_of_origin,
        )
        for member in payload.members
    ]
    repeated = _repeated_out([member.to_input() for member in payload.members])
    return {"members": _matches_out(matches), "repeated": repeated}


def _repeated_out(members: Any) -> list[dict[str, int]]:
    return [
        {"member": second, "same_as": first}
        for first, second in duplicates.repeated_members(members)
    ]


def _matches_out(matches: list[list[duplicates.PossibleMatch]]) -> list[dict[str, Any]]:
    return [
        {
            "member": index,
            "matches": [
                {
                    "individual_id": m.individual.pk,
                    "household_number": m.household_number,
                    "given_name": m.individual.given_name,
                    "family_name": m.individual.family_name,
                    "sex": m.individual.sex,
                    "date_of_birth": m.individual.date_of_birth,
                    "probability": round(m.probability, 4),
                    "evidence": list(m.evidence),
                }
                for m in found
            ],
        }
        for index, found in enumerate(matches)
        if found
    ]


# --- Duplicate review ---------------------------------------------------------------------------


@router.get(
    "/duplicates",
    response=list[DuplicateCandidateOut],
    summary="List possible duplicates",
)
@paginate(Pages)
def list_duplicate_candidates(
    request: HttpRequest,
    status: str = Query(
        DuplicateCandidate.Status.OPEN.value,
        description="Candidates with this status: open (default), merged, not_same or closed.",
    ),
) -> Any:
    """Pairs of people the dedupe job found likely to be one person, both at the caller's
    sites, most likely first."""
    if status not in DuplicateCandidate.Status.values:
        raise HttpError(
            422,
            _("Unknown status “%(status)s”: use one of %(values)s.")
            % {"status": status, "values": ", ".join(DuplicateCandidate.Status.values)},
        )
    return merge.scoped_candidates(scope_for(request.user)).filter(status=status)


@router.post(
    "/duplicates/{candidate_id}/merge",
    response={201: MergeOut, 404: Problem, 409: Problem, 422: FieldProblems},
    summary="Merge a pair of duplicates",
)
def merge_duplicate(request: HttpRequest, candidate_id: int, payload: MergeIn) -> Status[Any]:
    """Keeps `survivor` and merges the other person into it: names become its other names,
    documents and specific needs move to it, the other record leaves its household (closed if
    left with no active member) and takes the status `merged`. 409 when the pair was already
    decided, a record changed since `version`, or one was merged elsewhere. Undo with
    POST /merges/{id}/unmerge."""
    try:
        record = merge.merge_candidate(
            candidate_id,
            payload.survivor,
            scope=scope_for(request.user),
            merged_by=request.user,
            version=payload.version,
        )
    except merge.NotFound as missing:
        raise HttpError(404, str(missing)) from missing
    except merge.MergeError as refused:
        return Status(409, {"detail": str(refused)})
    return Status(201, record)


@router.post(
    "/duplicates/{candidate_id}/not-same",
    response={200: DuplicateCandidateOut, 404: Problem, 409: Problem},
    summary="Mark a pair as different people",
)
def mark_not_same(request: HttpRequest, candidate_id: int) -> Status[Any]:
    """Closes the candidate; the pair is never proposed again."""
    scope = scope_for(request.user)
    try:
        merge.not_same(candidate_id, scope=scope, decided_by=request.user)
    except merge.NotFound as missing:
        raise HttpError(404, str(missing)) from missing
    except merge.MergeError as refused:
        return Status(409, {"detail": str(refused)})
    return Status(200, merge.candidate_for(candidate_id, scope))


@router.post(
    "/merges/{merge_id}/unmerge",
    response={200: MergeOut, 404: Problem, 409: Problem},
    summary="Undo a merge",
)
def unmerge_duplicate(request: HttpRequest, merge_id: int) -> Status[Any]:
    """Puts back exactly what the merge changed. 409, saying why, when later changes make
    that unsafe (a later merge of one of the two, a moved document deleted since...)."""
    try:
        record = merge.unmerge(merge_id, scope=scope_for(request.user), undone_by=request.user)
    except merge.NotFound as missing:
        raise HttpError(404, str(missing)) from missing
    except merge.MergeError as refused:
        return Status(409, {"detail": str(refused)})
    return Status(200, MergeRecord.objects.select_related("household_closed").get(pk=record.pk))


@router.get(
    "/households/{number}",
    response={200: HouseholdDetail, 404: Problem},
    summary="Get a household",
    openapi_extra={"responses": {200: {"headers": ETAG_HEADER}}},
)
def get_household(request: HttpRequest, number: str) -> HttpResponse:
    """The household with its members, their specific needs and documents, and its history.
    Protection-sensitive needs are listed for protection officers of the site only. The ETag
    is for PATCH /households/{number} (If-Match)."""
    return with_etag(HouseholdDetail, _household_or_404(number, request))


@router.get(
    "/individuals/{individual_id}",
    response={200: IndividualDetail, 404: Problem},
    summary="Get an individual",
    openapi_extra={"responses": {200: {"headers": ETAG_HEADER}}},
)
def get_individual(request: HttpRequest, individual_id: int) -> HttpResponse:
    """The person with their needs, documents and history. The ETag is for
    PATCH /individuals/{id} (If-Match)."""
    return with_etag(IndividualDetail, _individual_or_404(individual_id, request))


def _individual_or_404(individual_id: int, request: HttpRequest) -> Individual:
    individual = queries.individual_detail(individual_id, scope=scope_for(request.user))
    if individual is not None and queries.has_sensitive_needs([individual]):
        record_sensitive_read(individual, "specific needs")
    if individual is None:
        raise HttpError(
            404,
            _("No individual has the id %(id)d; find people through GET /api/v1/households?q=.")
            % {"id": individual_id},
        )
    return individual


def _household_or_404(number: str, request: HttpRequest) -> Household:
    household = queries.household_detail(number, scope=scope_for(request.user))
    if household is not None and queries.has_sensitive_needs(household.members.all()):
        record_sensitive_read(household, "specific needs")
    if household is None:
        raise HttpError(
            404,
            _(
                "No household has the number “%(number)s”. Check the number, or search with "
                "GET /api/v1/households?q=."
            )
            % {"number": number},
        )
    return household


# PATCH /households/{number} and /individuals/{id}: corrections (registry.corrections_api).
corrections_api.add_routes(router)
