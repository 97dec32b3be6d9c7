"""Read-side queries of stock, shared by the web UI and the API.

Row-level access lives here too: entry points pass the user's `scope`
(`edgecamp.core.access.scope_for(request.user)`), which keeps to the warehouses of its
sites (pledges and shipments by their destination warehouse). `scope` None is unrestricted,
for internal callers (commands, services), never for a request."""

from __future__ import annotations

from django.db.models import Count, Prefetch, QuerySet

from edgecamp.core.access import Scope
from edgecamp.stock.models import (
    Item,
    KitComponent,
    Movement,
    Pledge,
    PledgeLine,
    Shipment,
    ShipmentLine,
    StockBalance,
    Warehouse,
)
from edgecamp.stock.quantities import MAX_LINES


def items() -> QuerySet[Item]:
    return Item.objects.prefetch_related(
        Prefetch("components", KitComponent.objects.select_related("component"))
    ).order_by("name")


def warehouses(site_id: int | None = None, *, scope: Scope | None = None) -> QuerySet[Warehouse]:
    found = Warehouse.objects.select_related("site").order_by("site__name", "code")
    if scope is not None:
        found = found.filter(scope.sites_q("site_id"))
    return found.filter(site_id=site_id) if site_id is not None else found


def warehouse_detail(warehouse_id: int, *, scope: Scope | None = None) -> Warehouse | None:
    return warehouses(scope=scope).filter(pk=warehouse_id).first()


def movements(
    *,
    warehouse_id: int | None = None,
    item_id: int | None = None,
    kind: str = "",
    scope: Scope | None = None,
) -> QuerySet[Movement]:
    """The ledger, newest first."""
    found = Movement.objects.select_related("warehouse", "item", "lot", "recorded_by")
    if scope is not None:
        found = found.filter(scope.sites_q("warehouse__site_id"))
    if warehouse_id is not None:
        found = found.filter(warehouse_id=warehouse_id)
    if item_id is not None:
        found = found.filter(item_id=item_id)
    if kind:
        found = found.filter(kind=kind)
    return found.order_by("-occurred_at", "-id")


def balances(warehouse_id: int) -> QuerySet[StockBalance]:
    return (
        StockBalance.objects.filter(warehouse_id=warehouse_id)
        .select_related("item", "lot")
        .order_by("item__name", "lot__expires_on", "lot__code")
    )


def pledges(scope: Scope | None = None, *, lines: int = MAX_LINES) -> QuerySet[Pledge]:
    """Pledges with `line_count` and their first `lines` lines (`first_lines`): a pledge
    recorded before lines were limited can hold 200 000 of them."""
    found = (
        Pledge.objects.select_related("donor", "destination")
        .annotate(line_count=Count("lines"))
        .prefetch_related(
            Prefetch(
                "lines",
                PledgeLine.objects.select_related("item").order_by("id")[:lines],
                to_attr="first_lines",
            )
        )
        .order_by("-pledged_on", "-id")  # an annotated query drops Meta.ordering
    )
    if scope is not None:
        found = found.filter(scope.sites_q("destination__site_id"))
    return found


def shipments(status: str = "", *, scope: Scope | None = None) -> QuerySet[Shipment]:
    found = Shipment.objects.select_related("sender", "destination", "pledge").prefetch_related(
        Prefetch("lines", ShipmentLine.objects.select_related("item").order_by("id"))
    )
    if scope is not None:
        found = found.filter(scope.sites_q("destination__site_id"))
    return found.filter(status=status) if status else found


def shipment_detail(shipment_id: int, *, scope: Scope | None = None) -> Shipment | None:
    return shipments(scope=scope).filter(pk=shipment_id).first()
