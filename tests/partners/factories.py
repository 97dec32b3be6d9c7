"""Factories for partner organisations."""

from __future__ import annotations

import itertools
from typing import Any

from edgecamp.partners.models import Organisation

_counter = itertools.count(1)


def make_organisation(**overrides: Any) -> Organisation:
    n = next(_counter)
    fields: dict[str, Any] = {"name": f"Organisation {n}", "acronym": f"ORG{n}", "type": "ngo"}
    fields.update(overrides)
    return Organisation.objects.create(**fields)
