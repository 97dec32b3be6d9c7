"""Merging duplicate registrations and undoing merges: the service, the review pages, the API,
scoping, and two reviewers merging the same pair at once."""

from __future__ import annotations

import threading
from datetime import date
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection, connections
from django.urls import reverse
from django.utils import timezone

from edgecamp.accounts.roles import Role
from edgecamp.audit.models import AuditEntry
from edgecamp.core.access import Scope, scope_for
from edgecamp.distributions.queries import eligible_households
from edgecamp.registry import merge, queries
from edgecamp.registry.duplicates import likely_matches, reset_desk_index
from edgecamp.registry.models import (
    DuplicateCandidate,
    Household,
    IdentityDocument,
    Individual,
    LifeEvent,
    Membership,
    MergeRecord,
    NotSamePerson,
    SpecificNeedRecord,
)
from edgecamp.registry.services import DocumentInput
from tests.accounts.factories import make_user
from tests.registry.factories import make_household, member
from tests.sites.factories import make_shelter, make_site

pytestmark = pytest.mark.django_db

EVERYWHERE = Scope(role=Role.ADMINISTRATOR, all_sites=True)


@pytest.fixture(autouse=True)
def _fresh_index():
    reset_desk_index()
    yield
    reset_desk_index()


@pytest.fixture
def home(site):
    """The household registered first: Mohammed (passport P-1, disability) and his wife."""
    return make_household(
        site,
        members=[
            member(
                given_name="Mohammed",
                family_name="Haroun",
                sex="male",
                date_of_birth=date(1980, 5, 2),
                specific_needs=["DS"],
                documents=[DocumentInput(type="passport", number="P-1")],
            ),
            member(
                relationship="spouse",
                given_name="Amina",
                family_name="Haroun",
                date_of_birth=date(1985, 1, 9),
            ),
        ],
        place_of_origin="Nyala",
    )


@pytest.fixture
def shelter(site):
    return make_shelter(site)


@pytest.fixture
def twice(site, shelter):
    """Mohammed registered again alone at another desk, in a tent, with his passport (written
    differently), an identity card and two needs, one of which the first record has."""
    return make_household(
        site,
        members=[
            member(
                given_name="Muhammad",
                family_name="Harun",
                other_names=["Abu Yusuf"],
                sex="male",
                date_of_birth=date(1980, 5, 2),
                specific_needs=["DS", "ER"],
                documents=[
                    DocumentInput(type="passport", number="p 1"),
                    DocumentInput(type="national_id", number="NID-77"),
                ],
            )
        ],
        shelter_id=shelter.pk,
        duplicate_override_reason="test",
    )


def _mohammed(home: Household) -> Individual:
    return home.members.get(given_name="Mohammed")


def _muhammad(twice: Household) -> Individual:
    return twice.members.get()


def _candidate(a: Individual, b: Individual, probability: float = 0.97) -> DuplicateCandidate:
    low, high = sorted((a, b), key=lambda p: p.pk)
    return DuplicateCandidate.objects.create(
        individual_l=low,
        individual_r=high,
        probability=probability,
        evidence=[
            {"comparison": "family_name", "level": "phonetic", "weight": 5.1},
            {"comparison": "date_of_birth", "level": "exact", "weight": 9.0},
        ],
    )


@pytest.fixture
def manager(site):
    return make_user("camp-manager", role=Role.CAMP_MANAGER, sites=[site])


def _state(*people: Individual) -> dict[str, Any]:
    """Everything a merge may touch, to compare before and after."""
    ids = [p.pk for p in people]
    rows = Individual.objects.filter(pk__in=ids).order_by("pk")
    return {
        "people": list(
            rows.values("pk", "status", "merged_into", "other_names", "household", "search_text")
        ),
        "documents": sorted(
            IdentityDocument.objects.filter(individual__in=ids).values_list("pk", "individual")
        ),
        "needs": sorted(
            SpecificNeedRecord.objects.filter(individual__in=ids).values_list("pk", "individual")
        ),
        "memberships": sorted(
            Membership.objects.filter(individual__in=ids).values_list(
                "pk", "individual", "ended_on"
            )
        ),
        "households": sorted(
            Household.objects.filter(members__in=ids)
            .distinct()
            .values_list("pk", "status", "shelter", "focal_point")
        ),
        "candidates": sorted(
            DuplicateCandidate.objects.values_list("pk", "individual_l", "individual_r", "status")
        ),
    }


# --- Merge: the service ------------------------------------------------------------------------


def test_merge_moves_names_documents_and_needs_and_closes_the_duplicate(
    home, twice, manager, shelter
):
    kept, dropped = _mohammed(home), _muhammad(twice)
    candidate = _candidate(kept, dropped)
    record = merge.merge_candidate(
        candidate.pk, kept.pk, scope=scope_for(manager), merged_by=manager
    )

    kept.refresh_from_db()
    dropped.refresh_from_db()
    assert kept.other_names == ["Muhammad Harun", "Abu Yusuf"]
    assert "muhammad harun" in kept.search_text
    # The passport is the same document written differently: it stays; the ID card moves.
    assert sorted(kept.documents.values_list("number", flat=True)) == ["NID-77", "P-1"]
    assert list(dropped.documents.values_list("number", flat=True)) == ["p 1"]
    # DS was already there: only ER moves.
    assert sorted(kept.specific_needs.values_list("code", flat=True)) == ["DS", "ER"]
    assert list(dropped.specific_needs.values_list("code", flat=True)) == ["DS"]

    assert dropped.status == Individual.Status.MERGED
    assert dropped.merged_into == kept
    assert dropped.search_text == ""
    # Its membership of the other household, closed, is now in the survivor's history.
    assert not dropped.memberships.exists()
    history = kept.memberships.order_by("household_id")
    assert [(m.household, m.ended_on is None) for m in history] == [(home, True), (twice, False)]
    assert record.membership_ids == [m.pk for m in history if m.household == twice]
    twice.refresh_from_db()
    assert twice.status == Household.Status.MERGED
    assert twice.shelter is None
    assert twice.focal_point is None
    assert LifeEvent.objects.filter(
        household=twice,
        individuals=None,
        kind="merge",
        data__old_status="active",
        data__new_status="merged",
    ).exists()
    assert LifeEvent.objects.filter(
        individuals=dropped, kind="merge", data__new_status="merged"
    ).exists()

    candidate.refresh_from_db()
    assert candidate.status == DuplicateCandidate.Status.MERGED
    assert candidate.decided_by == manager
    assert record.individual == dropped
    assert record.survivor == kept
    assert record.aliases_added == ["Muhammad Harun", "Abu Yusuf"]
    assert record.document_ids == list(
        IdentityDocument.objects.filter(number="NID-77").values_list("pk", flat=True)
    )
    assert len(record.need_ids) == 1
    assert record.household_closed == twice
    assert record.household_old_shelter == shelter
    assert record.focal_point_cleared
    # Audited by the generic capture, with the site of the merged record.
    entry = AuditEntry.objects.get(model="registry.mergerecord", object_id=str(record.pk))
    assert entry.site_id == twice.site_id


def test_a_household_with_other_active_members_stays_open(home, twice, manager):
    # Merge Mohammed of the first household into the second registration instead.
    kept, dropped = _muhammad(twice), _mohammed(home)
    record = merge.merge_candidate(
        _candidate(kept, dropped).pk, kept.pk, scope=scope_for(manager), merged_by=manager
    )
    home.refresh_from_db()
    assert home.status == Household.Status.ACTIVE
    assert home.focal_point is None  # he was its focal point
    assert record.household_closed is None
    assert record.focal_point_cleared


def test_a_person_typed_twice_in_one_household_hands_over_the_focal_point(site, manager):
    household = make_household(
        site,
        members=[
            member(given_name="Khadija", family_name="Ousmane"),
            member(relationship="sibling", given_name="Khadija", family_name="Ousman"),
        ],
        duplicate_override_reason="test",
    )
    focal, again = household.members.order_by("pk")
    candidate = _candidate(focal, again)
    before = _state(focal, again)
    record = merge.merge_candidate(candidate.pk, again.pk, scope=scope_for(manager))
    household.refresh_from_db()
    assert household.status == Household.Status.ACTIVE
    assert household.focal_point == again
    merge.unmerge(record.pk, scope=scope_for(manager))
    assert _state(focal, again) == before


def test_a_merged_record_counts_nowhere_but_stays_readable(home, twice, manager, site):
    dropped = _muhammad(twice)
    scope = scope_for(manager)
    merge.merge_candidate(_candidate(_mohammed(home), dropped).pk, _mohammed(home).pk, scope=scope)

    # Search: the names now find the household of the kept record only.
    found = list(queries.search_households("Muhammad Harun", scope=scope))
    assert found == [home]
    # Counts: three people registered, two people counted.
    population = queries.population_by_site(timezone.localdate(), scope=scope)
    assert population[0].total == 2
    assert population[0].households == 1
    # The desk check no longer proposes the merged record.
    matches = likely_matches(
        member(
            given_name="Muhammad", family_name="Harun", sex="male", date_of_birth=date(1980, 5, 2)
        ),
        scope=scope,
    )
    assert dropped.pk not in [m.individual.pk for m in matches]
    # Distributions: the closed household is not eligible, even for a cycle targeting it.
    cycle = SimpleNamespace(
        site_id=site.pk, target_statuses=["active", "inactive", "merged"], target_needs=[]
    )
    assert [number for _id, number, _size in eligible_households(cycle)] == [home.number]
    # Still readable for the audit trail.
    assert queries.individual_detail(dropped.pk, scope=scope).status == "merged"


def test_the_same_pair_cannot_be_merged_twice(home, twice, manager):
    candidate = _candidate(_mohammed(home), _muhammad(twice))
    scope = scope_for(manager)
    merge.merge_candidate(candidate.pk, _mohammed(home).pk, scope=scope)
    with pytest.raises(merge.MergeError, match="already decided"):
        merge.merge_candidate(candidate.pk, _muhammad(twice).pk, scope=scope)
    assert MergeRecord.objects.count() == 1


def test_a_merge_of_records_edited_since_they_were_shown_is_refused(home, twice, manager):
    kept, dropped = _mohammed(home), _muhammad(twice)
    candidate = _candidate(kept, dropped)
    low, high = sorted((kept, dropped), key=lambda p: p.pk)
    version = merge.pair_version(low, high)
    dropped.given_name = "Mahamat"
    dropped.save()
    with pytest.raises(merge.MergeError, match="edited since"):
        merge.merge_candidate(candidate.pk, kept.pk, scope=scope_for(manager), version=version)
    assert not MergeRecord.objects.exists()


def test_the_survivor_must_be_one_of_the_pair(home, twice, manager):
    candidate = _candidate(_mohammed(home), _muhammad(twice))
    amina = home.members.get(given_name="Amina")
    with pytest.raises(merge.MergeError, match="one of the pair's two people"):
        merge.merge_candidate(candidate.pk, amina.pk, scope=scope_for(manager))


def test_other_candidates_of_the_merged_record_are_repointed_or_closed(home, twice, manager, site):
    kept, dropped = _mohammed(home), _muhammad(twice)
    third_house = make_household(
        site,
        members=[member(given_name="Mohamed", family_name="Haroon", sex="male")],
        duplicate_override_reason="test",
    )
    third = third_house.members.get()
    amina = home.members.get(given_name="Amina")
    main = _candidate(kept, dropped)
    repointed = _candidate(dropped, third)
    # Amina and the kept record were judged different: the pair must not come back.
    NotSamePerson.objects.create(
        individual_l=min(kept, amina, key=lambda p: p.pk),
        individual_r=max(kept, amina, key=lambda p: p.pk),
    )
    closed = _candidate(dropped, amina, probability=0.81)
    before = _state(kept, dropped, third, amina)

    record = merge.merge_candidate(main.pk, kept.pk, scope=scope_for(manager))
    repointed.refresh_from_db()
    closed.refresh_from_db()
    assert {repointed.individual_l_id, repointed.individual_r_id} == {kept.pk, third.pk}
    assert repointed.status == DuplicateCandidate.Status.OPEN
    assert closed.status == DuplicateCandidate.Status.CLOSED

    merge.unmerge(record.pk, scope=scope_for(manager))
    assert _state(kept, dropped, third, amina) == before


# --- Unmerge -----------------------------------------------------------------------------------


def test_unmerge_restores_everything_exactly(home, twice, manager):
    kept, dropped = _mohammed(home), _muhammad(twice)
    candidate = _candidate(kept, dropped)
    before = _state(kept, dropped)
    record = merge.merge_candidate(candidate.pk, kept.pk, scope=scope_for(manager))
    assert _state(kept, dropped) != before

    undone = merge.unmerge(record.pk, scope=scope_for(manager), undone_by=manager)
    assert _state(kept, dropped) == before
    assert undone.state == MergeRecord.State.UNDONE
    assert undone.undone_by == manager
    candidate.refresh_from_db()
    assert candidate.status == DuplicateCandidate.Status.OPEN
    assert LifeEvent.objects.filter(
        household=twice,
        individuals=None,
        data__old_status="merged",
        data__new_status="active",
        reason="merge_undone",
    ).exists()
    # The pair can be decided again, and the desk finds the record again.
    assert any(
        m.individual.pk == dropped.pk
        for m in likely_matches(
            member(given_name="Muhammad", family_name="Harun", sex="male",
                   date_of_birth=date(1980, 5, 2)),
            scope=scope_for(manager),
        )
    )  # fmt: skip
    with pytest.raises(merge.MergeError, match="already undone"):
        merge.unmerge(record.pk, scope=scope_for(manager))


def test_unmerge_is_refused_after_a_later_merge_into_the_same_record(home, twice, manager, site):
    kept, dropped = _mohammed(home), _muhammad(twice)
    third = make_household(
        site,
        members=[member(given_name="Mohamed", family_name="Haroon", sex="male")],
        duplicate_override_reason="test",
    ).members.get()
    first = merge.merge_candidate(_candidate(kept, dropped).pk, kept.pk, scope=scope_for(manager))
    later = merge.merge_candidate(_candidate(kept, third).pk, kept.pk, scope=scope_for(manager))
    before = _state(kept, dropped, third)
    with pytest.raises(merge.MergeError, match="undo the later merge first"):
        merge.unmerge(first.pk, scope=scope_for(manager))
    assert _state(kept, dropped, third) == before
    merge.unmerge(later.pk, scope=scope_for(manager))
    merge.unmerge(first.pk, scope=scope_for(manager))
    assert Individual.objects.filter(status="merged").count() == 0


def test_unmerge_is_refused_when_a_moved_document_was_deleted(home, twice, manager):
    kept, dropped = _mohammed(home), _muhammad(twice)
    record = merge.merge_candidate(_candidate(kept, dropped).pk, kept.pk, scope=scope_for(manager))
    IdentityDocument.objects.get(number="NID-77").delete()
    with pytest.raises(merge.MergeError, match="document moved by the merge"):
        merge.unmerge(record.pk, scope=scope_for(manager))
    dropped.refresh_from_db()
    assert dropped.status == Individual.Status.MERGED


def test_unmerge_is_refused_when_the_shelter_was_given_to_another_household(
    home, twice, manager, site, shelter
):
    kept, dropped = _mohammed(home), _muhammad(twice)
    record = merge.merge_candidate(_candidate(kept, dropped).pk, kept.pk, scope=scope_for(manager))
    newcomer = make_household(site, members=[member(given_name="Zainab", family_name="Idriss")])
    Household.objects.filter(pk=newcomer.pk).update(shelter=shelter)
    with pytest.raises(merge.MergeError, match="now houses another household"):
        merge.unmerge(record.pk, scope=scope_for(manager))


def test_unmerge_is_refused_when_the_closed_household_changed_status(home, twice, manager):
    kept, dropped = _mohammed(home), _muhammad(twice)
    record = merge.merge_candidate(_candidate(kept, dropped).pk, kept.pk, scope=scope_for(manager))
    Household.objects.filter(pk=twice.pk).update(status=Household.Status.DEPARTED)
    with pytest.raises(merge.MergeError, match="changed status"):
        merge.unmerge(record.pk, scope=scope_for(manager))


# --- Scoping -----------------------------------------------------------------------------------


def test_people_of_other_sites_cannot_be_merged(home, twice, client):
    kept, dropped = _mohammed(home), _muhammad(twice)
    candidate = _candidate(kept, dropped)
    elsewhere = make_site(name="Other camp", code="other")
    outsider = make_user("outsider", role=Role.CAMP_MANAGER, sites=[elsewhere])
    with pytest.raises(merge.NotFound):
        merge.merge_candidate(candidate.pk, kept.pk, scope=scope_for(outsider))
    client.force_login(outsider)
    assert client.get(reverse("duplicate-compare", args=[candidate.pk])).status_code == 404
    response = client.post(reverse("duplicate-merge", args=[candidate.pk]), {"survivor": kept.pk})
    assert response.status_code == 404
    api = client.post(
        f"/api/v1/duplicates/{candidate.pk}/merge",
        {"survivor": kept.pk},
        content_type="application/json",
    )
    assert api.status_code == 404
    record = merge.merge_candidate(candidate.pk, kept.pk, scope=EVERYWHERE)
    assert client.post(reverse("duplicate-unmerge", args=[record.pk])).status_code == 404
    assert client.post(f"/api/v1/merges/{record.pk}/unmerge").status_code == 404
    assert MergeRecord.objects.get().state == MergeRecord.State.MERGED


def test_a_pair_across_two_sites_needs_both(home, manager):
    elsewhere = make_site(name="Other camp", code="other")
    far = make_household(
        elsewhere,
        members=[member(given_name="Muhammad", family_name="Haroun", sex="male")],
    ).members.get()
    candidate = _candidate(_mohammed(home), far)
    with pytest.raises(merge.NotFound):
        merge.merge_candidate(candidate.pk, _mohammed(home).pk, scope=scope_for(manager))
    both = make_user("both-sites", role=Role.CAMP_MANAGER, sites=[home.site, elsewhere])
    merge.merge_candidate(candidate.pk, _mohammed(home).pk, scope=scope_for(both))


# --- Review pages ------------------------------------------------------------------------------


def test_compare_page_shows_both_records_and_merges(client, home, twice, manager):
    kept, dropped = _mohammed(home), _muhammad(twice)
    SpecificNeedRecord.objects.create(individual=dropped, code="SV")  # protection-sensitive
    candidate = _candidate(kept, dropped)
    client.force_login(manager)
    review = client.get(reverse("duplicate-review")).content.decode()
    assert reverse("duplicate-compare", args=[candidate.pk]) in review
    html = client.get(reverse("duplicate-compare", args=[candidate.pk])).content.decode()
    for text in ("Mohammed Haroun", "Muhammad Harun", "Abu Yusuf", "NID-77", home.number,
                 twice.number, "ER", "family name"):  # fmt: skip
        assert text in html
    assert ">SV<" not in html  # a camp manager does not read protection-sensitive needs
    assert 'name="survivor"' in html

    version = merge.pair_version(*sorted((kept, dropped), key=lambda p: p.pk))
    response = client.post(
        reverse("duplicate-merge", args=[candidate.pk]), {"survivor": kept.pk, "version": version}
    )
    assert response.status_code == 302
    dropped.refresh_from_db()
    assert dropped.status == Individual.Status.MERGED
    record = MergeRecord.objects.get()
    assert record.merged_by == manager
    page = client.get(response.url).content.decode()
    assert "Merged:" in page
    assert reverse("duplicate-unmerge", args=[record.pk]) in page
    assert 'name="survivor"' not in page  # decided: no more merge form

    # Merging again (a second tab) is refused with a message, nothing changes.
    again = client.post(
        reverse("duplicate-merge", args=[candidate.pk]), {"survivor": dropped.pk}, follow=True
    )
    assert "already decided" in again.content.decode()
    assert MergeRecord.objects.count() == 1

    undone = client.post(reverse("duplicate-unmerge", args=[record.pk]), follow=True)
    assert "Merge undone" in undone.content.decode()
    dropped.refresh_from_db()
    assert dropped.status == Individual.Status.ACTIVE


def test_review_page_lists_recent_merges_with_undo(client, home, twice, manager):
    record = merge.merge_candidate(
        _candidate(_mohammed(home), _muhammad(twice)).pk, _mohammed(home).pk, scope=EVERYWHERE
    )
    client.force_login(manager)
    html = client.get(reverse("duplicate-review")).content.decode()
    assert reverse("duplicate-unmerge", args=[record.pk]) in html


def test_clerks_may_not_merge(client, home, twice, site):
    candidate = _candidate(_mohammed(home), _muhammad(twice))
    clerk = make_user("clerk-1", role=Role.REGISTRATION_CLERK, sites=[site])
    client.force_login(clerk)
    response = client.post(
        reverse("duplicate-merge", args=[candidate.pk]), {"survivor": _mohammed(home).pk}
    )
    assert response.status_code == 403
    assert not MergeRecord.objects.exists()


# --- API ---------------------------------------------------------------------------------------


def test_api_lists_merges_and_unmerges(client, home, twice, manager):
    kept, dropped = _mohammed(home), _muhammad(twice)
    candidate = _candidate(kept, dropped)
    client.force_login(manager)
    listed = client.get("/api/v1/duplicates").json()
    assert listed["count"] == 1
    item = listed["items"][0]
    assert item["id"] == candidate.pk
    assert {item["left"]["id"], item["right"]["id"]} == {kept.pk, dropped.pk}
    assert item["evidence"][0]["comparison"] == "family_name"

    url = f"/api/v1/duplicates/{candidate.pk}/merge"
    stale = client.post(
        url, {"survivor": kept.pk, "version": "0" * 16}, content_type="application/json"
    )
    assert stale.status_code == 409
    merged = client.post(
        url, {"survivor": kept.pk, "version": item["version"]}, content_type="application/json"
    )
    assert merged.status_code == 201, merged.content
    body = merged.json()
    assert body["merged"] == dropped.pk
    assert body["survivor"] == kept.pk
    assert body["household_closed"] == twice.number
    assert body["aliases_added"] == ["Muhammad Harun", "Abu Yusuf"]
    again = client.post(url, {"survivor": kept.pk}, content_type="application/json")
    assert again.status_code == 409
    assert "already decided" in again.json()["detail"]
    assert client.get("/api/v1/duplicates").json()["count"] == 0
    assert client.get("/api/v1/duplicates?status=merged").json()["count"] == 1
    assert client.get("/api/v1/duplicates?status=bogus").status_code == 422

    undone = client.post(f"/api/v1/merges/{body['id']}/unmerge")
    assert undone.status_code == 200
    assert undone.json()["state"] == "undone"
    refused = client.post(f"/api/v1/merges/{body['id']}/unmerge")
    assert refused.status_code == 409
    assert "already undone" in refused.json()["detail"]


def test_api_not_same(client, home, twice, manager):
    candidate = _candidate(_mohammed(home), _muhammad(twice))
    client.force_login(manager)
    response = client.post(f"/api/v1/duplicates/{candidate.pk}/not-same")
    assert response.status_code == 200
    assert response.json()["status"] == "not_same"
    assert NotSamePerson.objects.count() == 1
    assert client.post(f"/api/v1/duplicates/{candidate.pk}/not-same").status_code == 409


# --- Two reviewers at once ---------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_reviewers_merging_the_same_pair_merge_it_once(site):
    if connection.vendor != "postgresql":
        pytest.skip("real row-lock concurrency is exercised in the PostgreSQL run")
    first = make_household(site, members=[member(given_name="Mohammed", sex="male")])
    second = make_household(
        site,
        members=[member(given_name="Muhammad", sex="male", specific_needs=["ER"])],
        duplicate_override_reason="test",
    )
    a, b = first.members.get(), second.members.get()
    candidate = _candidate(a, b)
    reviewers = 6
    # Half keep one record, half the other.
    outcomes, failures = _race([(candidate, a if i % 2 else b) for i in range(reviewers)])

    assert not failures, failures
    assert sorted(outcomes) == ["merged"] + ["refused"] * (reviewers - 1)
    assert MergeRecord.objects.count() == 1
    assert Individual.objects.filter(status="merged").count() == 1
    assert SpecificNeedRecord.objects.filter(code="ER").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_merges_of_one_record_into_different_people_do_not_deadlock(site):
    if connection.vendor != "postgresql":
        pytest.skip("real row-lock concurrency is exercised in the PostgreSQL run")
    people = [
        make_household(
            site, members=[member(given_name=name, sex="male")], duplicate_override_reason="t"
        ).members.get()
        for name in ("Mohammed", "Muhammad", "Mohamed")
    ]
    shared, one, other = people
    for _round in range(3):
        first, second = _candidate(shared, one), _candidate(shared, other)
        outcomes, failures = _race([(first, one), (second, other)])
        assert not failures, failures  # a deadlock would land here
        assert sorted(outcomes) == ["merged", "refused"]
        record = MergeRecord.objects.get(state=MergeRecord.State.MERGED)
        merge.unmerge(record.pk, scope=EVERYWHERE)
        DuplicateCandidate.objects.all().delete()
    assert Individual.objects.filter(status="merged").count() == 0


def _race(merges: list[tuple[DuplicateCandidate, Individual]]) -> tuple[list[str], list[Any]]:
    """Run the merges (candidate, record kept) at the same moment, one thread each."""
    barrier = threading.Barrier(len(merges))
    outcomes: list[str] = []
    failures: list[BaseException] = []

    def reviewer(candidate: DuplicateCandidate, keep: Individual) -> None:
        try:
            barrier.wait()
            merge.merge_candidate(candidate.pk, keep.pk, scope=EVERYWHERE)
            outcomes.append("merged")
        except merge.MergeError:
            outcomes.append("refused")
        except BaseException as exc:  # reported by the caller
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=reviewer, args=pair) for pair in merges]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes, failures
