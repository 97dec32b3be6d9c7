"""Shelter allocation after life events: the tent of a household that left is free again for
the engine (no active household holds it), and the household is no longer to be housed."""

from __future__ import annotations

import pytest

from edgecamp.registry import events
from edgecamp.registry.services import register_household
from edgecamp.shelters.inputs import read_inputs
from tests.registry.factories import household_input
from tests.sites.factories import make_shelter

pytestmark = pytest.mark.django_db


def test_a_departure_frees_the_shelter_for_the_allocation(site):
    tent = make_shelter(site)
    household = register_household(household_input(site, shelter_id=tent.pk))
    before = read_inputs(site)
    assert [h.current_shelter for h in before.households] == [(f"A/{tent.code}",)]

    events.record_event(household.number, events.DepartureInput(reason="resettlement"), scope=None)
    after = read_inputs(site)
    assert after.households == []
    assert f"A/{tent.code}" in {s.shelter_id for s in after.shelters}
    assert after.fingerprint != before.fingerprint
