"""Stock: the item catalogue, warehouses, the ledger and its movements, pledges and
shipments. Each route parses the request, calls a query or a stock service and renders the
result; SupplyError becomes a 422 with field errors in api.py."""

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from edgecamp.registry.schemas import FieldProblems, Pages, Problem
from edgecamp.stock import queries, services
from edgecamp.stock.models import Item, Movement, Pledge, Shipment
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
)

router = Router(tags=["stock"])


@router.get("/items", response=list[ItemOut], summary="List the item catalogue")
@paginate(Pages)
def list_items(request: HttpRequest) -> QuerySet[Item]:
    return queries.items()


@router.get("/warehouses", response=list[dict[str, object]], summary="List warehouses")
def list_warehouses(
    request: HttpRequest, site: int | None = Query(None, description="Only this site (id).")
) -> list[dict[str, object]]:
    return [
        {"id": w.pk, "code": w.code, "name": w.name, "site": w.site_id}
        for w in queries.warehouses(site)
    ]


@router.get("/stock/movements", response=list[MovementOut], summary="Read the stock ledger")
@paginate(Pages)
def list_movements(
    request: HttpRequest,
    warehouse: int | None = Query(None, description="Only this warehouse (id)."),
    item: int | None = Query(None, description="Only this item (id)."),
    kind: str = Query("", description="Only this kind of movement.", enum=Movement.Kind.values),
) -> QuerySet[Movement]:
    return queries.movements(warehouse_id=warehouse, item_id=item, kind=kind)


@router.post(
    "/stock/receipts",
    response={201: MovementOut, 422: FieldProblems},
    summary="Receive stock into a warehouse",
)
def post_receipt(request: HttpRequest, payload: ReceiptIn) -> Status[Movement]:
    return Status(201, services.receive_stock(payload.to_input(), recorded_by=request.user))


@router.post(
    "/stock/transfers",
    response={201: list[MovementOut], 422: FieldProblems},
    summary="Transfer stock between warehouses",
)
def post_transfer(request: HttpRequest, payload: TransferIn) -> Status[list[Movement]]:
    """Writes two movements (out of one warehouse, into the other) in one transaction."""
    return Status(201, list(services.transfer_stock(payload.to_input(), recorded_by=request.user)))


@router.post(
    "/stock/losses",
    response={201: MovementOut, 422: FieldProblems},
    summary="Record a loss or damage",
)
def post_loss(request: HttpRequest, payload: LossIn) -> Status[Movement]:
    return Status(201, services.record_loss(payload.to_input(), recorded_by=request.user))


@router.post(
    "/stock/adjustments",
    response={201: AdjustmentOut, 422: FieldProblems},
    summary="Record a physical count",
)
def post_adjustment(request: HttpRequest, payload: CountIn) -> Status[dict[str, object]]:
    """Adjusts the ledger by the difference between the count and the recorded balance."""
    movement = services.adjust_to_count(payload.to_input(), recorded_by=request.user)
    return Status(201, {"movement": movement})


@router.get("/pledges", response=list[PledgeOut], summary="List donor pledges")
@paginate(Pages)
def list_pledges(request: HttpRequest) -> QuerySet[Pledge]:
    return queries.pledges()


@router.post("/pledges", response={201: PledgeOut, 422: FieldProblems}, summary="Record a pledge")
def post_pledge(request: HttpRequest, payload: PledgeIn) -> Status[Pledge]:
    pledge = services.create_pledge(payload.to_input())
    return Status(201, queries.pledges().get(pk=pledge.pk))


@router.get("/shipments", response=list[ShipmentOut], summary="List inbound shipments")
@paginate(Pages)
def list_shipments(
    request: HttpRequest,
    status: str = Query("", description="Only this status.", enum=Shipment.Status.values),
) -> QuerySet[Shipment]:
    return queries.shipments(status)


@router.post(
    "/shipments",
    response={201: ShipmentOut, 422: FieldProblems},
    summary="Record a shipment in transit, with its manifest",
)
def post_shipment(request: HttpRequest, payload: ShipmentIn) -> Status[Shipment]:
    shipment = services.dispatch_shipment(payload.to_input())
    return Status(201, _shipment_or_404(shipment.pk))


@router.post(
    "/shipments/{shipment_id}/receive",
    response={200: ShipmentOut, 404: Problem, 422: FieldProblems},
    summary="Receive a shipment against its manifest",
)
def receive_shipment(request: HttpRequest, shipment_id: int, payload: ReceiveIn) -> Shipment:
    """Give the quantity received for every manifest line; a line that differs from the
    manifest needs a `discrepancy_reason`. The received quantities enter the destination
    warehouse's ledger."""
    _shipment_or_404(shipment_id)
    services.receive_shipment(shipment_id, payload.to_input(), received_by=request.user)
    return _shipment_or_404(shipment_id)


def _shipment_or_404(shipment_id: int) -> Shipment:
    shipment = queries.shipment_detail(shipment_id)
    if shipment is None:
        raise HttpError(
            404,
            _("No shipment has the id %(id)d; GET /api/v1/shipments lists them.")
            % {"id": shipment_id},
        )
    return shipment
