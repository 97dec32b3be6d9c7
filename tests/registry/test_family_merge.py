"""A family registered twice merges as a family (issue 13, "Duplicates"): one review of the two
households, members paired, one action; the emptied household closes; unmerge restores it.
Service and pages, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from edgecamp.core.access import Role, scope_for
from edgecamp.registry import events, family, merge, queries
from edgecamp.registry.codes import EventKind
from edgecamp.registry.models import (
    DuplicateCandidate,
    FamilyMerge,
    Household,
    Individual,
    LifeEvent,
    MergeRecord,
    NotSamePerson,
)
from edgecamp.sites.models import Shelter
from tests.accounts.factories import make_user
from tests.registry.factories import make_household, member
from tests.sites.factories import make_shelter, make_site

pytestmark = pytest.mark.django_db


def candidate(a: Individual, b: Individual, probability: float) -> DuplicateCandidate:
    low, high = sorted((a.pk, b.pk))
    return DuplicateCandidate.objects.create(
        individual_l_id=low, individual_r_id=high, probability=probability, evidence=[]
    )


def people(household: Household) -> dict[str, Individual]:
    return {p.given_name: p for p in household.members.order_by("pk")}


@pytest.fixture
def twice(site):
    """One family registered twice: A (Amina, her husband Adam, their son Yusuf) and B (Aminah,
    Yousif, and a baby born since, Fatna), each in a tent; the dedupe job queued the mother
    and the son, and (unlikely, not proposed) Adam with the baby."""
    first = make_household(
        site,
        shelter_id=make_shelter(site, code="A1").pk,
        members=[
            member(given_name="Amina", family_name="Haroun", date_of_birth=date(1988, 3, 14)),
            member(
                relationship="spouse",
                sex="male",
                given_name="Adam",
                family_name="Yacoub",
                date_of_birth=date(1984, 6, 1),
            ),
            member(
                relationship="child",
                sex="male",
                given_name="Yusuf",
                family_name="Adam",
                date_of_birth=date(2015, 1, 1),
            ),
        ],
    )
    second = make_household(
        site,
        shelter_id=make_shelter(site, code="B1").pk,
        members=[
            member(given_name="Aminah", family_name="Haroun", date_of_birth=date(1988, 3, 14)),
            member(
                relationship="child",
                sex="male",
                given_name="Yousif",
                family_name="Adam",
                date_of_birth=date(2015, 1, 1),
            ),
            member(
                relationship="child",
                given_name="Fatna",
                family_name="Adam",
                date_of_birth=date(2025, 2, 1),
            ),
        ],
    )
    a, b = people(first), people(second)
    candidate(a["Amina"], b["Aminah"], 0.97)
    candidate(a["Yusuf"], b["Yousif"], 0.9)
    candidate(a["Adam"], b["Fatna"], 0.45)
    return first, second


def state(*households: Household) -> list[Any]:
    """Everything a family unmerge must put back: each household's status, shelter and focal
    point; each member's household, status, relationship, open membership and names."""
    out: list[Any] = []
    for h in households:
        h = Household.objects.get(pk=h.pk)
        out.append((h.number, h.status, h.shelter_id, h.focal_point_id))
    ids = Individual.objects.filter(
        memberships__household__in=[h.pk for h in households]
    ).values_list("pk", flat=True)
    for p in Individual.objects.filter(pk__in=set(ids)).order_by("pk"):
        open_in = p.memberships.filter(ended_on__isnull=True).values_list("household_id", flat=True)
        out.append(
            (
                p.pk,
                p.household_id,
                p.status,
                p.relationship,
                p.merged_into_id,
                list(open_in),
                list(p.other_names),
                sorted(p.documents.values_list("pk", flat=True)),
                sorted(p.specific_needs.values_list("pk", flat=True)),
            )
        )
    return out


def merge_them(first: Household, second: Household, **kw: Any) -> FamilyMerge:
    a, b = people(first), people(second)
    pairs = kw.pop("pairs", [(b["Aminah"].pk, a["Amina"].pk), (b["Yousif"].pk, a["Yusuf"].pk)])
    return family.merge_households(
        family.FamilyMergeInput(kept=first.number, closed=second.number, pairs=pairs, **kw),
        scope=scope_for(kw.pop("user", None) or make_user("boss", superuser=True)),
    )


# --- Review ------------------------------------------------------------------------------------


def test_review_pairs_the_members_optimally(twice):
    first, second = twice
    a, b = people(first), people(second)
    found = family.review(
        first.number, second.number, scope=scope_for(make_user("r", superuser=True))
    )
    assert found.proposed == {b["Aminah"].pk: a["Amina"].pk, b["Yousif"].pk: a["Yusuf"].pk}
    assert found.score(a["Amina"].pk, b["Aminah"].pk) >= 0.97
    assert found.version


def test_review_of_another_sites_household_is_not_found(twice):
    first, second = twice
    elsewhere = make_user("far", role=Role.CAMP_MANAGER, sites=[make_site()])
    with pytest.raises(merge.NotFound):
        family.review(first.number, second.number, scope=scope_for(elsewhere))


# --- Merge and unmerge ---------------------------------------------------------------------------


def test_merge_as_a_family_then_undo_restores_both_households(twice):
    first, second = twice
    b = people(second)
    shelter_b = second.shelter_id
    before = state(first, second)
    events_before = LifeEvent.objects.count()

    record = merge_them(first, second)

    second.refresh_from_db()
    assert second.status == Household.Status.MERGED
    assert second.shelter_id is None
    Shelter.objects.get(pk=shelter_b)  # still there, free for somebody else
    kept = {p.given_name: p for p in first.members.filter(status="active")}
    assert sorted(kept) == ["Adam", "Amina", "Fatna", "Yusuf"]
    assert kept["Fatna"].relationship == "child"
    assert "Aminah Haroun" in kept["Amina"].other_names
    assert MergeRecord.objects.filter(state="merged").count() == 2
    assert len(record.merges) == 2
    assert record.moved == [{"individual": b["Fatna"].pk, "relationship": "child"}]
    # The pairs merged decided their candidates; the wrong one is remembered as different.
    statuses = dict(DuplicateCandidate.objects.values_list("probability", "status"))
    assert statuses == {0.97: "merged", 0.9: "merged", 0.45: "not_same"}
    assert NotSamePerson.objects.count() == 1
    kinds = list(
        LifeEvent.objects.order_by("pk")[events_before:].values_list("kind", "reason", "household")
    )
    assert (EventKind.JOIN, "", first.pk) in kinds
    assert (EventKind.MERGE, "all_members_merged", second.pk) in kinds
    assert queries.population_counts_checked()

    family.unmerge_family(record.pk, scope=scope_for(make_user("undo", superuser=True)))

    assert state(first, second) == before
    record.refresh_from_db()
    assert record.state == FamilyMerge.State.UNDONE
    statuses = dict(DuplicateCandidate.objects.values_list("probability", "status"))
    assert statuses == {0.97: "open", 0.9: "open", 0.45: "open"}
    assert not NotSamePerson.objects.exists()
    assert queries.population_counts_checked()
    with pytest.raises(merge.MergeError):
        family.unmerge_family(record.pk, scope=scope_for(make_user("again", superuser=True)))


def test_the_focal_point_unpaired_moves_and_comes_back(twice):
    first, second = twice
    a, b = people(first), people(second)
    before = state(first, second)
    # Only the son is paired: Aminah (B's focal point) and Fatna move into A.
    record = merge_them(first, second, pairs=[(b["Yousif"].pk, a["Yusuf"].pk)])
    moved = Individual.objects.get(pk=b["Aminah"].pk)
    assert moved.household_id == first.pk
    assert moved.relationship == "other_relative"
    family.unmerge_family(record.pk, scope=scope_for(make_user("u", superuser=True)))
    assert state(first, second) == before


@pytest.mark.parametrize(
    ("pairs", "field"),
    [
        (lambda a, b: [], "pairs"),
        (lambda a, b: [(a["Adam"].pk, a["Amina"].pk)], "pairs.0"),
        (lambda a, b: [(b["Aminah"].pk, b["Yousif"].pk)], "pairs.0"),
        (
            lambda a, b: [(b["Aminah"].pk, a["Amina"].pk), (b["Yousif"].pk, a["Amina"].pk)],
            "pairs.1",
        ),
    ],
)
def test_bad_pairs_are_refused_naming_the_pair(twice, pairs, field):
    first, second = twice
    before = state(first, second)
    with pytest.raises(family.FamilyMergeError) as refused:
        merge_them(first, second, pairs=pairs(people(first), people(second)))
    assert field in refused.value.errors
    assert state(first, second) == before
    assert not FamilyMerge.objects.exists()


def test_a_stale_review_is_refused(twice):
    first, second = twice
    seen = family.review(
        first.number, second.number, scope=scope_for(make_user("r", superuser=True))
    )
    Individual.objects.get(pk=people(second)["Fatna"].pk).save()  # edited meanwhile
    with pytest.raises(family.FamilyMergeError) as refused:
        merge_them(first, second, version=seen.version)
    assert "version" in refused.value.errors
    assert Household.objects.get(pk=second.pk).status == Household.Status.ACTIVE


def test_unmerge_is_refused_when_a_moved_member_left_since(twice, site):
    first, second = twice
    record = merge_them(first, second)
    third = make_household(site)
    fatna = people(first)["Fatna"]
    events.record_event(
        first.number,
        events.JoinInput(members=(fatna.pk,), to_household=third.number, relationship="child"),
        scope=None,
    )
    after = state(first, second)
    with pytest.raises(merge.MergeError):
        family.unmerge_family(record.pk, scope=scope_for(make_user("u", superuser=True)))
    assert state(first, second) == after  # nothing changed
    assert FamilyMerge.objects.get(pk=record.pk).state == FamilyMerge.State.MERGED


# --- Pages -----------------------------------------------------------------------------------


def test_pages_review_merge_and_undo(client_as, site, twice):
    first, second = twice
    a, b = people(first), people(second)
    before = state(first, second)
    client = client_as(Role.CAMP_MANAGER, [site])
    queue = client.get(reverse("duplicate-review")).content.decode()
    review_url = reverse("family-review", args=[a["Amina"].household.number, second.number])
    assert review_url in queue
    page = client.get(review_url).content.decode()
    assert 'id="family-pairs"' in page
    assert f'<option value="{a["Amina"].pk}" selected>' in page
    assert "Nobody: not the same person" in page
    version = page.split('name="version" value="')[1].split('"')[0]
    response = client.post(
        reverse("family-merge", args=[first.number, second.number]),
        {
            "version": version,
            "kept": first.number,
            f"pair_{b['Aminah'].pk}": a["Amina"].pk,
            f"pair_{b['Yousif'].pk}": a["Yusuf"].pk,
            f"pair_{b['Fatna'].pk}": "",
        },
        follow=True,
    )
    text = response.content.decode()
    assert "as one family" in text
    assert 'id="family-merges"' in text
    record = FamilyMerge.objects.get()
    assert Household.objects.get(pk=second.pk).status == Household.Status.MERGED
    response = client.post(reverse("family-unmerge", args=[record.pk]), follow=True)
    assert "back as they were" in response.content.decode()
    assert state(first, second) == before


def test_pages_are_for_managers_of_both_sites(client_as, site, twice):
    first, second = twice
    clerk = client_as(Role.REGISTRATION_CLERK, [site])
    url = reverse("family-review", args=[first.number, second.number])
    assert clerk.get(url).status_code == 403
    other = client_as(Role.CAMP_MANAGER, [make_site()])
    assert other.get(url).status_code == 404
    assert (
        other.post(
            reverse("family-merge", args=[first.number, second.number]), {"kept": first.number}
        ).status_code
        == 404
    )
    assert not FamilyMerge.objects.exists()
