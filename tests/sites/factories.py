"""Factories for sites and shelters: small functions with sensible defaults, overridable per
test."""

from __future__ import annotations

import itertools
from decimal import Decimal
from typing import Any

from edgecamp.sites.models import Block, Shelter, Site

_counter = itertools.count(1)


def make_site(**overrides: Any) -> Site:
    n = next(_counter)
    fields: dict[str, Any] = {
        "name": f"Site {n}",
        "code": f"site-{n}",
        "type": Site.Type.PLANNED_CAMP,
        "latitude": Decimal("12.500000"),
        "longitude": Decimal("15.250000"),
        "area_m2": 450_000,
    }
    fields.update(overrides)
    return Site.objects.create(**fields)


def make_shelter(site: Site | None = None, **overrides: Any) -> Shelter:
    site = site or make_site()
    block, _ = Block.objects.get_or_create(site=site, code=overrides.pop("block_code", "A"))
    fields: dict[str, Any] = {
        "code": f"S{next(_counter)}",
        "type": Shelter.Type.FAMILY_TENT,
        "covered_m2": Decimal("16.00"),
        "capacity": 5,
    }
    fields.update(overrides)
    return Shelter.objects.create(block=block, **fields)
