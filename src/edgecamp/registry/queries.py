"""Read-side queries shared by the web UI and the API, so both filter and count alike."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Prefetch, Q, QuerySet

from edgecamp.registry.codes import AGE_BRACKETS
from edgecamp.registry.models import Household, Individual
from edgecamp.registry.text import fold


def search_households(query: str = "", *, site_id: int | None = None) -> QuerySet[Household]:
    """Households whose number matches, or with a member whose name or alias contains every
    word of the query (accents and case ignored)."""
    households = Household.objects.select_related("site", "shelter", "focal_point")
    if site_id is not None:
        households = households.filter(site_id=site_id)
    text = query.strip()
    if not text:
        return households.order_by("-id")
    if _looks_like_number(text):
        return households.filter(number__icontains=text).order_by("number")
    members = Individual.objects.all()
    for word in fold(text).split():
        members = members.filter(search_text__contains=word)
    return households.filter(pk__in=members.values("household_id")).order_by("number")


def household_detail(number: str) -> Household | None:
    return (
        Household.objects.select_related("site", "shelter__block", "focal_point", "registered_by")
        .prefetch_related(
            Prefetch(
                "members",
                queryset=Individual.objects.prefetch_related("specific_needs", "documents"),
            ),
            "status_changes",
            "memberships__individual",
        )
        .filter(number=number)
        .first()
    )


def _looks_like_number(text: str) -> bool:
    compact = text.replace("-", "")
    return any(ch.isdigit() for ch in compact) and compact.isalnum() and len(text) <= 20


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


def population_by_site(today: date) -> list[SitePopulation]:
    """Active people in active households, by site, sex and age bracket: one grouped query."""
    aggregates: dict[str, Count] = {}
    for label, low, high in AGE_BRACKETS:
        # Born on or before `today - low years` and after `today - (high+1) years`.
        condition = Q(date_of_birth__lte=_years_before(today, low))
        if high is not None:
            condition &= Q(date_of_birth__gt=_years_before(today, high + 1))
        aggregates[_key(label)] = Count("id", filter=condition)
    aggregates["unknown"] = Count("id", filter=Q(date_of_birth__isnull=True))
    rows = (
        Individual.objects.filter(status=Individual.Status.ACTIVE, household__status="active")
        .values("household__site_id", "household__site__name", "sex")
        .annotate(**aggregates)
        .order_by("household__site__name", "sex")
    )
    sites: dict[int, SitePopulation] = {}
    for row in rows:
        site = sites.setdefault(
            row["household__site_id"],
            SitePopulation(row["household__site_id"], row["household__site__name"]),
        )
        site.counts[row["sex"]] = {label: row[_key(label)] for label in bracket_labels()}
    household_counts = (
        Household.objects.filter(status=Household.Status.ACTIVE)
        .values("site_id")
        .annotate(n=Count("id"))
    )
    for row in household_counts:
        if row["site_id"] in sites:
            sites[row["site_id"]].households = row["n"]
    return list(sites.values())


def _key(label: str) -> str:
    return "unknown" if label == "unknown" else "age_" + label.replace("-", "_").replace("+", "p")


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a non-leap year
        return day.replace(year=day.year - years, day=28)
