"""Life events from the household page in a real browser (strict CSP, no console errors): a
birth typed and submitted by keyboard, a death of the focal point that must name the next
one, a departure that frees the shelter, and a split into a new household."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from edgecamp.registry.models import Household
from edgecamp.registry.services import register_household
from edgecamp.sites.models import Shelter
from tests.accounts.factories import make_user
from tests.browser.conftest import PASSWORD, log_in, screenshot
from tests.registry.factories import household_input, member
from tests.sites.factories import make_shelter

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _family(site, **overrides):
    return register_household(
        household_input(
            site,
            members=[
                member(),
                member(relationship="spouse", given_name="Adam", sex="male"),
                member(relationship="child", given_name="Sara", date_of_birth=None),
            ],
            registration_date=timezone.localdate() - timedelta(days=20),
            **overrides,
        )
    )


def _open(page: Page, live_server, household: Household, action: str) -> None:
    page.goto(f"{live_server.url}/households/{household.number}/")
    page.get_by_role("link", name=action).click()
    expect(page.get_by_role("heading", name=action, level=1)).to_be_visible()


def test_a_birth_typed_by_keyboard(page: Page, live_server, site, screenshots: Path):
    make_user("manager", superuser=True, password=PASSWORD)
    household = _family(site)
    log_in(page, live_server.url)
    _open(page, live_server, household, "Record a birth")
    page.get_by_label("Given name").focus()
    page.keyboard.type("Nour")
    page.keyboard.press("Tab")  # family name
    page.keyboard.type("Haroun")
    page.get_by_label("Sex").select_option("female")
    screenshot(page, screenshots / "event-birth.png")
    page.get_by_label("Note").focus()
    page.keyboard.type("born at the clinic")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # the Record button
    expect(page.locator(".messages, [role=status]").first).to_contain_text("Birth recorded")
    expect(page.locator("table.members")).to_contain_text("Nour Haroun")
    expect(page.locator("table.timeline")).to_contain_text("Birth")


def test_a_death_of_the_focal_point_names_the_next_one(
    page: Page, live_server, site, screenshots: Path
):
    make_user("manager", superuser=True, password=PASSWORD)
    household = _family(site)
    focal = household.focal_point
    spouse = household.members.get(given_name="Adam")
    log_in(page, live_server.url)
    _open(page, live_server, household, "Record a death")
    page.get_by_label(str(focal)).check()
    page.get_by_label("Cause (category)").select_option("illness")
    page.get_by_role("button", name="Record").click()
    # Refused: the focal point dies and nobody is named to take over.
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator("form.event-form")).to_contain_text("choose who becomes the focal point")
    screenshot(page, screenshots / "event-death-refused.png")
    page.get_by_label(str(focal)).check()
    page.get_by_label("New focal point").select_option(str(spouse.pk))
    page.get_by_role("button", name="Record").click()
    expect(page.get_by_role("heading", name="Household", level=1)).to_be_visible()
    expect(page.locator(".facts")).to_contain_text("Adam")
    expect(page.locator("table.timeline")).to_contain_text("Death")
    expect(page.locator("table.timeline")).to_contain_text("Cause: Illness")
    household.refresh_from_db()
    assert household.focal_point == spouse


def test_a_departure_frees_the_shelter(page: Page, live_server, site, screenshots: Path):
    make_user("manager", superuser=True, password=PASSWORD)
    tent = make_shelter(site, code="T9", block_code="B")
    household = _family(site, shelter_id=tent.pk)
    log_in(page, live_server.url)
    _open(page, live_server, household, "Record a departure")
    page.get_by_label("Reason").select_option("resettlement")
    page.get_by_label("Destination").fill("Canada")
    page.get_by_role("button", name="Record").click()
    expect(page.locator(".page-head .status")).to_have_text("Departed")
    expect(page.locator("table.timeline")).to_contain_text("Destination: Canada")
    expect(page.locator("table.timeline")).to_contain_text("Shelter: B/T9")
    screenshot(page, screenshots / "event-departure.png")
    tent.refresh_from_db()
    assert tent.status == Shelter.Status.AVAILABLE
    # The freed tent is offered at the next registration.
    page.get_by_role("link", name="Register household").click()
    expect(page.locator("#id_shelter")).to_contain_text("B/T9")


def test_a_split_makes_a_new_household(page: Page, live_server, site, screenshots: Path):
    make_user("manager", superuser=True, password=PASSWORD)
    household = _family(site)
    spouse = household.members.get(given_name="Adam")
    child = household.members.get(given_name="Sara")
    log_in(page, live_server.url)
    _open(page, live_server, household, "Split the household")
    page.get_by_label(str(spouse), exact=True).first.check()
    page.locator(f'input[name="members"][value="{child.pk}"]').check()
    page.get_by_label("Focal point of the new household").select_option(str(spouse.pk))
    page.get_by_label("Reason").select_option("new_household")
    screenshot(page, screenshots / "event-split.png")
    page.get_by_role("button", name="Record").click()
    expect(page.locator("table.timeline")).to_contain_text("Household split")
    new = Household.objects.exclude(pk=household.pk).get()
    expect(page.locator("table.timeline")).to_contain_text(f"New household {new.number}")
    page.goto(f"{live_server.url}/households/{new.number}/")
    expect(page.locator("table.members")).to_contain_text("Adam")
    expect(page.locator("table.members")).to_contain_text("Sara")
    expect(page.locator(".facts")).to_contain_text("Adam")


def test_a_split_undone_by_a_correcting_event(page: Page, live_server, site, screenshots: Path):
    make_user("manager", superuser=True, password=PASSWORD)
    household = _family(site)
    spouse = household.members.get(given_name="Adam")
    child = household.members.get(given_name="Sara")
    from edgecamp.registry import events

    split = events.record_event(
        household.number,
        events.SplitInput(members=[spouse.pk, child.pk], focal_point=spouse.pk),
        scope=None,
    )
    new = Household.objects.get(pk=split.data["new_household"])
    log_in(page, live_server.url)
    page.goto(f"{live_server.url}/households/{household.number}/")
    page.get_by_role("link", name="Undo (recorded by mistake)").first.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Undo an event recorded by mistake")).to_be_visible()
    expect(page.get_by_label("Event to undo")).to_have_value(str(split.uuid))
    screenshot(page, screenshots / "event-undo-split.png")
    page.get_by_role("button", name="Record").click()
    expect(page.locator("table.members")).to_contain_text("Adam")
    expect(page.locator("table.members")).to_contain_text("Sara")
    expect(page.locator("table.timeline")).to_contain_text(f"Household {new.number} closed")
    page.goto(f"{live_server.url}/households/{new.number}/")
    expect(page.locator(".page-head .status")).to_have_text("Inactive")
    expect(page.locator("table.timeline")).to_contain_text("Correction")
    new.refresh_from_db()
    assert (new.status, new.members.count()) == ("inactive", 0)
