"""Attacked: unbounded bulk work. A 200 000-line pledge CSV was accepted; afterwards the pledge
page took 9 s (4.4 MB), `GET /api/v1/pledges` returned 10 MB, and the stock position took
12.6 s for everyone. Lists of lines are limited at the door (API body, service, so the CLI's
files too), list pages are paginated, and a pledge recorded before the limit shows a bounded
part of its lines everywhere."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from edgecamp.distributions.queries import stock_position
from edgecamp.stock.models import Pledge, PledgeLine
from edgecamp.stock.quantities import MAX_LINES
from edgecamp.stock.services import (
    PledgeInput,
    PledgeLineInput,
    ShipmentInput,
    ShipmentLineInput,
    SupplyError,
    create_pledge,
    dispatch_shipment,
)
from tests.partners.factories import make_organisation
from tests.stock.factories import make_item, make_warehouse

pytestmark = pytest.mark.django_db

TOO_MANY = f"Too many lines: at most {MAX_LINES} in one go; split it into several."


@pytest.fixture
def store(site):
    return make_warehouse(site), make_item(name="Maize", code="maize"), make_organisation()


def _old_pledge(store, lines: int, **fields) -> Pledge:
    """A pledge with as many lines as an older version let in."""
    warehouse, maize, org = store
    pledge = Pledge.objects.create(
        donor=org, destination=warehouse, pledged_on=date(2026, 11, 1), **fields
    )
    PledgeLine.objects.bulk_create(
        PledgeLine(pledge=pledge, item=maize, quantity=Decimal(1)) for _n in range(lines)
    )
    return pledge


def test_api_refuses_more_lines_than_the_limit(logged_in_client, store):
    warehouse, maize, org = store
    body = {
        "donor": org.pk,
        "destination": warehouse.pk,
        "pledged_on": "2026-11-01",
        "lines": [{"item": maize.pk, "quantity": 1}] * (MAX_LINES + 1),
    }
    response = logged_in_client.post("/api/v1/pledges", body, content_type="application/json")
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["lines"]
    assert not Pledge.objects.exists()


def test_services_refuse_more_lines_than_the_limit_for_the_cli_files(store):
    warehouse, maize, org = store
    lines = [PledgeLineInput(maize.pk, Decimal(1))] * (MAX_LINES + 1)
    with pytest.raises(SupplyError) as refused:
        create_pledge(PledgeInput(org.pk, warehouse.pk, date(2026, 11, 1), lines))
    assert refused.value.errors == {"lines": [TOO_MANY]}
    manifest = [ShipmentLineInput(maize.pk, Decimal(1))] * (MAX_LINES + 1)
    with pytest.raises(SupplyError) as refused:
        dispatch_shipment(ShipmentInput(org.pk, warehouse.pk, "WB-1", date(2026, 11, 1), manifest))
    assert refused.value.errors == {"lines": [TOO_MANY]}
    assert not Pledge.objects.exists()


def test_pledge_page_shows_a_bounded_part_of_a_huge_pledge(logged_in_client, store):
    _old_pledge(store, 3000, reference="HUGE")
    response = logged_in_client.get("/supply/pledges/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "3000 lines in all" in page
    assert page.count("Maize 1") == 10


def test_pledge_page_is_paginated(logged_in_client, store):
    for n in range(55):
        _old_pledge(store, 1, reference=f"P-{n:03}")
    first = logged_in_client.get("/supply/pledges/").content.decode()
    second = logged_in_client.get("/supply/pledges/?page=2").content.decode()
    junk = logged_in_client.get("/supply/pledges/?page=x")
    assert first.count("P-0") == 50
    assert second.count("P-0") == 5
    assert "Page 2 of 2" in second
    # Not a page number: refused, saying what `page` takes (it was silently page 1).
    assert junk.status_code == 400
    assert "There is no page “x”" in junk.content.decode()


def test_api_returns_a_bounded_part_of_a_huge_pledge_with_its_line_count(logged_in_client, store):
    _old_pledge(store, MAX_LINES + 100)
    pledge = logged_in_client.get("/api/v1/pledges").json()["items"][0]
    assert pledge["line_count"] == MAX_LINES + 100
    assert len(pledge["lines"]) == MAX_LINES


def test_stock_position_sums_pledge_lines_in_the_database(store, site):
    _warehouse, maize, _org = store
    _old_pledge(store, 2000)
    _old_pledge(store, 3)
    [row] = stock_position()
    assert (row.site, row.item, row.in_pipeline) == (site, maize, Decimal(2003))
