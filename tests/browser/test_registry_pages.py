"""The staff UI in a real browser: Debian's Chromium driven by Playwright against Django's live
server. Every page is served with a strict Content-Security-Policy (no 'unsafe-inline', no
eval), so markup or htmx settings that would break under the planned policy fail here.

Screenshots go to pytest's temporary folder; set EDGECAMP_SCREENSHOTS=1 to refresh the ones in
docs/screenshots/ instead (they change with every run: dates and numbers)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from edgecamp.registry.models import Household
from edgecamp.registry.services import register_household
from tests.accounts.factories import make_user
from tests.browser.conftest import PASSWORD, log_in, screenshot
from tests.registry.factories import household_input, member
from tests.sites.factories import make_shelter

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_register_search_and_errors(page: Page, live_server, site, screenshots: Path):
    make_user("manager", superuser=True, password=PASSWORD)
    shelter = make_shelter(site, code="T7", block_code="C")
    register_household(
        household_input(
            site,
            members=[
                member(),
                member(relationship="child", given_name="Ali", sex="male", date_of_birth=None),
            ],
        )
    )

    # Login page, then the dashboard with the numbers of the household registered above.
    page.goto(f"{live_server.url}/accounts/login/")
    screenshot(page, screenshots / "login.png")
    log_in(page, live_server.url)
    camp = page.locator("#site-all")
    expect(camp.locator('[data-sex="female"][data-age="18-59"]')).to_have_text("1")
    expect(camp.locator('[data-sex="total"][data-age="total"]')).to_have_text("2")
    expect(camp.locator('[data-figure="households"]')).to_have_text("1")
    screenshot(page, screenshots / "dashboard.png")

    # The registration form: one member typed into the first row, a second one into a row
    # added with the htmx "Add member" button.
    page.get_by_role("link", name="Register household").click()
    expect(page.get_by_role("heading", name="Register household")).to_be_visible()
    expect(page.locator("#id_site")).to_have_value(str(site.pk))
    page.locator("#id_shelter").select_option(str(shelter.pk))
    expect(page.locator("#id_shelter option:checked")).to_contain_text("C/T7")
    page.get_by_label("Place of origin").fill("Geneina")
    page.get_by_label("Phone").fill("+235 66 00 11 22")
    page.locator("#id_language").select_option("ar")
    page.get_by_label("Registration desk").fill("desk-2")
    screenshot(page, screenshots / "register.png")

    first = page.locator("#members-0")
    first.get_by_label("Given name", exact=True).fill("Zénabou")
    first.get_by_label("Family name", exact=True).fill("Mahamat")
    first.get_by_label("Sex").select_option("female")
    first.get_by_label("Date of birth").fill("1991-04-12")
    first.get_by_label("Nationality").select_option("TCD")
    first.get_by_label("Single parent").check()

    page.get_by_role("button", name="Add member").click()
    added = page.locator("#members-3")
    expect(added).to_be_visible()
    expect(added.locator(":scope > legend")).to_have_text("Member 4")
    expect(page.locator("#id_members-TOTAL_FORMS")).to_have_value("4")
    expect(added.get_by_label("Given name", exact=True)).to_be_focused()
    added.get_by_label("Given name", exact=True).fill("Issa")
    added.get_by_label("Family name", exact=True).fill("Mahamat")
    added.get_by_label("Sex").select_option("male")
    added.get_by_label("Date of birth").fill("2999-02-03")  # a typo: in the future
    added.get_by_label("Relationship to focal point").select_option("child")

    page.get_by_role("button", name="Register household").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Member 4, Date of birth")
    expect(page.locator("#id_members-3-date_of_birth_error")).to_contain_text(
        "cannot be in the future"
    )
    # what the clerk typed is all still there
    expect(page.locator("#id_members-0-given_name")).to_have_value("Zénabou")
    expect(page.locator("#id_members-3-given_name")).to_have_value("Issa")
    expect(page.locator("#id_phone")).to_have_value("+235 66 00 11 22")
    assert Household.objects.count() == 1
    screenshot(page, screenshots / "register-errors.png")

    page.locator("#id_members-3-date_of_birth").fill("2019")
    page.get_by_role("button", name="Register household").click()
    expect(page.get_by_role("status")).to_contain_text("registered with 2 members")
    household = Household.objects.order_by("-id").first()
    assert household is not None
    expect(page).to_have_url(re.compile(rf"/households/{household.number}/$"))
    members = page.locator("table.members")
    expect(members).to_contain_text("Zénabou Mahamat")
    expect(members).to_contain_text("Issa Mahamat")
    expect(members).to_contain_text("2019 (year only)")
    expect(members).to_contain_text("Single parent")
    screenshot(page, screenshots / "household.png")

    # Live search: typing without accents finds her, without reloading the page.
    page.get_by_role("link", name="Households", exact=True).click()
    page.evaluate("window.stillTheSamePage = true")
    page.get_by_label("Name or household number").press_sequentially("zenab", delay=40)
    results = page.locator("#results")
    expect(results).to_contain_text(household.number)
    expect(page.locator("#result-count")).to_contain_text("1 household matches")
    expect(page).to_have_url(re.compile(r"[?&]q=zenab"))
    assert page.evaluate("window.stillTheSamePage") is True
    screenshot(page, screenshots / "search.png")
    results.get_by_role("link", name=household.number).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(household.number)


def test_layout_at_tablet_width_and_right_to_left(page: Page, live_server, site, screenshots):
    make_user("manager", superuser=True, password=PASSWORD)
    household = register_household(household_input(site))
    log_in(page, live_server.url)
    page.set_viewport_size({"width": 800, "height": 1000})
    screenshot(page, screenshots / "dashboard-tablet.png")
    # No horizontal scrolling of the page itself: wide tables scroll inside their box.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.goto(f"{live_server.url}/households/{household.number}/")
    screenshot(page, screenshots / "household-tablet.png")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    page.locator("#language-select").select_option("ar")
    page.locator(".language-form").get_by_role("button").click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    page.goto(f"{live_server.url}/households/new/")
    screenshot(page, screenshots / "register-rtl.png")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_works_without_javascript(page_without_javascript: Page, live_server, site):
    page = page_without_javascript
    make_user("manager", superuser=True, password=PASSWORD)
    log_in(page, live_server.url)

    page.get_by_role("link", name="Register household").click()
    page.locator("#id_members-0-given_name").fill("Achta")
    page.locator("#id_members-0-sex").select_option("female")
    # "Add member" is then a plain submit that re-displays the form one row longer.
    page.get_by_role("button", name="Add member").click()
    expect(page.locator("#members-3")).to_be_visible()
    expect(page.locator("#id_members-0-given_name")).to_have_value("Achta")
    expect(page.locator(".errorlist")).to_have_count(0)
    page.locator("#id_members-3-given_name").fill("Brahim")
    page.locator("#id_members-3-sex").select_option("male")
    page.locator("#id_members-3-relationship").select_option("child")
    page.get_by_role("button", name="Register household").click()
    expect(page.get_by_role("status")).to_contain_text("registered with 2 members")

    page.get_by_role("link", name="Households", exact=True).click()
    page.get_by_label("Name or household number").fill("brahim")
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"[?&]q=brahim"))
    expect(page.locator("#result-count")).to_contain_text("1 household matches")


def test_roles_in_the_browser(page: Page, live_server, site, screenshots: Path):
    """A clerk registers, searches and opens a household, is refused the audit log and works in
    Arabic; a partner viewer sees figures but no household; a manager reads the audit log."""
    make_user("clerk", password=PASSWORD, role="registration_clerk", sites=[site])
    make_user("viewer", password=PASSWORD, role="partner_viewer", sites=[site])
    make_user("boss", password=PASSWORD, role="camp_manager", sites=[site])

    log_in(page, live_server.url, "clerk")
    expect(page.locator(".user-role")).to_contain_text("Registration clerk")
    expect(page.get_by_role("link", name="Audit log")).to_have_count(0)
    page.get_by_role("link", name="Register household").click()
    first = page.locator("#members-0")
    first.get_by_label("Given name", exact=True).fill("Fatimé")
    first.get_by_label("Family name", exact=True).fill("Abakar")
    first.get_by_label("Sex").select_option("female")
    first.get_by_label("Date of birth").fill("1985")
    page.get_by_role("button", name="Register household").click()
    expect(page.get_by_role("status")).to_contain_text("registered with 1 member")
    household = Household.objects.get()
    page.get_by_role("link", name="Households", exact=True).click()
    page.get_by_label("Name or household number").press_sequentially("fatime", delay=40)
    page.locator("#results").get_by_role("link", name=household.number).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(household.number)

    page.goto(f"{live_server.url}/audit/")
    expect(page.get_by_role("heading", name="Not allowed")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("Registration clerk")
    screenshot(page, screenshots / "refused.png")

    page.locator("#language-select").select_option("ar")
    page.locator(".language-form").get_by_role("button").click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.get_by_role("link", name="تسجيل أسرة")).to_be_visible()
    page.goto(f"{live_server.url}/households/{household.number}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("الأسرة")
    screenshot(page, screenshots / "household-rtl.png")
    page.locator(".logout-form").get_by_role("button").click()

    page.context.clear_cookies()
    log_in(page, live_server.url, "viewer")
    expect(page.get_by_role("link", name="Households", exact=True)).to_have_count(0)
    page.goto(f"{live_server.url}/households/{household.number}/")
    expect(page.get_by_role("heading", name="Not allowed")).to_be_visible()
    page.context.clear_cookies()

    log_in(page, live_server.url, "boss")
    page.get_by_role("link", name="Audit log").click()
    log = page.locator("table.audit-table")
    expect(log).to_contain_text(household.number)
    expect(log).to_contain_text("clerk")
    screenshot(page, screenshots / "audit-log.png")


def test_duplicate_warning_at_registration(page: Page, live_server, site, screenshots: Path):
    """Registering somebody already registered at the site shows the likely match; the clerk
    may still register, with a reason."""
    make_user("clerk", password=PASSWORD, role="registration_clerk", sites=[site])
    existing = register_household(household_input(site))  # Amina Haroun, born 14 March 1988
    log_in(page, live_server.url, "clerk")
    page.get_by_role("link", name="Register household").click()
    first = page.locator("#members-0")
    first.get_by_label("Given name", exact=True).fill("Amina")
    first.get_by_label("Family name", exact=True).fill("Haroun")
    first.get_by_label("Sex").select_option("female")
    first.get_by_label("Date of birth").fill("1988-03-14")
    page.get_by_role("button", name="Register household").click()

    warning = page.locator("#possible-duplicates")
    expect(warning).to_be_visible()
    expect(warning.get_by_role("heading", name="Possible duplicates")).to_be_visible()
    match = warning.locator("tr.duplicate-match").first
    expect(match).to_contain_text(existing.number)
    expect(match).to_contain_text("Amina Haroun")
    expect(page.locator("#id_members-0-given_name")).to_have_value("Amina")
    assert Household.objects.count() == 1
    screenshot(page, screenshots / "register-duplicate.png")

    warning.locator('input[name="duplicates_confirmed"]').check()
    page.locator("#id_duplicate_override_reason").fill("Same name, different mother of five")
    page.get_by_role("button", name="Register household").click()
    expect(page.get_by_role("status")).to_contain_text("registered with 1 member")
    assert Household.objects.count() == 2


def test_admin_change_pages_work_under_the_apps_csp(page_with_app_csp: Page, live_server, site):
    """The Django admin's own scripts (inlines, date pickers) run under the policy the
    application sends, with no console error; and that policy has no 'unsafe-inline'.
    Registry records are shown read-only there (they change through the services)."""
    from edgecamp.sites.models import Block
    from tests.distributions.factories import make_cycle, per_household
    from tests.stock.factories import make_item, make_warehouse

    page = page_with_app_csp
    make_user("manager", superuser=True, password=PASSWORD)
    household = register_household(household_input(site))
    Block.objects.get_or_create(site=site, code="A")
    cycle = make_cycle(site, make_warehouse(site), [per_household(make_item(), "1")])
    log_in(page, live_server.url)
    response = page.goto(f"{live_server.url}/admin/sites/site/{site.pk}/change/")
    assert response is not None
    assert response.status == 200
    policy = response.headers.get("content-security-policy", "")
    assert "script-src" in policy or "default-src" in policy
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    expect(page.get_by_role("heading", name="Change site")).to_be_visible()
    # The inline formset's "Add another" link is made by the admin's JavaScript.
    blocks = Block.objects.filter(site=site).count()
    add_another = page.locator(".add-row a")
    expect(add_another).to_be_visible()
    add_another.click()
    expect(page.locator('input[name$="-TOTAL_FORMS"]')).to_have_value(str(blocks + 1))

    page.goto(f"{live_server.url}/admin/distributions/cycle/{cycle.pk}/change/")
    expect(page.get_by_role("heading", name="Change distribution cycle")).to_be_visible()
    # The calendar shortcut next to the dates is added by DateTimeShortcuts.js.
    expect(page.locator(".datetimeshortcuts").first).to_be_visible()

    page.goto(f"{live_server.url}/admin/registry/household/{household.pk}/change/")
    expect(page.get_by_role("heading", name="View household")).to_be_visible()
    expect(page.locator(".add-row a")).to_be_hidden()


def test_protection_officer_records_a_note_and_a_tracing_request(
    page: Page, live_server, site, screenshots: Path
):
    make_user("officer", password=PASSWORD, role="protection_officer", sites=[site])
    household = register_household(household_input(site))
    log_in(page, live_server.url, "officer")
    page.goto(f"{live_server.url}/households/{household.number}/")
    section = page.locator("#protection")
    expect(section).to_be_visible()
    section.get_by_label("Confidential note").fill("Asked to be interviewed without her husband.")
    section.get_by_role("button", name="Save note").click()
    expect(page.get_by_role("status")).to_contain_text("Confidential note saved")
    expect(section).to_contain_text("Asked to be interviewed without her husband.")

    section.get_by_text("Open a tracing request").click()
    section.get_by_label("Requested by").select_option(label="Amina Haroun")
    section.get_by_label("Given name of the person sought").fill("Khadija")
    section.get_by_label("Relationship to the requester").fill("daughter")
    section.get_by_label("Place last seen").fill("Tawila market")
    section.get_by_role("button", name="Open tracing request").click()
    expect(page.get_by_role("status")).to_contain_text("Tracing request opened")
    expect(section.locator("table")).to_contain_text("Khadija")
    screenshot(page, screenshots / "household-protection.png")

    page.get_by_role("link", name="Tracing", exact=True).click()
    expect(page.locator("table.data")).to_contain_text("Khadija")
