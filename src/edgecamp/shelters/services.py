"""Shelter allocation services: propose a plan for a site, confirm it, discard it.

`propose_plan` reads the registry, runs the allocation engine (`edgecamp.allocation`, no
Django) and stores the plan and its lines in one transaction; the registry does not change.
`confirm_plan` applies a proposed plan in one transaction, under locks, and refuses a plan the
registry has moved on from since it was proposed (its inputs' fingerprint differs).

The work is in three modules, along its seams: `inputs` (what the engine sees of the registry,
and its fingerprint), `propose` (run the engine, store the plan), `confirm` (apply or discard
it); `types` holds the settings, outcomes and errors they share. Callers import from here.
"""

from edgecamp.shelters.confirm import confirm_plan, discard_plan
from edgecamp.shelters.inputs import ALLOCATABLE
from edgecamp.shelters.propose import CROWDED_RULE, find_site, propose_plan, site_names
from edgecamp.shelters.types import (
    LINE_BATCH,
    UNMET_ACCESSIBLE,
    UNMET_FACILITIES,
    UNMET_HOUSING,
    UNMET_KEYS,
    UNMET_OWN_SHELTER,
    AllocationError,
    ConfirmOutcome,
    PlanConflict,
    ProposalSettings,
)

__all__ = [
    "ALLOCATABLE",
    "CROWDED_RULE",
    "LINE_BATCH",
    "UNMET_ACCESSIBLE",
    "UNMET_FACILITIES",
    "UNMET_HOUSING",
    "UNMET_KEYS",
    "UNMET_OWN_SHELTER",
    "AllocationError",
    "ConfirmOutcome",
    "PlanConflict",
    "ProposalSettings",
    "confirm_plan",
    "discard_plan",
    "find_site",
    "propose_plan",
    "site_names",
]
