"""The supply pipeline: donor pledges, shipments in transit with their manifests, and their
receipt into the destination warehouse's ledger (through the ledger's row-level steps), which
also moves the pledge's status on. Each service owns its transaction."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from edgecamp.core import dates
from edgecamp.partners.models import Organisation
from edgecamp.stock.ledger import (
    SupplyError,
    _check_lot_fields,
    _check_quantity,
    _item,
    _locked_balance,
    _move,
    _plain,
    _receiving_lot,
    _warehouse,
)
from edgecamp.stock.models import Movement, Pledge, PledgeLine, Shipment, ShipmentLine
from edgecamp.stock.quantities import MAX_LINES, QuantitySum, quantity_problem, too_many_lines

log = logging.getLogger("edgecamp.stock.services")


@dataclass(frozen=True)
class PledgeLineInput:
    item_id: int
    quantity: Decimal


@dataclass(frozen=True)
class PledgeInput:
    donor_id: int
    destination_id: int
    pledged_on: date
    lines: Sequence[PledgeLineInput]
    expected_by: date | None = None
    reference: str = ""


@dataclass(frozen=True)
class ShipmentLineInput:
    item_id: int
    quantity: Decimal
    lot_code: str = ""
    expires_on: date | None = None


@dataclass(frozen=True)
class ShipmentInput:
    sender_id: int
    destination_id: int
    waybill: str
    dispatched_on: date
    lines: Sequence[ShipmentLineInput]
    expected_on: date | None = None
    pledge_id: int | None = None


@dataclass(frozen=True)
class ReceivedLineInput:
    line_id: int
    received_quantity: Decimal
    discrepancy_reason: str = ""


def create_pledge(data: PledgeInput) -> Pledge:
    errors = SupplyError()
    donor = Organisation.objects.filter(pk=data.donor_id).first()
    if donor is None:
        errors.add("donor", _("Choose a partner organisation that exists."))
    destination = _warehouse(data.destination_id, "destination", errors)
    if not data.lines:
        errors.add("lines", _("A pledge needs at least one line."))
    elif len(data.lines) > MAX_LINES:
        raise SupplyError({"lines": [too_many_lines()]})
    for index, line in enumerate(data.lines):
        _item(line.item_id, f"lines.{index}.item", errors)
        _check_quantity(line.quantity, f"lines.{index}.quantity", errors)
    if data.expected_by is not None and data.expected_by < data.pledged_on:
        errors.add("expected_by", _("The expected date cannot be before the pledge date."))
    for path, problem in dates.implausible(
        {
            "pledged_on": (data.pledged_on, dates.OPERATION_EVENT),
            "expected_by": (data.expected_by, dates.OPERATION_EVENT),
        }
    ).items():
        errors.add(path, problem)
    if errors.errors:
        raise errors
    with transaction.atomic():
        pledge = Pledge.objects.create(
            donor=donor,
            destination=destination,
            pledged_on=data.pledged_on,
            expected_by=data.expected_by,
            reference=data.reference.strip()[:60],
        )
        PledgeLine.objects.bulk_create(
            PledgeLine(pledge=pledge, item_id=line.item_id, quantity=line.quantity)
            for line in data.lines
        )
    return pledge


def dispatch_shipment(data: ShipmentInput) -> Shipment:
    """Record a shipment on its way, with its manifest."""
    errors = SupplyError()
    sender = Organisation.objects.filter(pk=data.sender_id).first()
    if sender is None:
        errors.add("sender", _("Choose a partner organisation that exists."))
    destination = _warehouse(data.destination_id, "destination", errors)
    pledge = None
    if data.pledge_id is not None:
        pledge = Pledge.objects.filter(pk=data.pledge_id).first()
        if pledge is None:
            errors.add("pledge", _("Choose a pledge that exists, or leave it empty."))
        elif pledge.status in (Pledge.Status.RECEIVED, Pledge.Status.CANCELLED):
            errors.add(
                "pledge",
                _("This pledge is %(status)s; it takes no more shipments.")
                % {"status": pledge.get_status_display().lower()},
            )
    if not data.waybill.strip() or len(data.waybill.strip()) > 60:
        errors.add("waybill", _("Enter the waybill number (at most 60 characters)."))
    if not data.lines:
        errors.add("lines", _("A shipment needs at least one manifest line."))
    elif len(data.lines) > MAX_LINES:
        raise SupplyError({"lines": [too_many_lines()]})
    for path, problem in dates.implausible(
        {
            "dispatched_on": (data.dispatched_on, dates.OPERATION_EVENT),
            "expected_on": (data.expected_on, dates.OPERATION_EVENT),
        }
    ).items():
        errors.add(path, problem)
    for index, line in enumerate(data.lines):
        item = _item(line.item_id, f"lines.{index}.item", errors)
        _check_quantity(line.quantity, f"lines.{index}.quantity", errors)
        if item is not None:
            _check_lot_fields(item, line.lot_code, line.expires_on, f"lines.{index}.", errors)
    if errors.errors:
        raise errors
    with transaction.atomic():
        shipment = Shipment.objects.create(
            sender=sender,
            destination=destination,
            pledge=pledge,
            waybill=data.waybill.strip(),
            dispatched_on=data.dispatched_on,
            expected_on=data.expected_on,
        )
        ShipmentLine.objects.bulk_create(
            ShipmentLine(
                shipment=shipment,
                item_id=line.item_id,
                manifest_quantity=line.quantity,
                lot_code=line.lot_code.strip(),
                expires_on=line.expires_on,
            )
            for line in data.lines
        )
        if pledge is not None and pledge.status == Pledge.Status.PLEDGED:
            Pledge.objects.filter(pk=pledge.pk).update(status=Pledge.Status.IN_TRANSIT)
    return shipment


def receive_shipment(
    shipment_id: int,
    lines: Sequence[ReceivedLineInput],
    *,
    received_by: AbstractBaseUser | None = None,
) -> Shipment:
    """Record what arrived against each manifest line and receive it into stock. A line
    whose quantity differs from the manifest needs a reason; every line must be given."""
    if len(lines) > MAX_LINES:
        raise SupplyError({"lines": [too_many_lines()]})
    with transaction.atomic():
        shipment = (
            Shipment.objects.select_for_update(of=("self",))
            .select_related("destination")
            .filter(pk=shipment_id)
            .first()
        )
        if shipment is None:
            raise SupplyError({"shipment": [_("No shipment has this id.")]})
        if shipment.status == Shipment.Status.RECEIVED:
            assert shipment.received_at is not None
            raise SupplyError(
                {
                    "shipment": [
                        _("Shipment %(waybill)s was already received on %(when)s.")
                        % {
                            "waybill": shipment.waybill,
                            "when": f"{timezone.localtime(shipment.received_at):%Y-%m-%d %H:%M}",
                        }
                    ]
                }
            )
        manifest = {line.pk: line for line in shipment.lines.select_related("item")}
        given = {line.line_id: (index, line) for index, line in enumerate(lines)}
        errors = SupplyError()
        for line_id in given:
            if line_id not in manifest:
                errors.add(
                    f"lines.{given[line_id][0]}.line",
                    _("Line %(id)d is not on this shipment's manifest.") % {"id": line_id},
                )
        missing = [line for pk, line in manifest.items() if pk not in given]
        if missing:
            errors.add(
                "lines",
                _("Give the quantity received for every manifest line (missing: %(items)s).")
                % {"items": ", ".join(line.item.name for line in missing)},
            )
        for index, received in given.values():
            line = manifest.get(received.line_id)
            if problem := quantity_problem(received.received_quantity, zero_allowed=True):
                errors.add(f"lines.{index}.received_quantity", problem)
            elif (
                line is not None
                and received.received_quantity != line.manifest_quantity
                and not received.discrepancy_reason.strip()
            ):
                errors.add(
                    f"lines.{index}.discrepancy_reason",
                    _(
                        "%(received)s received against %(manifest)s on the manifest: say why "
                        "(short, damaged in transit, over-delivered)."
                    )
                    % {
                        "received": _plain(received.received_quantity),
                        "manifest": _plain(line.manifest_quantity),
                    },
                )
        if errors.errors:
            raise errors

        reference = f"shipment:{shipment.pk}"
        for line in manifest.values():
            received = given[line.pk][1]
            line.received_quantity = received.received_quantity
            line.discrepancy_reason = received.discrepancy_reason.strip()[:200]
            line.save(update_fields=["received_quantity", "discrepancy_reason"])
            if received.received_quantity > 0:
                lot = _receiving_lot(
                    line.item, line.lot_code, line.expires_on, f"lines.{given[line.pk][0]}"
                )
                balance = _locked_balance(shipment.destination, line.item, lot, create=True)
                assert balance is not None
                _move(
                    balance,
                    Movement.Kind.RECEIPT,
                    received.received_quantity,
                    reason=_("Shipment %(waybill)s") % {"waybill": shipment.waybill},
                    reference=reference,
                    recorded_by=received_by,
                    path=f"lines.{given[line.pk][0]}.received_quantity",
                )
        shipment.status = Shipment.Status.RECEIVED
        shipment.received_at = timezone.now()
        shipment.received_by = received_by if received_by is not None and received_by.pk else None
        shipment.save(update_fields=["status", "received_at", "received_by"])
        if shipment.pledge_id is not None:
            _update_pledge_status(shipment.pledge_id)
    log.info("shipment %s received", shipment.pk)
    return shipment


def _update_pledge_status(pledge_id: int) -> None:
    """Received once every shipment of the pledge is received and, item by item, they
    carried at least what was pledged. Summed by the database: a pledge recorded before
    lines were limited can hold 200 000 lines."""
    pledge = Pledge.objects.select_for_update().get(pk=pledge_id)
    shipped = dict(
        ShipmentLine.objects.filter(shipment__pledge=pledge)
        .values_list("item")
        .annotate(total=QuantitySum("manifest_quantity"))
        .order_by()
    )
    short = any(
        shipped.get(item, 0) < total
        for item, total in pledge.lines.values_list("item")
        .annotate(total=QuantitySum("quantity"))
        .order_by()
    )
    all_received = not pledge.shipments.exclude(status=Shipment.Status.RECEIVED).exists()
    status = Pledge.Status.RECEIVED if all_received and not short else Pledge.Status.IN_TRANSIT
    Pledge.objects.filter(pk=pledge.pk).update(status=status)


def expected_by(warehouse_id: int, day: date) -> dict[int, Decimal]:
    """Per item id: what the pipeline will have brought into the warehouse by `day`, on the
    senders' word: shipments in transit expected on or before it (their manifests), and what
    open pledges expected by then still have to ship (pledged less shipped). A shipment or a
    pledge without an expected date is not counted: nobody said it arrives in time."""
    totals: dict[int, Decimal] = {}
    in_transit = ShipmentLine.objects.filter(
        shipment__destination_id=warehouse_id,
        shipment__status=Shipment.Status.IN_TRANSIT,
        shipment__expected_on__lte=day,
    )
    for item, total in (
        in_transit.values_list("item").annotate(total=QuantitySum("manifest_quantity")).order_by()
    ):
        totals[item] = totals.get(item, Decimal(0)) + total
    pledges = Pledge.objects.filter(
        destination_id=warehouse_id,
        status__in=[Pledge.Status.PLEDGED, Pledge.Status.IN_TRANSIT],
        expected_by__lte=day,
    )
    shipped = {
        (pledge, item): total
        for pledge, item, total in ShipmentLine.objects.filter(shipment__pledge__in=pledges)
        .values_list("shipment__pledge", "item")
        .annotate(total=QuantitySum("manifest_quantity"))
        .order_by()
    }
    for pledge, item, total in (
        PledgeLine.objects.filter(pledge__in=pledges)
        .values_list("pledge", "item")
        .annotate(total=QuantitySum("quantity"))
        .order_by()
    ):
        outstanding = total - shipped.get((pledge, item), Decimal(0))
        if outstanding > 0:
            totals[item] = totals.get(item, Decimal(0)) + outstanding
    return totals
