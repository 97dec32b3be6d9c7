"""Factories for test data: small functions with sensible defaults, overridable per test."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model

from edgecamp.accounts.models import StaffProfile
from edgecamp.registry.models import Household
from edgecamp.registry.services import (
    DocumentInput,
    HouseholdInput,
    MemberInput,
    register_household,
)
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


def make_user(
    username: str = "clerk",
    *,
    superuser: bool = False,
    password: str = "pw-for-tests-9",
    role: str | None = None,
    sites: Iterable[Site] = (),
    all_sites: bool = False,
):
    """A user; with `role`, a staff profile at `sites` (or every site). A superuser without a
    role is an administrator of every site."""
    model = get_user_model()
    if superuser:
        user = model.objects.create_superuser(username=username, password=password)
    else:
        user = model.objects.create_user(username=username, password=password)
    if role is not None:
        profile = StaffProfile.objects.create(user=user, role=role, all_sites=all_sites)
        profile.sites.set(list(sites))
    return user
