"""Factories for households and people, registered through the registry's own service."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

from edgecamp.registry.models import Household
from edgecamp.registry.services import (
    DocumentInput,
    HouseholdInput,
    MemberInput,
    register_household,
)
from edgecamp.sites.models import Site
from tests.sites.factories import make_site

_counter = itertools.count(1)


def member(**overrides: Any) -> MemberInput:
    fields: dict[str, Any] = {
        "relationship": "focal_point",
        "sex": "female",
        "given_name": "Amina",
        "family_name": "Haroun",
        "date_of_birth": date(1988, 3, 14),
        "nationality": "SDN",
    }
    fields.update(overrides)
    return MemberInput(**fields)


def household_input(site: Site, members: list[MemberInput] | None = None, **overrides: Any):
    fields: dict[str, Any] = {
        "site_id": site.pk,
        "members": members
        if members is not None
        else [
            member(),
            member(
                relationship="child",
                given_name="Yusuf",
                sex="male",
                date_of_birth=date(2015, 1, 1),
                date_of_birth_precision="estimated",
                specific_needs=["DS"],
                # One number, one person: every household's child gets its own.
                documents=[DocumentInput(type="birth_certificate", number=f"BC-{next(_counter)}")],
            ),
        ],
        "place_of_origin": "Al Fashir",
        "phone": "+249 912 345 678",
        "language": "ar",
        "registration_desk": "desk-1",
    }
    fields.update(overrides)
    return HouseholdInput(**fields)


def make_household(site: Site | None = None, **overrides: Any) -> Household:
    return register_household(household_input(site or make_site(), **overrides))
