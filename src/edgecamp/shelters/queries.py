"""Read-side queries of shelters and allocation plans, shared by the web UI, the API and the
command line. Entry points pass the user's `scope` (`edgecamp.core.access.scope_for`) to
keep to their sites; `scope` None is unrestricted, for internal callers only."""

from __future__ import annotations

from django.db.models import Count, Model, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from edgecamp.core.access import Scope
from edgecamp.registry.models import Household
from edgecamp.shelters.models import AllocationLine, AllocationPlan
from edgecamp.sites.models import Shelter, Site

LINE_FILTERS = ("change", "block", "q", "unmet")


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
            shelters.filter(status__in=[Shelter.Status.DAMAGED, Shelter.Status.DECOMMISSIONED]),
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
