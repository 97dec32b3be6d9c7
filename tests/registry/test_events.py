"""Life events recorded through `events.record_event` and the API: each kind's effect on the
records, the rules every kind keeps (dates, focal point, merged records, shelters, scope), the
correcting event that undoes one, and the dashboard's counts after each."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from edgecamp.accounts.roles import Role
from edgecamp.core.access import scope_for
from edgecamp.registry import events, queries
from edgecamp.registry.codes import EventKind
from edgecamp.registry.models import Household, Individual, LifeEvent
from edgecamp.sites.models import Shelter
from tests.accounts.factories import make_user
from tests.registry.factories import household_input, member
from tests.sites.factories import make_shelter, make_site

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
EARLIER = TODAY - timedelta(days=30)


def _family(site, shelter=None, **overrides):
    from edgecamp.registry.services import register_household

    return register_household(
        household_input(
            site,
            members=[
                member(),
                member(relationship="spouse", given_name="Adam", sex="male"),
                member(relationship="child", given_name="Sara", date_of_birth=date(2015, 5, 1)),
            ],
            registration_date=EARLIER,
            shelter_id=shelter.pk if shelter else None,
            **overrides,
        )
    )


def _people(household):
    focal, spouse, child = household.members.order_by("pk")
    return focal, spouse, child


def _record(household, data, scope=None):
    return events.record_event(household.number, data, scope=scope)


def _post(client, household, body: dict[str, Any]):
    return client.post(
        f"/api/v1/households/{household.number}/events", body, content_type="application/json"
    )


def _refused(household, data, scope=None) -> dict[str, list[str]]:
    before = LifeEvent.objects.count()
    with pytest.raises(events.EventError) as refused:
        _record(household, data, scope)
    assert LifeEvent.objects.count() == before  # nothing half-written
    return refused.value.errors


# --- Each kind ---------------------------------------------------------------------------------


def test_a_birth_adds_a_member_with_an_exact_date_and_names_possibly_unknown(site):
    household = _family(site)
    event = _record(
        household, events.BirthInput(on=TODAY - timedelta(days=2), sex="male", names_unknown=True)
    )
    baby = event.individuals.get()
    assert (event.kind, baby.household, baby.relationship) == ("birth", household, "child")
    assert (baby.date_of_birth, baby.date_of_birth_precision) == (
        TODAY - timedelta(days=2),
        "exact",
    )
    assert baby.memberships.get().started_on == baby.date_of_birth
    assert queries.population_counts_checked()


def test_a_birth_in_the_future_or_without_a_name_is_refused_by_field(site):
    household = _family(site)
    errors = _refused(household, events.BirthInput(on=TODAY + timedelta(days=1), sex="female"))
    assert set(errors) == {"date", "given_name"}


def test_a_death_of_the_focal_point_needs_a_new_one_and_keeps_the_person_on_record(site):
    household = _family(site)
    focal, spouse, _child = _people(household)
    errors = _refused(household, events.DeathInput(on=TODAY, members=[focal.pk]))
    assert "new_focal_point" in errors
    event = _record(
        household,
        events.DeathInput(
            on=date(TODAY.year, 1, 1),
            precision="year",
            members=[focal.pk],
            place="clinic",
            cause="illness",
            new_focal_point=spouse.pk,
        )
        if date(TODAY.year, 1, 1) >= EARLIER
        else events.DeathInput(
            on=TODAY, members=[focal.pk], place="clinic", new_focal_point=spouse.pk
        ),
    )
    focal.refresh_from_db()
    spouse.refresh_from_db()
    household.refresh_from_db()
    assert focal.status == "deceased"
    assert household.focal_point == spouse
    assert spouse.relationship == "focal_point"
    assert event.data["focal_point"] == {
        "old": focal.pk,
        "new": spouse.pk,
        "old_relationship": "spouse",
    }
    assert queries.population_counts_checked()


def test_a_death_before_the_birth_is_refused(site):
    household = _family(site)
    _focal, _spouse, child = _people(household)
    Individual.objects.filter(pk=child.pk).update(date_of_birth=TODAY - timedelta(days=3))
    errors = _refused(
        household, events.DeathInput(on=TODAY - timedelta(days=5), members=[child.pk])
    )
    assert "date" in errors
    assert "members.0" in errors


def test_the_last_death_closes_the_household_and_frees_its_shelter(site):
    shelter = make_shelter(site)
    from edgecamp.registry.services import register_household

    household = register_household(
        household_input(site, members=[member()], shelter_id=shelter.pk, registration_date=EARLIER)
    )
    shelter.refresh_from_db()
    assert shelter.status == Shelter.Status.OCCUPIED
    event = _record(household, events.DeathInput(on=TODAY, members=[household.focal_point_id]))
    household.refresh_from_db()
    shelter.refresh_from_db()
    assert (household.status, household.shelter, shelter.status) == ("inactive", None, "available")
    # Recorded by mistake: the correction puts everything back.
    _record(household, events.CorrectionInput(corrects=str(event.uuid)))
    household.refresh_from_db()
    shelter.refresh_from_db()
    assert (household.status, household.shelter, shelter.status) == ("active", shelter, "occupied")
    assert household.members.get().status == "active"
    assert queries.population_counts_checked()


def test_missing_then_found(site):
    household = _family(site)
    _focal, _spouse, child = _people(household)
    _record(household, events.MissingInput(on=TODAY, members=[child.pk]))
    child.refresh_from_db()
    assert child.status == "missing"
    assert "members.0" in _refused(household, events.MissingInput(members=[child.pk]))
    _record(household, events.FoundInput(members=[child.pk]))
    child.refresh_from_db()
    assert child.status == "active"
    assert queries.population_counts_checked()


def test_a_departure_of_the_household_frees_its_shelter_for_the_allocation(site):
    shelter = make_shelter(site)
    household = _family(site, shelter)
    assert "reason" in _refused(household, events.DepartureInput(on=TODAY))
    _record(
        household,
        events.DepartureInput(on=TODAY, reason="resettlement", destination="Canada"),
    )
    household.refresh_from_db()
    shelter.refresh_from_db()
    assert (household.status, household.shelter, shelter.status) == ("departed", None, "available")
    from edgecamp.registry.services import housed

    assert not housed(shelter).exists()
    other = _family(site, shelter)  # the freed tent takes a new household at once
    assert other.shelter == shelter
    assert queries.population_counts_checked()


def test_a_departure_of_the_focal_point_alone_hands_the_household_over(site):
    household = _family(site)
    focal, spouse, _child = _people(household)
    assert "new_focal_point" in _refused(
        household, events.DepartureInput(reason="onward_movement", members=[focal.pk])
    )
    event = _record(
        household,
        events.DepartureInput(
            reason="onward_movement", members=[focal.pk], new_focal_point=spouse.pk
        ),
    )
    household.refresh_from_db()
    focal.refresh_from_db()
    assert (household.status, household.focal_point, focal.status) == ("active", spouse, "departed")
    assert list(event.individuals.all()) == [focal]
    # Back again.
    _record(household, events.ReturnInput(reason="returned", members=[focal.pk]))
    focal.refresh_from_db()
    assert focal.status == "active"
    assert queries.population_counts_checked()


def test_a_departed_household_returns_to_a_free_shelter(site):
    household = _family(site, make_shelter(site))
    _record(household, events.DepartureInput(reason="spontaneous_departure"))
    full = make_shelter(site, capacity=2)
    assert "shelter" in _refused(household, events.ReturnInput(shelter=full.pk))
    tent = make_shelter(site)
    _record(household, events.ReturnInput(reason="returned", shelter=tent.pk))
    household.refresh_from_db()
    assert (household.status, household.shelter) == ("active", tent)
    assert queries.population_counts_checked()


def test_a_move_keeps_to_the_room_rules_and_frees_the_old_shelter(site):
    old = make_shelter(site)
    household = _family(site, old)
    taken = make_shelter(site)
    _family(site, taken)
    assert "shelter" in _refused(household, events.MoveInput(shelter=taken.pk))
    new = make_shelter(site)
    event = _record(household, events.MoveInput(shelter=new.pk, reason="shelter_damaged"))
    old.refresh_from_db()
    new.refresh_from_db()
    household.refresh_from_db()
    assert (household.shelter, old.status, new.status) == (new, "available", "occupied")
    _record(household, events.CorrectionInput(corrects=str(event.uuid)))
    household.refresh_from_db()
    assert household.shelter == old


def test_a_relocation_needs_both_sites_in_the_users_scope(site):
    other = make_site()
    household = _family(site)
    clerk = make_user("clerk", role=Role.REGISTRATION_CLERK, sites=[site])
    errors = _refused(household, events.RelocationInput(site=other.pk), scope_for(clerk))
    assert "site" in errors
    both = make_user("both", role=Role.REGISTRATION_CLERK, sites=[site, other])
    number = household.number
    _record(
        household, events.RelocationInput(site=other.pk, reason="site_closure"), scope_for(both)
    )
    household.refresh_from_db()
    assert (household.site, household.number) == (other, number)
    assert queries.population_counts_checked()


def test_a_join_moves_a_member_to_another_household_with_history(site):
    household = _family(site)
    _focal, _spouse, child = _people(household)
    other = _family(site)
    assert "members" in _refused(
        household,
        events.JoinInput(to_household=other.number, members=[p.pk for p in _people(household)]),
    )
    event = _record(
        household,
        events.JoinInput(
            to_household=other.number, members=[child.pk], relationship="spouse", reason="marriage"
        ),
    )
    child.refresh_from_db()
    assert (child.household, child.relationship, event.household) == (other, "spouse", other)
    assert [m.household_id for m in child.memberships.order_by("pk")] == [household.pk, other.pk]
    assert queries.population_counts_checked()


def test_a_split_makes_a_new_household_and_never_leaves_nobody(site):
    household = _family(site)
    focal, spouse, child = _people(household)
    everyone = [focal.pk, spouse.pk, child.pk]
    errors = _refused(household, events.SplitInput(members=everyone, focal_point=spouse.pk))
    assert "members" in errors
    errors = _refused(household, events.SplitInput(members=[], focal_point=None))
    assert {"members", "focal_point"} <= set(errors)
    event = _record(
        household, events.SplitInput(members=[spouse.pk, child.pk], focal_point=spouse.pk)
    )
    new = Household.objects.get(pk=event.data["new_household"])
    assert new.number != household.number
    assert new.focal_point == spouse
    assert set(new.members.values_list("pk", flat=True)) == {spouse.pk, child.pk}
    assert list(household.members.values_list("pk", flat=True)) == [focal.pk]
    assert new.life_events.get().kind == EventKind.SPLIT
    assert queries.population_counts_checked()


def test_a_focal_point_change(site):
    household = _family(site)
    _focal, spouse, _child = _people(household)
    event = _record(household, events.FocalPointChangeInput(new_focal_point=spouse.pk))
    household.refresh_from_db()
    assert household.focal_point == spouse
    _record(household, events.CorrectionInput(corrects=str(event.uuid)))
    household.refresh_from_db()
    spouse.refresh_from_db()
    assert (household.focal_point_id, spouse.relationship) == (_focal.pk, "spouse")


# --- Rules of every kind ------------------------------------------------------------------------


def test_an_event_before_registration_or_on_a_merged_household_is_refused(site):
    household = _family(site)
    _focal, _spouse, child = _people(household)
    errors = _refused(
        household, events.MissingInput(on=EARLIER - timedelta(days=1), members=[child.pk])
    )
    assert "date" in errors
    Household.objects.filter(pk=household.pk).update(status=Household.Status.MERGED)
    assert "household" in _refused(household, events.MissingInput(members=[child.pk]))


def test_an_event_is_corrected_once_and_not_under_later_events(site):
    household = _family(site)
    _focal, _spouse, child = _people(household)
    missing = _record(household, events.MissingInput(members=[child.pk]))
    _record(household, events.FoundInput(members=[child.pk]))
    assert "corrects" in _refused(household, events.CorrectionInput(corrects=str(missing.uuid)))
    found = LifeEvent.objects.get(kind="found")
    _record(household, events.CorrectionInput(corrects=str(found.uuid)))
    _record(household, events.CorrectionInput(corrects=str(missing.uuid)))
    child.refresh_from_db()
    assert child.status == "active"
    assert "corrects" in _refused(household, events.CorrectionInput(corrects=str(missing.uuid)))
    assert "corrects" in _refused(household, events.CorrectionInput(corrects="not-a-uuid"))


def test_undoing_a_birth_leaves_the_child_out_of_every_count_with_its_history(site):
    household = _family(site)
    birth = _record(household, events.BirthInput(sex="female", names_unknown=True))
    child = birth.individuals.get()
    counted = queries.population_by_site(TODAY)[0].total
    correction = _record(household, events.CorrectionInput(corrects=str(birth.uuid)))
    child.refresh_from_db()
    assert child.status == Individual.Status.RECORDED_IN_ERROR
    assert child.household == household  # kept, with its history
    assert set(child.life_events.values_list("kind", flat=True)) == {"birth", "correction"}
    assert correction.data["old_statuses"] == {str(child.pk): "active"}
    assert queries.population_by_site(TODAY)[0].total == counted - 1
    assert queries.population_counts_checked()
    assert "corrects" in _refused(household, events.CorrectionInput(corrects=str(birth.uuid)))


def test_a_birth_is_not_undone_under_a_later_event_of_the_child(site):
    household = _family(site)
    birth = _record(household, events.BirthInput(sex="male", names_unknown=True))
    child = birth.individuals.get()
    _record(household, events.MissingInput(members=[child.pk]))
    assert "corrects" in _refused(household, events.CorrectionInput(corrects=str(birth.uuid)))


def test_undoing_a_join_takes_the_member_back_with_the_relationship_and_focal_point(site):
    household = _family(site)
    focal, spouse, _child = _people(household)
    other = _family(site)
    join = _record(
        household,
        events.JoinInput(
            to_household=other.number,
            members=[focal.pk],
            relationship="spouse",
            new_focal_point=spouse.pk,
            reason="marriage",
        ),
    )
    assert "corrects" in _refused(household, events.CorrectionInput(corrects=str(join.uuid)))
    correction = _record(other, events.CorrectionInput(corrects=str(join.uuid)))
    focal.refresh_from_db()
    spouse.refresh_from_db()
    household.refresh_from_db()
    assert (focal.household, focal.relationship) == (household, "focal_point")
    assert (household.focal_point, spouse.relationship) == (focal, "spouse")
    assert [m.household_id for m in focal.memberships.order_by("pk")] == [
        household.pk,
        other.pk,
        household.pk,
    ]
    assert correction.data["back_to_household_number"] == household.number
    assert queries.population_counts_checked()


def test_undoing_a_join_is_refused_with_the_reason_when_the_household_cannot_take_them(site):
    tent = make_shelter(site, capacity=3)
    household = _family(site, tent)
    _focal, _spouse, child = _people(household)
    other = _family(site)
    join = _record(household, events.JoinInput(to_household=other.number, members=[child.pk]))
    # The household left has a new child: its tent is full again.
    _record(household, events.BirthInput(sex="male", names_unknown=True))
    errors = _refused(other, events.CorrectionInput(corrects=str(join.uuid)))
    assert "holds 3 people and 3 live there" in errors["corrects"][0]
    Shelter.objects.filter(pk=tent.pk).update(capacity=6)
    _record(household, events.DepartureInput(reason="resettlement"))
    errors = _refused(other, events.CorrectionInput(corrects=str(join.uuid)))
    assert f"Household {household.number} is departed" in errors["corrects"][0]
    child.refresh_from_db()
    assert child.household == other  # nothing half-written


def test_undoing_a_split_brings_the_members_back_and_closes_the_new_household(site):
    old_tent, new_tent = make_shelter(site), make_shelter(site)
    household = _family(site, old_tent)
    focal, spouse, child = _people(household)
    split = _record(
        household,
        events.SplitInput(
            members=[focal.pk, child.pk],
            focal_point=child.pk,
            new_focal_point=spouse.pk,
            shelter=new_tent.pk,
        ),
    )
    new = Household.objects.get(pk=split.data["new_household"])
    companion = new.life_events.get()
    errors = _refused(new, events.CorrectionInput(corrects=str(companion.uuid)))
    assert household.number in errors["corrects"][0]
    _record(household, events.CorrectionInput(corrects=str(split.uuid)))
    household.refresh_from_db()
    new.refresh_from_db()
    assert set(household.members.values_list("pk", "relationship")) == {
        (focal.pk, "focal_point"),
        (spouse.pk, "spouse"),
        (child.pk, "child"),
    }
    assert household.focal_point == focal
    assert (new.status, new.focal_point, new.shelter, new.members.count()) == (
        "inactive",
        None,
        None,
        0,
    )
    new_tent.refresh_from_db()
    assert new_tent.status == Shelter.Status.AVAILABLE
    assert [e.kind for e in new.life_events.order_by("pk")] == ["split", "correction"]
    assert queries.population_counts_checked()


def test_a_split_is_not_undone_once_the_new_household_lives_its_own_life(site):
    household = _family(site)
    _focal, spouse, _child = _people(household)
    split = _record(household, events.SplitInput(members=[spouse.pk], focal_point=spouse.pk))
    new = Household.objects.get(pk=split.data["new_household"])
    _record(new, events.BirthInput(sex="female", names_unknown=True))
    assert "corrects" in _refused(household, events.CorrectionInput(corrects=str(split.uuid)))


# --- API ---------------------------------------------------------------------------------------


def test_api_records_an_event_and_lists_them(site, client_as):
    household = _family(site)
    focal, spouse, _child = _people(household)
    clerk = client_as(Role.REGISTRATION_CLERK, [site])
    response = _post(
        clerk,
        household,
        {
            "type": "death",
            "date": TODAY.isoformat(),
            "members": [focal.pk],
            "new_focal_point": spouse.pk,
            "cause": "illness",
        },
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["type"], body["members"], body["household"]) == (
        "death",
        [focal.pk],
        household.number,
    )
    listed = clerk.get(f"/api/v1/households/{household.number}/events").json()
    assert listed["count"] == 2
    assert listed["items"][0]["uuid"] == body["uuid"]
    undo = _post(clerk, household, {"type": "correction", "corrects": body["uuid"]})
    assert undo.status_code == 201
    assert undo.json()["corrects"] == body["uuid"]


def test_api_lists_a_join_under_both_households_and_its_undoing_too(site, client_as):
    household = _family(site)
    _focal, spouse, _child = _people(household)
    other = _family(site)
    clerk = client_as(Role.REGISTRATION_CLERK, [site])
    joined = _post(
        clerk,
        household,
        {"type": "join", "members": [spouse.pk], "to_household": other.number},
    ).json()

    def listed(shown):
        response = clerk.get(f"/api/v1/households/{shown.number}/events")
        return {(e["type"], e["household"], e["from_household"]) for e in response.json()["items"]}

    join = ("join", other.number, household.number)
    assert join in listed(household)
    assert join in listed(other)
    assert (
        _post(clerk, other, {"type": "correction", "corrects": joined["uuid"]}).status_code == 201
    )
    undone = ("correction", other.number, None)
    assert {join, undone} <= listed(household)
    assert {join, undone} <= listed(other)
    # Another household's joins are not listed here.
    third = _family(site)
    assert {e[0] for e in listed(third)} == {"registration"}


def test_api_relocation_to_a_shelter_at_the_new_site_keeps_the_room_rules(site, client_as):
    other = make_site()
    old_tent = make_shelter(site)
    household = _family(site, old_tent)
    here, taken = make_shelter(site), make_shelter(other)
    _family(other, taken)  # a family tent houses one household
    small_hall = make_shelter(other, type="collective_hall", capacity=2)
    tent = make_shelter(other)
    both = client_as(Role.REGISTRATION_CLERK, [site, other])

    def relocate(shelter):
        body = {"type": "relocation", "site": other.pk, "shelter": shelter.pk}
        return _post(both, household, {**body, "reason": "site_closure"})

    for shelter, words in (
        (here, "another site"),
        (taken, "already houses a household"),
        (small_hall, "holds 2 people"),
    ):
        response = relocate(shelter)
        assert response.status_code == 422, shelter
        assert set(response.json()["errors"]) == {"shelter"}
        assert words in response.json()["errors"]["shelter"][0]
    household.refresh_from_db()
    assert (household.site, household.shelter) == (site, old_tent)  # nothing half-written
    assert relocate(tent).status_code == 201
    household.refresh_from_db()
    old_tent.refresh_from_db()
    tent.refresh_from_db()
    assert (household.site, household.shelter) == (other, tent)
    assert (old_tent.status, tent.status) == ("available", "occupied")
    assert queries.population_counts_checked()
    # Only sites the user works at: the shelter of a site out of reach changes nothing.
    third = make_site()
    clerk = client_as(Role.REGISTRATION_CLERK, [other])
    response = _post(
        clerk,
        household,
        {"type": "relocation", "site": third.pk, "shelter": make_shelter(third).pk},
    )
    assert set(response.json()["errors"]) == {"site"}


def test_api_names_the_field_of_a_refusal(site, client_as):
    household = _family(site)
    clerk = client_as(Role.REGISTRATION_CLERK, [site])
    response = _post(clerk, household, {"type": "birth", "date": "2099-01-01"})
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"sex"}
    response = _post(clerk, household, {"type": "birth", "sex": "male", "date": "2099-01-01"})
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"date", "given_name"}
    response = _post(clerk, household, {"type": "wedding"})
    assert set(response.json()["errors"]) == {"type"}


def test_api_hides_households_of_other_sites(site, client_as):
    household = _family(site)
    outsider = client_as(Role.REGISTRATION_CLERK, [make_site()])
    response = _post(outsider, household, {"type": "birth", "sex": "male", "names_unknown": True})
    assert response.status_code == 404
    assert outsider.get(f"/api/v1/households/{household.number}/events").status_code == 404
    viewer = client_as(Role.DISTRIBUTION_STAFF, [site])
    response = _post(viewer, household, {"type": "birth", "sex": "male", "names_unknown": True})
    assert response.status_code == 403


def test_the_openapi_schema_lists_every_type_and_reason(logged_in_client):
    schema = logged_in_client.get("/api/v1/openapi.json").json()
    body = schema["paths"]["/api/v1/households/{number}/events"]["post"]["requestBody"]
    text = str(body) + str(schema["components"])
    for kind in events_api_types():
        assert f"'{kind}'" in text
    for reason in ("resettlement", "voluntary_repatriation", "marriage", "event_recorded_wrongly"):
        assert reason in text


def events_api_types():
    from edgecamp.registry.events_api import EVENT_TYPES

    return EVENT_TYPES


def test_site_counts_stay_exact_after_every_event_type_and_its_correction(site):
    """The dashboard's trigger-kept counts (registry.site_counts) equal a recount after each
    kind of event, and after the correction of each kind that can be undone."""
    other_site = make_site()
    tent, hall = make_shelter(site), make_shelter(site, type="collective_hall", capacity=40)
    household = _family(site, tent)
    focal, spouse, child = _people(household)
    second = _family(site)
    steps = [
        events.BirthInput(sex="male", names_unknown=True),
        events.MissingInput(members=[child.pk]),
        events.FoundInput(members=[child.pk]),
        events.DeathInput(members=[focal.pk], new_focal_point=spouse.pk, cause="illness"),
        events.FocalPointChangeInput(new_focal_point=child.pk),
        events.MoveInput(shelter=hall.pk),
        events.DepartureInput(reason="onward_movement", members=[spouse.pk]),
        events.ReturnInput(members=[spouse.pk]),
        events.JoinInput(to_household=second.number, members=[spouse.pk]),
        events.RelocationInput(site=other_site.pk),
        events.DepartureInput(reason="resettlement"),
        events.ReturnInput(reason="returned"),
    ]
    recorded = []
    for data in steps:
        recorded.append(_record(household, data))
        assert queries.population_counts_checked(), data.kind
    split = _record(
        second, events.SplitInput(members=[spouse.pk], focal_point=spouse.pk, reason="marriage")
    )
    assert split.kind == "split"
    assert queries.population_counts_checked()
    # Everything undone, newest first: the split on the household split, the join on the
    # household joined, the rest where recorded.
    _record(second, events.CorrectionInput(corrects=str(split.uuid)))
    assert queries.population_counts_checked(), "undoing split"
    for event in reversed(recorded):
        on = second if event.kind == EventKind.JOIN else household
        _record(on, events.CorrectionInput(corrects=str(event.uuid)))
        assert queries.population_counts_checked(), f"undoing {event.kind}"
    household.refresh_from_db()
    assert (household.site, household.shelter, household.status) == (site, tent, "active")
    assert household.focal_point == focal
    assert set(household.members.values_list("pk", "status")) == {
        (focal.pk, "active"),
        (spouse.pk, "active"),
        (child.pk, "active"),
        (recorded[0].individuals.get().pk, "recorded_in_error"),
    }
    assert {e.kind for e in recorded} | {split.kind} == set(events.CORRECTABLE)
