"""Read-side queries of stock, shared by the web UI and the API.

Row-level access lives here too: entry points pass the user's `scope`
(`edgecamp.core.access.scope_for(request.user)`), which keeps to the warehouses of its
sites (pledges and shipments by their destination warehouse). `scope` None is unrestricted,
for internal callers (commands, services), never for a request."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

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
from edgecamp.stock.quantities import MAX_LINES, QuantitySum


def usable_on_hand(warehouse_id: int, day: date) -> dict[int, Decimal]:
    """Per item id: the warehouse's stock that can still be handed out on `day` (lots
    expired by then left out)."""
    balances = StockBalance.objects.filter(warehouse_id=warehouse_id, quantity__gt=0).exclude(
        lot__expires_on__lt=day
    )
    return dict(balances.values_list("item").annotate(total=QuantitySum("quantity")).order_by())


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


def pledges(scope: Scope | None = None) -> QuerySet[Pledge]:
    """Pledges, newest first. A pledge recorded before lines were limited can hold 200 000
    lines: read a page's lines and counts with `with_first_lines` (or `first_lines` and
    `line_count` for one pledge), never all of them."""
    found = Pledge.objects.select_related("donor", "destination").order_by("-pledged_on", "-id")
    if scope is not None:
        found = found.filter(scope.sites_q("destination__site_id"))
    return found


def first_lines(pledge: Pledge, count: int = MAX_LINES) -> list[PledgeLine]:
    """The pledge's first `count` lines, read through the (pledge, id) index: as fast for a
    pledge of 200 000 lines as for one of ten."""
    return list(pledge.lines.select_related("item").order_by("id")[:count])


def line_count(pledge: Pledge) -> int:
    counted: int | None = getattr(pledge, "line_count", None)
    return counted if counted is not None else pledge.lines.count()


def with_first_lines(pledges: Iterable[Pledge], count: int) -> list[Pledge]:
    """`pledges` (a page of them) with `first_lines` and `line_count` set on each: one count
    query for the page and one bounded query per pledge, where a prefetch would number every
    line of every pledge of the page."""
    found = list(pledges)
    counts = dict(
        PledgeLine.objects.filter(pledge__in=found)
        .values_list("pledge")
        .annotate(n=Count("*"))
        .order_by()
    )
    for pledge in found:
        pledge.first_lines = first_lines(pledge, count)  # type: ignore[attr-defined]
        pledge.line_count = counts.get(pledge.pk, 0)  # type: ignore[attr-defined]
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
