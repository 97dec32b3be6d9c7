"""Attacked: one oversized number halts a site. `"quantity": "99999999999"` was accepted on
SQLite; the balance then overflowed its column and every redemption of the item, the
warehouse page, and the loss or count that should repair it answered 500 (on PostgreSQL the
receipt itself answered 500). Every quantity is bounded at the door, on every path, with a
message that says it is too large and gives the maximum; and a ledger that already holds
such a balance stays usable."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection

from edgecamp.distributions.cards import card_code
from edgecamp.distributions.services import RedeemInput, redeem, start_cycle
from edgecamp.stock.models import Movement, StockBalance
from edgecamp.stock.quantities import MAX_BALANCE, MAX_QUANTITY
from edgecamp.stock.services import (
    CountInput,
    LossInput,
    ReceiptInput,
    SupplyError,
    adjust_to_count,
    receive_stock,
    record_loss,
)
from tests.distributions.factories import make_cycle, per_household, per_person
from tests.partners.factories import make_organisation
from tests.registry.factories import make_household
from tests.stock.factories import make_item, make_warehouse, stock_up

pytestmark = pytest.mark.django_db

TOO_LARGE = "Too large: enter at most 1000000000."


def _post(client, url, body):
    return client.post(url, body, content_type="application/json")


@pytest.fixture
def store(site):
    return make_warehouse(site), make_item(name="Maize", code="maize"), make_organisation()


@pytest.mark.parametrize("quantity", ["99999999999", "1e30", "1000000000.001"])
@pytest.mark.parametrize(
    ("url", "body", "path"),
    [
        ("/api/v1/stock/receipts", {}, "quantity"),
        ("/api/v1/stock/losses", {"reason": "rats"}, "quantity"),
        ("/api/v1/stock/adjustments", {"reason": "count"}, "counted_quantity"),
        ("/api/v1/pledges", {"pledged_on": "2026-11-01"}, "lines.0.quantity"),
        (
            "/api/v1/shipments",
            {"waybill": "WB-1", "dispatched_on": "2026-11-01"},
            "lines.0.quantity",
        ),
    ],
)
def test_api_refuses_a_quantity_too_large_naming_the_field_and_the_maximum(
    logged_in_client, store, url, body, path, quantity
):
    warehouse, maize, org = store
    fields = {"warehouse": warehouse.pk, "item": maize.pk}
    if path.startswith("lines"):
        fields = {
            "destination": warehouse.pk,
            "lines": [{"item": maize.pk, "quantity": quantity}],
            ("donor" if "pledges" in url else "sender"): org.pk,
        }
    else:
        fields[path] = quantity
    response = _post(logged_in_client, url, {**fields, **body})
    assert response.status_code == 422, response.content
    assert response.json()["errors"][path] == [TOO_LARGE]
    assert not Movement.objects.exists()


def test_the_services_refuse_it_too_for_the_cli_and_its_files(store):
    warehouse, maize, _org = store
    with pytest.raises(SupplyError) as refused:
        receive_stock(ReceiptInput(warehouse.pk, maize.pk, Decimal("99999999999")))
    assert refused.value.errors == {"quantity": [TOO_LARGE]}
    assert (
        receive_stock(ReceiptInput(warehouse.pk, maize.pk, MAX_QUANTITY)).quantity == MAX_QUANTITY
    )


def test_web_form_says_too_large_not_greater_than_zero(client, django_user_model, store):
    warehouse, maize, _org = store
    client.force_login(django_user_model.objects.create_superuser("boss", password="x"))
    response = client.post(
        "/supply/stock/receive/", {"warehouse": warehouse.pk, "item": maize.pk, "quantity": "1e30"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert TOO_LARGE in page
    assert "greater than zero" not in page
    assert not Movement.objects.exists()


def test_a_balance_never_grows_past_what_its_column_holds(store):
    warehouse, maize, _org = store
    stock_up(warehouse, maize, MAX_QUANTITY)
    StockBalance.objects.filter(item=maize).update(quantity=MAX_BALANCE - 10)
    with pytest.raises(SupplyError) as refused:
        receive_stock(ReceiptInput(warehouse.pk, maize.pk, Decimal(11)))
    assert "a balance holds at most 99999999999.999" in refused.value.errors["quantity"][0]
    assert StockBalance.objects.get(item=maize).quantity == MAX_BALANCE - 10
    receive_stock(ReceiptInput(warehouse.pk, maize.pk, Decimal(10)))
    assert StockBalance.objects.get(item=maize).quantity == MAX_BALANCE


def test_entitlements_too_large_are_refused_when_the_cycle_is_made(store, site):
    warehouse, maize, _org = store
    with pytest.raises(SupplyError) as refused:
        make_cycle(site, warehouse, [per_person(maize, "99999999999", cap="1e30")])
    assert refused.value.errors == {"rules.0.quantity": [TOO_LARGE], "rules.0.cap": [TOO_LARGE]}


@pytest.mark.skipif(
    connection.vendor != "sqlite", reason="PostgreSQL's numeric column cannot hold the value"
)
def test_an_overflowed_balance_left_by_an_older_version_keeps_the_ledger_usable(
    client, django_user_model, store, site
):
    warehouse, maize, _org = store
    soap = make_item(name="Soap", code="soap", unit="bar", category="wash")
    stock_up(warehouse, maize, 100)
    stock_up(warehouse, soap, 100)
    household = make_household(site)
    cycle = make_cycle(site, warehouse, [per_household(maize, "5"), per_household(soap, "1")])
    start_cycle(cycle.pk)
    # What a receipt of 99999999999, twice, left in SQLite before the bounds.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE stock_stockbalance SET quantity = 200000000098 WHERE item_id = %s", [maize.pk]
        )

    client.force_login(django_user_model.objects.create_superuser("boss", password="x"))
    assert client.get(f"/supply/warehouses/{warehouse.pk}/").status_code == 200
    assert redeem(cycle.pk, RedeemInput(code=card_code(household.number))).created
    record_loss(LossInput(warehouse.pk, maize.pk, Decimal(3), reason="rats"))
    adjust_to_count(CountInput(warehouse.pk, maize.pk, Decimal(90), reason="recount"))

    assert StockBalance.objects.get(item=maize).quantity == 90
    assert client.get(f"/supply/warehouses/{warehouse.pk}/").status_code == 200
    assert client.get("/supply/stock/").status_code == 200
