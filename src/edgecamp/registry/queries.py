"""Read-side queries shared by the web UI and the API, so both filter and count alike.

Row-level access lives here too: every query that entry points call takes the user's `scope`
(`edgecamp.core.access.scope_for(request.user)`) and keeps to its sites, and hides
protection-sensitive specific needs from everyone but protection officers of the site. `scope`
None means unrestricted and is for internal callers (commands, services), never for a request."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, Model, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from edgecamp.core.access import Scope
from edgecamp.core.dates import years_before
from edgecamp.registry import life_events, search, site_counts
from edgecamp.registry.codes import AGE_BRACKETS, PROTECTION_SENSITIVE_NEEDS
from edgecamp.registry.models import (
    Household,
    Individual,
    LifeEvent,
    LifeEventIndividual,
    SpecificNeedRecord,
)
from edgecamp.sites.models import Block, Shelter, Site
from edgecamp.sites.queries import visible_sites


def visible_households(scope: Scope | None) -> QuerySet[Household]:
    """The households of the scope's sites."""
    if scope is None:
        return Household.objects.all()
    return Household.objects.filter(scope.sites_q("site_id"))


def search_households(
    query: str = "", *, site_id: int | None = None, scope: Scope | None = None
) -> QuerySet[Household]:
    """Households the query names (registry.search: a name however spelt, a phone, a date of
    birth or an age, a document, a ration card, part of the number), best matches first;
    every household, newest first, without a query. On PostgreSQL trigram indexes serve the
    substring matches (migrations registry 0004 and 0012)."""
    households = visible_households(scope).select_related("site", "shelter", "focal_point")
    if site_id is not None:
        households = households.filter(site_id=site_id)
    if not query.strip():
        return households.order_by("-id")
    return search.search_households(households, query, scope=scope)


def visible_needs(scope: Scope | None) -> QuerySet[SpecificNeedRecord]:
    """Specific-needs records, without the protection-sensitive ones the scope may not read."""
    needs = SpecificNeedRecord.objects.order_by("code")
    if scope is None:
        return needs
    return needs.exclude(
        scope.sensitive_hidden_q("individual__household__site_id", PROTECTION_SENSITIVE_NEEDS)
    )


def has_sensitive_needs(individuals: Sequence[Individual]) -> bool:
    """Whether any of these (prefetched) people shows a protection-sensitive need: the read is
    then audited."""
    return any(
        need.code in PROTECTION_SENSITIVE_NEEDS
        for person in individuals
        for need in person.specific_needs.all()
    )


def household_detail(
    number: str, *, scope: Scope | None = None, with_events: bool = True
) -> Household | None:
    """The household with its members (needs, documents), memberships and, unless
    `with_events` is False (the page reads them through `timeline`), its life events."""
    prefetches: list[Any] = [
        Prefetch(
            "members",
            queryset=Individual.objects.prefetch_related(
                Prefetch("specific_needs", queryset=visible_needs(scope)), "documents"
            ),
        ),
        "memberships__individual",
    ]
    if with_events:
        prefetches.append(
            Prefetch("life_events", queryset=LifeEvent.objects.prefetch_related("individuals"))
        )
    return (
        visible_households(scope)
        .select_related("site", "shelter__block", "focal_point", "registered_by")
        .prefetch_related(*prefetches)
        .filter(number=number)
        .first()
    )


def individual_detail(individual_id: int, *, scope: Scope | None = None) -> Individual | None:
    people = Individual.objects.all()
    if scope is not None:
        people = people.filter(scope.sites_q("household__site_id"))
    return (
        people.select_related("household__site")
        .prefetch_related(
            Prefetch("specific_needs", queryset=visible_needs(scope)),
            "documents",
            "life_events",
            "memberships__household",
        )
        .filter(pk=individual_id)
        .first()
    )


def sites_with_counts(scope: Scope | None = None) -> QuerySet[Site]:
    """Sites with `block_count`, `shelter_count` and `active_household_count`, in one query.
    Each figure is a counting subquery: joining blocks, shelters and households at once would
    multiply the rows."""
    return (
        visible_sites(scope)
        .select_related("managing_organisation")
        .annotate(
            block_count=_count_per_site(Block.objects.all(), "site"),
            shelter_count=_count_per_site(Shelter.objects.all(), "block__site"),
            active_household_count=_count_per_site(
                Household.objects.filter(status=Household.Status.ACTIVE), "site"
            ),
        )
        .order_by("name")
    )


def site_with_counts(site_id: int, *, scope: Scope | None = None) -> Site | None:
    """One site with the counts of `sites_with_counts` and `active_people_count` (active people
    in active households, as on the dashboard). People are counted for one site at a time:
    for every row of a list it would mean reading the whole individuals table."""
    active_people = Individual.objects.filter(
        status=Individual.Status.ACTIVE, household__status=Household.Status.ACTIVE
    )
    return (
        sites_with_counts(scope)
        .annotate(active_people_count=_count_per_site(active_people, "household__site"))
        .filter(pk=site_id)
        .first()
    )


def _count_per_site(rows: QuerySet[Model], site_path: str) -> Coalesce:
    counted = (
        rows.filter(**{site_path: OuterRef("pk")})
        .order_by()
        .values(site_path)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted), 0)


@dataclass
class SitePopulation:
    site_id: int
    site_name: str
    households: int = 0
    # counts[sex][bracket label]; "unknown" bracket for people without a date of birth
    counts: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(sum(by_age.values()) for by_age in self.counts.values())

    def bracket_total(self, label: str) -> int:
        return sum(by_age.get(label, 0) for by_age in self.counts.values())


def bracket_labels() -> list[str]:
    return [label for label, _lo, _hi in AGE_BRACKETS] + ["unknown"]


def population_by_site(today: date, *, scope: Scope | None = None) -> list[SitePopulation]:
    """Active people in active households, by site, sex and age bracket, from the per-site
    counts the database keeps (`site_counts`): a few thousand rows per site to add up, not the
    registry to scan. Sites without active people are left out."""
    sql, params = _count_filter(scope, "people")
    labels = bracket_labels()
    # One CASE per row naming its bracket (by index into `labels`), then one sum per bracket:
    # cheaper than a conditional sum per bracket over the same rows.
    whens = ["WHEN born = %s THEN %s"]
    when_params: list[object] = [UNKNOWN_BORN_DATE, len(labels) - 1]
    for index, (_label, low, high) in enumerate(AGE_BRACKETS):
        # Born on or before `today - low years` and after `today - (high+1) years`.
        oldest = UNKNOWN_BORN_DATE if high is None else years_before(today, high + 1)
        whens.append("WHEN born <= %s AND born > %s THEN %s")
        when_params += [years_before(today, low), oldest, index]
    bracket = f"CASE {' '.join(whens)} END"
    rows = _fetch(
        f"SELECT site_id, key, {bracket} AS bracket, SUM(n) FROM {site_counts.TABLE} "  # noqa: S608
        f"WHERE {sql} GROUP BY site_id, key, {bracket}",
        [*when_params, *params, *when_params],
    )
    names = dict(visible_sites(scope).values_list("pk", "name"))
    sites: dict[int, SitePopulation] = {}
    for site_id, sex, index, n in rows:
        if site_id not in names or index is None or not n:
            continue
        site = sites.setdefault(site_id, SitePopulation(site_id, names[site_id]))
        by_age = site.counts.setdefault(sex, dict.fromkeys(labels, 0))
        by_age[labels[int(index)]] += int(n)
    for site_id, _none, n in _counts(scope, "households"):
        if site_id in sites:
            sites[site_id].households = n
    return sorted(sites.values(), key=lambda site: site.site_name)


def population_counts_checked() -> bool:
    """Whether the per-site counts equal a recount from the records (a slow full check, for
    tests and operators; the dashboard trusts the triggers)."""
    from django.db import connection, transaction

    def snapshot() -> list[tuple[object, ...]]:
        return _fetch(
            f"SELECT site_id, topic, key, born, n FROM {site_counts.TABLE} WHERE n <> 0 "  # noqa: S608
            "ORDER BY site_id, topic, key, born",
            [],
        )

    with transaction.atomic():
        kept = snapshot()
        site_counts.recount(connection)
        recounted = snapshot()
        transaction.set_rollback(True)
    return kept == recounted


UNKNOWN_BORN_DATE = date(1, 1, 1)


def _count_filter(scope: Scope | None, topic: str) -> tuple[str, list[object]]:
    sql, params = "topic = %s", [topic]
    if scope is not None and not scope.all_sites:
        ids = sorted(scope.site_ids) or [0]
        sql += f" AND site_id IN ({', '.join(['%s'] * len(ids))})"
        params += ids
    return sql, params


def _counts(scope: Scope | None, topic: str) -> list[tuple[int, str, int]]:
    """(site id, key, count) of one topic of the per-site counts, within the scope."""
    sql, params = _count_filter(scope, topic)
    rows = _fetch(
        f"SELECT site_id, key, SUM(n) FROM {site_counts.TABLE} "  # noqa: S608
        f"WHERE {sql} GROUP BY site_id, key",
        params,
    )
    return [(site_id, key, int(n)) for site_id, key, n in rows if n]


def _fetch(sql: str, params: Sequence[object]) -> list[tuple[Any, ...]]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def _key(label: str) -> str:
    return "unknown" if label == "unknown" else "age_" + label.replace("-", "_").replace("+", "p")


# --- Web UI: lists, history, dashboard extras -------------------------------------------------


def with_listing_details(households: QuerySet[Household]) -> QuerySet[Household]:
    """Add what a list of households shows: the shelter's block and `active_members`, counted
    by a correlated subquery so a page of 25 rows costs 25 index lookups, not a GROUP BY over
    the whole registry."""
    active_members = (
        Individual.objects.filter(household=OuterRef("pk"), status=Individual.Status.ACTIVE)
        .order_by()
        .values("household")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return households.select_related("shelter__block").annotate(
        active_members=Coalesce(Subquery(active_members), 0)
    )


def households_for_listing(ids: Sequence[int]) -> list[Household]:
    """The households with these ids, in this order, with what a list shows. Paginate the ids of
    `search_households` first (an index walk, cheap even on page 5,000), then load one page."""
    households = with_listing_details(
        Household.objects.select_related("site", "shelter", "focal_point").filter(pk__in=ids)
    )
    by_id = {household.pk: household for household in households}
    return [by_id[pk] for pk in ids if pk in by_id]


def timeline(household: Household) -> QuerySet[LifeEvent]:
    """The life events of the household and of the people in it now (a person's earlier
    events come along when they join another household), in the order they happened."""
    member_ids = [member.pk for member in household.members.all()]
    # The members' event ids first, so both halves of the OR can use their index.
    # A list, not a subquery: OR-ed with a subquery PostgreSQL scans every event (34 ms at 1M
    # people); with ids it ORs two index scans.
    of_members = list(
        LifeEventIndividual.objects.filter(individual_id__in=member_ids).values_list(
            "event_id", flat=True
        )
    )
    # People who left for another household (a join, recorded there): their join is part of
    # this household's history too.
    of_members += life_events.joins_left(household, current=member_ids)
    return (
        LifeEvent.objects.filter(Q(household=household) | Q(pk__in=of_members))
        .select_related("recorded_by")
        .prefetch_related("individuals")
        .order_by("occurred_on", "recorded_at", "id")
    )


def shelter_counts_by_site(*, scope: Scope | None = None) -> dict[int, dict[str, int]]:
    """Shelters per site and status: {site_id: {"available": 12, "occupied": 340, ...}}."""
    counts: dict[int, dict[str, int]] = {}
    for site_id, status, n in _counts(scope, "shelters"):
        counts.setdefault(site_id, {})[status] = n
    return counts


def specific_needs_by_site(*, scope: Scope | None = None) -> dict[int, dict[str, int]]:
    """Active people in active households with each specific need: {site_id: {code: n}}.
    Protection-sensitive needs are counted only where the scope may read them."""
    counts: dict[int, dict[str, int]] = {}
    for site_id, code, n in _counts(scope, "need"):
        hidden = scope is not None and not scope.sees_sensitive(site_id)
        if code in PROTECTION_SENSITIVE_NEEDS and hidden:
            continue
        counts.setdefault(site_id, {})[code] = n
    return counts
