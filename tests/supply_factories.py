"""Factories for supply tests (stock and distributions), in the style of tests/factories.py."""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal
from typing import Any

from edgecamp.distributions.models import Cycle
from edgecamp.distributions.services import CycleInput, RuleInput, create_cycle
from edgecamp.partners.models import Organisation
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


def make_organisation(**overrides: Any) -> Organisation:
    n = next(_counter)
    fields: dict[str, Any] = {"name": f"Organisation {n}", "acronym": f"ORG{n}", "type": "ngo"}
    fields.update(overrides)
    return Organisation.objects.create(**fields)


def stock_up(warehouse: Warehouse, item: Item, quantity: str | int, **kwargs: Any) -> None:
    receive_stock(
        ReceiptInput(
            warehouse_id=warehouse.pk, item_id=item.pk, quantity=Decimal(quantity), **kwargs
        )
    )


def make_cycle(
    site: Site, warehouse: Warehouse, entitlement_rules: list[RuleInput], **overrides: Any
) -> Cycle:
    fields: dict[str, Any] = {
        "name": f"Cycle {next(_counter)}",
        "site_id": site.pk,
        "warehouse_id": warehouse.pk,
        "starts_on": date(2026, 11, 1),
        "ends_on": date(2026, 11, 30),
        "rules": entitlement_rules,
    }
    fields.update(overrides)
    return create_cycle(CycleInput(**fields))


def per_person(item: Item, quantity: str, cap: str | None = None) -> RuleInput:
    return RuleInput(
        item_id=item.pk,
        basis="per_person",
        quantity=Decimal(quantity),
        cap=Decimal(cap) if cap is not None else None,
    )


def per_household(item: Item, quantity: str) -> RuleInput:
    return RuleInput(item_id=item.pk, basis="per_household", quantity=Decimal(quantity))
