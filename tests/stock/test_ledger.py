"""The stock ledger: movements append-only, balances derived and never negative, transfers,
losses, counts, lots first-expiry first. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, IntegrityError, connection, connections, transaction
from django.db.models import Sum

from edgecamp.stock.models import Movement, StockBalance
from edgecamp.stock.services import (
    CountInput,
    LossInput,
    ReceiptInput,
    SupplyError,
    TransferInput,
    adjust_to_count,
    issue_stock,
    receive_stock,
    record_loss,
    transfer_stock,
)
from tests.stock.factories import make_item, make_warehouse, stock_up

pytestmark = pytest.mark.django_db


@pytest.fixture
def maize(db):
    return make_item(name="Maize", code="maize")


@pytest.fixture
def warehouse(site):
    return make_warehouse(site, name="Main store")


def _balance(warehouse, item) -> Decimal:
    total = StockBalance.objects.filter(warehouse=warehouse, item=item).aggregate(
        q=Sum("quantity")
    )["q"]
    return total or Decimal(0)


def _assert_ledger_matches_balances() -> None:
    for balance in StockBalance.objects.all():
        movements = Movement.objects.filter(
            warehouse=balance.warehouse, item=balance.item, lot=balance.lot
        ).aggregate(q=Sum("quantity"))["q"] or Decimal(0)
        assert balance.quantity == movements, balance


def test_receipt_transfer_loss_and_count_keep_balance_equal_to_ledger(site, maize, warehouse):
    other = make_warehouse(site, name="Outpost")
    stock_up(warehouse, maize, "100.5")
    transfer_stock(
        TransferInput(
            from_warehouse_id=warehouse.pk,
            to_warehouse_id=other.pk,
            item_id=maize.pk,
            quantity=Decimal("40"),
        )
    )
    record_loss(
        LossInput(
            warehouse_id=other.pk, item_id=maize.pk, quantity=Decimal(5), reason="rats in bag 3"
        )
    )
    adjustment = adjust_to_count(
        CountInput(
            warehouse_id=warehouse.pk,
            item_id=maize.pk,
            counted_quantity=Decimal("60"),
            reason="monthly count",
        )
    )

    assert adjustment is not None
    assert adjustment.quantity == Decimal("-0.5")
    assert _balance(warehouse, maize) == Decimal(60)
    assert _balance(other, maize) == Decimal(35)
    kinds = list(Movement.objects.order_by("id").values_list("kind", flat=True))
    assert kinds == ["receipt", "transfer_out", "transfer_in", "loss", "adjustment"]
    _assert_ledger_matches_balances()
    unchanged = adjust_to_count(
        CountInput(
            warehouse_id=warehouse.pk, item_id=maize.pk, counted_quantity=Decimal(60), reason="x"
        )
    )
    assert unchanged is None


@pytest.mark.parametrize(
    "action",
    [
        lambda w, i: record_loss(
            LossInput(warehouse_id=w.pk, item_id=i.pk, quantity=Decimal(11), reason="flood")
        ),
        lambda w, i: transfer_stock(
            TransferInput(
                from_warehouse_id=w.pk,
                to_warehouse_id=make_warehouse(w.site).pk,
                item_id=i.pk,
                quantity=Decimal("10.001"),
            )
        ),
        lambda w, i: issue_stock(w, i, Decimal(12), reference="test"),
    ],
    ids=["loss", "transfer", "issue"],
)
def test_stock_never_goes_negative(maize, warehouse, action):
    stock_up(warehouse, maize, 10)
    before = Movement.objects.count()

    with pytest.raises(SupplyError) as caught, transaction.atomic():
        action(warehouse, maize)

    assert "quantity" in caught.value.errors
    assert _balance(warehouse, maize) == Decimal(10)
    assert Movement.objects.count() == before


def test_check_constraint_is_the_backstop(maize, warehouse):
    stock_up(warehouse, maize, 3)
    with pytest.raises(IntegrityError), transaction.atomic():
        StockBalance.objects.filter(warehouse=warehouse).update(quantity=Decimal(-1))


def test_invalid_inputs_name_their_fields(maize, warehouse):
    with pytest.raises(SupplyError) as caught:
        receive_stock(ReceiptInput(warehouse_id=999_999, item_id=maize.pk, quantity=Decimal(0)))
    assert set(caught.value.errors) == {"warehouse", "quantity"}
    with pytest.raises(SupplyError) as caught:
        record_loss(
            LossInput(warehouse_id=warehouse.pk, item_id=maize.pk, quantity=Decimal(1), reason=" ")
        )
    assert "reason" in caught.value.errors
    oil = make_item(name="Oil", tracks_expiry=True)
    with pytest.raises(SupplyError) as caught:
        receive_stock(ReceiptInput(warehouse_id=warehouse.pk, item_id=oil.pk, quantity=Decimal(1)))
    assert set(caught.value.errors) == {"lot_code", "expires_on"}


def test_movements_cannot_be_edited_or_deleted(maize, warehouse):
    stock_up(warehouse, maize, 5)
    movement = Movement.objects.get()

    movement.quantity = Decimal(500)
    with pytest.raises(PermissionDenied):
        movement.save()
    with pytest.raises(PermissionDenied):
        movement.delete()
    with pytest.raises(PermissionDenied):
        Movement.objects.filter(pk=movement.pk).update(quantity=Decimal(1))
    with pytest.raises(PermissionDenied):
        Movement.objects.all().delete()
    # Below the ORM, the database refuses too.
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE stock_movement SET quantity = 1")
    assert Movement.objects.get().quantity == Decimal(5)


def test_admin_shows_the_ledger_read_only(logged_in_client, maize, warehouse):
    stock_up(warehouse, maize, 5)
    movement = Movement.objects.get()
    listing = logged_in_client.get("/admin/stock/movement/")
    assert listing.status_code == 200
    assert logged_in_client.get("/admin/stock/movement/add/").status_code == 403
    assert logged_in_client.post(f"/admin/stock/movement/{movement.pk}/delete/").status_code == 403
    page = logged_in_client.get(f"/admin/stock/movement/{movement.pk}/change/")
    assert page.status_code == 200
    assert b'name="_save"' not in page.content


def test_issue_takes_first_expiring_lot_and_skips_expired(maize, warehouse):
    oil = make_item(name="Oil", tracks_expiry=True, unit="l")
    today = date(2026, 11, 24)
    stock_up(warehouse, oil, 10, lot_code="L-LATE", expires_on=today + timedelta(days=200))
    stock_up(warehouse, oil, 10, lot_code="L-SOON", expires_on=today + timedelta(days=20))
    stock_up(warehouse, oil, 50, lot_code="L-GONE", expires_on=today - timedelta(days=1))

    with transaction.atomic():
        movements = issue_stock(warehouse, oil, Decimal(15), reference="t", today=today)

    assert [(m.lot.code, m.quantity) for m in movements] == [
        ("L-SOON", Decimal(-10)),
        ("L-LATE", Decimal(-5)),
    ]
    with pytest.raises(SupplyError) as caught, transaction.atomic():
        issue_stock(warehouse, oil, Decimal(6), reference="t", today=today)
    assert "5 l usable" in caught.value.errors["quantity"][0]
    _assert_ledger_matches_balances()


@pytest.mark.django_db(transaction=True)
def test_concurrent_losses_never_overdraw(site):
    if connection.vendor != "postgresql":
        pytest.skip("real row-lock concurrency is exercised in the PostgreSQL run")
    item = make_item(name="Soap", unit="bar")
    warehouse = make_warehouse(site)
    stock_up(warehouse, item, 10)
    workers = 16
    barrier = threading.Barrier(workers)
    outcomes: list[str] = []

    def desk() -> None:
        try:
            barrier.wait()
            record_loss(
                LossInput(
                    warehouse_id=warehouse.pk, item_id=item.pk, quantity=Decimal(1), reason="x"
                )
            )
            outcomes.append("ok")
        except SupplyError:
            outcomes.append("refused")
        except BaseException as exc:  # reported by the assertion below
            outcomes.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=desk) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes) == ["ok"] * 10 + ["refused"] * 6
    assert _balance(warehouse, item) == 0
    _assert_ledger_matches_balances()
