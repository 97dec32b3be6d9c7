"""A verification round in a real browser (Chromium under the strict CSP): a manager opens a
round, finds a household at the desk by its number with the keyboard, marks a member absent,
records a new person found living with it, confirms it, closes the round after its
confirmation page, and reads the report."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from edgecamp.core.access import Role
from edgecamp.registry.models import Household
from tests.accounts.factories import make_user
from tests.browser.conftest import PASSWORD, log_in, screenshot
from tests.registry.factories import make_household
from tests.sites.factories import make_shelter

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_verification_round(page: Page, live_server, site, screenshots: Path):
    make_user("manager", role=Role.CAMP_MANAGER, sites=[site], password=PASSWORD)
    seen = make_household(site, shelter_id=make_shelter(site, block_code="A").pk)
    unseen = make_household(site, shelter_id=make_shelter(site, block_code="B").pk)
    log_in(page, live_server.url)

    page.get_by_role("link", name="Verification").click()
    expect(page.get_by_role("heading", name="Verification rounds", level=1)).to_be_visible()
    page.get_by_label("Site").select_option(str(site.pk))
    page.get_by_label("Name").fill("Verification November")
    page.get_by_role("button", name="Open round").click()
    expect(page.get_by_role("heading", name="Verification desk")).to_be_visible()
    expect(page.get_by_text("Round “Verification November” is open")).to_be_visible()

    # Keyboard only: the search field has the focus; type the number, Enter.
    search = page.get_by_label("Household number, name or card code")
    expect(search).to_be_focused()
    page.keyboard.type(seen.number)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=f"Household {seen.number}")).to_be_visible()
    child = seen.members.order_by("pk").last()
    page.locator(f"#id_member_{child.pk}_1").check()  # absent
    page.get_by_label("Desk", exact=True).fill("desk 1")
    # A new person found living with the household, recorded by name; a second row on demand
    # (no JavaScript: the form comes back one row longer), left empty.
    page.get_by_role("button", name="Add another new person").click()
    expect(page.locator("#id_new-1-given_name")).to_be_visible()
    page.locator(f"#id_member_{child.pk}_1").check()  # the radio comes back as posted
    page.locator("#id_new-0-given_name").fill("Mariam")
    page.locator("#id_new-0-sex").select_option("female")
    page.locator("#id_new-0-date_of_birth").fill("about 3")
    page.locator("#id_new-0-relationship").select_option("grandchild")
    screenshot(page, screenshots / "verification-desk.png")
    page.get_by_role("button", name="Confirm household").click()
    expect(page.get_by_text(f"Household {seen.number} confirmed.")).to_be_visible()
    mariam = seen.members.get(given_name="Mariam")
    assert (mariam.status, mariam.date_of_birth_precision) == ("active", "estimated")
    expect(page.get_by_label("Household number, name or card code")).to_be_focused()

    page.get_by_role("link", name="Verification November").click()
    page.get_by_role("link", name="Close the round").click()
    expect(page.get_by_text("Closing sets 1 household of")).to_be_visible()
    page.get_by_role("button", name="Close the round").click()
    expect(page.get_by_text("Round closed: 1 household not seen was set inactive.")).to_be_visible()

    expect(page.locator("section", has_text="New people found")).to_contain_text("Mariam")
    report = page.locator("table.data").first
    expect(report.locator("tbody tr")).to_have_count(2)
    expect(report.locator("tfoot tr")).to_contain_text("All blocks")
    expect(report.locator("tbody tr").first).to_contain_text("A")
    screenshot(page, screenshots / "verification-report.png")
    unseen.refresh_from_db()
    assert unseen.status == Household.Status.INACTIVE
