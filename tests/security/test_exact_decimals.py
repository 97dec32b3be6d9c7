"""Attacked: float arithmetic in stock balances. The balance was updated in SQL, which SQLite
computes as floating point: receive 0.3, lose 0.1, and the remaining 0.2 could no longer be
moved (0.19999999999999998 - 0.2 broke the never-negative CHECK); the demo data held
8424.20000000001. Balances are now computed in Decimal from the row read under the lock, on
every database, and a migration rounds the values already stored."""

from __future__ import annotations

import importlib
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.db import connection, transaction

from edgecamp.stock.models import StockBalance
from edgecamp.stock.services import (
    LossInput,
    TransferInput,
    issue_stock,
    record_loss,
    transfer_stock,
)
from tests.stock.factories import make_item, make_warehouse, stock_up

pytestmark = pytest.mark.django_db


def _stored(item) -> object:
    """The value as the database holds it, not as Django rounds it on reading."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT quantity FROM stock_stockbalance WHERE item_id = %s", [item.pk])
        return cursor.fetchone()[0]


def test_receive_lose_and_move_the_rest_to_exactly_zero(site):
    maize, here, there = make_item(), make_warehouse(site), make_warehouse(site)
    stock_up(here, maize, "0.3")
    record_loss(LossInput(here.pk, maize.pk, Decimal("0.1"), reason="spilt"))
    transfer_stock(TransferInput(here.pk, there.pk, maize.pk, Decimal("0.2")))
    assert StockBalance.objects.get(warehouse=here).quantity == 0
    assert Decimal(str(_stored(maize))) == 0


def test_distributions_take_tenths_down_to_exactly_zero(site):
    maize, here = make_item(), make_warehouse(site)
    stock_up(here, maize, "0.3")
    for n in range(3):
        with transaction.atomic():
            issue_stock(here, maize, Decimal("0.1"), reference=f"test:{n}")
    assert Decimal(str(_stored(maize))) == 0


def test_many_small_receipts_sum_exactly(site):
    maize, here = make_item(), make_warehouse(site)
    for _n in range(10):
        stock_up(here, maize, "0.1")
    stock_up(here, maize, "8423.2")
    assert Decimal(str(_stored(maize))) == Decimal("8424.2")


@pytest.mark.skipif(connection.vendor != "sqlite", reason="numeric is exact on PostgreSQL")
def test_migration_rounds_the_float_residue_already_stored(site):
    maize, here = make_item(), make_warehouse(site)
    stock_up(here, maize, "1")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE stock_stockbalance SET quantity = 8424.20000000001 WHERE item_id = %s",
            [maize.pk],
        )
    assert _stored(maize) != 8424.2
    migration = importlib.import_module("edgecamp.stock.migrations.0004_balances_exact_decimals")
    # The schema editor's part the migration uses (a real one cannot open inside the test's
    # transaction on SQLite).
    editor = SimpleNamespace(connection=connection, execute=connection.cursor().execute)
    migration.round_float_balances(None, editor)
    assert _stored(maize) == 8424.2
