"""Issuing stock for a distribution: which balance rows give how much (first expiry first,
never from an expired lot), the ledger rows of that plan, and the locked update that takes it.
These steps run inside the distribution service's transaction, so a redemption and its stock
movements commit together or not at all."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Case, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from edgecamp.stock.ledger import SupplyError
from edgecamp.stock.models import Item, Movement, StockBalance, Warehouse
from edgecamp.stock.quantities import QuantityField, plain

_plain = plain


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


def _expiry(balance: StockBalance) -> date:
    if balance.lot is not None and balance.lot.expires_on is not None:
        return balance.lot.expires_on
    return date.max
