"""Accessibility: axe-core (the axe-playwright-python package bundles it; nothing is fetched)
over the main pages, left to right in English and right to left in Arabic, signed in as a
camp manager: no serious or critical violations (contrast, labels, names of controls,
landmarks, language)."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from edgecamp.core.access import Role
from edgecamp.distributions.services import start_cycle
from edgecamp.jobs.models import Job
from tests.accounts.factories import make_user
from tests.browser.conftest import PASSWORD, log_in
from tests.distributions.factories import make_cycle, per_household
from tests.registry.factories import make_household
from tests.sites.factories import make_shelter
from tests.stock.factories import make_item, make_warehouse, stock_up

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SERIOUS = {"serious", "critical"}


def _pages(site) -> list[str]:
    shelter = make_shelter(site)
    household = make_household(site, shelter_id=shelter.pk)
    twice = make_household(site)
    item = make_item()
    warehouse = make_warehouse(site)
    stock_up(warehouse, item, "100")
    cycle = make_cycle(site, warehouse, [per_household(item, "1")])
    start_cycle(cycle.pk)
    # The jobs page with a running job's progress bar and a failed job's error.
    Job.objects.create(kind="registry-dedupe", state=Job.State.RUNNING, done=2, total=7)
    Job.objects.create(kind="registry-dedupe", state=Job.State.FAILED, error="Stopped.")
    return [
        "/",
        "/households/",
        f"/households/{household.number}/",
        "/households/new/",
        "/duplicates/",
        "/shelters/",
        f"/shelters/{site.code}/shelters/",
        f"/shelters/{site.code}/shelters/{shelter.pk}/status/",
        f"/duplicates/families/{household.number}/{twice.number}/",
        "/supply/stock/",
        "/supply/cycles/",
        f"/supply/cycles/{cycle.pk}/",
        f"/supply/cycles/{cycle.pk}/desk/",
        "/supply/pledges/",
        "/audit/",
        "/jobs/",
        "/accounts/tokens/",
    ]


def _violations(page: Page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(node["target"][0] for node in v["nodes"][:3])
        for v in results.response["violations"]
        if v["impact"] in SERIOUS
    ]


def test_main_pages_have_no_serious_violations_in_both_directions(page: Page, live_server, site):
    make_user("manager", role=Role.CAMP_MANAGER, all_sites=True, password=PASSWORD)
    paths = _pages(site)
    page.goto(f"{live_server.url}/accounts/login/")
    found = {f"login: {v}" for v in _violations(page)}
    log_in(page, live_server.url)
    for direction in ("ltr", "rtl"):
        if direction == "rtl":
            page.locator("#language-select").select_option("ar")
            page.locator(".language-form").get_by_role("button").click()
            expect(page.locator("html")).to_have_attribute("dir", "rtl")
        for path in paths:
            page.goto(f"{live_server.url}{path}")
            found |= {f"{direction} {path}: {v}" for v in _violations(page)}
            if path.startswith("/supply/"):
                # The supply menu is a row of tabs, not a bare bulleted list.
                menu = page.locator(".supply-nav ul")
                expect(menu).to_have_css("display", "flex")
                expect(menu).to_have_css("list-style-type", "none")
    assert sorted(found) == [], "\n".join(sorted(found))
