"""Read-side queries of shelters and allocation plans, shared by the web UI, the API and the
command line. Entry points pass the user's `scope` (`edgecamp.core.access.scope_for`) to
keep to their sites; `scope` None is unrestricted, for internal callers only."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import (
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    Model,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from edgecamp.core.access import Scope
from edgecamp.registry.models import Household, Individual
from edgecamp.shelters.models import AdditionalShelter, AllocationLine, AllocationPlan
from edgecamp.sites.models import (
    HABITABLE,
    OUT_OF_USE,
    Block,
    Condition,
    Shelter,
    ShelterStatusChange,
    Site,
)

LINE_FILTERS = ("change", "block", "q", "unmet")
# The shelters page's and API's filters of occupancy.
CROWDED = "crowded"  # more people than its capacity
FREE = "free"  # nobody lives there
OCCUPANCY_FILTERS = (CROWDED, FREE)
# Households that have left a shelter even if they still name it.
_GONE = [Household.Status.DEPARTED, Household.Status.RELOCATED, Household.Status.MERGED]


def sites_with_occupancy(scope: Scope | None = None) -> QuerySet[Site]:
    """Sites with shelters counted by status, active households counted housed and unhoused,
    and the number of plans awaiting a decision; one counting subquery per figure."""
    shelters = Shelter.objects.all()
    active = Household.objects.filter(status=Household.Status.ACTIVE)
    sites = Site.objects.all() if scope is None else Site.objects.filter(scope.sites_q("pk"))
    return sites.annotate(
        shelters_total=_count(shelters, "block__site"),
        shelters_available=_count(shelters.filter(status=Shelter.Status.AVAILABLE), "block__site"),
        shelters_occupied=_count(shelters.filter(status=Shelter.Status.OCCUPIED), "block__site"),
        shelters_out_of_use=_count(
            shelters.filter(status__in=OUT_OF_USE),
            "block__site",
        ),
        households_housed=_count(active.filter(shelter__isnull=False), "site"),
        households_unhoused=_count(active.filter(shelter__isnull=True), "site"),
        plans_proposed=_count(
            AllocationPlan.objects.filter(status=AllocationPlan.Status.PROPOSED), "site"
        ),
    ).order_by("name")


def plans_for_site(site: Site, limit: int = 20) -> QuerySet[AllocationPlan]:
    return site.allocation_plans.select_related("created_by", "decided_by").order_by(
        "-created_at", "-id"
    )[:limit]


def plan_detail(plan_id: int, *, scope: Scope | None = None) -> AllocationPlan | None:
    plans = AllocationPlan.objects.all()
    if scope is not None:
        plans = plans.filter(scope.sites_q("site_id"))
    return plans.select_related("site", "created_by", "decided_by").filter(pk=plan_id).first()


def plan_lines(
    plan: AllocationPlan,
    *,
    change: str = "",
    block: str = "",
    query: str = "",
    unmet: bool = False,
) -> QuerySet[AllocationLine]:
    """The plan's lines in plan order (waiting order), filtered by change, block, household
    number (part of it) and whether a need is unmet."""
    lines = plan.lines.select_related("household")
    if change:
        lines = lines.filter(change=change)
    if block:
        lines = lines.filter(block=block)
    if query.strip():
        lines = lines.filter(household__number__icontains=query.strip())
    if unmet:
        lines = lines.exclude(unmet_needs="")
    return lines.order_by("id")


def change_counts(plan: AllocationPlan) -> dict[str, int]:
    rows = plan.lines.values("change").annotate(n=Count("pk")).order_by()
    counts = dict.fromkeys(AllocationLine.Change.values, 0)
    counts.update({row["change"]: row["n"] for row in rows})
    return counts


def _count(rows: QuerySet[Model], site_path: str) -> Coalesce:
    counted = (
        rows.filter(**{site_path: OuterRef("pk")})
        .order_by()
        .values(site_path)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted), 0)


# --- Shelters of a site --------------------------------------------------------------------------


def space_standard() -> Decimal:
    """Covered m² per person a shelter should give (EDGECAMP_SPACE_STANDARD_M2, Sphere: 3.5)."""
    return Decimal(settings.EDGECAMP_SPACE_STANDARD_M2)


@dataclass(frozen=True)
class ShelterFilters:
    block: str = ""
    status: str = ""  # a Condition value
    occupancy: str = ""  # CROWDED or FREE
    under_standard: bool = False


def _occupants(shelter_path: str) -> Coalesce:
    """Active people of active households whose shelter is the outer row (`shelter_path`)."""
    people = (
        Individual.objects.filter(
            status=Individual.Status.ACTIVE,
            household__status=Household.Status.ACTIVE,
            **{shelter_path: OuterRef("pk")},
        )
        .order_by()
        .values(shelter_path)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(people), 0)


def site_shelters(site: Site, filters: ShelterFilters | None = None) -> QuerySet[Shelter]:
    """The site's shelters in block and code order, each with `occupants` (active people of
    its active households), `household_count` (the households living there, any status but gone)
    and `crowded`; filtered by block code, status, occupancy and the space standard."""
    filters = filters or ShelterFilters()
    living = (
        Household.objects.filter(shelter=OuterRef("pk"))
        .exclude(status__in=_GONE)
        .order_by()
        .values("shelter")
        .annotate(n=Count("pk"))
        .values("n")
    )
    shelters = (
        Shelter.objects.filter(block__site=site)
        .select_related("block")
        .annotate(
            occupants=_occupants("household__shelter"),
            household_count=Coalesce(Subquery(living), 0),
            further_of=Count("additional_of"),
        )
        .order_by("block__code", "code", "pk")
    )
    if filters.block:
        shelters = shelters.filter(block__code=filters.block)
    if filters.status == Condition.HABITABLE:
        shelters = shelters.filter(status__in=HABITABLE)
    elif filters.status:
        shelters = shelters.filter(status=filters.status)
    if filters.occupancy == CROWDED:
        shelters = shelters.filter(occupants__gt=F("capacity"))
    elif filters.occupancy == FREE:
        shelters = shelters.filter(household_count=0, further_of=0)
    if filters.under_standard:
        shelters = shelters.annotate(
            needed_m2=ExpressionWrapper(
                F("occupants") * Value(space_standard()),
                output_field=DecimalField(max_digits=12, decimal_places=2),
            )
        ).filter(occupants__gt=0, covered_m2__lt=F("needed_m2"))
    return shelters


def site_blocks(site: Site) -> QuerySet[Block]:
    """The site's blocks with their shelters, capacity, occupants and shelters out of use."""
    shelters = Shelter.objects.filter(block=OuterRef("pk")).order_by().values("block")
    return (
        Block.objects.filter(site=site)
        .annotate(
            shelter_count=Coalesce(Subquery(shelters.annotate(n=Count("pk")).values("n")), 0),
            capacity=Coalesce(Subquery(shelters.annotate(n=Sum("capacity")).values("n")), 0),
            out_of_use=Coalesce(
                Subquery(
                    shelters.exclude(status__in=HABITABLE).annotate(n=Count("pk")).values("n")
                ),
                0,
            ),
            occupants=_occupants("household__shelter__block"),
        )
        .order_by("code")
    )


def households_living_in(shelter_ids: list[int]) -> dict[int, list[str]]:
    """Household numbers by shelter, for the shelters of one page: its own and further ones."""
    found: dict[int, set[str]] = defaultdict(set)
    for shelter_id, number in (
        Household.objects.filter(shelter_id__in=shelter_ids)
        .exclude(status__in=_GONE)
        .values_list("shelter_id", "number")
    ):
        found[shelter_id].add(number)
    for shelter_id, number in (
        AdditionalShelter.objects.filter(shelter_id__in=shelter_ids)
        .exclude(household__status__in=_GONE)
        .values_list("shelter_id", "household__number")
    ):
        found[shelter_id].add(number)
    return {pk: sorted(numbers) for pk, numbers in found.items()}


def latest_changes(shelter_ids: list[int]) -> dict[int, ShelterStatusChange]:
    """Each shelter's latest status change (reason, date, by whom), for one page's shelters."""
    latest: dict[int, ShelterStatusChange] = {}
    for change in (
        ShelterStatusChange.objects.filter(shelter_id__in=shelter_ids)
        .select_related("recorded_by")
        .order_by("shelter_id", "-occurred_on", "-recorded_at", "-id")
    ):
        latest.setdefault(change.shelter_id, change)
    return latest


def status_history(shelter: Shelter) -> QuerySet[ShelterStatusChange]:
    return shelter.status_changes.select_related("recorded_by").order_by(
        "-occurred_on", "-recorded_at", "-id"
    )


def shelter_of_site(site: Site, shelter_id: int) -> Shelter | None:
    return site_shelters(site).filter(pk=shelter_id).first()


def per_person_m2(shelter: Shelter) -> Decimal | None:
    """Covered m² per occupant, one decimal; None for a shelter nobody lives in."""
    occupants = getattr(shelter, "occupants", 0)
    if not occupants:
        return None
    return (Decimal(shelter.covered_m2) / occupants).quantize(Decimal("0.1"))


def under_standard(shelter: Shelter) -> bool:
    value = per_person_m2(shelter)
    return value is not None and Decimal(shelter.covered_m2) < space_standard() * getattr(
        shelter, "occupants", 0
    )
