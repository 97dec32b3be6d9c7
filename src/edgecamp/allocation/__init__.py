"""Shelter allocation: who sleeps where, fair, explainable and fast. No Django here.

Rules
-----
- Capacity and the emergency minimum are hard: no shelter holds more people than its capacity
  or than covered area / `emergency_minimum_m2` (default 2.5 m²/person). Together they give a
  shelter's *effective capacity*.
- Family shelters (capacity below `collective_min_capacity`, default 10: family tents, prefab
  units) hold one household. Collective halls hold several households within their effective
  capacity.
- A household is split only when it is larger than every family shelter free at the start of
  the run (free: holding no household kept in place). It then takes a run of adjacent family
  shelters of one block, to itself. Adjacent: consecutive in *site order*, i.e. shelters grouped
  by block (blocks in order of first appearance) and, within a block, in input order. Its
  members fill the shelters in turn, each up to its effective capacity.
- Stability: without `rebalance`, every household with a current shelter stays there.
- Priority when space is short: households with a priority need (DS ER WR SP SC) first, then
  waiting time (earlier `registered_on`, then input order).
- Needs: DS/ER want an accessible shelter near facilities, WR/SP a shelter near facilities
  (lighting and women's WASH), SC a shelter of the household's own (not split, not a collective
  hall). Unmet needs are allowed but reported, and a DS/ER household is outside accessible
  shelters only if none has room for it.
- Every row of the plan carries an explanation, unhoused households included.

Objective (maximised; weights in `Weights`)
-------------------------------------------
For every housed household h in shelters S(h):

    housed (1 000)
    + waiting (1 000) x share(h)           share = 1 - waiting rank / households: 1 = first
    + priority_need (10 000) if h has DS ER WR SP or SC
    - unmet_accessible (1 000) if h has DS/ER and some shelter of S(h) is not accessible
    - unmet_facilities (300) if h has DS ER WR SP and some shelter is not near facilities
    - unmet_own_shelter (300) if h has SC and is split or in a collective hall
    - below_standard_per_person (50) x size(h) if h lives below `space_standard_m2`
      (3.5 m²/person; in a collective hall everyone is below it once the hall holds more
      people than area / 3.5)
    - split_per_extra_shelter (100) x (|S(h)| - 1)

minus community (20) for every housed household not in the largest origin group of its block.
The weights make it lexicographic for any one household: a priority need outweighs everything
else, housing outweighs every penalty for households up to 15 people, DS/ER accessibility
outweighs the space standard. The waiting term lets one household that waited longest weigh as
much as two that just arrived, so in a collective hall the optimiser may trade one large early
household for two small later ones; in family shelters (one household each) waiting order is
strict within a priority level.

`allocate` solves a linear programme over classes of households and types of shelter and
reports its optimum as `Plan.bound`, an upper bound on the objective of every plan; the gap is
(bound - objective) / bound.
"""

from edgecamp.allocation._site import AllocationInputError
from edgecamp.allocation.check import check_plan, plan_metrics
from edgecamp.allocation.engine import allocate
from edgecamp.allocation.greedy import greedy_first_fit
from edgecamp.allocation.model import (
    NEED_CODES,
    PRIORITY_NEEDS,
    AllocationConfig,
    Assignment,
    Household,
    Plan,
    PlanMetrics,
    Shelter,
    Violation,
    Weights,
)

__all__ = [
    "NEED_CODES",
    "PRIORITY_NEEDS",
    "AllocationConfig",
    "AllocationInputError",
    "Assignment",
    "Household",
    "Plan",
    "PlanMetrics",
    "Shelter",
    "Violation",
    "Weights",
    "allocate",
    "check_plan",
    "greedy_first_fit",
    "plan_metrics",
]
