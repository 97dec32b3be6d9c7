"""The stock forms of the web UI, through the test client as a distribution clerk of one
site: receipt (with lot and expiry), transfer, loss, physical count, donor pledge and a
shipment dispatched against it. Each form: a valid post writes the ledger (or the pipeline)
and redirects; an invalid one writes nothing and shows the error next to its field; another
site's warehouse or pledge is refused on its field (or 404)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from django.test import Client

from edgecamp.stock.models import Movement, Pledge, Shipment, StockBalance
from edgecamp.stock.services import PledgeInput, PledgeLineInput, create_pledge
from tests.accounts.factories import make_user
from tests.html import option_values
from tests.partners.factories import make_organisation
from tests.sites.factories import make_site
from tests.stock.factories import make_item, make_warehouse, stock_up

pytestmark = pytest.mark.django_db


@pytest.fixture
def store(site):
    here = make_warehouse(site, code="main", name="Main store")
    annex = make_warehouse(site, code="annex", name="Annex")
    elsewhere = make_warehouse(make_site(name="Far Camp", code="far"), code="far", name="Far")
    maize = make_item(name="Maize", code="maize")
    oil = make_item(name="Oil", code="oil", unit="l", tracks_expiry=True)
    stock_up(here, maize, 100)
    clerk = make_user("clerk", role="distribution_staff", sites=[site])
    client = Client()
    client.force_login(clerk)
    return client, here, annex, elsewhere, maize, oil


def _balance(warehouse, item) -> Decimal:
    return sum(
        (b.quantity for b in StockBalance.objects.filter(warehouse=warehouse, item=item)),
        Decimal(0),
    )


def _field_error(response, field: str) -> str:
    """The error shown next to a field (inside its wrapper), or ""."""
    html = response.content.decode()
    wrapper = rf'<div class="field[^"]*has-error[^"]*">\s*<label for="id_{field}"'
    match = re.search(wrapper + r'.*?<ul class="errorlist"[^>]*>(.*?)</ul>', html, re.S)
    return match.group(1) if match else ""


def _cell_error(response, field: str) -> str:
    """The error shown in a line table's cell, or ""."""
    html = response.content.decode()
    pattern = (
        rf'<td class="has-error"><ul class="errorlist"[^>]*id="id_{field}_error"[^>]*>(.*?)</ul>'
    )
    match = re.search(pattern, html, re.S)
    return match.group(1) if match else ""


def test_forms_are_reachable_from_the_ledger_and_the_shipment_list(store):
    client, here, *_rest = store
    ledger = client.get(f"/supply/warehouses/{here.pk}/").content.decode()
    for url in (
        "/supply/stock/receive/",
        "/supply/stock/transfer/",
        "/supply/stock/loss/",
        "/supply/stock/count/",
    ):
        assert f'href="{url}?warehouse={here.pk}"' in ledger
    shipments = client.get("/supply/shipments/").content.decode()
    assert 'href="/supply/pledges/new/"' in shipments
    assert 'href="/supply/shipments/new/"' in shipments
    for url in (
        "/supply/stock/receive/",
        "/supply/stock/transfer/",
        "/supply/stock/loss/",
        "/supply/stock/count/",
        "/supply/pledges/",
        "/supply/pledges/new/",
        "/supply/shipments/new/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert not re.search(r"<script(?![^>]*\ssrc=)|\son[a-z]+=|<style|\sstyle=", html), url
    form = client.get(f"/supply/stock/receive/?warehouse={here.pk}").content.decode()
    assert f'<option value="{here.pk}" selected>' in form


def test_receipt_with_lot_and_expiry(store):
    client, here, _annex, _far, _maize, oil = store
    response = client.post(
        "/supply/stock/receive/",
        {
            "warehouse": here.pk,
            "item": oil.pk,
            "quantity": "40",
            "lot_code": "OIL-1",
            "expires_on": "2027-03-31",
            "reason": "local purchase",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"/supply/warehouses/{here.pk}/"
    movement = Movement.objects.get(item=oil)
    assert (movement.kind, movement.quantity, movement.lot.code) == ("receipt", 40, "OIL-1")
    assert str(movement.lot.expires_on) == "2027-03-31"
    assert movement.recorded_by.username == "clerk"
    page = client.get(response["Location"]).content.decode()
    assert "Receipt of 40 l Oil recorded in Main store." in page


def test_receipt_errors_are_shown_next_to_their_fields(store):
    client, here, _annex, far, _maize, oil = store
    response = client.post(
        "/supply/stock/receive/", {"warehouse": here.pk, "item": oil.pk, "quantity": "0"}
    )
    assert response.status_code == 200
    assert "greater than zero" in _field_error(response, "quantity")
    response = client.post(
        "/supply/stock/receive/", {"warehouse": here.pk, "item": oil.pk, "quantity": "5"}
    )
    assert "give the lot code" in _field_error(response, "lot_code")
    assert "expiry date" in _field_error(response, "expires_on")
    # Another site's warehouse is not offered, and refused when sent anyway.
    form = client.get("/supply/stock/receive/").content.decode()
    assert str(far.pk) not in option_values(form, "warehouse")
    assert str(here.pk) in option_values(form, "warehouse")
    response = client.post(
        "/supply/stock/receive/",
        {
            "warehouse": far.pk,
            "item": oil.pk,
            "quantity": "5",
            "lot_code": "L",
            "expires_on": "2027-01-01",
        },
    )
    assert "valid choice" in _field_error(response, "warehouse")
    assert not Movement.objects.filter(item=oil).exists()


def test_transfer_and_its_errors(store):
    client, here, annex, far, maize, _oil = store
    response = client.post(
        "/supply/stock/transfer/",
        {"from_warehouse": here.pk, "to_warehouse": annex.pk, "item": maize.pk, "quantity": "30"},
    )
    assert response.status_code == 302
    assert (_balance(here, maize), _balance(annex, maize)) == (70, 30)
    response = client.post(
        "/supply/stock/transfer/",
        {"from_warehouse": here.pk, "to_warehouse": annex.pk, "item": maize.pk, "quantity": "71"},
    )
    assert "Only 70 kg of Maize in Main store" in _field_error(response, "quantity")
    response = client.post(
        "/supply/stock/transfer/",
        {"from_warehouse": here.pk, "to_warehouse": here.pk, "item": maize.pk, "quantity": "1"},
    )
    assert "other than the one stock leaves from" in _field_error(response, "to_warehouse")
    response = client.post(
        "/supply/stock/transfer/",
        {"from_warehouse": here.pk, "to_warehouse": far.pk, "item": maize.pk, "quantity": "1"},
    )
    assert "valid choice" in _field_error(response, "to_warehouse")
    assert (_balance(here, maize), _balance(far, maize)) == (70, 0)


def test_loss_needs_a_reason_and_stock(store):
    client, here, _annex, _far, maize, _oil = store
    response = client.post(
        "/supply/stock/loss/", {"warehouse": here.pk, "item": maize.pk, "quantity": "5"}
    )
    assert response.status_code == 200
    assert "required" in _field_error(response, "reason")
    response = client.post(
        "/supply/stock/loss/",
        {"warehouse": here.pk, "item": maize.pk, "quantity": "500", "reason": "rats"},
    )
    assert "Stock cannot go below zero" in _field_error(response, "quantity")
    response = client.post(
        "/supply/stock/loss/",
        {"warehouse": here.pk, "item": maize.pk, "quantity": "5", "reason": "rain damage"},
    )
    assert response.status_code == 302
    loss = Movement.objects.get(kind="loss")
    assert (loss.quantity, loss.reason) == (Decimal(-5), "rain damage")
    assert _balance(here, maize) == 95


def test_physical_count_adjusts_to_the_count(store):
    client, here, _annex, far, maize, _oil = store
    post = {"warehouse": here.pk, "item": maize.pk, "counted_quantity": "97"}
    assert "required" in _field_error(client.post("/supply/stock/count/", post), "reason")
    response = client.post(
        "/supply/stock/count/", {**post, "counted_quantity": "-1", "reason": "x"}
    )
    assert _field_error(response, "counted_quantity")
    response = client.post("/supply/stock/count/", {**post, "reason": "monthly count, Amina"})
    assert response.status_code == 302
    adjustment = Movement.objects.get(kind="adjustment")
    assert (adjustment.quantity, adjustment.reason) == (Decimal(-3), "monthly count, Amina")
    assert _balance(here, maize) == 97
    response = client.post("/supply/stock/count/", {**post, "reason": "recount"}, follow=True)
    assert "The count matches the ledger" in response.content.decode()
    response = client.post("/supply/stock/count/", {**post, "warehouse": far.pk, "reason": "x"})
    assert "valid choice" in _field_error(response, "warehouse")
    assert Movement.objects.filter(kind="adjustment").count() == 1


def test_pledge_form_and_list_by_status(store):
    client, here, _annex, far, maize, oil = store
    donor = make_organisation(name="Donor Agency", acronym="DA")
    response = client.post(
        "/supply/pledges/new/",
        {
            "donor": donor.pk,
            "destination": here.pk,
            "pledged_on": "2026-11-20",
            "line_0_item": maize.pk,
            "line_0_quantity": "500",
            "line_2_item": oil.pk,
            "line_2_quantity": "0",
        },
    )
    assert response.status_code == 200
    assert "greater than zero" in _cell_error(response, "line_2_quantity")
    assert not Pledge.objects.exists()
    response = client.post(
        "/supply/pledges/new/",
        {
            "donor": donor.pk,
            "destination": here.pk,
            "pledged_on": "2026-11-20",
            "line_1_quantity": "5",
        },
    )
    assert "Choose the item" in _cell_error(response, "line_1_item")
    response = client.post(
        "/supply/pledges/new/",
        {
            "donor": donor.pk,
            "destination": far.pk,
            "pledged_on": "2026-11-20",
            "line_0_item": maize.pk,
            "line_0_quantity": "5",
        },
    )
    assert "valid choice" in _field_error(response, "destination")
    response = client.post(
        "/supply/pledges/new/",
        {
            "donor": donor.pk,
            "destination": here.pk,
            "pledged_on": "2026-11-20",
            "expected_by": "2026-12-15",
            "reference": "DA-77",
            "line_0_item": maize.pk,
            "line_0_quantity": "500",
            "line_3_item": oil.pk,
            "line_3_quantity": "80",
        },
    )
    assert response.status_code == 302
    pledge = Pledge.objects.get()
    assert sorted(pledge.lines.values_list("item__code", "quantity")) == [
        ("maize", Decimal(500)),
        ("oil", Decimal(80)),
    ]
    pledged = client.get("/supply/pledges/?status=pledged").content.decode()
    assert "DA-77" in pledged
    assert "DA-77" not in client.get("/supply/pledges/?status=received").content.decode()


def test_dispatch_against_a_pledge_then_receive(store):
    client, here, _annex, far, maize, oil = store
    donor = make_organisation(name="Donor Agency", acronym="DA")
    pledge = create_pledge(
        PledgeInput(
            donor.pk,
            here.pk,
            pledged_on=date(2026, 11, 1),
            lines=[PledgeLineInput(maize.pk, Decimal(200))],
        )
    )
    blank = client.get("/supply/shipments/new/").content.decode()
    assert 'hx-get="/supply/shipments/new/"' in blank  # choosing a pledge reloads the form
    form = client.get(
        f"/supply/shipments/new/?pledge={pledge.pk}", headers={"HX-Request": "true"}
    ).content.decode()
    assert 'id="lines-form"' in form
    assert f'<option value="{pledge.pk}" selected>' in form  # filled from the pledge
    assert 'name="line_0_quantity" value="200.000"' in form or 'value="200"' in form
    base = {
        "pledge": pledge.pk,
        "sender": donor.pk,
        "destination": here.pk,
        "waybill": "WB-9",
        "dispatched_on": "2026-11-21",
    }
    response = client.post(
        "/supply/shipments/new/", {**base, "line_0_item": oil.pk, "line_0_quantity": "10"}
    )
    assert "give the lot code" in _cell_error(response, "line_0_lot_code")
    response = client.post(
        "/supply/shipments/new/",
        {**base, "destination": far.pk, "line_0_item": maize.pk, "line_0_quantity": "200"},
    )
    assert "valid choice" in _field_error(response, "destination")
    assert not Shipment.objects.exists()
    response = client.post(
        "/supply/shipments/new/",
        {
            **base,
            "line_0_item": maize.pk,
            "line_0_quantity": "200",
            "line_1_item": oil.pk,
            "line_1_quantity": "10",
            "line_1_lot_code": "OIL-3",
            "line_1_expires_on": "2027-05-01",
        },
    )
    assert response.status_code == 302
    shipment = Shipment.objects.get()
    assert shipment.lines.count() == 2
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.IN_TRANSIT
    in_transit = client.get("/supply/pledges/?status=in_transit").content.decode()
    assert "Donor Agency" in in_transit

    lines = list(shipment.lines.order_by("id"))
    response = client.post(
        f"/supply/shipments/{shipment.pk}/receive/",
        {f"line_{lines[0].pk}_received": "200", f"line_{lines[1].pk}_received": "10"},
    )
    assert response.status_code == 302
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.RECEIVED
    assert _balance(here, maize) == 300
    assert "Donor Agency" in client.get("/supply/pledges/?status=received").content.decode()


def test_another_sites_pledge_is_not_found(store):
    client, _here, _annex, far, maize, _oil = store
    donor = make_organisation()
    theirs = create_pledge(
        PledgeInput(
            donor.pk,
            far.pk,
            pledged_on=date(2026, 11, 1),
            lines=[PledgeLineInput(maize.pk, Decimal(5))],
        )
    )
    assert client.get(f"/supply/shipments/new/?pledge={theirs.pk}").status_code == 404
    assert "Far" not in client.get("/supply/pledges/").content.decode().split("<main")[-1]
