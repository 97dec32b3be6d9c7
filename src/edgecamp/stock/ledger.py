"""The stock ledger: every change of stock is a movement written here, with the (warehouse,
item, lot) balance row locked while it is checked and moved, so a balance never goes below
zero however many desks write at once. Receipts, transfers, losses and counts own their
transaction; the row-level steps below them (`_locked_balance`, `_move`, the lot and input
checks) run inside the caller's, and the pipeline (pipeline.py) builds on them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from edgecamp.core import dates
from edgecamp.core.errors import Refused
from edgecamp.stock.models import Item, Lot, Movement, StockBalance, Warehouse
from edgecamp.stock.quantities import MAX_BALANCE, plain, quantity_problem


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


# --- Row-level steps (inside the caller's transaction) -----------------------------------------


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


_plain = plain
