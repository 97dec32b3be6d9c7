"""The settings, outcomes and errors of shelter allocation, shared by proposing and confirming."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy

from edgecamp.core.errors import Refused
from edgecamp.shelters.models import (
    AllocationPlan,
)

LINE_BATCH = 1000
# Keys of AllocationLine.unmet_needs; views translate them.
UNMET_ACCESSIBLE = "accessible"
UNMET_FACILITIES = "facilities"
UNMET_OWN_SHELTER = "own_shelter"
UNMET_HOUSING = "housing"
UNMET_KEYS = (UNMET_ACCESSIBLE, UNMET_FACILITIES, UNMET_OWN_SHELTER, UNMET_HOUSING)


class AllocationError(Refused):
    """The request cannot be served as asked; messages keyed by the input field they concern
    (`space_standard`, `site`) or `__all__`. Nothing was written."""

    detail = gettext_lazy("No plan was stored: correct the fields listed in “errors”.")


class PlanConflict(Exception):
    """The plan cannot be confirmed or discarded in its state, or the registry has changed since
    it was proposed. Nothing was written."""


@dataclass(frozen=True)
class ProposalSettings:
    rebalance: bool = False
    space_standard_m2: Decimal = Decimal("3.5")
    emergency_minimum_m2: Decimal = Decimal("2.5")


@dataclass(frozen=True)
class ConfirmOutcome:
    plan: AllocationPlan
    newly_housed: int
    moved: int
    unhoused: int
    vacated: int

    @property
    def changed(self) -> int:
        return self.newly_housed + self.moved + self.unhoused
