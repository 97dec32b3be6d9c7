"""Stock services: every change of stock is a movement written here, inside one transaction,
with the (warehouse, item, lot) balance row locked while it is checked and moved, so a
balance never goes below zero however many desks write at once.

Public functions own their transaction. `issue_stock` is the exception: it is the step the
distribution services call inside their own transaction, so a redemption and its stock
movements commit together or not at all."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import Case, Sum, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from edgecamp.core import dates
from edgecamp.core.errors import Refused
from edgecamp.partners.models import Organisation
from edgecamp.stock.models import (
    Item,
    Lot,
    Movement,
    Pledge,
    PledgeLine,
    Shipment,
    ShipmentLine,
    StockBalance,
    Warehouse,
)
from edgecamp.stock.quantities import (
    MAX_BALANCE,
    MAX_LINES,
    QuantityField,
    plain,
    quantity_problem,
    too_many_lines,
)

log = logging.getLogger(__name__)


class SupplyError(Refused):
    """Field errors keyed by a dotted path into the input (`quantity`, `lines.2.reason`);
    `__all__` for a problem with the request as a whole. Nothing was written."""


# --- Inputs ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReceiptInput:
    warehouse_id: int
    item_id: int
    quantity: Decimal
    lot_code: str = ""
    expires_on: date | None = None
    reason: str = ""


@dataclass(frozen=True)
class TransferInput:
    from_warehouse_id: int
    to_warehouse_id: int
    item_id: int
    quantity: Decimal
    lot_code: str = ""
    reason: str = ""


@dataclass(frozen=True)
class LossInput:
    warehouse_id: int
    item_id: int
    quantity: Decimal
    reason: str
    lot_code: str = ""


@dataclass(frozen=True)
class CountInput:
    """A physical count: the ledger is adjusted by the difference to the recorded balance."""

    warehouse_id: int
    item_id: int
    counted_quantity: Decimal
    reason: str
    lot_code: str = ""


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


# --- Movements ---------------------------------------------------------------------------------


def receive_stock(data: ReceiptInput, *, recorded_by: AbstractBaseUser | None = None) -> Movement:
    errors = SupplyError()
    warehouse = _warehouse(data.warehouse_id, "warehouse", errors)
    item = _item(data.item_id, "item", errors)
    _check_quantity(data.quantity, "quantity", errors)
    if item is not None:
        _check_lot_fields(item, data.lot_code, data.expires_on, "", errors)
    if errors.errors:
        raise errors
    assert warehouse is not None
    assert item is not None
    with transaction.atomic():
        lot = _receiving_lot(item, data.lot_code, data.expires_on, "lot_code")
        balance = _locked_balance(warehouse, item, lot, create=True)
        assert balance is not None
        return _move(
            balance,
            Movement.Kind.RECEIPT,
            data.quantity,
            reason=data.reason.strip(),
            recorded_by=recorded_by,
        )


def transfer_stock(
    data: TransferInput, *, recorded_by: AbstractBaseUser | None = None
) -> tuple[Movement, Movement]:
    errors = SupplyError()
    source = _warehouse(data.from_warehouse_id, "from_warehouse", errors)
    target = _warehouse(data.to_warehouse_id, "to_warehouse", errors)
    item = _item(data.item_id, "item", errors)
    _check_quantity(data.quantity, "quantity", errors)
    if source is not None and source == target:
        errors.add("to_warehouse", _("Choose a warehouse other than the one stock leaves from."))
    if errors.errors:
        raise errors
    assert source is not None
    assert target is not None
    assert item is not None
    reference = f"transfer:{uuid.uuid4().hex[:12]}"
    with transaction.atomic():
        lot = _existing_lot(item, data.lot_code, "lot_code")
        # Lock both rows in one global order (warehouse id), so two opposite transfers of the
        # same item wait for each other instead of deadlocking.
        ordered = sorted([source, target], key=lambda w: w.pk)
        locked = {w.pk: _locked_balance(w, item, lot, create=w == target) for w in ordered}
        out = _move(
            _require_stock(locked[source.pk], source, item, lot, data.quantity),
            Movement.Kind.TRANSFER_OUT,
            -data.quantity,
            reason=data.reason.strip(),
            reference=reference,
            recorded_by=recorded_by,
        )
        balance_in = locked[target.pk]
        assert balance_in is not None
        into = _move(
            balance_in,
            Movement.Kind.TRANSFER_IN,
            data.quantity,
            reason=data.reason.strip(),
            reference=reference,
            recorded_by=recorded_by,
        )
    return out, into


def record_loss(data: LossInput, *, recorded_by: AbstractBaseUser | None = None) -> Movement:
    errors = SupplyError()
    warehouse = _warehouse(data.warehouse_id, "warehouse", errors)
    item = _item(data.item_id, "item", errors)
    _check_quantity(data.quantity, "quantity", errors)
    _check_reason(data.reason, "reason", errors, _("Say what was lost or damaged, and how."))
    if errors.errors:
        raise errors
    assert warehouse is not None
    assert item is not None
    with transaction.atomic():
        lot = _existing_lot(item, data.lot_code, "lot_code")
        balance = _locked_balance(warehouse, item, lot, create=False)
        return _move(
            _require_stock(balance, warehouse, item, lot, data.quantity),
            Movement.Kind.LOSS,
            -data.quantity,
            reason=data.reason.strip(),
            recorded_by=recorded_by,
        )


def adjust_to_count(
    data: CountInput, *, recorded_by: AbstractBaseUser | None = None
) -> Movement | None:
    """Record a physical count. Returns the adjustment, or None when the count matches."""
    errors = SupplyError()
    warehouse = _warehouse(data.warehouse_id, "warehouse", errors)
    item = _item(data.item_id, "item", errors)
    _check_quantity(data.counted_quantity, "counted_quantity", errors, zero_allowed=True)
    _check_reason(
        data.reason, "reason", errors, _("Give the reason for the difference (who counted, why).")
    )
    if errors.errors:
        raise errors
    assert warehouse is not None
    assert item is not None
    with transaction.atomic():
        lot = _existing_lot(item, data.lot_code, "lot_code")
        balance = _locked_balance(warehouse, item, lot, create=data.counted_quantity > 0)
        current = balance.quantity if balance is not None else Decimal(0)
        delta = data.counted_quantity - current
        if delta == 0 or balance is None:
            return None
        return _move(
            balance,
            Movement.Kind.ADJUSTMENT,
            delta,
            reason=data.reason.strip(),
            recorded_by=recorded_by,
            path="counted_quantity",
        )


@dataclass(frozen=True)
class IssueLine:
    item: Item
    quantity: Decimal
    path: str = "quantity"  # where an error about this line is reported


def issue_stock(
    warehouse: Warehouse,
    item: Item,
    quantity: Decimal,
    *,
    reference: str,
    path: str = "quantity",
    recorded_by: AbstractBaseUser | None = None,
    today: date | None = None,
) -> list[Movement]:
    """`issue_stock_lines` for one item."""
    return issue_stock_lines(
        warehouse,
        [IssueLine(item, quantity, path)],
        reference=reference,
        recorded_by=recorded_by,
        today=today,
    )


def issue_stock_lines(
    warehouse: Warehouse,
    lines: Sequence[IssueLine],
    *,
    reference: str,
    recorded_by: AbstractBaseUser | None = None,
    today: date | None = None,
) -> list[Movement]:
    """Take each line's quantity out of a warehouse for a distribution, first-expiry first
    and never from an expired lot. Call inside the caller's transaction; raises SupplyError
    (the caller's transaction rolls back) naming every line the warehouse cannot cover.

    The balance rows are locked in one statement (in id order, the same in every
    transaction) while the plan is made. A caller on a hot path (the redemption desk) plans
    without the lock instead, writes its rows, and locks the balances last with
    `take_planned_stock`, so they are held only for one UPDATE and the commit."""
    plan = plan_issue(warehouse, lines, today=today, lock=True)
    movements = write_issue_movements(
        warehouse, lines, plan, reference=reference, recorded_by=recorded_by
    )
    take_planned_stock(plan)
    return movements


IssuePlan = list[tuple[StockBalance, Decimal]]


class StockMoved(Exception):
    """A balance planned from changed before it was locked (another desk took from it): roll
    back and plan again under the lock."""


def plan_issue(
    warehouse: Warehouse,
    lines: Sequence[IssueLine],
    *,
    today: date | None = None,
    lock: bool = False,
) -> IssuePlan:
    """Which balance rows give how much, first-expiry first, never from an expired lot; raises
    SupplyError naming every line the warehouse cannot cover. `lock` locks the rows (inside
    the caller's transaction) so the plan stays true until it commits."""
    day = today or timezone.localdate()
    found = StockBalance.objects.filter(
        warehouse=warehouse, item__in=[line.item for line in lines]
    ).order_by("id")
    if lock:
        found = found.select_for_update(of=("self",))
    balances = list(found.select_related("lot"))
    plan: IssuePlan = []
    errors = SupplyError()
    for line in lines:
        usable = [
            b
            for b in balances
            if b.item_id == line.item.pk
            and b.quantity > 0
            and (b.lot is None or b.lot.expires_on is None or b.lot.expires_on >= day)
        ]
        usable.sort(key=lambda b: (b.lot is None or b.lot.expires_on is None, _expiry(b), b.pk))
        available = sum((b.quantity for b in usable), Decimal(0))
        if available < line.quantity:
            errors.add(
                line.path,
                _(
                    "Not enough %(item)s in %(warehouse)s: %(needed)s %(unit)s needed, "
                    "%(available)s %(unit)s usable. Receive or transfer stock first; "
                    "nothing was handed out."
                )
                % {
                    "item": line.item.name,
                    "warehouse": warehouse.name,
                    "needed": _plain(line.quantity),
                    "available": _plain(available),
                    "unit": line.item.unit,
                },
            )
            continue
        remaining = line.quantity
        for balance in usable:
            if remaining <= 0:
                break
            take = min(balance.quantity, remaining)
            plan.append((balance, take))
            remaining -= take
    if errors.errors:
        raise errors
    return plan


def write_issue_movements(
    warehouse: Warehouse,
    lines: Sequence[IssueLine],
    plan: IssuePlan,
    *,
    reference: str,
    recorded_by: AbstractBaseUser | None = None,
) -> list[Movement]:
    """The ledger rows of a plan (inside the caller's transaction, before
    `take_planned_stock` moves the balances)."""
    if not plan:
        return []
    user = recorded_by if recorded_by is not None and recorded_by.pk else None
    items = {line.item.pk: line.item for line in lines}
    return Movement.objects.bulk_create(
        Movement(
            kind=Movement.Kind.DISTRIBUTION,
            warehouse=warehouse,
            item=items[balance.item_id],
            lot=balance.lot,
            quantity=-take,
            reference=reference,
            recorded_by=user,
        )
        for balance, take in plan
    )


def take_planned_stock(plan: IssuePlan) -> None:
    """Lock the plan's balance rows (one statement, id order) and move them. Raises
    StockMoved when a row no longer holds what the plan takes from it; the CHECK
    (quantity >= 0) stays the backstop."""
    if not plan:
        return
    ids = sorted({balance.pk for balance, _take in plan})
    held = dict(
        StockBalance.objects.select_for_update()
        .filter(pk__in=ids)
        .order_by("id")
        .values_list("id", "quantity")
    )
    taken: dict[int, Decimal] = {}
    for balance, take in plan:
        taken[balance.pk] = taken.get(balance.pk, Decimal(0)) + take
    if any(held.get(pk, Decimal(0)) < quantity for pk, quantity in taken.items()):
        raise StockMoved
    # The new balances are computed here, in Decimal, from the values read under the lock:
    # in SQL, SQLite would compute them as floating point (0.3 - 0.1 != 0.2).
    StockBalance.objects.filter(pk__in=ids).update(
        quantity=Case(
            *[When(pk=pk, then=Value(held[pk] - quantity)) for pk, quantity in taken.items()],
            output_field=QuantityField(),
        )
    )


# --- Pipeline ----------------------------------------------------------------------------------


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
        .annotate(total=Sum("manifest_quantity"))
        .order_by()
    )
    short = any(
        shipped.get(item, 0) < total
        for item, total in pledge.lines.values_list("item")
        .annotate(total=Sum("quantity"))
        .order_by()
    )
    all_received = not pledge.shipments.exclude(status=Shipment.Status.RECEIVED).exists()
    status = Pledge.Status.RECEIVED if all_received and not short else Pledge.Status.IN_TRANSIT
    Pledge.objects.filter(pk=pledge.pk).update(status=status)


# --- Helpers (inside the caller's transaction) -------------------------------------------------


def _locked_balance(
    warehouse: Warehouse, item: Item, lot: Lot | None, *, create: bool
) -> StockBalance | None:
    rows = StockBalance.objects.select_for_update().filter(warehouse=warehouse, item=item, lot=lot)
    balance = rows.first()
    if balance is not None or not create:
        return balance
    try:
        with transaction.atomic():
            return StockBalance.objects.create(warehouse=warehouse, item=item, lot=lot)
    except IntegrityError:
        # Another desk created the row a moment ago; its insert has committed by now.
        return rows.get()


def _require_stock(
    balance: StockBalance | None,
    warehouse: Warehouse,
    item: Item,
    lot: Lot | None,
    quantity: Decimal,
) -> StockBalance:
    available = balance.quantity if balance is not None else Decimal(0)
    if balance is None or available < quantity:
        where = f"{warehouse.name}" + (f", lot {lot.code}" if lot is not None else "")
        raise SupplyError(
            {
                "quantity": [
                    _(
                        "Only %(available)s %(unit)s of %(item)s in %(where)s; %(quantity)s "
                        "requested. Stock cannot go below zero: record a receipt or a count "
                        "first."
                    )
                    % {
                        "available": _plain(available),
                        "unit": item.unit,
                        "item": item.name,
                        "where": where,
                        "quantity": _plain(quantity),
                    }
                ]
            }
        )
    return balance


def _move(
    balance: StockBalance,
    kind: str,
    delta: Decimal,
    *,
    reason: str = "",
    reference: str = "",
    recorded_by: AbstractBaseUser | None = None,
    path: str = "quantity",
) -> Movement:
    """Write one movement and move its (locked) balance row by the same amount. The new
    balance is computed here, in Decimal, from the value read under the lock: in SQL, SQLite
    would compute it as floating point (0.3 - 0.1 != 0.2). A balance never grows past what
    its column holds; one that already holds more (let in before the bounds) can still go
    down."""
    quantity = balance.quantity + delta
    if delta > 0 and quantity > MAX_BALANCE:
        raise SupplyError(
            {
                path: [
                    _(
                        "Too large: this would take the balance to %(quantity)s, and a "
                        "balance holds at most %(limit_value)s."
                    )
                    % {"quantity": plain(quantity), "limit_value": plain(MAX_BALANCE)}
                ]
            }
        )
    StockBalance.objects.filter(pk=balance.pk).update(quantity=quantity)
    balance.quantity = quantity
    return Movement.objects.create(
        kind=kind,
        warehouse_id=balance.warehouse_id,
        item_id=balance.item_id,
        lot_id=balance.lot_id,
        quantity=delta,
        reason=reason[:200],
        reference=reference,
        recorded_by=recorded_by if recorded_by is not None and recorded_by.pk else None,
    )


def _receiving_lot(item: Item, code: str, expires_on: date | None, path: str) -> Lot | None:
    code = code.strip()
    if not code:
        return None
    lot, _created = Lot.objects.get_or_create(
        item=item, code=code, defaults={"expires_on": expires_on}
    )
    if expires_on is not None and lot.expires_on != expires_on:
        raise SupplyError(
            {
                path: [
                    _("Lot %(code)s of %(item)s is recorded as expiring on %(date)s.")
                    % {"code": code, "item": item.name, "date": lot.expires_on}
                ]
            }
        )
    return lot


def _existing_lot(item: Item, code: str, path: str) -> Lot | None:
    code = code.strip()
    if not code:
        if item.tracks_expiry:
            raise SupplyError(
                {path: [_("%(item)s is held in lots: give the lot code.") % {"item": item.name}]}
            )
        return None
    lot = Lot.objects.filter(item=item, code=code).first()
    if lot is None:
        raise SupplyError(
            {path: [_("No lot %(code)s of %(item)s.") % {"code": code, "item": item.name}]}
        )
    return lot


def _warehouse(pk: int, path: str, errors: SupplyError) -> Warehouse | None:
    warehouse = Warehouse.objects.select_related("site").filter(pk=pk).first()
    if warehouse is None:
        errors.add(path, _("Choose a warehouse that exists."))
    return warehouse


def _item(pk: int, path: str, errors: SupplyError) -> Item | None:
    item = Item.objects.filter(pk=pk).first()
    if item is None:
        errors.add(path, _("Choose an item from the catalogue."))
    return item


def _check_quantity(
    quantity: Decimal, path: str, errors: SupplyError, *, zero_allowed: bool = False
) -> None:
    if problem := quantity_problem(quantity, zero_allowed=zero_allowed):
        errors.add(path, problem)


def _check_reason(reason: str, path: str, errors: SupplyError, message: str) -> None:
    if not reason.strip():
        errors.add(path, message)
    elif len(reason.strip()) > 200:
        errors.add(path, _("Keep the reason under 200 characters."))


def _check_lot_fields(
    item: Item, lot_code: str, expires_on: date | None, prefix: str, errors: SupplyError
) -> None:
    if len(lot_code.strip()) > 40:
        errors.add(f"{prefix}lot_code", _("Keep lot codes under 40 characters."))
    for path, problem in dates.implausible(
        {f"{prefix}expires_on": (expires_on, dates.LOT_EXPIRY)}
    ).items():
        errors.add(path, problem)
    if item.tracks_expiry:
        if not lot_code.strip():
            errors.add(
                f"{prefix}lot_code",
                _("%(item)s is received in lots: give the lot code.") % {"item": item.name},
            )
        if expires_on is None:
            errors.add(
                f"{prefix}expires_on",
                _("%(item)s expires: give the expiry date on the packaging.") % {"item": item.name},
            )


def _expiry(balance: StockBalance) -> date:
    if balance.lot is not None and balance.lot.expires_on is not None:
        return balance.lot.expires_on
    return date.max


plain_quantity = _plain = plain


__all__ = [
    "CountInput",
    "IssueLine",
    "LossInput",
    "PledgeInput",
    "PledgeLineInput",
    "ReceiptInput",
    "ReceivedLineInput",
    "ShipmentInput",
    "ShipmentLineInput",
    "StockMoved",
    "SupplyError",
    "TransferInput",
    "adjust_to_count",
    "create_pledge",
    "dispatch_shipment",
    "issue_stock",
    "issue_stock_lines",
    "plain_quantity",
    "plan_issue",
    "receive_shipment",
    "record_loss",
    "take_planned_stock",
    "transfer_stock",
    "write_issue_movements",
]
