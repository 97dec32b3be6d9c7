"""Synthetic camps: organisations, sites, shelters, households and individuals that look like a
real caseload (age pyramid, household composition, naming conventions, specific needs,
duplicate registrations with their errors), deterministic by seed.

Pure Python (plain dataclasses, no Django): the registry's demo loader and the
deduplication benchmarks both build on it. Every record is invented.
"""

from edgecamp.synthetic.camp import DEFAULT_DUPLICATE_RATE, DEFAULT_REFERENCE_DATE, generate_camp
from edgecamp.synthetic.communities import COMMUNITIES, Community
from edgecamp.synthetic.dedupe_csv import DEDUPE_COLUMNS, write_dedupe_csv
from edgecamp.synthetic.records import (
    Block,
    Household,
    IdentityDocument,
    Individual,
    Organisation,
    Shelter,
    Site,
    SyntheticCamp,
)

__all__ = [
    "COMMUNITIES",
    "DEDUPE_COLUMNS",
    "DEFAULT_DUPLICATE_RATE",
    "DEFAULT_REFERENCE_DATE",
    "Block",
    "Community",
    "Household",
    "IdentityDocument",
    "Individual",
    "Organisation",
    "Shelter",
    "Site",
    "SyntheticCamp",
    "generate_camp",
    "write_dedupe_csv",
]
