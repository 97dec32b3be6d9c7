"""Row-level scoping of supply and shelter allocation: staff of one site see and act on only
their sites' warehouses, stock, shipments, pledges, cycles (cards, exports, redemptions) and
allocation plans, in the UI and the API alike. Another site's object answers 404 like one that
does not exist; naming another site's warehouse or site in a request answers 422 on the field."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from edgecamp.distributions.cards import card_code
from edgecamp.distributions.models import Cycle, Redemption
from edgecamp.distributions.services import RedeemInput, redeem, start_cycle
from edgecamp.shelters.models import AllocationPlan
from edgecamp.shelters.services import propose_plan
from edgecamp.stock.models import Movement, Pledge, Shipment
from edgecamp.stock.services import (
    PledgeInput,
    PledgeLineInput,
    ShipmentInput,
    ShipmentLineInput,
    create_pledge,
    dispatch_shipment,
)
from tests.distributions.factories import make_cycle, per_household
from tests.html import option_values
from tests.partners.factories import make_organisation
from tests.registry.factories import make_household
from tests.sites.factories import make_shelter, make_site
from tests.stock.factories import make_item, make_warehouse, stock_up

pytestmark = pytest.mark.django_db

SUPPLY_ROLES = ["camp_manager", "distribution_staff"]


class Side:
    """One site's supply objects."""

    def __init__(self, name: str, donor, item) -> None:
        self.site = make_site(name=name, code=name.lower())
        self.warehouse = make_warehouse(self.site, code=f"{name}-WH", name=f"{name} Store")
        stock_up(self.warehouse, item, 1000)
        self.household = make_household(self.site)
        make_shelter(self.site)
        self.cycle = make_cycle(
            self.site, self.warehouse, [per_household(item, "5")], name=f"{name} Food"
        )
        start_cycle(self.cycle.pk)
        self.code = card_code(self.household.number)
        redeem(self.cycle.pk, RedeemInput(code=self.code, desk=f"{name}-desk"))
        self.pledge = create_pledge(
            PledgeInput(
                donor_id=donor.pk,
                destination_id=self.warehouse.pk,
                pledged_on=date(2026, 11, 1),
                reference=f"{name}-PLEDGE",
                lines=[PledgeLineInput(item.pk, Decimal(50))],
            )
        )
        self.shipment = dispatch_shipment(
            ShipmentInput(
                sender_id=donor.pk,
                destination_id=self.warehouse.pk,
                waybill=f"WB-{name}",
                dispatched_on=date(2026, 11, 20),
                lines=[ShipmentLineInput(item_id=item.pk, quantity=Decimal(10))],
            )
        )
        self.plan = propose_plan(self.site)


@pytest.fixture
def supply(db):
    donor, item = make_organisation(name="Donor"), make_item(name="Maize", code="maize")
    return Side("North", donor, item), Side("South", donor, item), item


def _post(client, url, body=None):
    return client.post(url, body or {}, content_type="application/json")


# --- Lists: the user's sites only -------------------------------------------------------------


@pytest.mark.parametrize("role", SUPPLY_ROLES)
def test_supply_pages_list_only_the_users_sites(client_as, supply, role):
    north, _south, _item = supply
    client = client_as(role, [north.site])
    for url, shown, hidden in [
        ("/supply/stock/", "North Store", "South Store"),
        ("/supply/stock/", "<td>North</td>", "<td>South</td>"),
        ("/supply/cycles/", "North Food", "South Food"),
        ("/supply/shipments/", "WB-North", "WB-South"),
        ("/supply/shipments/", "North-PLEDGE", "South-PLEDGE"),
        (f"/supply/warehouses/{north.warehouse.pk}/", "North Store", "South Store"),
    ]:
        page = client.get(url)
        assert page.status_code == 200, url
        html = page.content.decode()
        assert shown in html, url
        assert hidden not in html, url


@pytest.mark.parametrize("role", SUPPLY_ROLES)
def test_supply_api_lists_only_the_users_sites(client_as, supply, role):
    north, _south, _item = supply
    client = client_as(role, [north.site])
    for url, key, expected in [
        ("/api/v1/warehouses", "code", {"North-WH"}),
        ("/api/v1/stock/movements?page_size=100", "warehouse", {"North-WH"}),
        ("/api/v1/pledges", "reference", {"North-PLEDGE"}),
        ("/api/v1/shipments", "waybill", {"WB-North"}),
        ("/api/v1/cycles", "name", {"North Food"}),
        ("/api/v1/stock/position", "site", {"north"}),
    ]:
        body = client.get(url).json()
        rows = body["items"] if isinstance(body, dict) else body
        assert {row[key] for row in rows} == expected, url


def test_a_site_filter_does_not_reach_another_site(client_as, supply):
    north, south, _item = supply
    client = client_as("distribution_staff", [north.site])
    assert client.get(f"/api/v1/warehouses?site={south.site.pk}").json()["items"] == []
    assert client.get(f"/api/v1/stock/position?site={south.site.pk}").json()["items"] == []
    moves = client.get(f"/api/v1/stock/movements?warehouse={south.warehouse.pk}").json()
    assert moves["items"] == []


def test_staff_of_both_sites_see_both(client_as, supply):
    north, south, _item = supply
    client = client_as("distribution_staff", [north.site, south.site])
    names = {c["name"] for c in client.get("/api/v1/cycles").json()["items"]}
    assert names == {"North Food", "South Food"}
    codes = {w["code"] for w in client.get("/api/v1/warehouses").json()["items"]}
    assert codes == {"North-WH", "South-WH"}


# --- Another site's objects answer 404 ----------------------------------------------------------


ROUTES_GIVEN_ONE_OBJECT = [
    ("get", "/supply/warehouses/{warehouse}/"),
    ("get", "/supply/shipments/{shipment}/receive/"),
    ("get", "/supply/cycles/{cycle}/"),
    ("get", "/supply/cycles/{cycle}/cards.pdf"),
    ("get", "/supply/cycles/{cycle}/distributions.csv"),
    ("get", "/supply/cycles/{cycle}/desk/"),
    ("get", "/api/v1/cycles/{cycle}"),
    ("get", "/api/v1/cycles/{cycle}/coverage"),
    ("get", "/api/v1/cycles/{cycle}/distributions.csv"),
    ("post", "/api/v1/cycles/{cycle}/verify"),
    ("post", "/api/v1/cycles/{cycle}/redemptions"),
    ("get", "/shelters/{site}/allocation/"),
    ("get", "/shelters/plans/{plan}/"),
    ("get", "/supply/shipments/new/?pledge={pledge}"),
    ("get", "/supply/cards/{household}/card.pdf"),
    ("get", "/api/v1/cards/{household}"),
]


def _call(client, method, template, side):
    url = template.format(
        warehouse=side.warehouse.pk,
        shipment=side.shipment.pk,
        cycle=side.cycle.pk,
        site=side.site.code,
        plan=side.plan.pk,
        pledge=side.pledge.pk,
        household=side.household.number,
    )
    if method == "post":
        return _post(client, url, {"code": side.code})
    return client.get(url)


@pytest.mark.parametrize(("method", "template"), ROUTES_GIVEN_ONE_OBJECT)
def test_another_sites_object_answers_404(client_as, supply, method, template):
    """Each route answers 404 for another site's object, and does not for the user's own."""
    north, south, _item = supply
    client = client_as("camp_manager", [north.site])
    assert _call(client, method, template, south).status_code == 404
    assert _call(client, method, template, north).status_code in {200, 409}


def test_the_exports_of_the_users_cycle_hold_only_its_site(client_as, supply):
    north, _south, _item = supply
    client = client_as("distribution_staff", [north.site])
    csv = client.get(f"/supply/cycles/{north.cycle.pk}/distributions.csv").content.decode()
    assert ",North," in csv
    assert "South" not in csv
    pdf = client.get(f"/supply/cycles/{north.cycle.pk}/cards.pdf")
    assert pdf["Content-Type"] == "application/pdf"


def test_the_shelter_site_list_keeps_to_the_users_sites(client_as, supply):
    north, south, _item = supply
    client = client_as("camp_manager", [north.site])
    html = client.get("/shelters/").content.decode()
    assert f"/shelters/{north.site.code}/allocation/" in html
    assert f"/shelters/{south.site.code}/allocation/" not in html


# --- Acting on another site is refused and changes nothing ------------------------------------


def test_plans_of_another_site_cannot_be_proposed_confirmed_or_discarded(client_as, supply):
    north, south, _item = supply
    client = client_as("camp_manager", [north.site])
    plans = AllocationPlan.objects.count()
    assert client.post(f"/shelters/{south.site.code}/allocation/", {}).status_code == 404
    assert client.post(f"/shelters/plans/{south.plan.pk}/confirm/").status_code == 404
    assert client.post(f"/shelters/plans/{south.plan.pk}/discard/").status_code == 404
    south.plan.refresh_from_db()
    assert south.plan.status == AllocationPlan.Status.PROPOSED
    assert AllocationPlan.objects.count() == plans
    # The same requests on the user's own site's plan do act.
    assert client.post(f"/shelters/plans/{north.plan.pk}/discard/").status_code == 302
    north.plan.refresh_from_db()
    assert north.plan.status == AllocationPlan.Status.DISCARDED


def test_cycles_of_another_site_cannot_be_started_or_redeemed(client_as, supply):
    north, south, item = supply
    client = client_as("camp_manager", [north.site])
    draft = make_cycle(south.site, south.warehouse, [per_household(item, "1")], name="S draft")
    assert client.post(f"/supply/cycles/{draft.pk}/start/").status_code == 404
    assert _post(client, f"/api/v1/cycles/{draft.pk}/start").status_code == 404
    draft.refresh_from_db()
    assert draft.status == Cycle.Status.DRAFT
    redemptions = Redemption.objects.count()
    desk = client.post(
        f"/supply/cycles/{south.cycle.pk}/desk/",
        {"action": "redeem", "code": south.code, "collector": "focal_point"},
    )
    assert desk.status_code == 404
    assert Redemption.objects.count() == redemptions


def _cycle_body(side, item):
    return {
        "name": "Elsewhere",
        "site": side.site.pk,
        "warehouse": side.warehouse.pk,
        "starts_on": "2026-12-01",
        "ends_on": "2026-12-31",
        "rules": [{"item": item.pk, "basis": "per_household", "quantity": 1}],
    }


def test_creating_a_cycle_at_another_site_is_refused(client_as, supply):
    north, south, item = supply
    client = client_as("camp_manager", [north.site])
    before = Cycle.objects.count()
    refused = _post(client, "/api/v1/cycles", _cycle_body(south, item))
    assert refused.status_code == 422
    assert "site" in refused.json()["errors"]
    assert Cycle.objects.count() == before
    accepted = _post(client, "/api/v1/cycles", _cycle_body(north, item))
    assert accepted.status_code == 201, accepted.json()

    form = client.get("/supply/cycles/new/").content.decode()
    assert ">North</option>" in form
    assert ">South</option>" not in form
    assert "South Store" not in form
    posted = client.post(
        "/supply/cycles/new/",
        {
            "name": "Web elsewhere",
            "site": south.site.pk,
            "warehouse": south.warehouse.pk,
            "starts_on": "2026-12-01",
            "ends_on": "2026-12-31",
            "target_statuses": ["active"],
            "card_boxes": 12,
            "rule_0_item": item.pk,
            "rule_0_basis": "per_household",
            "rule_0_quantity": "1",
        },
    )
    assert posted.status_code == 200  # the form again, with errors
    assert not Cycle.objects.filter(name="Web elsewhere").exists()


@pytest.mark.parametrize(
    ("url", "field", "body"),
    [
        ("/api/v1/stock/receipts", "warehouse", {"quantity": 5}),
        ("/api/v1/stock/losses", "warehouse", {"quantity": 1, "reason": "spilled"}),
        ("/api/v1/stock/adjustments", "warehouse", {"counted_quantity": 1, "reason": "recount"}),
        ("/api/v1/stock/transfers", "to_warehouse", {"quantity": 1, "from_warehouse": "own"}),
        ("/api/v1/stock/transfers", "from_warehouse", {"quantity": 1, "to_warehouse": "own"}),
    ],
)
def test_movements_into_another_sites_warehouse_are_refused(client_as, supply, url, field, body):
    north, south, item = supply
    client = client_as("distribution_staff", [north.site])
    payload = {field: south.warehouse.pk, "item": item.pk}
    for key, value in body.items():
        payload[key] = north.warehouse.pk if value == "own" else value
    movements = Movement.objects.count()
    refused = _post(client, url, payload)
    assert refused.status_code == 422, refused.json()
    assert list(refused.json()["errors"]) == [field]
    assert Movement.objects.count() == movements
    # The same request at the user's own warehouse is recorded.
    payload[field] = north.warehouse.pk
    if field in {"from_warehouse", "to_warehouse"}:
        payload["to_warehouse"] = make_warehouse(north.site).pk
    assert _post(client, url, payload).status_code == 201


def test_pledges_and_shipments_to_another_site_are_refused(client_as, supply):
    north, south, item = supply
    client = client_as("distribution_staff", [north.site])
    donor = south.pledge.donor_id
    pledge = {
        "donor": donor,
        "pledged_on": "2026-11-01",
        "lines": [{"item": item.pk, "quantity": 5}],
    }
    shipment = {
        "sender": donor,
        "waybill": "WB-NEW",
        "dispatched_on": "2026-11-21",
        "lines": [{"item": item.pk, "quantity": 5}],
    }
    pledges, shipments = Pledge.objects.count(), Shipment.objects.count()
    for url, body in [("/api/v1/pledges", pledge), ("/api/v1/shipments", shipment)]:
        refused = _post(client, url, {**body, "destination": south.warehouse.pk})
        assert refused.status_code == 422, url
        assert list(refused.json()["errors"]) == ["destination"]
    assert (Pledge.objects.count(), Shipment.objects.count()) == (pledges, shipments)
    for url, body in [("/api/v1/pledges", pledge), ("/api/v1/shipments", shipment)]:
        assert _post(client, url, {**body, "destination": north.warehouse.pk}).status_code == 201


def test_receiving_another_sites_shipment_answers_404(client_as, supply):
    north, south, _item = supply
    client = client_as("distribution_staff", [north.site])
    line = south.shipment.lines.get()
    body = {"lines": [{"line": line.pk, "received_quantity": 10}]}
    assert _post(client, f"/api/v1/shipments/{south.shipment.pk}/receive", body).status_code == 404
    form = {f"line_{line.pk}_received": "10", f"line_{line.pk}_reason": ""}
    assert client.post(f"/supply/shipments/{south.shipment.pk}/receive/", form).status_code == 404
    south.shipment.refresh_from_db()
    assert south.shipment.status == Shipment.Status.IN_TRANSIT
    own = north.shipment.lines.get()
    own_body = {"lines": [{"line": own.pk, "received_quantity": 10}]}
    received = _post(client, f"/api/v1/shipments/{north.shipment.pk}/receive", own_body)
    assert received.status_code == 200, received.json()


# --- The stock forms: another site's warehouse or pledge is refused on its field ---------------


@pytest.mark.parametrize(
    ("url", "field", "body"),
    [
        ("/supply/stock/receive/", "warehouse", {"quantity": "1"}),
        ("/supply/stock/transfer/", "to_warehouse", {"from_warehouse": "{own}", "quantity": "1"}),
        ("/supply/stock/loss/", "warehouse", {"quantity": "1", "reason": "x"}),
        ("/supply/stock/count/", "warehouse", {"counted_quantity": "1", "reason": "x"}),
        ("/supply/pledges/new/", "destination", {"pledged_on": "2026-11-01"}),
        ("/supply/shipments/new/", "destination", {"waybill": "W", "dispatched_on": "2026-11-01"}),
    ],
)
def test_stock_forms_refuse_another_sites_warehouse(client_as, supply, url, field, body):
    north, south, item = supply
    client = client_as("distribution_staff", [north.site])
    offered = option_values(client.get(url).content.decode(), field)
    assert str(north.warehouse.pk) in offered
    assert str(south.warehouse.pk) not in offered
    data = {key: (north.warehouse.pk if value == "{own}" else value) for key, value in body.items()}
    data.update({field: south.warehouse.pk, "item": item.pk, "donor": north.pledge.donor_id})
    data.update({"sender": north.pledge.donor_id, "line_0_item": item.pk, "line_0_quantity": "1"})
    before = (Movement.objects.count(), Pledge.objects.count(), Shipment.objects.count())
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert (Movement.objects.count(), Pledge.objects.count(), Shipment.objects.count()) == before


def test_dispatch_against_another_sites_pledge_is_refused(client_as, supply):
    north, south, item = supply
    client = client_as("distribution_staff", [north.site])
    form = client.get("/supply/shipments/new/").content.decode()
    # The pledge choices name their reference; ids could coincide with another field's values.
    assert "North-PLEDGE" in form
    assert "South-PLEDGE" not in form
    body = {
        "sender": north.pledge.donor_id,
        "destination": north.warehouse.pk,
        "pledge": south.pledge.pk,
        "waybill": "WB-X",
        "dispatched_on": "2026-11-21",
        "lines": [{"item": item.pk, "quantity": 1}],
    }
    response = _post(client, "/api/v1/shipments", body)
    assert response.status_code == 422
    assert "pledge" in str(response.json())
    assert not Shipment.objects.filter(waybill="WB-X").exists()
    assert "South-PLEDGE" not in client.get("/supply/pledges/").content.decode()
    pledged = client.get("/api/v1/pledges?status=pledged").json()["items"]
    assert [row["reference"] for row in pledged] == ["North-PLEDGE"]
    assert client.get("/api/v1/pledges?status=received").json()["items"] == []


def test_cards_of_another_sites_household_cannot_be_reissued_or_revoked(client_as, supply):
    north, south, _item = supply
    client = client_as("camp_manager", [north.site])
    for action in ("reissue", "revoke"):
        url = f"/api/v1/cards/{south.household.number}/{action}"
        assert _post(client, url, {"reason": "lost"}).status_code == 404
        page = client.post(f"/supply/cards/{south.household.number}/{action}/", {})
        assert page.status_code == 404
    assert (
        _post(
            client, f"/api/v1/cards/{north.household.number}/reissue", {"reason": "lost"}
        ).status_code
        == 201
    )
