"""Stock pages: a warehouse's balances and ledger, inbound shipments, receiving a shipment.
Thin views: parse the request, call `queries` or `services`, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from edgecamp.accounts.scope import scope_for
from edgecamp.stock import queries, services
from edgecamp.stock.forms import ReceiveShipmentForm
from edgecamp.stock.models import Movement, Shipment

MOVEMENTS_PER_PAGE = 50


@require_GET
def warehouse_ledger(request: HttpRequest, warehouse_id: int) -> HttpResponse:
    scope = scope_for(request.user)
    warehouse = queries.warehouse_detail(warehouse_id, scope=scope)
    if warehouse is None:
        raise Http404(_("No warehouse has this id."))
    kind = request.GET.get("kind", "")
    if kind not in Movement.Kind.values:
        kind = ""
    page = Paginator(
        queries.movements(warehouse_id=warehouse.pk, kind=kind), MOVEMENTS_PER_PAGE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "stock/warehouse_ledger.html",
        {
            "warehouse": warehouse,
            "warehouses": queries.warehouses(scope=scope),
            "balances": queries.balances(warehouse.pk),
            "page": page,
            "kind": kind,
            "kinds": Movement.Kind.choices,
        },
    )


@require_GET
def shipment_list(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    return render(
        request,
        "stock/shipment_list.html",
        {
            "shipments": queries.shipments(scope=scope)[:200],
            "pledges": queries.pledges(scope)[:200],
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
