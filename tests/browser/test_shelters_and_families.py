"""Issue 13 in a real browser (strict CSP, no console errors): a manager marks a shelter damaged
on the site's shelters page and moves its household out from the shelter's row; a family
registered twice is reviewed as two households, merged in one action and the merge undone."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from edgecamp.registry.models import DuplicateCandidate, FamilyMerge, Household
from edgecamp.sites.models import Shelter, ShelterStatusChange
from tests.accounts.factories import make_user
from tests.browser.conftest import PASSWORD, log_in, screenshot
from tests.registry.factories import make_household, member
from tests.sites.factories import make_shelter

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_mark_a_shelter_damaged_and_move_its_household_out(
    page: Page, live_server, site, screenshots: Path
):
    make_user("manager", superuser=True, password=PASSWORD)
    torn = make_shelter(site, code="T1", block_code="A")
    spare = make_shelter(site, code="T2", block_code="A")
    household = make_household(site, shelter_id=torn.pk)
    log_in(page, live_server.url)
    page.goto(f"{live_server.url}/shelters/")
    page.get_by_role("link", name=f"Shelters of {site.name}").click()
    expect(page.get_by_role("heading", name=f"Shelters of {site.name}", level=1)).to_be_visible()
    row = page.locator("#site-shelters tr", has_text="A/T1")
    row.get_by_role("link", name="Change the status of shelter A/T1").click()

    page.get_by_label("New status").select_option("damaged")
    page.get_by_label("Reason").fill("roof torn by the storm")
    page.get_by_role("button", name="Record").click()
    expect(page.locator(".messages").first).to_contain_text("marked damaged")
    expect(page.locator(".messages").first).to_contain_text(household.number)
    row = page.locator("#site-shelters tr", has_text="A/T1")
    expect(row).to_contain_text("Damaged")
    expect(row).to_contain_text("roof torn by the storm")
    screenshot(page, screenshots / "shelters-damaged.png")

    # The move, from the shelter's row, by keyboard: the reason is already chosen.
    row.get_by_role("link", name=f"Move household {household.number}").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Move to another shelter", level=1)).to_be_visible()
    expect(page.get_by_label("Reason")).to_have_value("shelter_damaged")
    page.locator("#id_shelter").select_option(str(spare.pk))
    page.get_by_role("button", name="Record").click()
    expect(page).to_have_url(re.compile(rf"/shelters/{site.code}/shelters/"))
    expect(page.locator(".messages").first).to_contain_text("recorded for household")
    expect(page.locator("#site-shelters tr", has_text="A/T1")).to_contain_text("nobody")
    expect(page.locator("#site-shelters tr", has_text="A/T2")).to_contain_text(household.number)

    household.refresh_from_db()
    assert household.shelter_id == spare.pk
    torn.refresh_from_db()
    assert torn.status == Shelter.Status.DAMAGED
    assert ShelterStatusChange.objects.get().reason == "roof torn by the storm"


def test_merge_a_family_registered_twice_and_undo_it(
    page: Page, live_server, site, screenshots: Path
):
    make_user("manager", superuser=True, password=PASSWORD)
    first = make_household(
        site,
        members=[
            member(given_name="Amina", family_name="Haroun"),
            member(
                relationship="child",
                sex="male",
                given_name="Yusuf",
                family_name="Adam",
                date_of_birth=date(2015, 1, 1),
            ),
        ],
    )
    second = make_household(
        site,
        members=[
            member(given_name="Aminah", family_name="Haroun"),
            member(
                relationship="child",
                sex="male",
                given_name="Yousif",
                family_name="Adam",
                date_of_birth=date(2015, 1, 1),
            ),
            member(relationship="child", given_name="Fatna", date_of_birth=date(2025, 2, 1)),
        ],
    )
    mother = {p.given_name: p for p in [*first.members.all(), *second.members.all()]}
    low, high = sorted((mother["Amina"].pk, mother["Aminah"].pk))
    DuplicateCandidate.objects.create(
        individual_l_id=low, individual_r_id=high, probability=0.97, evidence=[]
    )
    log_in(page, live_server.url)
    page.goto(f"{live_server.url}/duplicates/")
    page.get_by_role("link", name="Review both households").click()
    expect(page.get_by_role("heading", name="A family registered twice?", level=1)).to_be_visible()
    pairs = page.locator("#family-pairs")
    expect(pairs.get_by_label("Aminah Haroun")).to_have_value(str(mother["Amina"].pk))
    # The clerk pairs the son, which the queue did not propose, and leaves the baby unpaired.
    pairs.get_by_label("Yousif Adam").select_option(str(mother["Yusuf"].pk))
    expect(pairs.get_by_label("Fatna Haroun")).to_have_value("")
    screenshot(page, screenshots / "family-review.png")
    page.get_by_label(f"Keep household {first.number}").check()
    page.get_by_role("button", name="Merge the two households").click()
    expect(page.locator(".messages").first).to_contain_text("as one family")
    assert Household.objects.get(pk=second.pk).status == Household.Status.MERGED
    assert sorted(first.members.filter(status="active").values_list("given_name", flat=True)) == [
        "Amina",
        "Fatna",
        "Yusuf",
    ]

    page.get_by_role(
        "button", name=f"Undo the family merge of {second.number} into {first.number}"
    ).click()
    expect(page.locator(".messages").first).to_contain_text("back as they were")
    assert Household.objects.get(pk=second.pk).status == Household.Status.ACTIVE
    assert sorted(second.members.filter(status="active").values_list("given_name", flat=True)) == [
        "Aminah",
        "Fatna",
        "Yousif",
    ]
    assert FamilyMerge.objects.get().state == FamilyMerge.State.UNDONE
