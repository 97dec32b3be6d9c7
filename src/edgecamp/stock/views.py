"""Stock pages: a warehouse's balances and ledger; forms for receipts, transfers, losses and
counts; donor pledges; shipments dispatched against them and received against their
manifest. Thin views: parse the request, call `queries` or `services`, render.

Forms offer only the user's sites' warehouses (and pledges); another site's, sent anyway,
is refused on its field. Another site's warehouse or shipment page answers 404."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from edgecamp.core.access import scope_for
from edgecamp.core.paging import page_of, page_url
from edgecamp.core.params import int_param
from edgecamp.stock import queries, services
from edgecamp.stock.forms import (
    CountForm,
    DispatchForm,
    LossForm,
    PledgeForm,
    ReceiptForm,
    ReceiveShipmentForm,
    TransferForm,
)
from edgecamp.stock.models import Movement, Pledge, Shipment

MOVEMENTS_PER_PAGE = 50
PLEDGES_PER_PAGE = 50
SHIPMENTS_PER_PAGE = 50
LINES_SHOWN = 10  # of each pledge in a list; the dispatch form takes the rest


@require_GET
def warehouse_ledger(request: HttpRequest, warehouse_id: int) -> HttpResponse:
    scope = scope_for(request.user)
    warehouse = queries.warehouse_detail(warehouse_id, scope=scope)
    if warehouse is None:
        raise Http404(_("No warehouse has this id."))
    kind = request.GET.get("kind", "")
    if kind not in Movement.Kind.values:
        kind = ""
    page = page_of(
        request, queries.movements(warehouse_id=warehouse.pk, kind=kind), MOVEMENTS_PER_PAGE
    )
    return render(
        request,
        "stock/warehouse_ledger.html",
        {
            "warehouse": warehouse,
            "warehouses": queries.warehouses(scope=scope),
            "balances": queries.balances(warehouse.pk),
            "page": page,
            "page_url": page_url(request),
            "kind": kind,
            "kinds": Movement.Kind.choices,
        },
    )


@require_GET
def shipment_list(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    page = page_of(request, queries.shipments(scope=scope), SHIPMENTS_PER_PAGE)
    return render(
        request,
        "stock/shipment_list.html",
        {
            "page": page,
            "page_url": page_url(request),
            "shipments": page.object_list,
            # The newest; the pledge list pages through all of them.
            "pledges": queries.with_first_lines(
                queries.pledges(scope)[:PLEDGES_PER_PAGE], LINES_SHOWN
            ),
        },
    )


@require_http_methods(["GET", "POST"])
def shipment_receive(request: HttpRequest, shipment_id: int) -> HttpResponse:
    shipment = queries.shipment_detail(shipment_id, scope=scope_for(request.user))
    if shipment is None:
        raise Http404(_("No shipment has this id."))
    if shipment.status == Shipment.Status.RECEIVED:
        messages.info(request, _("This shipment has been received."))
    form = ReceiveShipmentForm(shipment, request.POST or None)
    if (
        request.method == "POST"
        and shipment.status == Shipment.Status.IN_TRANSIT
        and form.is_valid()
    ):
        try:
            services.receive_shipment(shipment.pk, form.to_input(), received_by=request.user)
        except services.SupplyError as error:
            form.apply_errors(error)
        else:
            messages.success(
                request,
                _("Shipment %(waybill)s received into %(warehouse)s.")
                % {"waybill": shipment.waybill, "warehouse": shipment.destination.name},
            )
            return redirect("shipment-receive", shipment_id=shipment.pk)
    return render(request, "stock/shipment_receive.html", {"shipment": shipment, "form": form})


# --- Movements -----------------------------------------------------------------------------------


def _initial_warehouse(request: HttpRequest, *names: str) -> dict[str, Any]:
    """?warehouse=ID (from the ledger's buttons) preselects the warehouse."""
    value = int_param(request.GET, "warehouse")
    return dict.fromkeys(names, value) if value is not None else {}


def _movement_page(
    request: HttpRequest,
    form_class: type[ReceiptForm | TransferForm | LossForm | CountForm],
    *,
    title: str,
    intro: str,
    submit: str,
    record: Callable[[Any], Any],
    done: Callable[[Any], tuple[str, int]],
    initial: dict[str, Any],
) -> HttpResponse:
    form = form_class(request.POST or None, initial=initial, scope=scope_for(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            result = record(form)
        except services.SupplyError as error:
            form.apply_errors(error)
        else:
            message, warehouse_id = done(result)
            messages.success(request, message)
            return redirect("warehouse-ledger", warehouse_id=warehouse_id)
    return render(
        request,
        "stock/movement_form.html",
        {"form": form, "title": title, "intro": intro, "submit": submit},
    )


def _moved(movement: Movement) -> str:
    return _("%(kind)s of %(quantity)s %(unit)s %(item)s recorded in %(warehouse)s.") % {
        "kind": movement.get_kind_display(),
        "quantity": services.plain_quantity(abs(Decimal(movement.quantity))),
        "unit": movement.item.unit,
        "item": movement.item.name,
        "warehouse": movement.warehouse.name,
    }


@require_http_methods(["GET", "POST"])
def stock_receive(request: HttpRequest) -> HttpResponse:
    return _movement_page(
        request,
        ReceiptForm,
        title=_("Receive stock"),
        intro=_(
            "Stock that arrives without a shipment on record (a local purchase, a return). "
            "Shipments are received against their manifest from Pledges and shipments."
        ),
        submit=_("Receive into stock"),
        record=lambda form: services.receive_stock(form.to_input(), recorded_by=request.user),
        done=lambda movement: (_moved(movement), movement.warehouse_id),
        initial=_initial_warehouse(request, "warehouse"),
    )


@require_http_methods(["GET", "POST"])
def stock_transfer(request: HttpRequest) -> HttpResponse:
    return _movement_page(
        request,
        TransferForm,
        title=_("Transfer stock"),
        intro=_("Moves stock from one of your warehouses to another, in one step."),
        submit=_("Transfer"),
        record=lambda form: services.transfer_stock(form.to_input(), recorded_by=request.user),
        done=lambda moved: (
            _("Transferred %(quantity)s %(unit)s %(item)s from %(source)s to %(target)s.")
            % {
                "quantity": services.plain_quantity(moved[1].quantity),
                "unit": moved[1].item.unit,
                "item": moved[1].item.name,
                "source": moved[0].warehouse.name,
                "target": moved[1].warehouse.name,
            },
            moved[0].warehouse_id,
        ),
        initial=_initial_warehouse(request, "from_warehouse"),
    )


@require_http_methods(["GET", "POST"])
def stock_loss(request: HttpRequest) -> HttpResponse:
    return _movement_page(
        request,
        LossForm,
        title=_("Record a loss or damage"),
        intro=_("Stock that is gone or unusable: it leaves the ledger with its reason."),
        submit=_("Record the loss"),
        record=lambda form: services.record_loss(form.to_input(), recorded_by=request.user),
        done=lambda movement: (_moved(movement), movement.warehouse_id),
        initial=_initial_warehouse(request, "warehouse"),
    )


@require_http_methods(["GET", "POST"])
def stock_count(request: HttpRequest) -> HttpResponse:
    def record(form: CountForm) -> tuple[Movement | None, int]:
        data = form.to_input()
        return services.adjust_to_count(data, recorded_by=request.user), data.warehouse_id

    def done(result: tuple[Movement | None, int]) -> tuple[str, int]:
        movement, warehouse_id = result
        if movement is None:
            return str(_("The count matches the ledger: nothing to adjust.")), warehouse_id
        return (
            _("Count recorded: adjusted by %(delta)s %(unit)s %(item)s.")
            % {
                "delta": services.plain_quantity(movement.quantity),
                "unit": movement.item.unit,
                "item": movement.item.name,
            },
            warehouse_id,
        )

    return _movement_page(
        request,
        CountForm,
        title=_("Record a physical count"),
        intro=_(
            "Enter what is on the shelves; the ledger is adjusted by the difference to its "
            "balance, with the reason you give."
        ),
        submit=_("Record the count"),
        record=record,
        done=done,
        initial=_initial_warehouse(request, "warehouse"),
    )


# --- Pledges and dispatch ------------------------------------------------------------------------


@require_GET
def pledge_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in Pledge.Status.values:
        status = ""
    pledges = queries.pledges(scope_for(request.user))
    if status:
        pledges = pledges.filter(status=status)
    page = page_of(request, pledges, PLEDGES_PER_PAGE)
    return render(
        request,
        "stock/pledge_list.html",
        {
            "page": page,
            "pledges": queries.with_first_lines(page.object_list, LINES_SHOWN),
            "page_url": page_url(request),
            "status": status,
            "statuses": Pledge.Status.choices,
        },
    )


@require_http_methods(["GET", "POST"])
def pledge_create(request: HttpRequest) -> HttpResponse:
    form = PledgeForm(request.POST or None, scope=scope_for(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            pledge = services.create_pledge(form.to_input())
        except services.SupplyError as error:
            form.apply_errors(error)
        else:
            messages.success(
                request, _("Pledge of %(donor)s recorded.") % {"donor": pledge.donor.name}
            )
            return redirect("pledge-list")
    return render(
        request,
        "stock/lines_form.html",
        {
            "form": form,
            "title": _("Record a donor pledge"),
            "lines_title": _("What is pledged"),
            "submit": _("Record the pledge"),
        },
    )


@require_http_methods(["GET", "POST"])
def shipment_dispatch(request: HttpRequest) -> HttpResponse:
    """?pledge=ID (from the pledge list) fills the pledge, its donor and its destination."""
    scope = scope_for(request.user)
    initial: dict[str, Any] = {}
    pledge_id = int_param(request.GET, "pledge")
    if pledge_id is not None:
        pledge = queries.pledges(scope).filter(pk=pledge_id).first()
        if pledge is None:
            raise Http404(_("No pledge has this id."))
        initial = {
            "pledge": pledge.pk,
            "sender": pledge.donor_id,
            "destination": pledge.destination_id,
        }
        for n, line in enumerate(queries.first_lines(pledge)):
            initial[f"line_{n}_item"] = line.item_id
            initial[f"line_{n}_quantity"] = services.plain_quantity(line.quantity)
    form = DispatchForm(request.POST or None, initial=initial, scope=scope)
    if request.method == "POST" and form.is_valid():
        try:
            shipment = services.dispatch_shipment(form.to_input())
        except services.SupplyError as error:
            form.apply_errors(error)
        else:
            messages.success(
                request,
                _("Shipment %(waybill)s recorded as in transit to %(warehouse)s.")
                % {"waybill": shipment.waybill, "warehouse": shipment.destination.name},
            )
            return redirect("shipment-list")
    return render(
        request,
        "stock/lines_form.html",
        {
            "form": form,
            "title": _("Record a shipment in transit"),
            "lines_title": _("Manifest"),
            "submit": _("Record the shipment"),
        },
    )
