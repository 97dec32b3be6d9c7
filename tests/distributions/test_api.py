"""The supply API under /api/v1: items, movements, pledges and shipments, cycles (create,
start, coverage), card verification and redemption; happy paths and 422s. Runs on SQLite
and PostgreSQL."""

from __future__ import annotations

from decimal import Decimal

import pytest

from edgecamp.distributions.cards import card_code
from edgecamp.distributions.models import Redemption
from edgecamp.stock.models import Movement, StockBalance
from tests.partners.factories import make_organisation
from tests.registry.factories import make_household
from tests.stock.factories import make_item, make_warehouse

pytestmark = pytest.mark.django_db


def _post(client, url, body):
    return client.post(url, body, content_type="application/json")


@pytest.fixture
def catalogue(site):
    return make_warehouse(site), make_item(name="Maize", code="maize"), make_organisation()


def test_anonymous_calls_get_401(client):
    assert client.get("/api/v1/items").status_code == 401
    assert _post(client, "/api/v1/stock/receipts", {}).status_code == 401


def test_stock_movements_happy_path(logged_in_client, site, catalogue):
    warehouse, maize, _org = catalogue
    other = make_warehouse(site)

    receipt = _post(
        logged_in_client,
        "/api/v1/stock/receipts",
        {"warehouse": warehouse.pk, "item": maize.pk, "quantity": "120.5"},
    )
    assert receipt.status_code == 201, receipt.json()
    assert receipt.json()["quantity"] == 120.5
    transfer = _post(
        logged_in_client,
        "/api/v1/stock/transfers",
        {
            "from_warehouse": warehouse.pk,
            "to_warehouse": other.pk,
            "item": maize.pk,
            "quantity": 20,
        },
    )
    assert [m["kind"] for m in transfer.json()] == ["transfer_out", "transfer_in"]
    loss = _post(
        logged_in_client,
        "/api/v1/stock/losses",
        {"warehouse": other.pk, "item": maize.pk, "quantity": 1, "reason": "spilled"},
    )
    assert loss.status_code == 201
    count = _post(
        logged_in_client,
        "/api/v1/stock/adjustments",
        {"warehouse": warehouse.pk, "item": maize.pk, "counted_quantity": 100, "reason": "count"},
    )
    assert count.json()["movement"]["quantity"] == -0.5

    ledger = logged_in_client.get("/api/v1/stock/movements", {"warehouse": warehouse.pk})
    assert ledger.json()["count"] == 3
    items = logged_in_client.get("/api/v1/items").json()
    assert items["items"][0]["code"] == "maize"


def test_stock_errors_are_422_with_fields(logged_in_client, catalogue):
    warehouse, maize, _org = catalogue
    overdraw = _post(
        logged_in_client,
        "/api/v1/stock/losses",
        {"warehouse": warehouse.pk, "item": maize.pk, "quantity": 5, "reason": "x"},
    )
    assert overdraw.status_code == 422
    assert "cannot go below zero" in overdraw.json()["errors"]["quantity"][0]

    malformed = _post(
        logged_in_client,
        "/api/v1/stock/receipts",
        {"warehouse": "main", "item": maize.pk, "quantity": "lots", "colour": "red"},
    )
    assert malformed.status_code == 422
    assert set(malformed.json()["errors"]) == {"warehouse", "quantity", "colour"}
    assert not Movement.objects.exists()


def test_pledge_and_shipment_flow(logged_in_client, catalogue):
    warehouse, maize, org = catalogue
    pledge = _post(
        logged_in_client,
        "/api/v1/pledges",
        {
            "donor": org.pk,
            "destination": warehouse.pk,
            "pledged_on": "2026-11-01",
            "lines": [{"item": maize.pk, "quantity": 1000}],
        },
    )
    assert pledge.status_code == 201, pledge.json()
    shipment = _post(
        logged_in_client,
        "/api/v1/shipments",
        {
            "sender": org.pk,
            "destination": warehouse.pk,
            "pledge": pledge.json()["id"],
            "waybill": "WB-77",
            "dispatched_on": "2026-11-10",
            "lines": [{"item": maize.pk, "quantity": 1000}],
        },
    )
    assert shipment.status_code == 201, shipment.json()
    body = shipment.json()
    assert body["status"] == "in_transit"
    line = body["lines"][0]["id"]

    missing_reason = _post(
        logged_in_client,
        f"/api/v1/shipments/{body['id']}/receive",
        {"lines": [{"line": line, "received_quantity": 990}]},
    )
    assert missing_reason.status_code == 422
    assert "lines.0.discrepancy_reason" in missing_reason.json()["errors"]

    received = _post(
        logged_in_client,
        f"/api/v1/shipments/{body['id']}/receive",
        {"lines": [{"line": line, "received_quantity": 990, "discrepancy_reason": "short"}]},
    )
    assert received.status_code == 200
    assert received.json()["lines"][0]["discrepancy"] == -10
    assert logged_in_client.get("/api/v1/pledges").json()["items"][0]["status"] == "received"
    assert StockBalance.objects.get().quantity == Decimal(990)
    assert (
        _post(logged_in_client, "/api/v1/shipments/999/receive", {"lines": []}).status_code == 404
    )


def test_cycle_redemption_happy_path_and_errors(logged_in_client, site, catalogue):
    warehouse, maize, org = catalogue
    household = make_household(site)
    _post(
        logged_in_client,
        "/api/v1/stock/receipts",
        {"warehouse": warehouse.pk, "item": maize.pk, "quantity": 100},
    )
    created = _post(
        logged_in_client,
        "/api/v1/cycles",
        {
            "name": "Food November",
            "site": site.pk,
            "warehouse": warehouse.pk,
            "organisation": org.pk,
            "starts_on": "2026-11-01",
            "ends_on": "2026-11-30",
            "rules": [
                {
                    "item": maize.pk,
                    "basis": "size_bands",
                    "size_bands": [
                        {"min": 1, "max": 2, "quantity": 15},
                        {"min": 3, "quantity": 30},
                    ],
                }
            ],
        },
    )
    assert created.status_code == 201, created.json()
    cycle = created.json()["id"]
    assert created.json()["status"] == "draft"

    started = _post(logged_in_client, f"/api/v1/cycles/{cycle}/start", {})
    assert started.json()["households"] == 1
    assert _post(logged_in_client, f"/api/v1/cycles/{cycle}/start", {}).status_code == 422

    code = card_code(household.number)
    summary = _post(logged_in_client, f"/api/v1/cycles/{cycle}/verify", {"code": code}).json()
    assert summary["status"] == "due"
    assert summary["household_size"] == 2
    assert summary["lines"] == [
        {"item": "maize", "name": "Maize", "unit": "kg", "quantity": "15.000"}
    ]

    redeemed = _post(
        logged_in_client, f"/api/v1/cycles/{cycle}/redemptions", {"code": code, "desk": "d1"}
    )
    assert redeemed.status_code == 201, redeemed.json()
    assert redeemed.json()["redeemed_by"] == "manager"

    replay = _post(logged_in_client, f"/api/v1/cycles/{cycle}/redemptions", {"code": code})
    assert replay.status_code == 409
    assert replay.json()["detail"].startswith("Already collected on")
    assert replay.json()["redemption"]["id"] == redeemed.json()["id"]

    forged = _post(
        logged_in_client,
        f"/api/v1/cycles/{cycle}/redemptions",
        {"code": code[:-1] + ("2" if code[-1] != "2" else "3")},
    )
    assert forged.status_code == 422
    assert "code" in forged.json()["errors"]

    proxy = _post(
        logged_in_client,
        f"/api/v1/cycles/{cycle}/redemptions",
        {"code": code, "collector": "proxy"},
    )
    assert proxy.status_code == 422
    assert set(proxy.json()["errors"]) == {"proxy_name", "proxy_relationship"}

    coverage = logged_in_client.get(f"/api/v1/cycles/{cycle}/coverage").json()
    assert (coverage["households_served"], coverage["households_eligible"]) == (1, 1)
    assert coverage["items"] == [
        {"item": "maize", "unit": "kg", "entitled": "15.000", "distributed": "15.000"}
    ]
    position = logged_in_client.get("/api/v1/stock/position").json()["items"]
    assert position[0]["on_hand"] == "85.000"
    export = logged_in_client.get(f"/api/v1/cycles/{cycle}/distributions.csv")
    assert (
        export.content.decode()
        .splitlines()[2]
        .endswith(",Maize,maize,15,kg,1,Kalma North,2026-11-01")
    )
    assert Redemption.objects.count() == 1
    assert logged_in_client.get("/api/v1/cycles/999").status_code == 404


def test_cycle_validation_422(logged_in_client, site, catalogue):
    warehouse, maize, _org = catalogue
    response = _post(
        logged_in_client,
        "/api/v1/cycles",
        {
            "name": "",
            "site": site.pk,
            "warehouse": warehouse.pk,
            "starts_on": "2026-11-01",
            "ends_on": "2026-10-30",
            "rules": [{"item": maize.pk, "basis": "per_person"}],
        },
    )
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"name", "ends_on", "rules.0.quantity"}


def test_openapi_lists_the_supply_routes(logged_in_client):
    paths = logged_in_client.get("/api/v1/openapi.json").json()["paths"]
    for path in [
        "/api/v1/items",
        "/api/v1/stock/position",
        "/api/v1/stock/movements",
        "/api/v1/stock/receipts",
        "/api/v1/pledges",
        "/api/v1/shipments/{shipment_id}/receive",
        "/api/v1/cycles/{cycle_id}/start",
        "/api/v1/cycles/{cycle_id}/verify",
        "/api/v1/cycles/{cycle_id}/redemptions",
    ]:
        assert path in paths, path
