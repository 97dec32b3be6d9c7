"""Verification rounds and confirmations, through the app's own services."""

from __future__ import annotations

from typing import Any

from edgecamp.registry.models import Household, Individual
from edgecamp.sites.models import Site
from edgecamp.verification.models import Confirmation, Round
from edgecamp.verification.services import ConfirmInput, OpenInput, confirm_household, open_round


def make_round(site: Site, name: str = "") -> Round:
    return open_round(OpenInput(site_id=site.pk, name=name))


def confirm(
    round_: Round, household: Household, *, absent: int = 0, **overrides: Any
) -> Confirmation:
    """Confirm `household` with its first active members present and the last `absent` ones
    absent."""
    members = list(
        Individual.objects.filter(household=household, status="active")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    cut = len(members) - absent
    fields: dict[str, Any] = {
        "household_number": household.number,
        "present": members[:cut],
        "absent": members[cut:],
    }
    fields.update(overrides)
    return confirm_household(round_.pk, ConfirmInput(**fields))
