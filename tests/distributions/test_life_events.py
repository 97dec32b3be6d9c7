"""Distributions after life events: a started cycle keeps its snapshot, a new cycle leaves
out the dead and the departed, and the card of a household that left is refused at the desk
with when and why."""

from __future__ import annotations

import pytest
from django.utils import timezone

from edgecamp.core.dates import in_words
from edgecamp.distributions.cards import card_code
from edgecamp.distributions.models import Entitlement
from edgecamp.distributions.services import RedeemInput, find_entitlement, redeem, start_cycle
from edgecamp.registry import events
from edgecamp.stock.services import SupplyError
from tests.distributions.factories import make_cycle, per_person
from tests.registry.factories import make_household
from tests.stock.factories import make_item, make_warehouse, stock_up

pytestmark = pytest.mark.django_db


@pytest.fixture
def supplies(site):
    warehouse = make_warehouse(site)
    maize = make_item(name="Maize", code="maize")
    stock_up(warehouse, maize, 500)
    return warehouse, maize


def test_a_started_cycle_keeps_its_snapshot_and_a_new_one_leaves_out_the_dead_and_departed(
    site, supplies
):
    warehouse, maize = supplies
    staying = make_household(site)  # two members
    leaving = make_household(site)
    started = make_cycle(site, warehouse, [per_person(maize, "10")])
    start_cycle(started.pk)
    child = staying.members.get(given_name="Yusuf")
    today = timezone.localdate()
    events.record_event(staying.number, events.DeathInput(on=today, members=[child.pk]), scope=None)
    events.record_event(
        leaving.number, events.DepartureInput(on=today, reason="resettlement"), scope=None
    )
    snapshot = dict(
        Entitlement.objects.filter(cycle=started).values_list("household_id", "household_size")
    )
    assert snapshot == {staying.pk: 2, leaving.pk: 2}

    new = make_cycle(site, warehouse, [per_person(maize, "10")])
    start_cycle(new.pk)
    assert dict(
        Entitlement.objects.filter(cycle=new).values_list("household_id", "household_size")
    ) == {staying.pk: 1}


def test_the_card_of_a_departed_household_is_refused_with_the_reason(site, supplies):
    warehouse, maize = supplies
    household = make_household(site)
    cycle = make_cycle(site, warehouse, [per_person(maize, "10")])
    start_cycle(cycle.pk)
    events.record_event(
        household.number,
        events.DepartureInput(reason="voluntary_repatriation", destination="Darfur"),
        scope=None,
    )
    code = card_code(household.number)
    with pytest.raises(SupplyError) as refused:
        find_entitlement(cycle, code)
    message = refused.value.errors["code"][0]
    assert "Voluntary repatriation" in message
    assert in_words(timezone.localdate()) in message
    assert timezone.localdate().isoformat() not in message  # a date in words, not ISO
    with pytest.raises(SupplyError):
        redeem(cycle.pk, RedeemInput(code=code, desk="d1"))
    # Back again: the card works.
    events.record_event(household.number, events.ReturnInput(reason="returned"), scope=None)
    assert find_entitlement(cycle, code).household_id == household.pk
