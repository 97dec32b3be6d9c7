"""The records of a synthetic camp: plain dataclasses shaped like the registry's tables.

Code values (relationships, specific needs, document types...) are the strings the registry
stores; they are repeated here because this package must not import Django.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

# Relationship to the focal point.
FOCAL_POINT = "focal_point"
SPOUSE = "spouse"
CHILD = "child"
STEPCHILD = "stepchild"
FOSTER_CHILD = "foster_child"
GRANDCHILD = "grandchild"
PARENT = "parent"
SIBLING = "sibling"
OTHER_RELATIVE = "other_relative"
NON_RELATIVE = "non_relative"

FEMALE = "female"
MALE = "male"

EXACT = "exact"
YEAR = "year"
ESTIMATED = "estimated"

# UNHCR specific-needs codes, in the order the registry lists them.
SPECIFIC_NEEDS = ("WR", "CR", "SC", "ER", "DS", "SM", "SV", "TR", "LP", "SP", "FU")


@dataclass(slots=True)
class Organisation:
    id: int
    name: str
    acronym: str
    type: str  # un, ingo, ngo, government, community


@dataclass(slots=True)
class Shelter:
    id: int
    code: str
    type: str  # family_tent, prefab_unit, collective_hall
    covered_m2: Decimal
    capacity: int
    accessible: bool
    status: str  # available, occupied, damaged
    # Near lighting, women's WASH and facilities (what priority needs ask for).
    near_facilities: bool = False


@dataclass(slots=True)
class Block:
    id: int
    code: str
    name: str
    shelters: list[Shelter] = field(default_factory=list)


@dataclass(slots=True)
class Site:
    id: int
    name: str
    code: str
    type: str  # planned_camp, collective_centre, spontaneous_settlement
    latitude: Decimal
    longitude: Decimal
    area_m2: int
    managing_organisation_id: int
    opened_on: date
    desks: tuple[str, ...]
    blocks: list[Block] = field(default_factory=list)

    def shelters(self) -> Iterator[Shelter]:
        for block in self.blocks:
            yield from block.shelters


@dataclass(slots=True)
class IdentityDocument:
    type: str
    number: str
    issuing_country: str = ""
    expires_on: date | None = None


@dataclass(slots=True)
class Individual:
    id: int
    # Ground truth for deduplication benchmarks: a duplicate registration of a person carries
    # the same true_person_id as the first one. Never stored in the registry.
    true_person_id: int
    household_id: int
    given_name: str
    family_name: str
    sex: str
    date_of_birth: date | None
    date_of_birth_precision: str
    relationship: str
    nationality: str
    other_names: tuple[str, ...] = ()
    specific_needs: tuple[str, ...] = ()
    documents: tuple[IdentityDocument, ...] = ()
    # What the second registration got wrong ("given_name:variant", "date_of_birth:missing").
    errors: tuple[str, ...] = ()
    # The names in Arabic script, for a share of the Arabic-speaking people (synthetic.arabic).
    given_name_local: str = ""
    family_name_local: str = ""


@dataclass(slots=True)
class Household:
    id: int
    true_household_id: int
    site_id: int
    shelter_id: int | None
    community: str
    place_of_origin: str
    phone: str
    language: str
    registration_date: date
    registration_desk: str
    members: list[Individual] = field(default_factory=list)
    # The id of the first registration of the same family, for a duplicate registration.
    duplicate_of: int | None = None
    errors: tuple[str, ...] = ()

    @property
    def focal_point(self) -> Individual:
        return next(m for m in self.members if m.relationship == FOCAL_POINT)

    @property
    def is_female_headed(self) -> bool:
        return self.focal_point.sex == FEMALE


@dataclass(slots=True)
class SyntheticCamp:
    seed: int
    reference_date: date
    organisations: list[Organisation]
    sites: list[Site]
    households: list[Household]

    def individuals(self) -> Iterator[Individual]:
        for household in self.households:
            yield from household.members

    def shelters(self) -> Iterator[Shelter]:
        for site in self.sites:
            yield from site.shelters()

    @property
    def duplicate_households(self) -> list[Household]:
        return [h for h in self.households if h.duplicate_of is not None]

    @property
    def people(self) -> int:
        """Distinct persons (duplicate registrations counted once)."""
        return sum(len(h.members) for h in self.households if h.duplicate_of is None)
