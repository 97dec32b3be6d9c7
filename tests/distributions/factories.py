"""Factories for distribution cycles and their entitlement rules."""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal
from typing import Any

from edgecamp.distributions.models import Cycle
from edgecamp.distributions.services import CycleInput, RuleInput, create_cycle
from edgecamp.sites.models import Site
from edgecamp.stock.models import Item, Warehouse

_counter = itertools.count(1)


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
