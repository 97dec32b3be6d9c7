"""Households and individuals: search, register, read. Each route parses the request, calls
a query or the registration service and renders the result; errors are rendered in api.py."""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from edgecamp.accounts.scope import scope_for
from edgecamp.audit.capture import record_sensitive_read
from edgecamp.registry import duplicates, queries, services
from edgecamp.registry.models import Household, Individual
from edgecamp.registry.schemas import (
    DuplicateCheckIn,
    DuplicateCheckOut,
    DuplicatesFound,
    FieldProblems,
    HouseholdDetail,
    HouseholdIn,
    HouseholdSummary,
    IndividualDetail,
    Pages,
    Problem,
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
    site: int | None = Query(None, description="Only households of this site (id)."),
) -> QuerySet[Household]:
    return queries.search_households(q, site_id=site, scope=scope_for(request.user))


@router.post(
    "/households",
    response={201: HouseholdDetail, 409: DuplicatesFound, 422: FieldProblems},
    summary="Register a household",
)
def register_household(request: HttpRequest, payload: HouseholdIn) -> Status[Any]:
    """Registers the household and all its members at once, or nothing: every invalid field is
    reported in `errors` under its path in the request. Only at the caller's sites.

    Each member is first checked against the active people of the caller's sites: a likely
    duplicate answers 409 with the matches, and nothing is written, unless the body carries
    `duplicates_confirmed_reason`."""
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
    if not payload.duplicates_confirmed_reason.strip():
        found = _matches_out(duplicates.household_matches(data, scope=scope))
        if found:
            return Status(
                409,
                {
                    "detail": _(
                        "Some members look already registered. Check the matches; to register "
                        "anyway, send the request again with duplicates_confirmed_reason."
                    ),
                    "members": found,
                },
            )
    household = services.register_household(data, registered_by=request.user)
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
    return {"members": _matches_out(matches)}


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


@router.get(
    "/households/{number}",
    response={200: HouseholdDetail, 404: Problem},
    summary="Get a household",
)
def get_household(request: HttpRequest, number: str) -> Household:
    """The household with its members, their specific needs and documents, and its history.
    Protection-sensitive needs are listed for protection officers of the site only."""
    return _household_or_404(number, request)


@router.get(
    "/individuals/{individual_id}",
    response={200: IndividualDetail, 404: Problem},
    summary="Get an individual",
)
def get_individual(request: HttpRequest, individual_id: int) -> Individual:
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
