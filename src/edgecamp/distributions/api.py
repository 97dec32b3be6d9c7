"""Distribution cycles, redemption at a desk, coverage and the stock position. Each route
parses the request, calls a query or a distribution service and renders the result;
SupplyError becomes a 422 with field errors in api.py.

Row-level access: only the cycles and stock of the caller's sites; another site's cycle answers
404 (coverage, export, verification and redemption alike), and creating a cycle at another site
answers 422 on `site`."""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from edgecamp.core.access import scope_for
from edgecamp.core.params import MAX_DB_INT
from edgecamp.core.schemas import FieldProblems, PagedRows, Pages, Problem
from edgecamp.distributions import queries, services
from edgecamp.distributions.cards import card_code
from edgecamp.distributions.export import hxl_csv_response
from edgecamp.distributions.forms import NOT_YOUR_SITE
from edgecamp.distributions.models import Cycle, RationCard
from edgecamp.distributions.schemas import (
    AlreadyCollected,
    CardReasonIn,
    CardStateOut,
    CodeIn,
    CoverageOut,
    CycleIn,
    CycleOut,
    EntitlementSummary,
    PositionOut,
    RedeemIn,
    RedemptionOut,
    ShortfallProblems,
    StartedOut,
    StartIn,
)
from edgecamp.stock.services import SupplyError

router = Router(tags=["distributions"])


@router.get("/cycles", response=list[CycleOut], summary="List distribution cycles")
@paginate(Pages)
def list_cycles(request: HttpRequest) -> QuerySet[Cycle]:
    return queries.cycles(scope_for(request.user)).prefetch_related("rules__item")


@router.post(
    "/cycles", response={201: CycleOut, 422: FieldProblems}, summary="Create a draft cycle"
)
def create_cycle(request: HttpRequest, payload: CycleIn) -> Status[Cycle]:
    """A cycle with its entitlement rules; nobody is on its list until it is started. Only at
    the caller's sites."""
    scope = scope_for(request.user)
    if not scope.includes(payload.site):
        raise SupplyError({"site": [str(NOT_YOUR_SITE)]})
    cycle = services.create_cycle(payload.to_input(), scope=scope)
    return Status(201, _cycle_or_404(cycle.pk, request))


@router.get("/cycles/{cycle_id}", response={200: CycleOut, 404: Problem}, summary="Get a cycle")
def get_cycle(request: HttpRequest, cycle_id: int) -> Cycle:
    return _cycle_or_404(cycle_id, request)


@router.post(
    "/cycles/{cycle_id}/start",
    response={200: StartedOut, 404: Problem, 409: ShortfallProblems, 422: FieldProblems},
    summary="Start a cycle (snapshot its households and entitlements)",
)
def start_cycle(request: HttpRequest, cycle_id: int, data: StartIn | None = None) -> dict[str, Any]:
    """409 with the shortfall per item when its entitlements exceed the stock on hand and
    expected by its first day; send the same request with `shortfall_reason` to start it
    anyway (the reason and the shortfall are kept on the cycle)."""
    _cycle_or_404(cycle_id, request)
    households = services.start_cycle(
        cycle_id,
        started_by=request.user,
        shortfall_reason=data.shortfall_reason if data is not None else "",
    )
    return {"cycle": _cycle_or_404(cycle_id, request), "households": households}


@router.get(
    "/cycles/{cycle_id}/coverage",
    response={200: CoverageOut, 404: Problem},
    summary="Coverage of a cycle",
)
def cycle_coverage(request: HttpRequest, cycle_id: int) -> dict[str, Any]:
    """Households and people served against those eligible, and quantities by item."""
    coverage = queries.coverage(_cycle_or_404(cycle_id, request))
    return {
        **{name: getattr(coverage, name) for name in CoverageOut.model_fields if name != "items"},
        "items": [
            {
                "item": row.item.code,
                "unit": row.item.unit,
                "entitled": row.entitled,
                "distributed": row.distributed,
            }
            for row in coverage.items
        ],
    }


@router.post(
    "/cycles/{cycle_id}/verify",
    response={200: EntitlementSummary, 404: Problem, 422: FieldProblems},
    summary="Read a ration card: who it is and what is due",
)
def verify_card(request: HttpRequest, cycle_id: int, payload: CodeIn) -> Any:
    """Checks the card's signature and returns the household's entitlement in this cycle,
    with the earlier redemption if it was already collected. Writes nothing."""
    entitlement = services.find_entitlement(_cycle_or_404(cycle_id, request), payload.code)
    return queries.entitlement_summary(entitlement)


@router.post(
    "/cycles/{cycle_id}/redemptions",
    response={201: RedemptionOut, 404: Problem, 409: AlreadyCollected, 422: FieldProblems},
    summary="Hand out an entitlement",
)
def redeem(request: HttpRequest, cycle_id: int, payload: RedeemIn) -> Any:
    """Records the collection and moves the stock out, in one transaction. 409 when the card
    was already collected in this cycle (the answer says when, where and by whom); 422 with
    nothing written when the card is invalid or the warehouse holds too little."""
    cycle = (
        queries.visible_cycles(scope_for(request.user))
        .select_related("warehouse")
        .filter(pk=cycle_id)
        .first()
    )
    if cycle is None:
        _cycle_or_404(cycle_id, request)
    assert cycle is not None
    outcome = services.redeem_in_cycle(cycle, payload.to_input(), redeemed_by=request.user)
    if not outcome.created:
        return Status(
            409,
            {
                "detail": queries.already_collected_message(outcome.redemption),
                "redemption": outcome.redemption,
            },
        )
    return Status(201, outcome.redemption)


@router.get(
    "/stock/position",
    response=list[PositionOut],
    summary="Stock position with days of cover and pipeline breaks",
)
@paginate(Pages)
def stock_position(
    request: HttpRequest,
    site: int | None = Query(None, ge=1, le=MAX_DB_INT, description="Only this site (id)."),
) -> PagedRows[queries.PositionRow]:
    """Per site and item: usable stock on hand, what is in the pipeline (in transit and
    pledged), what open and planned cycles still need, days of cover at planned consumption,
    and `pipeline_break` when the need exceeds stock plus expected arrivals."""

    def rows(page: list[queries.PositionRow]) -> list[dict[str, Any]]:
        return [
            {
                "site": row.site.code,
                "item": row.item.code,
                "unit": row.item.unit,
                "on_hand": row.on_hand,
                "in_pipeline": row.in_pipeline,
                "requirement": row.requirement,
                "daily_consumption": row.daily_consumption,
                "days_of_cover": row.days_of_cover,
                "shortfall": row.shortfall,
                "pipeline_break": row.pipeline_break,
            }
            for row in page
        ]

    return PagedRows(queries.stock_position(site, scope=scope_for(request.user)), rows)


@router.get(
    "/cycles/{cycle_id}/distributions.csv",
    response={200: None, 404: Problem},
    summary="HXL-tagged CSV of what a cycle distributed",
)
def cycle_hxl(request: HttpRequest, cycle_id: int) -> HttpResponse:
    return hxl_csv_response(_cycle_or_404(cycle_id, request))


def _cycle_or_404(cycle_id: int, request: HttpRequest) -> Cycle:
    cycle = queries.cycle_detail(cycle_id, scope=scope_for(request.user))
    if cycle is None:
        raise HttpError(
            404,
            _("No distribution cycle has the id %(id)d; GET /api/v1/cycles lists them.")
            % {"id": cycle_id},
        )
    return cycle


# --- Ration cards ------------------------------------------------------------------------------


@router.get(
    "/cards/{number}",
    response={200: CardStateOut, 404: Problem},
    summary="A household's ration card and its history",
)
def get_ration_card(request: HttpRequest, number: str) -> dict[str, Any]:
    return _card_state(_card_household_or_404(number, request).number, request)


@router.post(
    "/cards/{number}/reissue",
    response={201: CardStateOut, 404: Problem, 422: FieldProblems},
    summary="Reissue a lost or damaged ration card",
)
def reissue_ration_card(request: HttpRequest, number: str, payload: CardReasonIn) -> Any:
    """Issues the household a new card (the next number, a new code, returned in `code`);
    the card it held is refused from now on with the date it was replaced."""
    household = _card_household_or_404(number, request)
    services.reissue_card(household.pk, payload.reason, issued_by=request.user)
    return Status(201, _card_state(household.number, request))


@router.post(
    "/cards/{number}/revoke",
    response={200: CardStateOut, 404: Problem, 422: FieldProblems},
    summary="Revoke a household's ration card",
)
def revoke_ration_card(request: HttpRequest, number: str, payload: CardReasonIn) -> Any:
    """No card of the household is accepted until a new one is issued (reissue)."""
    household = _card_household_or_404(number, request)
    services.revoke_card(household.pk, payload.reason, revoked_by=request.user)
    return _card_state(household.number, request)


def _card_household_or_404(number: str, request: HttpRequest) -> Any:
    household = queries.card_household(number, scope=scope_for(request.user))
    if household is None:
        raise HttpError(
            404, _("No household has the number %(number)s at your sites.") % {"number": number}
        )
    return household


def _card_state(number: str, request: HttpRequest) -> dict[str, Any]:
    household = _card_household_or_404(number, request)
    history = queries.card_history(household)
    current = history[0] if history else RationCard(household=household, issue=1)
    active = current.status == RationCard.Status.ACTIVE
    return {
        "household": household.number,
        "current": current,
        "code": card_code(household.number, current.issue) if active else None,
        "history": history,
    }
