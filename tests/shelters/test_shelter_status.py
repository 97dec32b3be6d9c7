"""The shelters page of a site and a shelter's status (issue 13, "Shelters"): occupants from
the records, m² per person against the standard, damaged / under repair / decommissioned with a
reason and a kept history, and a shelter out of use taking nobody new (registration, the move
event, allocation). Service, page and API, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from edgecamp.audit.models import AuditEntry
from edgecamp.core.access import Role
from edgecamp.registry import events
from edgecamp.registry.models import Household, LifeEvent
from edgecamp.registry.services import RegistrationError
from edgecamp.shelters import condition, queries
from edgecamp.shelters.inputs import read_inputs
from edgecamp.sites.models import Condition, Shelter, ShelterStatusChange
from tests.accounts.factories import make_user
from tests.registry.factories import household_input, member
from tests.shelters.test_allocation_plans import household, tent
from tests.sites.factories import make_site

pytestmark = pytest.mark.django_db


def mark(shelter: Shelter, status: str, reason: str = "roof torn by the storm", **kw: Any):
    return condition.change_condition(
        shelter.pk, condition.ConditionInput(status, reason, **kw), scope=None, by=None
    )


def html(response: Any) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


@pytest.fixture
def camp(site):
    """Block A: a crowded tent (6 people, 5 places, 17.5 m²: 2.9 m² each), a roomy one (2
    people) and an empty one; block B: a hall with 4 people."""
    crowded = tent(site, "T1", block="A", capacity=6)
    roomy = tent(site, "T2", block="A")
    empty = tent(site, "T3", block="A")
    hall = tent(
        site, "H1", block="B", type=Shelter.Type.COLLECTIVE_HALL, capacity=40, covered_m2=150
    )
    households = {
        "crowded_hh": household(site, 6, shelter=crowded),
        "roomy_hh": household(site, 2, shelter=roomy),
        "hall_hh": household(site, 4, shelter=hall),
    }
    # Registration keeps to capacity; a tent becomes crowded when it is found smaller.
    Shelter.objects.filter(pk=crowded.pk).update(capacity=5)
    crowded.refresh_from_db()
    return {"crowded": crowded, "roomy": roomy, "empty": empty, "hall": hall, **households}


# --- Reading -------------------------------------------------------------------------------------


def test_occupants_count_active_people_of_active_households(site, camp):
    # A member who died and a household gone inactive no longer count as occupants.
    person = camp["hall_hh"].members.exclude(pk=camp["hall_hh"].focal_point_id).first()
    events.record_event(camp["hall_hh"].number, events.DeathInput(members=(person.pk,)), scope=None)
    Household.objects.filter(pk=camp["roomy_hh"].pk).update(status=Household.Status.INACTIVE)
    rows = {s.code: s for s in queries.site_shelters(site)}
    assert {code: (s.occupants, s.household_count) for code, s in rows.items()} == {
        "T1": (6, 1),
        "T2": (0, 1),  # the inactive household keeps its place, but nobody is counted
        "T3": (0, 0),
        "H1": (3, 1),
    }
    assert queries.per_person_m2(rows["T1"]) == Decimal("2.9")
    assert queries.under_standard(rows["T1"])
    assert queries.per_person_m2(rows["H1"]) == Decimal("50.0")
    assert not queries.under_standard(rows["H1"])
    assert queries.per_person_m2(rows["T3"]) is None


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, ["T1", "T2", "T3", "H1"]),
        ({"block": "B"}, ["H1"]),
        ({"occupancy": "crowded"}, ["T1"]),
        ({"occupancy": "free"}, ["T3"]),
        ({"under_standard": True}, ["T1"]),
        ({"status": "habitable"}, ["T2", "T3", "H1"]),
        ({"status": "damaged"}, ["T1"]),
        ({"status": "damaged", "block": "B"}, []),
    ],
)
def test_filters(site, camp, filters, expected):
    mark(camp["crowded"], Condition.DAMAGED)
    found = queries.site_shelters(site, queries.ShelterFilters(**filters))
    assert [s.code for s in found] == expected


def test_blocks_summary(site, camp):
    mark(camp["empty"], Condition.DECOMMISSIONED, "beyond repair")
    blocks = {b.code: b for b in queries.site_blocks(site)}
    assert (blocks["A"].shelter_count, blocks["A"].capacity, blocks["A"].occupants) == (3, 15, 8)
    assert blocks["A"].out_of_use == 1
    assert (blocks["B"].shelter_count, blocks["B"].capacity, blocks["B"].occupants) == (1, 40, 4)


def test_the_space_standard_is_a_setting(site, camp, settings):
    settings.EDGECAMP_SPACE_STANDARD_M2 = Decimal("9")  # T2: 17.5 m² for 2 people, 8.75 each
    found = queries.site_shelters(site, queries.ShelterFilters(under_standard=True))
    assert [s.code for s in found] == ["T1", "T2"]


# --- Changing the status ------------------------------------------------------------------------


def test_damaged_then_repaired_then_habitable_keeps_the_history(site, camp):
    user = make_user("mgr", role=Role.CAMP_MANAGER, all_sites=True)
    shelter = camp["roomy"]
    first = condition.change_condition(
        shelter.pk,
        condition.ConditionInput("damaged", "  roof   torn ", date.today() - timedelta(days=1)),
        scope=None,
        by=user,
    )
    assert first.to_move == [camp["roomy_hh"].number]  # allowed, with the household to move
    shelter.refresh_from_db()
    assert shelter.status == Shelter.Status.DAMAGED
    mark(shelter, Condition.UNDER_REPAIR, "new tarpaulin ordered")
    mark(shelter, Condition.HABITABLE, "repaired")
    shelter.refresh_from_db()
    # Habitable again: occupied, since the household still lives there.
    assert shelter.status == Shelter.Status.OCCUPIED
    history = list(queries.status_history(shelter))
    assert [(c.previous, c.condition, c.reason) for c in history] == [
        ("under_repair", "habitable", "repaired"),
        ("damaged", "under_repair", "new tarpaulin ordered"),
        ("habitable", "damaged", "roof torn"),
    ]
    assert history[-1].recorded_by == user
    assert history[-1].occurred_on == date.today() - timedelta(days=1)
    # Every write audited: the shelter's status and the history rows.
    assert AuditEntry.objects.filter(model="sites.shelterstatuschange").count() == 3


def test_habitable_again_and_empty_is_available(site, camp):
    mark(camp["empty"], Condition.DAMAGED)
    mark(camp["empty"], Condition.HABITABLE, "fixed")
    camp["empty"].refresh_from_db()
    assert camp["empty"].status == Shelter.Status.AVAILABLE


def test_decommissioning_an_occupied_shelter_is_refused_naming_the_households(site, camp):
    with pytest.raises(condition.ConditionError) as refused:
        mark(camp["crowded"], Condition.DECOMMISSIONED, "flooded")
    assert camp["crowded_hh"].number in refused.value.errors["status"][0]
    camp["crowded"].refresh_from_db()
    assert camp["crowded"].status == Shelter.Status.OCCUPIED
    assert not ShelterStatusChange.objects.exists()


@pytest.mark.parametrize(
    ("status", "reason", "on", "field"),
    [
        ("burnt", "fire", None, "status"),
        ("habitable", "already", None, "status"),
        ("damaged", "   ", None, "reason"),
        ("damaged", "x" * 301, None, "reason"),
        ("damaged", "storm", date.today() + timedelta(days=2), "date"),
    ],
)
def test_bad_input_names_the_field(site, camp, status, reason, on, field):
    with pytest.raises(condition.ConditionError) as refused:
        mark(camp["empty"], status, reason, on=on)
    assert list(refused.value.errors) == [field]
    assert not ShelterStatusChange.objects.exists()


def test_another_sites_shelter_is_not_found(site, camp):
    other = make_site()
    user = make_user("elsewhere", role=Role.CAMP_MANAGER, sites=[other])
    from edgecamp.core.access import scope_for

    with pytest.raises(condition.ShelterNotFound):
        condition.change_condition(
            camp["empty"].pk,
            condition.ConditionInput("damaged", "storm"),
            scope=scope_for(user),
            by=user,
        )


def test_the_history_is_append_only(site, camp):
    change = mark(camp["empty"], Condition.DAMAGED).change
    with pytest.raises(PermissionDenied):
        change.save()
    with pytest.raises(PermissionDenied):
        ShelterStatusChange.objects.update(reason="rewritten")
    # Past the application: the database trigger refuses it too.
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE sites_shelterstatuschange SET reason = 'x'")


# --- Out of use takes nobody new ---------------------------------------------------------------


@pytest.mark.parametrize("status", [Condition.DAMAGED, Condition.UNDER_REPAIR])
def test_registration_refuses_a_shelter_out_of_use(site, camp, status):
    mark(camp["empty"], status)
    from edgecamp.registry.services import register_household

    with pytest.raises(RegistrationError) as refused:
        register_household(household_input(site, members=[member()], shelter_id=camp["empty"].pk))
    assert "shelter" in refused.value.errors


@pytest.mark.parametrize(
    "status", [Condition.DAMAGED, Condition.UNDER_REPAIR, Condition.DECOMMISSIONED]
)
def test_the_move_event_refuses_a_shelter_out_of_use(site, camp, status):
    mark(camp["empty"], status)
    with pytest.raises(events.EventError) as refused:
        events.record_event(
            camp["roomy_hh"].number, events.MoveInput(shelter=camp["empty"].pk), scope=None
        )
    assert "shelter" in refused.value.errors


def test_allocation_leaves_shelters_out_of_use_out(site, camp):
    mark(camp["empty"], Condition.UNDER_REPAIR, "new floor")
    mark(camp["roomy"], Condition.DAMAGED)
    inputs = read_inputs(site)
    assert sorted(inputs.shelter_rows) == ["A/T1", "B/H1"]
    # The household in the damaged tent is seen as having no allocatable shelter.
    by_number = {h.household_id: h for h in inputs.households}
    assert by_number[camp["roomy_hh"].number].current_shelter == ()


def test_moving_out_of_a_damaged_shelter_leaves_it_damaged(site, camp):
    mark(camp["roomy"], Condition.DAMAGED)
    events.record_event(
        camp["roomy_hh"].number,
        events.MoveInput(shelter=camp["empty"].pk, reason="shelter_damaged"),
        scope=None,
    )
    camp["roomy"].refresh_from_db()
    assert camp["roomy"].status == Shelter.Status.DAMAGED
    moved = Household.objects.get(pk=camp["roomy_hh"].pk)
    assert moved.shelter_id == camp["empty"].pk
    # Empty now: it can be decommissioned.
    mark(camp["roomy"], Condition.DECOMMISSIONED, "beyond repair")


# --- The page ----------------------------------------------------------------------------------


def test_page_shows_blocks_shelters_flags_and_move_links(client_as, site, camp):
    mark(camp["crowded"], Condition.DAMAGED, "roof torn")
    client = client_as(Role.CAMP_MANAGER, [site])
    page = html(client.get(reverse("site-shelters", args=[site.code])))
    assert 'id="site-blocks"' in page
    assert "4 shelters" in page
    assert "roof torn" in page
    assert "under 3.5 m²" in page
    assert "crowded" in page
    move = reverse("household-event", args=[camp["crowded_hh"].number, "move"])
    assert f"{move}?reason=shelter_damaged&amp;next=" in page
    assert reverse("shelter-status", args=[site.code, camp["crowded"].pk]) in page
    filtered = html(client.get(reverse("site-shelters", args=[site.code]), {"occupancy": "free"}))
    assert "1 shelter" in filtered
    assert camp["crowded_hh"].number not in filtered


def test_page_is_paged(client_as, site):
    for n in range(55):
        tent(site, f"P{n:02d}", block="C")
    client = client_as(Role.CAMP_MANAGER, [site])
    first = html(client.get(reverse("site-shelters", args=[site.code])))
    assert "Page 1 of 2" in first
    second = html(client.get(reverse("site-shelters", args=[site.code]), {"page": 2}))
    assert "C/P54" in second
    assert "C/P00" not in second


def test_page_of_another_site_is_404(client_as, site, camp):
    other = make_site()
    client = client_as(Role.CAMP_MANAGER, [other])
    assert client.get(reverse("site-shelters", args=[site.code])).status_code == 404
    assert (
        client.post(
            reverse("shelter-status", args=[site.code, camp["empty"].pk]),
            {"status": "damaged", "reason": "storm", "date": timezone.localdate().isoformat()},
        ).status_code
        == 404
    )
    assert not ShelterStatusChange.objects.exists()


def test_status_form_records_and_warns(client_as, site, camp):
    client = client_as(Role.CAMP_MANAGER, [site])
    url = reverse("shelter-status", args=[site.code, camp["roomy"].pk])
    response = client.post(
        url,
        {"status": "damaged", "reason": "storm", "date": timezone.localdate().isoformat()},
        follow=True,
    )
    page = html(response)
    assert camp["roomy_hh"].number in page  # the warning names the household to move
    camp["roomy"].refresh_from_db()
    assert camp["roomy"].status == Shelter.Status.DAMAGED
    history = html(client.get(url))
    assert 'id="status-history"' in history
    assert "storm" in history


def test_status_form_shows_the_refusal(client_as, site, camp):
    client = client_as(Role.CAMP_MANAGER, [site])
    url = reverse("shelter-status", args=[site.code, camp["crowded"].pk])
    page = html(
        client.post(
            url,
            {"status": "decommissioned", "reason": "", "date": timezone.localdate().isoformat()},
        )
    )
    assert "error-summary" in page
    assert "This field is required" in page  # the form's own check, before the service
    page = html(
        client.post(
            url,
            {
                "status": "decommissioned",
                "reason": "flooded",
                "date": timezone.localdate().isoformat(),
            },
        )
    )
    assert camp["crowded_hh"].number in page
    assert "move households" in page


def test_move_from_the_page_is_prefilled_and_comes_back(client_as, site, camp):
    mark(camp["roomy"], Condition.DAMAGED)
    client = client_as(Role.CAMP_MANAGER, [site])
    back = reverse("site-shelters", args=[site.code]) + "?block=A"
    move = reverse("household-event", args=[camp["roomy_hh"].number, "move"])
    form = html(client.get(move, {"reason": "shelter_damaged", "next": back}))
    assert '<option value="shelter_damaged" selected>' in form
    assert f'name="next" value="{back}"' in form.replace("&amp;", "&")
    response = client.post(
        move,
        {
            "date": timezone.localdate().isoformat(),
            "shelter": camp["empty"].pk,
            "reason": "shelter_damaged",
            "next": back,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == back
    event = LifeEvent.objects.get(household=camp["roomy_hh"], kind="move")
    assert event.reason == "shelter_damaged"
    # Another host is never a place to come back to.
    response = client.post(
        reverse("household-event", args=[camp["roomy_hh"].number, "move"]),
        {
            "date": timezone.localdate().isoformat(),
            "shelter": camp["roomy"].pk,
            "reason": "shelter_damaged",
            "next": "https://evil.example/",
        },
    )
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        assert not response["Location"].startswith("https://evil")


# --- The API ------------------------------------------------------------------------------------


def test_api_lists_with_the_page_filters(client_as, site, camp):
    mark(camp["crowded"], Condition.DAMAGED, "roof torn")
    client = client_as(Role.PARTNER_VIEWER, [site])
    body = client.get(f"/api/v1/sites/{site.code}/shelters").json()
    assert body["count"] == 4
    first = body["items"][0]
    assert first["code"] == "T1"
    assert first["block"] == "A"
    assert first["occupants"] == 6
    assert first["crowded"]
    assert first["under_standard"]
    assert first["status"] == "damaged"
    assert first["last_change"]["reason"] == "roof torn"
    assert Decimal(first["m2_per_person"]) == Decimal("2.9")
    free = client.get(f"/api/v1/sites/{site.code}/shelters?occupancy=free&block=A").json()
    assert [s["code"] for s in free["items"]] == ["T3"]
    assert client.get("/api/v1/sites/nowhere/shelters").status_code == 404


def test_api_changes_the_status(client_as, site, camp):
    client = client_as(Role.CAMP_MANAGER, [site])
    url = f"/api/v1/sites/{site.code}/shelters/{camp['roomy'].pk}/status"
    ok = client.post(
        url, {"status": "under_repair", "reason": "tarpaulin"}, content_type="application/json"
    )
    assert ok.status_code == 200, ok.content
    assert ok.json()["households_to_move"] == [camp["roomy_hh"].number]
    assert ok.json()["shelter"]["status"] == "under_repair"
    refused = client.post(
        f"/api/v1/sites/{site.code}/shelters/{camp['crowded'].pk}/status",
        {"status": "decommissioned", "reason": "flood"},
        content_type="application/json",
    )
    assert refused.status_code == 422
    assert camp["crowded_hh"].number in refused.json()["errors"]["status"][0]
    clerk = client_as(Role.REGISTRATION_CLERK, [site])
    assert (
        clerk.post(
            url, {"status": "habitable", "reason": "x"}, content_type="application/json"
        ).status_code
        == 403
    )


def test_openapi_documents_the_routes(client_as):
    schema = client_as(Role.ADMINISTRATOR).get("/api/v1/openapi.json").json()
    assert "/api/v1/sites/{code}/shelters" in schema["paths"]
    assert "post" in schema["paths"]["/api/v1/sites/{code}/shelters/{shelter_id}/status"]
