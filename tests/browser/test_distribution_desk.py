"""The redemption desk in a real browser, under the strict Content-Security-Policy: scan (type)
a card, see the entitlement, confirm, and the collection is recorded; no console error (the
desk once logged a CSP error about an inline style)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from edgecamp.core.access import Role
from edgecamp.distributions.cards import card_code
from edgecamp.distributions.models import Redemption
from edgecamp.distributions.services import start_cycle
from tests.accounts.factories import make_user
from tests.browser.conftest import PASSWORD, log_in
from tests.distributions.factories import make_cycle, per_household
from tests.registry.factories import make_household
from tests.stock.factories import make_item, make_warehouse, stock_up

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_card_is_served_at_the_desk_by_keyboard(page: Page, live_server, site):
    make_user("distributor", role=Role.DISTRIBUTION_STAFF, sites=[site], password=PASSWORD)
    household = make_household(site)
    warehouse = make_warehouse(site)
    soap = make_item(name="Soap", code="soap", unit="bar")
    stock_up(warehouse, soap, "20")
    cycle = make_cycle(site, warehouse, [per_household(soap, "2")])
    start_cycle(cycle.pk)

    log_in(page, live_server.url, "distributor")
    page.goto(f"{live_server.url}/supply/cycles/{cycle.pk}/desk/")
    code = page.get_by_label("Card code")
    code.fill(card_code(household.number))
    code.press("Enter")
    expect(page.get_by_text("Soap")).to_be_visible()
    expect(page.get_by_text("2 bars")).to_be_visible()
    page.get_by_role("button", name="Confirm: hand out").click()
    expect(page.get_by_text(f"Handed out to household {household.number}")).to_be_visible()
    assert Redemption.objects.filter(entitlement__cycle=cycle).count() == 1
