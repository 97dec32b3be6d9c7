"""Pledges and inbound shipments: pledged → in transit → received, with what arrived and the
differences recorded against the manifest; and the stock position with days of cover and
pipeline-break warnings."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from edgecamp.distributions.queries import stock_position
from edgecamp.distributions.services import start_cycle
from edgecamp.stock.models import Movement, Pledge, Shipment, StockBalance
from edgecamp.stock.services import (
    PledgeInput,
    PledgeLineInput,
    ReceivedLineInput,
    ShipmentInput,
    ShipmentLineInput,
    SupplyError,
    create_pledge,
    dispatch_shipment,
    receive_shipment,
)
from tests.distributions.factories import make_cycle, per_person
from tests.partners.factories import make_organisation
from tests.registry.factories import make_household
from tests.stock.factories import make_item, make_warehouse, stock_up

pytestmark = pytest.mark.django_db


@pytest.fixture
def pipeline(site):
    warehouse = make_warehouse(site)
    donor = make_organisation(name="Donor Agency")
    maize = make_item(name="Maize", code="maize")
    oil = make_item(name="Oil", code="oil", unit="l", tracks_expiry=True)
    return warehouse, donor, maize, oil


def _shipment(warehouse, donor, maize, oil, pledge=None) -> Shipment:
    return dispatch_shipment(
        ShipmentInput(
            sender_id=donor.pk,
            destination_id=warehouse.pk,
            pledge_id=pledge.pk if pledge else None,
            waybill="WB-001",
            dispatched_on=date(2026, 11, 20),
            lines=[
                ShipmentLineInput(item_id=maize.pk, quantity=Decimal(500)),
                ShipmentLineInput(
                    item_id=oil.pk,
                    quantity=Decimal(100),
                    lot_code="OIL-7",
                    expires_on=date(2027, 6, 30),
                ),
            ],
        )
    )


def test_pledge_shipment_receipt_with_discrepancy(pipeline, admin_user):
    warehouse, donor, maize, oil = pipeline
    pledge = create_pledge(
        PledgeInput(
            donor_id=donor.pk,
            destination_id=warehouse.pk,
            pledged_on=date(2026, 11, 1),
            lines=[PledgeLineInput(maize.pk, Decimal(500)), PledgeLineInput(oil.pk, Decimal(100))],
        )
    )
    assert pledge.status == Pledge.Status.PLEDGED
    shipment = _shipment(warehouse, donor, maize, oil, pledge)
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.IN_TRANSIT
    maize_line, oil_line = shipment.lines.order_by("id")

    with pytest.raises(SupplyError) as caught:
        receive_shipment(
            shipment.pk,
            [
                ReceivedLineInput(maize_line.pk, Decimal(480)),
                ReceivedLineInput(oil_line.pk, Decimal(100)),
            ],
        )
    assert "480 received against 500" in caught.value.errors["lines.0.discrepancy_reason"][0]
    assert not Movement.objects.exists()

    receive_shipment(
        shipment.pk,
        [
            ReceivedLineInput(maize_line.pk, Decimal(480), "2 bags torn in transit"),
            ReceivedLineInput(oil_line.pk, Decimal(100)),
        ],
        received_by=admin_user,
    )

    shipment.refresh_from_db()
    pledge.refresh_from_db()
    maize_line.refresh_from_db()
    assert shipment.status == Shipment.Status.RECEIVED
    assert shipment.received_by == admin_user
    assert pledge.status == Pledge.Status.RECEIVED
    assert maize_line.discrepancy == Decimal(-20)
    assert maize_line.discrepancy_reason == "2 bags torn in transit"
    balances = {
        (b.item.code, b.lot.code if b.lot else None): b.quantity for b in StockBalance.objects.all()
    }
    assert balances == {("maize", None): Decimal(480), ("oil", "OIL-7"): Decimal(100)}
    assert set(Movement.objects.values_list("reference", flat=True)) == {f"shipment:{shipment.pk}"}

    with pytest.raises(SupplyError, match="already received"):
        receive_shipment(shipment.pk, [])


def test_every_manifest_line_must_be_answered(pipeline):
    warehouse, donor, maize, oil = pipeline
    shipment = _shipment(warehouse, donor, maize, oil)
    maize_line = shipment.lines.get(item=maize)
    with pytest.raises(SupplyError) as caught:
        receive_shipment(shipment.pk, [ReceivedLineInput(maize_line.pk, Decimal(500))])
    assert "Oil" in caught.value.errors["lines"][0]


def test_manifest_of_expiring_items_needs_lot_and_expiry(pipeline):
    warehouse, donor, _maize, oil = pipeline
    with pytest.raises(SupplyError) as caught:
        dispatch_shipment(
            ShipmentInput(
                sender_id=donor.pk,
                destination_id=warehouse.pk,
                waybill=" ",
                dispatched_on=date(2026, 11, 20),
                lines=[ShipmentLineInput(item_id=oil.pk, quantity=Decimal(1))],
            )
        )
    assert set(caught.value.errors) == {"waybill", "lines.0.lot_code", "lines.0.expires_on"}


def test_position_days_of_cover_and_pipeline_break(site, pipeline):
    warehouse, donor, maize, oil = pipeline
    stock_up(warehouse, maize, 300)
    for _n in range(3):
        make_household(site)  # 2 people each
    today = timezone.localdate()
    cycle = make_cycle(
        site,
        warehouse,
        [per_person(maize, "60")],
        starts_on=today,
        ends_on=today + timedelta(days=29),
    )
    # 360 to hand out, 300 on hand: started knowingly short, to watch the pipeline break.
    start_cycle(cycle.pk, shortfall_reason="The next convoy is expected mid-cycle")

    [row] = [r for r in stock_position(today=today) if r.item == maize]
    assert row.on_hand == Decimal(300)
    assert row.requirement == Decimal(360)  # 6 people x 60
    assert row.daily_consumption == Decimal(12)  # 360 over 30 days
    assert row.days_of_cover == 25
    assert row.pipeline_break
    assert row.shortfall == Decimal(60)

    _shipment(warehouse, donor, maize, oil)
    [row] = [r for r in stock_position(today=today) if r.item == maize]
    assert row.in_pipeline == Decimal(500)
    assert not row.pipeline_break
