"""Households and individuals: search, register, read. Each route parses the request, calls
a query or the registration service and renders the result; errors are rendered in api.py."""

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from edgecamp.registry import queries, services
from edgecamp.registry.models import Household, Individual
from edgecamp.registry.schemas import (
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
    return queries.search_households(q, site_id=site)


@router.post(
    "/households",
    response={201: HouseholdDetail, 422: FieldProblems},
    summary="Register a household",
)
def register_household(request: HttpRequest, payload: HouseholdIn) -> Status[Household]:
    """Registers the household and all its members at once, or nothing: every invalid field is
    reported in `errors` under its path in the request."""
    household = services.register_household(payload.to_input(), registered_by=request.user)
    return Status(201, _household_or_404(household.number))


@router.get(
    "/households/{number}",
    response={200: HouseholdDetail, 404: Problem},
    summary="Get a household",
)
def get_household(request: HttpRequest, number: str) -> Household:
    """The household with its members, their specific needs and documents, and its history."""
    return _household_or_404(number)


@router.get(
    "/individuals/{individual_id}",
    response={200: IndividualDetail, 404: Problem},
    summary="Get an individual",
)
def get_individual(request: HttpRequest, individual_id: int) -> Individual:
    individual = queries.individual_detail(individual_id)
    if individual is None:
        raise HttpError(
            404,
            _("No individual has the id %(id)d; find people through GET /api/v1/households?q=.")
            % {"id": individual_id},
        )
    return individual


def _household_or_404(number: str) -> Household:
    household = queries.household_detail(number)
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
