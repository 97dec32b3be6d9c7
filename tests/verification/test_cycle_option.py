"""A distribution cycle may serve only households verified in person: the redemption desk
refuses the others with the reason, in the round the cycle names or else the site's open (or
latest closed) round; the option is in the cycle's form and API. Runs on SQLite and
PostgreSQL."""

from __future__ import annotations

import pytest

from edgecamp.core.access import Role
from edgecamp.distributions.cards import card_code
from edgecamp.distributions.services import RedeemInput, find_entitlement, redeem, start_cycle
from edgecamp.stock.services import SupplyError
from edgecamp.verification.services import close_round
from tests.distributions.factories import make_cycle, per_household
from tests.registry.factories import make_household
from tests.sites.factories import make_site
from tests.stock.factories import make_item, make_warehouse, stock_up
from tests.verification.factories import confirm, make_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def supplies(site):
    warehouse = make_warehouse(site)
    soap = make_item(name="Soap", code="soap", unit="bar", category="wash")
    stock_up(warehouse, soap, 50)
    return warehouse, soap


@pytest.mark.parametrize("named_round", [False, True])
def test_an_unverified_household_cannot_collect(site, supplies, named_round):
    warehouse, soap = supplies
    verified, unverified = make_household(site), make_household(site)
    round_ = make_round(site, "May")
    confirm(round_, verified)
    cycle = make_cycle(
        site,
        warehouse,
        [per_household(soap, "2")],
        requires_verification=True,
        verification_round_id=round_.pk if named_round else None,
    )
    start_cycle(cycle.pk)
    with pytest.raises(SupplyError) as refused:
        redeem(cycle.pk, RedeemInput(code=card_code(unverified.number)))
    message = refused.value.errors["code"][0]
    assert "Not verified" in message
    assert "“May”" in message
    with pytest.raises(SupplyError):
        find_entitlement(cycle, card_code(unverified.number))  # the desk's first step says so
    assert redeem(cycle.pk, RedeemInput(code=card_code(verified.number))).created

    confirm(round_, unverified)  # sent to the verification desk, comes back
    assert redeem(cycle.pk, RedeemInput(code=card_code(unverified.number))).created


def test_with_no_round_named_the_open_or_the_last_closed_round_counts(site, supplies):
    warehouse, soap = supplies
    earlier, later, never = make_household(site), make_household(site), make_household(site)
    first = make_round(site, "First")
    confirm(first, earlier)
    confirm(first, never, absent=1)
    close_round(first.pk)
    second = make_round(site, "Second")  # under way: the first still counts meanwhile
    confirm(second, later)  # not seen in the first round: set active again
    cycle = make_cycle(site, warehouse, [per_household(soap, "1")], requires_verification=True)
    start_cycle(cycle.pk)
    assert redeem(cycle.pk, RedeemInput(code=card_code(earlier.number))).created
    assert redeem(cycle.pk, RedeemInput(code=card_code(later.number))).created
    close_round(second.pk)
    third = make_round(site, "Third")
    with pytest.raises(SupplyError) as refused:
        # Verified in the first round only: neither the open nor the last closed one.
        redeem(cycle.pk, RedeemInput(code=card_code(never.number)))
    assert "“Third”" in refused.value.errors["code"][0]
    confirm(third, never)
    assert redeem(cycle.pk, RedeemInput(code=card_code(never.number))).created


def test_cycle_option_is_checked_when_created(site, supplies):
    warehouse, soap = supplies
    rules = [per_household(soap, "1")]
    with pytest.raises(SupplyError) as no_round:
        make_cycle(site, warehouse, rules, requires_verification=True)
    assert "No verification round" in no_round.value.errors["requires_verification"][0]
    elsewhere = make_round(make_site())
    with pytest.raises(SupplyError) as wrong_site:
        make_cycle(
            site, warehouse, rules, requires_verification=True, verification_round_id=elsewhere.pk
        )
    assert "of the cycle's site" in wrong_site.value.errors["verification_round"][0]
    mine = make_round(site)
    with pytest.raises(SupplyError) as not_ticked:
        make_cycle(site, warehouse, rules, verification_round_id=mine.pk)
    assert "tick it" in not_ticked.value.errors["verification_round"][0]


def test_cycle_option_in_the_api_and_the_form(client_as, site, supplies):
    warehouse, soap = supplies
    round_ = make_round(site)
    manager = client_as(Role.CAMP_MANAGER, [site])
    body = {
        "name": "Soap, May",
        "site": site.pk,
        "warehouse": warehouse.pk,
        "starts_on": "2026-11-01",
        "ends_on": "2026-11-30",
        "requires_verification": True,
        "verification_round": round_.pk,
        "rules": [{"item": soap.pk, "basis": "per_household", "quantity": "1"}],
    }
    created = manager.post("/api/v1/cycles", body, content_type="application/json")
    assert created.status_code == 201, created.json()
    assert created.json()["requires_verification"] is True
    assert created.json()["verification_round"] == round_.pk

    form = manager.get("/supply/cycles/new/").content.decode()
    assert 'name="requires_verification"' in form
    assert f'<option value="{round_.pk}">' in form
