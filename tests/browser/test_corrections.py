"""Corrections in a real browser: two clerks open the same household's correction form; the
second save is refused with both values shown, the clerk chooses, and saving again works. All
by keyboard-reachable controls (labels, radio buttons), under the strict CSP."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from edgecamp.accounts.roles import Role
from edgecamp.registry.models import Household
from tests.accounts.factories import make_user
from tests.browser.conftest import PASSWORD, _checked_page, log_in, screenshot
from tests.registry.factories import make_household

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_stale_edit_is_refused_with_both_values_then_resolved(
    page: Page, browser: Browser, live_server, site, screenshots: Path
):
    make_user("clerk-a", role=Role.REGISTRATION_CLERK, sites=[site], password=PASSWORD)
    make_user("clerk-b", role=Role.REGISTRATION_CLERK, sites=[site], password=PASSWORD)
    household = make_household(site)
    detail = f"{live_server.url}/households/{household.number}/"

    # Clerk B opens the correction form first, and keeps it open.
    other = _checked_page(browser, live_server.url, javascript=True)
    second = next(other)
    log_in(second, live_server.url, "clerk-b")
    second.goto(detail)
    second.get_by_role("link", name="Correct household details").click()
    second.get_by_label("Phone").fill("+249 900 000 002")
    second.get_by_label("Place of origin").fill("Nyala")

    # Clerk A corrects the phone meanwhile.
    log_in(page, live_server.url, "clerk-a")
    page.goto(detail)
    page.get_by_role("link", name="Correct household details").click()
    page.get_by_label("Phone").fill("+249 900 000 001")
    page.get_by_label("Why is it corrected?").select_option("data_error")
    page.get_by_role("button", name="Save the correction").click()
    expect(page.get_by_text("corrected.")).to_be_visible()
    expect(page.locator(".changes")).to_contain_text("+249 912 345 678 → +249 900 000 001")

    # Clerk B saves: refused, both phones shown, nothing of theirs written.
    second.get_by_label("Why is it corrected?").select_option("new_information")
    second.get_by_role("button", name="Save the correction").press("Enter")
    conflict = second.locator("#edit-conflict")
    expect(conflict).to_contain_text("clerk-a")
    expect(conflict.locator(".theirs")).to_have_text("+249 900 000 001")
    expect(conflict.locator(".mine")).to_have_text("+249 900 000 002")
    screenshot(second, screenshots / "correction-conflict.png")
    household.refresh_from_db()
    assert (household.phone, household.place_of_origin) == ("+249 900 000 001", "Al Fashir")

    # Clerk B keeps clerk A's phone (keyboard: focus the radio, Space) and saves again.
    theirs = second.get_by_label("Saved meanwhile:")
    theirs.focus()
    second.keyboard.press("Space")
    expect(theirs).to_be_checked()
    second.get_by_role("button", name="Save the correction").click()
    expect(second.get_by_text("corrected.")).to_be_visible()
    household = Household.objects.get(pk=household.pk)
    assert (household.phone, household.place_of_origin) == ("+249 900 000 001", "Nyala")
    expect(second.locator(".changes").last).to_contain_text("Al Fashir → Nyala")
    screenshot(second, screenshots / "correction-timeline.png")
    next(other, None)


def test_correction_pages_have_no_serious_accessibility_violations(page: Page, live_server, site):
    from tests.browser.test_accessibility import _violations

    make_user("manager", role=Role.CAMP_MANAGER, all_sites=True, password=PASSWORD)
    household = make_household(site)
    child = household.members.get(relationship="child")
    paths = [
        f"/households/{household.number}/correct/",
        f"/households/{household.number}/members/{child.pk}/correct/",
    ]
    log_in(page, live_server.url)
    found: set[str] = set()
    for direction in ("ltr", "rtl"):
        if direction == "rtl":
            page.locator("#language-select").select_option("ar")
            page.locator(".language-form").get_by_role("button").click()
            expect(page.locator("html")).to_have_attribute("dir", "rtl")
        for path in paths:
            page.goto(f"{live_server.url}{path}")
            found |= {f"{direction} {path}: {v}" for v in _violations(page)}
        # The refused save, with both values to choose from.
        page.goto(f"{live_server.url}{paths[0]}")
        other = "+249 900 000 001" if direction == "ltr" else "+249 900 000 002"
        Household.objects.filter(pk=household.pk).update(phone=other)  # another clerk
        page.locator("#id_phone").fill("+249 911 111 111")
        page.locator("#id_reason").select_option("data_error")
        page.locator("button.button-primary").click()
        expect(page.locator("#edit-conflict")).to_be_visible()
        found |= {f"{direction} conflict: {v}" for v in _violations(page)}
    assert sorted(found) == [], "\n".join(sorted(found))
