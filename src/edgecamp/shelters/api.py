"""Sites: where the camp's households live, with the size of each; and shelter allocation:
propose a plan for a site, review it, confirm or discard it. A plan changes nothing until it
is confirmed; confirming a plan that is no longer proposed, or that the registry has moved on
from, answers 409 with what to do."""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from edgecamp.core.access import scope_for
from edgecamp.core.schemas import FieldProblems, PagedRows, Pages, Problem
from edgecamp.registry import queries
from edgecamp.shelters import condition, services
from edgecamp.shelters import queries as shelter_queries
from edgecamp.shelters.models import AllocationLine, AllocationPlan
from edgecamp.shelters.schemas import (
    ConfirmedOut,
    PlanLineOut,
    PlanOut,
    ProposeIn,
    ShelterFiltersIn,
    ShelterOut,
    SiteDetail,
    SiteOut,
    StatusChangedOut,
    StatusChangeIn,
)
from edgecamp.sites import queries as site_queries
from edgecamp.sites.models import Shelter, ShelterStatusChange, Site

router = Router(tags=["sites"])


@router.get("/sites", response=list[SiteOut], summary="List sites")
@paginate(Pages)
def list_sites(request: HttpRequest) -> QuerySet[Site]:
    """Sites by name, with their blocks, shelters and active households counted."""
    return queries.sites_with_counts(scope_for(request.user))


@router.get("/sites/{site_id}", response={200: SiteDetail, 404: Problem}, summary="Get a site")
def get_site(request: HttpRequest, site_id: int) -> Site:
    """One site, with its active people counted as well."""
    site = queries.site_with_counts(site_id, scope=scope_for(request.user))
    if site is None:
        raise HttpError(
            404, _("No site has the id %(id)d; GET /api/v1/sites lists them.") % {"id": site_id}
        )
    return site


# --- Shelters of a site -------------------------------------------------------------------------


def _site_by_code(request: HttpRequest, code: str) -> Site:
    site = site_queries.site_by_code(code, scope=scope_for(request.user))
    if site is None:
        raise HttpError(
            404, _("No site has the code %(code)s; GET /api/v1/sites lists them.") % {"code": code}
        )
    return site


@router.get(
    "/sites/{code}/shelters",
    response={200: list[ShelterOut], 404: Problem},
    summary="List the shelters of a site",
)
@paginate(Pages)
def list_site_shelters(
    request: HttpRequest, code: str, filters: Query[ShelterFiltersIn]
) -> PagedRows[Shelter]:
    """The site's shelters in block and code order, with capacity, occupants (active people of
    active households), covered m² per person and status; filter by `block`, `status`,
    `occupancy` (`crowded`, `free`) and `under_standard=true`. The same filters as the page."""
    site = _site_by_code(request, code)
    shelters = shelter_queries.site_shelters(
        site,
        shelter_queries.ShelterFilters(
            block=filters.block,
            status=filters.status,
            occupancy=filters.occupancy,
            under_standard=filters.under_standard,
        ),
    )

    def rows(page: list[Shelter]) -> list[dict[str, Any]]:
        latest = shelter_queries.latest_changes([shelter.pk for shelter in page])
        return [_shelter_out(shelter, latest.get(shelter.pk)) for shelter in page]

    return PagedRows(shelters, rows)


@router.post(
    "/sites/{code}/shelters/{shelter_id}/status",
    response={200: StatusChangedOut, 404: Problem, 422: FieldProblems},
    summary="Change the status of a shelter",
)
def change_shelter_status(
    request: HttpRequest, code: str, shelter_id: int, payload: StatusChangeIn
) -> dict[str, Any]:
    """Marks the shelter `damaged`, `under_repair`, `decommissioned` or `habitable` again,
    with a reason and a date (today if not given); the history is kept. A shelter out of use
    takes nobody new. Decommissioning a shelter people live in is refused (422, naming the
    households to move first); marking it damaged or under repair is allowed and the answer
    names the households still living there (`households_to_move`)."""
    site = _site_by_code(request, code)
    if shelter_queries.shelter_of_site(site, shelter_id) is None:
        raise HttpError(404, _("No shelter of this site has the id %(id)d.") % {"id": shelter_id})
    try:
        outcome = condition.change_condition(
            shelter_id,
            condition.ConditionInput(payload.status, payload.reason, payload.on),
            scope=scope_for(request.user),
            by=request.user,
        )
    except condition.ShelterNotFound:
        raise HttpError(
            404, _("No shelter of this site has the id %(id)d.") % {"id": shelter_id}
        ) from None
    shelter = shelter_queries.shelter_of_site(site, shelter_id)
    return {
        "shelter": _shelter_out(shelter, outcome.change),
        "households_to_move": outcome.to_move,
    }


def _shelter_out(shelter: Any, change: ShelterStatusChange | None) -> dict[str, Any]:
    return {
        "id": shelter.pk,
        "uuid": shelter.uuid,
        "block": shelter.block.code,
        "code": shelter.code,
        "type": shelter.type,
        "covered_m2": shelter.covered_m2,
        "capacity": shelter.capacity,
        "occupants": shelter.occupants,
        "households": shelter.household_count,
        "m2_per_person": shelter_queries.per_person_m2(shelter),
        "under_standard": shelter_queries.under_standard(shelter),
        "crowded": shelter.occupants > shelter.capacity,
        "status": shelter.condition,
        "available": shelter.status == Shelter.Status.AVAILABLE,
        "last_change": None
        if change is None
        else {
            "status": change.condition,
            "previous": change.previous,
            "reason": change.reason,
            "on": change.occurred_on,
            "recorded_at": change.recorded_at,
            "recorded_by": change.recorded_by.get_username() if change.recorded_by else None,
        },
    }


# --- Allocation plans ----------------------------------------------------------------------------


class LineFilters(Schema):
    change: str = ""
    block: str = ""
    q: str = ""
    unmet: bool = False


@router.post(
    "/sites/{site_id}/allocation-plans",
    response={201: PlanOut, 404: Problem, 422: FieldProblems},
    summary="Propose a shelter allocation plan",
    tags=["allocation"],
)
def propose_plan(request: HttpRequest, site_id: int, payload: ProposeIn) -> Any:
    """Allocates the site's available and occupied shelters to its active households and stores
    the plan as proposed. The registry does not change until the plan is confirmed."""
    site = site_queries.visible_sites(scope_for(request.user)).filter(pk=site_id).first()
    if site is None:
        raise HttpError(
            404, _("No site has the id %(id)d; GET /api/v1/sites lists them.") % {"id": site_id}
        )
    plan = services.propose_plan(site, payload.to_settings(), by=request.user)
    return Status(201, _plan_out(_plan_or_404(plan.pk)))


@router.get(
    "/allocation-plans/{plan_id}",
    response={200: PlanOut, 404: Problem},
    summary="Get an allocation plan",
    tags=["allocation"],
)
def get_plan(request: HttpRequest, plan_id: int) -> dict[str, Any]:
    """The plan's status, settings, metrics and per-block summary."""
    return _plan_out(_plan_or_404(plan_id, request))


@router.get(
    "/allocation-plans/{plan_id}/lines",
    response={200: list[PlanLineOut], 404: Problem},
    summary="List the households of a plan",
    tags=["allocation"],
)
@paginate(Pages)
def list_plan_lines(
    request: HttpRequest, plan_id: int, filters: Query[LineFilters]
) -> QuerySet[AllocationLine]:
    """One line per household in waiting order, each with its shelters and an explanation;
    filter by `change`, `block`, household number (`q`) or `unmet=true`."""
    return shelter_queries.plan_lines(
        _plan_or_404(plan_id, request),
        change=filters.change,
        block=filters.block,
        query=filters.q,
        unmet=filters.unmet,
    )


@router.post(
    "/allocation-plans/{plan_id}/confirm",
    response={200: ConfirmedOut, 404: Problem, 409: Problem},
    summary="Confirm an allocation plan",
    tags=["allocation"],
)
def confirm_plan(request: HttpRequest, plan_id: int) -> Any:
    """Applies the whole plan in one transaction. 409 when the plan is no longer proposed or
    the registry changed since it was proposed (propose again)."""
    plan = _plan_or_404(plan_id, request)
    try:
        outcome = services.confirm_plan(plan, by=request.user)
    except services.PlanConflict as conflict:
        return Status(409, {"detail": str(conflict)})
    return {
        "plan": _plan_out(_plan_or_404(plan_id)),
        "newly_housed": outcome.newly_housed,
        "moved": outcome.moved,
        "unhoused": outcome.unhoused,
        "vacated": outcome.vacated,
    }


@router.post(
    "/allocation-plans/{plan_id}/discard",
    response={200: PlanOut, 404: Problem, 409: Problem},
    summary="Discard an allocation plan",
    tags=["allocation"],
)
def discard_plan(request: HttpRequest, plan_id: int) -> Any:
    plan = _plan_or_404(plan_id, request)
    try:
        services.discard_plan(plan, by=request.user)
    except services.PlanConflict as conflict:
        return Status(409, {"detail": str(conflict)})
    return _plan_out(_plan_or_404(plan_id))


def _plan_or_404(plan_id: int, request: HttpRequest | None = None) -> AllocationPlan:
    """The plan, if it exists and (given a request) belongs to one of the caller's sites: a
    plan of another site answers 404 like one that does not exist."""
    plan = shelter_queries.plan_detail(plan_id)
    if (
        plan is not None
        and request is not None
        and not scope_for(request.user).includes(plan.site_id)
    ):
        plan = None
    if plan is None:
        raise HttpError(404, _("No allocation plan has the id %(id)d.") % {"id": plan_id})
    return plan


def _plan_out(plan: AllocationPlan) -> dict[str, Any]:
    def user(account: Any) -> dict[str, Any] | None:
        return {"id": account.pk, "username": account.get_username()} if account else None

    return {
        "id": plan.pk,
        "site": plan.site_id,
        "status": plan.status,
        "rebalance": plan.rebalance,
        "space_standard": plan.space_standard_m2,
        "emergency_minimum": plan.emergency_minimum_m2,
        "created_at": plan.created_at,
        "created_by": user(plan.created_by),
        "decided_at": plan.decided_at,
        "decided_by": user(plan.decided_by),
        "metrics": plan.metrics,
        "blocks": plan.blocks,
        "changes": shelter_queries.change_counts(plan),
    }
