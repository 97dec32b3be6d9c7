"""Households and individuals: search, register, read. Each route parses the request, calls
a query or the registration service and renders the result; errors are rendered in api.py."""

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from edgecamp.accounts.scope import scope_for
from edgecamp.audit.capture import record_sensitive_read
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
    return queries.search_households(q, site_id=site, scope=scope_for(request.user))


@router.post(
    "/households",
    response={201: HouseholdDetail, 422: FieldProblems},
    summary="Register a household",
)
def register_household(request: HttpRequest, payload: HouseholdIn) -> Status[Household]:
    """Registers the household and all its members at once, or nothing: every invalid field is
    reported in `errors` under its path in the request. Only at the caller's sites."""
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
    household = services.register_household(payload.to_input(), registered_by=request.user)
    return Status(201, _household_or_404(household.number, request))


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
