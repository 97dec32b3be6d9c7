"""Browser tests: Debian's Chromium driven by Playwright against Django's live server. Every
page is served with a strict Content-Security-Policy (no 'unsafe-inline', no eval), so markup or
htmx settings that would break under the planned policy fail here; any console error fails the
test.

Screenshots go to pytest's temporary folder; set EDGECAMP_SCREENSHOTS=1 to refresh the ones in
docs/screenshots/ instead (they change with every run: dates and numbers).

A browser test module marks itself `pytestmark = [pytest.mark.browser,
pytest.mark.django_db(transaction=True)]` and uses `page`, `log_in(page, base_url, username)`
and `screenshot(page, path)`."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Route, expect, sync_playwright

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
        folder = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
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
    page.on(
        "console",
        lambda m: (
            problems.append(f"{m.text} {m.location}")
            if m.type == "error" and "status of 403" not in m.text
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


def screenshot(page: Page, path: Path) -> None:
    # caret="initial": hiding the caret makes Playwright touch inputs' style attributes, which
    # htmx would later copy while settling a swap and trip the strict CSP.
    page.screenshot(path=path, full_page=True, caret="initial")


def log_in(page: Page, base_url: str, username: str = "manager") -> None:
    page.goto(f"{base_url}/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()
