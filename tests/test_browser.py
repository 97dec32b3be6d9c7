"""The staff UI in a real browser: Debian's Chromium driven by Playwright against Django's live
server. Every page is served with a strict Content-Security-Policy (no 'unsafe-inline', no
eval), so markup or htmx settings that would break under the planned policy fail here.

Screenshots go to pytest's temporary folder; set EDGECAMP_SCREENSHOTS=1 to refresh the ones in
docs/screenshots/ instead (they change with every run: dates and numbers)."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Route, expect, sync_playwright

from edgecamp.registry.models import Household
from edgecamp.registry.services import register_household
from tests.accounts.factories import make_user
from tests.registry.factories import household_input, member
from tests.sites.factories import make_shelter

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
STRICT_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
PASSWORD = "pw-for-tests-9"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt install chromium)")
    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are
    # synchronous all the same.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def screenshots(tmp_path: Path) -> Path:
    if os.environ.get("EDGECAMP_SCREENSHOTS") == "1":
        folder = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
        folder.mkdir(parents=True, exist_ok=True)
        return folder
    return tmp_path


@pytest.fixture
def page(browser: Browser, live_server) -> Iterator[Page]:
    yield from _checked_page(browser, live_server.url, javascript=True)


@pytest.fixture
def page_without_javascript(browser: Browser, live_server) -> Iterator[Page]:
    yield from _checked_page(browser, live_server.url, javascript=False)


@pytest.fixture
def page_with_app_csp(browser: Browser, live_server) -> Iterator[Page]:
    """Pages with the Content-Security-Policy the application itself sends."""
    yield from _checked_page(browser, live_server.url, javascript=True, strict_csp=False)


def _checked_page(
    browser: Browser, base_url: str, *, javascript: bool, strict_csp: bool = True
) -> Iterator[Page]:
    """A page served under the strict CSP (or the app's own) that fails the test on any console
    error."""
    context = browser.new_context(
        viewport={"width": 1280, "height": 800}, locale="en-GB", java_script_enabled=javascript
    )
    page = context.new_page()
    problems: list[str] = []
    # A refused page (403) is logged by Chromium as a failed resource; it is no script error.
    # Nor is the favicon the browser asks the admin's pages for (they link none).
    page.on(
        "console",
        lambda m: (
            problems.append(f"{m.text} {m.location}")
            if m.type == "error"
            and "status of 403" not in m.text
            and not str(m.location.get("url", "")).endswith("/favicon.ico")
            else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(str(error)))

    def with_strict_csp(route: Route) -> None:
        if route.request.resource_type != "document":
            route.continue_()
            return
        response = route.fetch(max_redirects=0)
        headers = {**response.headers, "content-security-policy": STRICT_CSP}
        route.fulfill(response=response, headers=headers)

    if strict_csp:
        page.route(f"{base_url}/**", with_strict_csp)
    yield page
    page.unroute_all(behavior="ignoreErrors")
    context.close()
    assert problems == [], "browser console errors (CSP violations, script errors)"


def _screenshot(page: Page, path: Path) -> None:
    # caret="initial": hiding the caret makes Playwright touch inputs' style attributes, which
    # htmx would later copy while settling a swap and trip the strict CSP.
    page.screenshot(path=path, full_page=True, caret="initial")


def _log_in(page: Page, base_url: str, username: str = "manager") -> None:
    page.goto(f"{base_url}/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()


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
    _screenshot(page, screenshots / "login.png")
    _log_in(page, live_server.url)
    camp = page.locator("#site-all")
    expect(camp.locator('[data-sex="female"][data-age="18-59"]')).to_have_text("1")
    expect(camp.locator('[data-sex="total"][data-age="total"]')).to_have_text("2")
    expect(camp.locator('[data-figure="households"]')).to_have_text("1")
    _screenshot(page, screenshots / "dashboard.png")

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
    _screenshot(page, screenshots / "register.png")

    first = page.locator("#members-0")
    first.get_by_label("Given name").fill("Zénabou")
    first.get_by_label("Family name").fill("Mahamat")
    first.get_by_label("Sex").select_option("female")
    first.get_by_label("Date of birth").fill("1991-04-12")
    first.get_by_label("Nationality").select_option("TCD")
    first.get_by_label("Single parent").check()

    page.get_by_role("button", name="Add member").click()
    added = page.locator("#members-3")
    expect(added).to_be_visible()
    expect(added.locator(":scope > legend")).to_have_text("Member 4")
    expect(page.locator("#id_members-TOTAL_FORMS")).to_have_value("4")
    expect(added.get_by_label("Given name")).to_be_focused()
    added.get_by_label("Given name").fill("Issa")
    added.get_by_label("Family name").fill("Mahamat")
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
    _screenshot(page, screenshots / "register-errors.png")

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
    _screenshot(page, screenshots / "household.png")

    # Live search: typing without accents finds her, without reloading the page.
    page.get_by_role("link", name="Households", exact=True).click()
    page.evaluate("window.stillTheSamePage = true")
    page.get_by_label("Name or household number").press_sequentially("zenab", delay=40)
    results = page.locator("#results")
    expect(results).to_contain_text(household.number)
    expect(page.locator("#result-count")).to_contain_text("1 household matches")
    expect(page).to_have_url(re.compile(r"[?&]q=zenab"))
    assert page.evaluate("window.stillTheSamePage") is True
    _screenshot(page, screenshots / "search.png")
    results.get_by_role("link", name=household.number).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(household.number)


def test_layout_at_tablet_width_and_right_to_left(page: Page, live_server, site, screenshots):
    make_user("manager", superuser=True, password=PASSWORD)
    household = register_household(household_input(site))
    _log_in(page, live_server.url)
    page.set_viewport_size({"width": 800, "height": 1000})
    _screenshot(page, screenshots / "dashboard-tablet.png")
    # No horizontal scrolling of the page itself: wide tables scroll inside their box.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.goto(f"{live_server.url}/households/{household.number}/")
    _screenshot(page, screenshots / "household-tablet.png")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    page.locator("#language-select").select_option("ar")
    page.locator(".language-form").get_by_role("button").click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    page.goto(f"{live_server.url}/households/new/")
    _screenshot(page, screenshots / "register-rtl.png")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_works_without_javascript(page_without_javascript: Page, live_server, site):
    page = page_without_javascript
    make_user("manager", superuser=True, password=PASSWORD)
    _log_in(page, live_server.url)

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

    _log_in(page, live_server.url, "clerk")
    expect(page.locator(".user-role")).to_contain_text("Registration clerk")
    expect(page.get_by_role("link", name="Audit log")).to_have_count(0)
    page.get_by_role("link", name="Register household").click()
    first = page.locator("#members-0")
    first.get_by_label("Given name").fill("Fatimé")
    first.get_by_label("Family name").fill("Abakar")
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
    _screenshot(page, screenshots / "refused.png")

    page.locator("#language-select").select_option("ar")
    page.locator(".language-form").get_by_role("button").click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.get_by_role("link", name="تسجيل أسرة")).to_be_visible()
    page.goto(f"{live_server.url}/households/{household.number}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("الأسرة")
    _screenshot(page, screenshots / "household-rtl.png")
    page.locator(".logout-form").get_by_role("button").click()

    page.context.clear_cookies()
    _log_in(page, live_server.url, "viewer")
    expect(page.get_by_role("link", name="Households", exact=True)).to_have_count(0)
    page.goto(f"{live_server.url}/households/{household.number}/")
    expect(page.get_by_role("heading", name="Not allowed")).to_be_visible()
    page.context.clear_cookies()

    _log_in(page, live_server.url, "boss")
    page.get_by_role("link", name="Audit log").click()
    log = page.locator("table.audit-table")
    expect(log).to_contain_text(household.number)
    expect(log).to_contain_text("clerk")
    _screenshot(page, screenshots / "audit-log.png")


def test_duplicate_warning_at_registration(page: Page, live_server, site, screenshots: Path):
    """Registering somebody already registered at the site shows the likely match; the clerk
    may still register, with a reason."""
    make_user("clerk", password=PASSWORD, role="registration_clerk", sites=[site])
    existing = register_household(household_input(site))  # Amina Haroun, born 14 March 1988
    _log_in(page, live_server.url, "clerk")
    page.get_by_role("link", name="Register household").click()
    first = page.locator("#members-0")
    first.get_by_label("Given name").fill("Amina")
    first.get_by_label("Family name").fill("Haroun")
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
    _screenshot(page, screenshots / "register-duplicate.png")

    warning.locator('input[name="duplicates_confirmed"]').check()
    page.locator("#id_duplicate_override_reason").fill("Same name, different mother of five")
    page.get_by_role("button", name="Register household").click()
    expect(page.get_by_role("status")).to_contain_text("registered with 1 member")
    assert Household.objects.count() == 2


def test_admin_change_pages_work_under_the_apps_csp(page_with_app_csp: Page, live_server, site):
    """The Django admin's own scripts (inlines, date pickers) run under the policy the
    application sends, with no console error; and that policy has no 'unsafe-inline'."""
    page = page_with_app_csp
    make_user("manager", superuser=True, password=PASSWORD)
    household = register_household(household_input(site))
    _log_in(page, live_server.url)
    url = f"{live_server.url}/admin/registry/household/{household.pk}/change/"
    response = page.goto(url)
    assert response is not None
    assert response.status == 200
    policy = response.headers.get("content-security-policy", "")
    assert "script-src" in policy or "default-src" in policy
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    expect(page.get_by_role("heading", name="Change household")).to_be_visible()
    # The inline formset's "Add another" link is made by the admin's JavaScript.
    add_another = page.locator(".add-row a")
    expect(add_another).to_be_visible()
    add_another.click()
    expect(page.locator('input[name$="-TOTAL_FORMS"]')).to_have_value("3")

    person = household.members.order_by("pk").first()
    page.goto(f"{live_server.url}/admin/registry/individual/{person.pk}/change/")
    expect(page.get_by_role("heading", name="Change individual")).to_be_visible()
    # The calendar shortcut next to the date of birth is added by DateTimeShortcuts.js.
    expect(page.locator(".datetimeshortcuts").first).to_be_visible()


def test_protection_officer_records_a_note_and_a_tracing_request(
    page: Page, live_server, site, screenshots: Path
):
    make_user("officer", password=PASSWORD, role="protection_officer", sites=[site])
    household = register_household(household_input(site))
    _log_in(page, live_server.url, "officer")
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
    _screenshot(page, screenshots / "household-protection.png")

    page.get_by_role("link", name="Tracing", exact=True).click()
    expect(page.locator("table.data")).to_contain_text("Khadija")
