"""Stock: the item catalogue, warehouses, the ledger and its movements, pledges and
shipments. Each route parses the request, calls a query or a stock service and renders the
result; SupplyError becomes a 422 with field errors in api.py.

Row-level access: lists keep to the caller's sites' warehouses; a shipment of another site
answers 404, and naming another site's warehouse in a request answers 422 on that field, with
the message a warehouse that does not exist gets."""

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from edgecamp.core.access import scope_for
from edgecamp.core.params import MAX_DB_INT
from edgecamp.core.schemas import FieldProblems, Pages, Problem
from edgecamp.stock import queries, services
from edgecamp.stock.models import Item, Movement, Pledge, Shipment, Warehouse
from edgecamp.stock.schemas import (
    AdjustmentOut,
    CountIn,
    ItemOut,
    LossIn,
    MovementOut,
    PledgeIn,
    PledgeOut,
    ReceiptIn,
    ReceiveIn,
    ShipmentIn,
    ShipmentOut,
    TransferIn,
    WarehouseOut,
)

router = Router(tags=["stock"])


@router.get("/items", response=list[ItemOut], summary="List the item catalogue")
@paginate(Pages)
def list_items(request: HttpRequest) -> QuerySet[Item]:
    return queries.items()


@router.get("/warehouses", response=list[WarehouseOut], summary="List warehouses")
@paginate(Pages)
def list_warehouses(
    request: HttpRequest,
    site: int | None = Query(None, ge=1, le=MAX_DB_INT, description="Only this site (id)."),
) -> QuerySet[Warehouse]:
    return queries.warehouses(site, scope=scope_for(request.user))


@router.get("/stock/movements", response=list[MovementOut], summary="Read the stock ledger")
@paginate(Pages)
def list_movements(
    request: HttpRequest,
    warehouse: int | None = Query(None, description="Only this warehouse (id)."),
    item: int | None = Query(None, description="Only this item (id)."),
    kind: str = Query("", description="Only this kind of movement.", enum=Movement.Kind.values),
) -> QuerySet[Movement]:
    return queries.movements(
        warehouse_id=warehouse, item_id=item, kind=kind, scope=scope_for(request.user)
    )


@router.post(
    "/stock/receipts",
    response={201: MovementOut, 422: FieldProblems},
    summary="Receive stock into a warehouse",
)
def post_receipt(request: HttpRequest, payload: ReceiptIn) -> Status[Movement]:
    _check_warehouses(request, warehouse=payload.warehouse)
    return Status(201, services.receive_stock(payload.to_input(), recorded_by=request.user))


@router.post(
    "/stock/transfers",
    response={201: list[MovementOut], 422: FieldProblems},
    summary="Transfer stock between warehouses",
)
def post_transfer(request: HttpRequest, payload: TransferIn) -> Status[list[Movement]]:
    """Writes two movements (out of one warehouse, into the other) in one transaction. Both
    warehouses must be at the caller's sites."""
    _check_warehouses(
        request, from_warehouse=payload.from_warehouse, to_warehouse=payload.to_warehouse
    )
    return Status(201, list(services.transfer_stock(payload.to_input(), recorded_by=request.user)))


@router.post(
    "/stock/losses",
    response={201: MovementOut, 422: FieldProblems},
    summary="Record a loss or damage",
)
def post_loss(request: HttpRequest, payload: LossIn) -> Status[Movement]:
    _check_warehouses(request, warehouse=payload.warehouse)
    return Status(201, services.record_loss(payload.to_input(), recorded_by=request.user))


@router.post(
    "/stock/adjustments",
    response={201: AdjustmentOut, 422: FieldProblems},
    summary="Record a physical count",
)
def post_adjustment(request: HttpRequest, payload: CountIn) -> Status[dict[str, object]]:
    """Adjusts the ledger by the difference between the count and the recorded balance."""
    _check_warehouses(request, warehouse=payload.warehouse)
    movement = services.adjust_to_count(payload.to_input(), recorded_by=request.user)
    return Status(201, {"movement": movement})


@router.get("/pledges", response=list[PledgeOut], summary="List donor pledges")
@paginate(Pages)
def list_pledges(
    request: HttpRequest,
    status: str = Query("", description="Only this status.", enum=Pledge.Status.values),
) -> QuerySet[Pledge]:
    found = queries.pledges(scope_for(request.user))
    return found.filter(status=status) if status else found


@router.post("/pledges", response={201: PledgeOut, 422: FieldProblems}, summary="Record a pledge")
def post_pledge(request: HttpRequest, payload: PledgeIn) -> Status[Pledge]:
    _check_warehouses(request, destination=payload.destination)
    pledge = services.create_pledge(payload.to_input())
    return Status(201, queries.pledges().get(pk=pledge.pk))


@router.get("/shipments", response=list[ShipmentOut], summary="List inbound shipments")
@paginate(Pages)
def list_shipments(
    request: HttpRequest,
    status: str = Query("", description="Only this status.", enum=Shipment.Status.values),
) -> QuerySet[Shipment]:
    return queries.shipments(status, scope=scope_for(request.user))


@router.post(
    "/shipments",
    response={201: ShipmentOut, 422: FieldProblems},
    summary="Record a shipment in transit, with its manifest",
)
def post_shipment(request: HttpRequest, payload: ShipmentIn) -> Status[Shipment]:
    _check_warehouses(request, destination=payload.destination)
    if (
        payload.pledge is not None
        and not queries.pledges(scope_for(request.user)).filter(pk=payload.pledge).exists()
    ):
        raise services.SupplyError(
            {"pledge": [_("Choose a pledge that exists, or leave it empty.")]}
        )
    shipment = services.dispatch_shipment(payload.to_input())
    return Status(201, _shipment_or_404(shipment.pk, request))


@router.post(
    "/shipments/{shipment_id}/receive",
    response={200: ShipmentOut, 404: Problem, 422: FieldProblems},
    summary="Receive a shipment against its manifest",
)
def receive_shipment(request: HttpRequest, shipment_id: int, payload: ReceiveIn) -> Shipment:
    """Give the quantity received for every manifest line; a line that differs from the
    manifest needs a `discrepancy_reason`. The received quantities enter the destination
    warehouse's ledger."""
    _shipment_or_404(shipment_id, request)
    services.receive_shipment(shipment_id, payload.to_input(), received_by=request.user)
    return _shipment_or_404(shipment_id, request)


def _check_warehouses(request: HttpRequest, **fields: int) -> None:
    """Refuse (422 on the field) a warehouse that is not at one of the caller's sites, with
    the message a missing warehouse gets, so another site's warehouses are not confirmed."""
    visible = set(
        queries.warehouses(scope=scope_for(request.user))
        .filter(pk__in=fields.values())
        .values_list("pk", flat=True)
    )
    errors = services.SupplyError()
    for path, warehouse_id in fields.items():
        if warehouse_id not in visible:
            errors.add(path, _("Choose a warehouse that exists."))
    if errors.errors:
        raise errors


def _shipment_or_404(shipment_id: int, request: HttpRequest) -> Shipment:
    shipment = queries.shipment_detail(shipment_id, scope=scope_for(request.user))
    if shipment is None:
        raise HttpError(
            404,
            _("No shipment has the id %(id)d; GET /api/v1/shipments lists them.")
            % {"id": shipment_id},
        )
    return shipment
