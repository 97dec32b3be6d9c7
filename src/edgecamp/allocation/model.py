"""The allocation vocabulary: shelters, households, the configuration and the plan."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date

# UNHCR specific-needs codes (shared/DOMAIN.md). Every code is accepted; only some change where
# a household is placed.
NEED_CODES = frozenset({"WR", "CR", "SC", "ER", "DS", "SM", "SV", "TR", "LP", "SP", "FU"})
# Disability and older persons at risk: an accessible shelter near facilities.
ACCESSIBLE_NEEDS = frozenset({"DS", "ER"})
# Women at risk and single parents: near lighting and women's WASH (`near_facilities`); the
# accessible-need households want that too.
FACILITY_NEEDS = frozenset({"DS", "ER", "WR", "SP"})
# Unaccompanied or separated children with their foster family: the household stays whole, in a
# shelter of its own (not split, not in a collective hall).
OWN_SHELTER_NEEDS = frozenset({"SC"})
PRIORITY_NEEDS = ACCESSIBLE_NEEDS | FACILITY_NEEDS | OWN_SHELTER_NEEDS

# Floors and ceilings of m²/person must not flip on binary rounding (17.5 / 3.5).
EPSILON = 1e-9


@dataclass(frozen=True, slots=True)
class Shelter:
    shelter_id: str
    block: str
    covered_m2: float
    capacity: int
    accessible: bool = False
    near_facilities: bool = False


@dataclass(frozen=True, slots=True)
class Household:
    household_id: str
    size: int
    origin: str = ""
    needs: frozenset[str] = frozenset()
    # Where the household lives now; several ids only for a household already split.
    current_shelter: tuple[str, ...] = ()
    # Waiting order is (registered_on, input position); without a date, input position alone,
    # after every dated household.
    registered_on: date | None = None

    @property
    def needs_accessible(self) -> bool:
        return not ACCESSIBLE_NEEDS.isdisjoint(self.needs)

    @property
    def needs_facilities(self) -> bool:
        return not FACILITY_NEEDS.isdisjoint(self.needs)

    @property
    def needs_own_shelter(self) -> bool:
        return not OWN_SHELTER_NEEDS.isdisjoint(self.needs)

    @property
    def has_priority_need(self) -> bool:
        return not PRIORITY_NEEDS.isdisjoint(self.needs)


@dataclass(frozen=True, slots=True)
class Weights:
    """Objective weights (see the package docstring). Lexicographic in effect: each level
    outweighs everything below it for any single household."""

    priority_need: float = 10_000.0
    housed: float = 1_000.0
    waiting: float = 1_000.0
    unmet_accessible: float = 1_000.0
    unmet_facilities: float = 300.0
    unmet_own_shelter: float = 300.0
    below_standard_per_person: float = 50.0
    split_per_extra_shelter: float = 100.0
    community: float = 20.0


@dataclass(frozen=True, slots=True)
class AllocationConfig:
    space_standard_m2: float = 3.5
    emergency_minimum_m2: float = 2.5
    # Shelters for at least this many people are collective halls, shared by households;
    # smaller ones (family tents, prefab units) hold one household.
    collective_min_capacity: int = 10
    rebalance: bool = False
    weights: Weights = field(default_factory=Weights)
    # Households are grouped into this many waiting-time bands for the optimisation.
    wait_bands: int = 32

    def __post_init__(self) -> None:
        if not 0 < self.emergency_minimum_m2 <= self.space_standard_m2:
            raise ValueError(
                f"the emergency minimum ({self.emergency_minimum_m2} m²/person) must be "
                f"positive and not above the space standard ({self.space_standard_m2})"
            )
        if self.collective_min_capacity < 2:
            raise ValueError("collective_min_capacity must be at least 2")
        if self.wait_bands < 1:
            raise ValueError("wait_bands must be at least 1")

    def is_collective(self, shelter: Shelter) -> bool:
        return shelter.capacity >= self.collective_min_capacity

    def effective_capacity(self, shelter: Shelter) -> int:
        """People a shelter may hold: its capacity, and never below the emergency minimum."""
        by_space = math.floor(shelter.covered_m2 / self.emergency_minimum_m2 + EPSILON)
        return max(0, min(shelter.capacity, by_space))

    def people_at_standard(self, covered_m2: float) -> int:
        """Most people that covered area holds at the space standard."""
        return math.floor(covered_m2 / self.space_standard_m2 + EPSILON)


# One sentence of an explanation: its code and its parameters (strings, or a list of needs).
Part = tuple[str, dict[str, str | list[str]]]


@dataclass(frozen=True, slots=True)
class Assignment:
    household_id: str
    # Empty: unhoused. Several: a split household, in adjacent shelters of one block.
    shelter_ids: tuple[str, ...]
    explanation: str
    # The rule that decided: stability, priority-need, waiting, unhoused (first-fit: baseline).
    rule: str = ""
    # The explanation's sentences as (code, parameters), for a reader in another language
    # (allocation._explain.SENTENCES); `explanation` is them in English.
    parts: tuple[Part, ...] = ()

    @property
    def housed(self) -> bool:
        return bool(self.shelter_ids)


@dataclass(frozen=True, slots=True)
class Plan:
    # One per input household, in input order.
    assignments: tuple[Assignment, ...]
    method: str
    seconds: float = 0.0
    # Upper bound on the objective (LP relaxation over classes); None for heuristics.
    bound: float | None = None

    def by_household(self) -> dict[str, Assignment]:
        return {a.household_id: a for a in self.assignments}


@dataclass(frozen=True, slots=True)
class Violation:
    rule: str
    message: str
    household_id: str = ""
    shelter_id: str = ""


@dataclass(frozen=True, slots=True)
class PlanMetrics:
    objective: float
    households_housed: int
    households_unhoused: int
    people_housed: int
    people_unhoused: int
    people_below_standard: int
    # Households with a priority need (DS ER WR SP SC) whose need is not met, unhoused ones
    # included.
    needs_unmet: int
    # Share of housed households living in a block whose largest origin group is theirs.
    community_cohesion: float
    split_households: int
