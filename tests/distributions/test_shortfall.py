"""Starting a cycle whose entitlements exceed the stock (issue 13: "warns with the shortfall
per item and needs a confirmation with a reason"): what counts as available on the cycle's
first day (usable stock, shipments and pledges expected by then, less what other open cycles
of the warehouse still owe), the refusal and the confirmed start through the service, the
page, the API and `edgecamp start-cycle`, recorded on the cycle and audited. Runs on SQLite
and PostgreSQL."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from edgecamp.audit.models import AuditEntry
from edgecamp.cli import main
from edgecamp.core.access import Role
from edgecamp.distributions import queries
from edgecamp.distributions.models import Cycle, Entitlement
from edgecamp.distributions.services import StockShortfall, start_cycle
from edgecamp.stock.pipeline import (
    PledgeInput,
    PledgeLineInput,
    ShipmentInput,
    ShipmentLineInput,
    create_pledge,
    dispatch_shipment,
)
from tests.accounts.factories import make_user
from tests.distributions.factories import make_cycle, per_household
from tests.partners.factories import make_organisation
from tests.registry.factories import make_household
from tests.stock.factories import make_item, make_warehouse, stock_up

pytestmark = pytest.mark.django_db


@pytest.fixture
def short(site):
    """Four households entitled to 10 kg of maize and 2 bars of soap each, from a warehouse
    holding 25 kg of maize and 8 bars: 15 kg of maize short, soap enough."""
    today = timezone.localdate()
    warehouse = make_warehouse(site)
    maize = make_item(name="Maize", code="maize")
    soap = make_item(name="Soap", code="soap", unit="bar")
    stock_up(warehouse, maize, 25)
    stock_up(warehouse, soap, 8)
    for _n in range(4):
        make_household(site)
    cycle = make_cycle(
        site,
        warehouse,
        [per_household(maize, "10"), per_household(soap, "2")],
        starts_on=today + timedelta(days=7),
        ends_on=today + timedelta(days=36),
    )
    return cycle, warehouse, maize, soap


def _short(cycle):
    return [
        (line.item.name, line.required, line.available, line.short)
        for line in queries.stock_shortfall(cycle, queries.planned_requirement(cycle))
    ]


def test_a_start_beyond_the_stock_is_refused_with_the_shortfall_and_writes_nothing(short):
    cycle, _warehouse, _maize, _soap = short
    with pytest.raises(StockShortfall) as refused:
        start_cycle(cycle.pk)
    [message] = refused.value.errors["shortfall_reason"]
    assert "Maize: 40 kg to hand out, 25 kg on hand or expected" in message
    assert "15 kg short" in message
    assert [line["name"] for line in refused.value.extra()["shortfall"]] == ["Maize"]
    cycle.refresh_from_db()
    assert cycle.status == Cycle.Status.DRAFT
    assert not Entitlement.objects.exists()
    with pytest.raises(StockShortfall):
        start_cycle(cycle.pk, shortfall_reason="   ")  # blank is no reason


def test_a_start_confirmed_with_a_reason_records_it_and_the_shortfall_audited(short, admin_user):
    cycle, _warehouse, _maize, _soap = short
    assert start_cycle(cycle.pk, started_by=admin_user, shortfall_reason="Convoy on day 3") == 4
    cycle.refresh_from_db()
    assert cycle.status == Cycle.Status.OPEN
    assert cycle.shortfall_reason == "Convoy on day 3"
    assert cycle.shortfall == [
        {
            "item": _maize_id(cycle),
            "name": "Maize",
            "unit": "kg",
            "required": "40",
            "available": "25",
            "short": "15",
        }
    ]
    entry = AuditEntry.objects.filter(model="distributions.cycle", action="update").latest("pk")
    assert "shortfall_reason" in json.dumps(entry.changes)


def _maize_id(cycle):
    return cycle.rules.get(item__code="maize").item_id


def test_the_pipeline_expected_by_the_first_day_counts_later_and_undated_do_not(site, short):
    cycle, warehouse, maize, _soap = short
    today = timezone.localdate()
    donor = make_organisation(name="Donor")
    assert _short(cycle) == [("Maize", Decimal(40), Decimal(25), Decimal(15))]

    def ship(quantity, expected_on):
        dispatch_shipment(
            ShipmentInput(
                sender_id=donor.pk,
                destination_id=warehouse.pk,
                waybill=f"WB-{quantity}",
                dispatched_on=today,
                expected_on=expected_on,
                lines=[ShipmentLineInput(item_id=maize.pk, quantity=Decimal(quantity))],
            )
        )

    ship(100, today + timedelta(days=20))  # after the first day
    ship(100, None)  # nobody said when
    assert _short(cycle) == [("Maize", Decimal(40), Decimal(25), Decimal(15))]
    pledge = create_pledge(
        PledgeInput(
            donor_id=donor.pk,
            destination_id=warehouse.pk,
            pledged_on=today,
            expected_by=today + timedelta(days=5),
            lines=[PledgeLineInput(item_id=maize.pk, quantity=Decimal(10))],
        )
    )
    assert pledge.pk
    assert _short(cycle) == [("Maize", Decimal(40), Decimal(35), Decimal(5))]
    ship(5, today + timedelta(days=7))  # arrives on the first day itself
    assert _short(cycle) == []
    assert start_cycle(cycle.pk) == 4  # no reason needed now
    cycle.refresh_from_db()
    assert (cycle.shortfall, cycle.shortfall_reason) == ([], "")


def test_expired_lots_and_what_other_open_cycles_owe_are_not_available(site):
    today = timezone.localdate()
    warehouse = make_warehouse(site)
    oil = make_item(name="Oil", code="oil", unit="l", tracks_expiry=True)
    stock_up(warehouse, oil, 10, lot_code="OLD", expires_on=today + timedelta(days=3))
    stock_up(warehouse, oil, 6, lot_code="NEW", expires_on=today + timedelta(days=300))
    make_household(site)
    first = make_cycle(
        site, warehouse, [per_household(oil, "4")], starts_on=today, ends_on=today + timedelta(30)
    )
    later = make_cycle(
        site,
        warehouse,
        [per_household(oil, "4")],
        starts_on=today + timedelta(days=7),
        ends_on=today + timedelta(days=36),
    )
    start_cycle(first.pk)  # 16 l usable today: enough
    # A week on, the old lot has expired: 6 l left, of which the first cycle still owes 4.
    assert _short(later) == [("Oil", Decimal(4), Decimal(2), Decimal(2))]


def test_the_page_warns_and_starts_only_with_a_reason(client_as, site, short):
    cycle, _warehouse, _maize, _soap = short
    manager = client_as(Role.CAMP_MANAGER, [site])
    url = f"/supply/cycles/{cycle.pk}/"
    page = manager.get(url).content.decode()
    assert "Not enough stock" in page
    assert 'name="shortfall_reason"' in page
    assert "15 kg" in page
    refused = manager.post(f"{url}start/", follow=True).content.decode()
    assert "15 kg short" in refused
    cycle.refresh_from_db()
    assert cycle.status == Cycle.Status.DRAFT
    started = manager.post(
        f"{url}start/", {"shortfall_reason": "Convoy on day 3"}, follow=True
    ).content.decode()
    assert "Cycle started" in started
    assert "Started short of stock" in started
    assert "Convoy on day 3" in started


def test_the_api_answers_409_with_the_shortfall_then_starts_with_a_reason(client_as, site, short):
    cycle, _warehouse, _maize, _soap = short
    staff = client_as(Role.CAMP_MANAGER, [site])
    url = f"/api/v1/cycles/{cycle.pk}/start"
    refused = staff.post(url, content_type="application/json")  # no body, as before
    assert refused.status_code == 409, refused.content
    body = refused.json()
    assert "shortfall_reason" in body["errors"]
    assert body["shortfall"] == [
        {
            "item": _maize_id(cycle),
            "name": "Maize",
            "unit": "kg",
            "required": "40",
            "available": "25",
            "short": "15",
        }
    ]
    started = staff.post(
        url, json.dumps({"shortfall_reason": "Convoy on day 3"}), content_type="application/json"
    )
    assert started.status_code == 200, started.content
    assert started.json()["cycle"]["shortfall_reason"] == "Convoy on day 3"
    assert started.json()["cycle"]["shortfall"][0]["short"] == "15"
    assert staff.get(f"/api/v1/cycles/{cycle.pk}").json()["status"] == "open"


def test_the_command_refuses_with_the_shortfall_unless_given_a_reason(site, short, capsys):
    cycle, _warehouse, _maize, _soap = short
    make_user("boss", role="camp_manager", sites=[site])
    args = ["start-cycle", "--cycle", str(cycle.pk), "--user", "boss"]
    assert main(args) == 1
    printed = capsys.readouterr().err
    assert "Not started" in printed
    assert "15 kg short" in printed
    cycle.refresh_from_db()
    assert cycle.status == Cycle.Status.DRAFT
    assert main([*args, "--shortfall-reason", "Convoy on day 3"]) == 0
    assert "4 households" in capsys.readouterr().err
    cycle.refresh_from_db()
    assert cycle.shortfall_reason == "Convoy on day 3"
