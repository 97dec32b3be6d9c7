"""Factories for items, warehouses and stock received through the ledger's own service."""

from __future__ import annotations

import itertools
from decimal import Decimal
from typing import Any

from edgecamp.sites.models import Site
from edgecamp.stock.models import Item, Warehouse
from edgecamp.stock.services import ReceiptInput, receive_stock

_counter = itertools.count(1)


def make_item(**overrides: Any) -> Item:
    n = next(_counter)
    fields: dict[str, Any] = {
        "code": f"item-{n}",
        "name": f"Item {n}",
        "unit": Item.Unit.KG,
        "category": Item.Category.FOOD,
    }
    fields.update(overrides)
    return Item.objects.create(**fields)


def make_warehouse(site: Site, **overrides: Any) -> Warehouse:
    n = next(_counter)
    fields: dict[str, Any] = {"code": f"wh-{n}", "name": f"Warehouse {n}"}
    fields.update(overrides)
    return Warehouse.objects.create(site=site, **fields)


def stock_up(warehouse: Warehouse, item: Item, quantity: str | int, **kwargs: Any) -> None:
    receive_stock(
        ReceiptInput(
            warehouse_id=warehouse.pk, item_id=item.pk, quantity=Decimal(quantity), **kwargs
        )
    )
