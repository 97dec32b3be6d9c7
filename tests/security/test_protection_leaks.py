"""Protection data must not leak through what is decided by it (issue 10, item 1): a cycle
targeted by a protection-sensitive need (SV, TR, CR, SC, LP) may be created only by a
protection officer of its site, and then shows nobody else why a household is on it, and its
reads are audited; shelter allocation plans are not decided by such needs."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest

from edgecamp.audit.models import AuditEntry
from edgecamp.distributions.models import Cycle
from edgecamp.distributions.services import CycleInput, create_cycle, start_cycle
from edgecamp.shelters.models import AllocationPlan
from edgecamp.shelters.services import propose_plan
from tests.accounts.factories import make_user
from tests.distributions.factories import per_household
from tests.registry.factories import make_household, member
from tests.sites.factories import make_shelter, make_site
from tests.stock.factories import make_item, make_warehouse, stock_up

pytestmark = pytest.mark.django_db


@pytest.fixture
def camp(db):
    north, south = make_site(name="North"), make_site(name="South")
    warehouse = make_warehouse(north)
    maize = make_item(name="Maize", code="maize")
    stock_up(warehouse, maize, 10)  # enough for the cycles started here
    survivor = make_household(north, members=[member(given_name="Amina", specific_needs=["SV"])])
    make_household(north, members=[member(given_name="Hawa")])
    users = {
        "administrator": make_user("admin-n", role="administrator", sites=[north]),
        "camp_manager": make_user("manager-n", role="camp_manager", sites=[north]),
        "distribution_staff": make_user("staff-n", role="distribution_staff", sites=[north]),
        "officer_south": make_user("officer-s", role="protection_officer", sites=[south]),
        "officer": make_user("officer-n", role="protection_officer", sites=[north]),
        "superuser": make_user("root", superuser=True),
    }
    return north, warehouse, maize, survivor, users


def _body(north, warehouse, maize, needs):
    return {
        "name": "Dignity kits",
        "site": north.pk,
        "warehouse": warehouse.pk,
        "starts_on": "2026-11-01",
        "ends_on": "2026-11-30",
        "target_needs": needs,
        "rules": [{"item": maize.pk, "basis": "per_household", "quantity": "1"}],
    }


def _targeted_cycle(north, warehouse, maize) -> Cycle:
    """An SV-targeted cycle as the officer creates it, started (by a manager)."""
    cycle = create_cycle(
        CycleInput(
            name="Dignity kits",
            site_id=north.pk,
            warehouse_id=warehouse.pk,
            starts_on=date(2026, 11, 1),
            ends_on=date(2026, 11, 30),
            target_needs=["SV"],
            rules=[per_household(maize, "1")],
        )
    )
    start_cycle(cycle.pk)
    return cycle


@pytest.mark.parametrize(
    ("who", "code"),
    [
        *(("camp_manager", code) for code in ("SV", "TR", "CR", "SC", "lp")),
        ("administrator", "SV"),
        ("superuser", "SV"),
        ("officer_south", "SV"),
    ],
)
def test_only_a_protection_officer_of_the_site_targets_by_a_sensitive_need_in_the_api(
    client, camp, who, code
):
    north, warehouse, maize, _survivor, users = camp
    client.force_login(users[who])
    refused = client.post(
        "/api/v1/cycles",
        _body(north, warehouse, maize, ["DS", code]),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert refused.status_code in (403, 422), refused.content
    if refused.status_code == 422:
        errors = refused.json()["errors"]
        assert list(errors) in (["target_needs"], ["site"])
        if who != "officer_south":
            assert "agent de protection" in errors["target_needs"][0]
    assert not Cycle.objects.exists()


def test_a_protection_officer_of_the_site_creates_a_targeted_cycle(client, camp):
    north, warehouse, maize, _survivor, users = camp
    client.force_login(users["officer"])
    created = client.post(
        "/api/v1/cycles",
        _body(north, warehouse, maize, ["SV"]),
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["target_needs"] == ["SV"]
    assert created.json()["targeted_by_protection"] is True


def test_the_cycle_form_offers_sensitive_codes_only_to_protection_officers(client, camp):
    north, warehouse, maize, _survivor, users = camp
    sensitive = {"SV", "TR", "CR", "SC", "LP"}
    for who in ("camp_manager", "administrator"):
        client.force_login(users[who])
        page = client.get("/supply/cycles/new/").content.decode()
        offered = set(re.findall(r'name="target_needs" value="(\w+)"', page))
        assert "DS" in offered
        assert not offered & sensitive
        posted = client.post(
            "/supply/cycles/new/",
            {
                "name": "Dignity kits",
                "site": north.pk,
                "warehouse": warehouse.pk,
                "starts_on": "2026-11-01",
                "ends_on": "2026-11-30",
                "target_statuses": ["active"],
                "target_needs": ["SV"],
                "card_boxes": 12,
                "rule_0_item": maize.pk,
                "rule_0_basis": "per_household",
                "rule_0_quantity": "1",
            },
        )
        assert posted.status_code == 200
        assert not Cycle.objects.exists()
    client.force_login(users["officer"])
    page = client.get("/supply/cycles/new/").content.decode()
    assert sensitive <= set(re.findall(r'name="target_needs" value="(\w+)"', page))


@pytest.mark.parametrize("who", ["administrator", "camp_manager", "distribution_staff"])
def test_a_targeted_cycle_does_not_tell_other_roles_why_a_household_is_on_it(client, camp, who):
    north, warehouse, maize, _survivor, users = camp
    cycle = _targeted_cycle(north, warehouse, maize)
    client.force_login(users[who])
    api = client.get(f"/api/v1/cycles/{cycle.pk}").json()
    assert api["target_needs"] == []
    assert api["targeted_by_protection"] is True
    listed = client.get("/api/v1/cycles").json()["items"]
    assert [c["target_needs"] for c in listed] == [[]]
    page = client.get(f"/supply/cycles/{cycle.pk}/").content.decode()
    assert not re.search(r"\bSV\b|SGBV", page)
    assert "Chosen by protection staff" in page


def test_the_officer_of_the_site_sees_the_targeting(client, camp):
    north, warehouse, maize, _survivor, users = camp
    cycle = _targeted_cycle(north, warehouse, maize)
    client.force_login(users["officer"])
    assert client.get(f"/api/v1/cycles/{cycle.pk}").json()["target_needs"] == ["SV"]
    assert re.search(r"\bSV\b", client.get(f"/supply/cycles/{cycle.pk}/").content.decode())


def test_reads_of_a_targeted_cycle_are_audited_as_sensitive_reads(client, camp):
    north, warehouse, maize, survivor, users = camp
    cycle = _targeted_cycle(north, warehouse, maize)
    started = AuditEntry.objects.filter(action="read", sensitive=True)
    assert list(started.values_list("model", "object_id")) == [
        ("registry.household", str(survivor.pk))
    ]
    client.force_login(users["distribution_staff"])
    assert client.get(f"/supply/cycles/{cycle.pk}/cards.pdf").status_code == 200
    assert client.get(f"/api/v1/cycles/{cycle.pk}/coverage").status_code == 200
    reads = AuditEntry.objects.filter(
        action="read", sensitive=True, model="distributions.cycle", actor_name="staff-n"
    )
    assert reads.count() == 2
    assert {r.site_id for r in reads} == {north.pk}


def test_the_admin_neither_shows_nor_edits_a_cycles_targeted_needs(client, camp):
    north, warehouse, maize, _survivor, users = camp
    cycle = _targeted_cycle(north, warehouse, maize)
    client.force_login(users["superuser"])
    page = client.get(f"/admin/distributions/cycle/{cycle.pk}/change/").content.decode()
    assert page.count('name="target_needs"') == 0
    assert not re.search(r"\bSV\b|SGBV", page)
    assert "Chosen by protection staff" in page


def test_a_sensitive_need_does_not_decide_a_shelter_plan(db):
    """An unaccompanied child (SC) was put first, told apart by "unmet: own shelter" and by an
    explanation naming a redacted "protection" need: the plan told shelter staff who it is."""
    site = make_site(name="West")
    make_shelter(site, code="T1", covered_m2=Decimal("17.50"), capacity=5)
    earlier = make_household(
        site, members=[member(given_name="Hawa")], registration_date=date(2026, 1, 5)
    )
    child = make_household(
        site,
        members=[member(given_name="Yusuf", specific_needs=["SC"])],
        registration_date=date(2026, 2, 1),
    )
    plan = propose_plan(site)
    line = plan.lines.get(household=child)
    assert line.needs == ""
    assert "protection" not in line.explanation
    assert "own_shelter" not in line.unmet_needs
    # Waiting order decides, as for anyone without a need shelter staff may read.
    assert plan.lines.exclude(shelter_ids=[]).get().household_id == earlier.pk
    assert AllocationPlan.objects.count() == 1
