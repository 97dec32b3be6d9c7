"""The jobs page in a real browser (Chromium under the strict CSP): a running job's progress
bar moves by itself (htmx polling, no reload), and when the job is done the bar gives way to
the download of its file, reached with the keyboard."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from edgecamp.core.access import Role, scope_for
from edgecamp.jobs import services
from edgecamp.jobs.models import Job
from tests.accounts.factories import make_user
from tests.browser.conftest import PASSWORD, log_in, screenshot
from tests.jobs import kinds  # noqa: F401 - registers the test kinds

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_progress_updates_live_and_the_file_downloads(
    page: Page, live_server, site, screenshots: Path, run_queued
):
    manager = make_user("manager", role=Role.CAMP_MANAGER, sites=[site], password=PASSWORD)
    job = services.start_job(
        "test-steps", user=manager, scope=scope_for(manager), params={"steps": 4, "file": True}
    )
    Job.objects.filter(pk=job.pk).update(state=Job.State.RUNNING, done=1, total=4, message="step 2")
    log_in(page, live_server.url)
    page.get_by_role("link", name="Jobs").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Background jobs", level=1)).to_be_visible()
    bar = page.locator(f"#job-{job.pk} progress")
    expect(bar).to_have_attribute("value", "1")
    expect(bar).to_have_attribute("max", "4")
    screenshot(page, screenshots / "jobs.png")

    Job.objects.filter(pk=job.pk).update(done=3, message="step 4")
    expect(bar).to_have_attribute("value", "3", timeout=10_000)
    expect(page.locator(f"#job-{job.pk}")).to_contain_text("step 4")

    Job.objects.filter(pk=job.pk).update(state=Job.State.QUEUED, done=0, total=None)
    run_queued()
    download = page.get_by_role("link", name="Download counted.txt")
    expect(download).to_be_visible(timeout=10_000)
    expect(page.locator(f"#job-{job.pk} progress")).to_have_count(0)
    expect(page.locator(f"#job-{job.pk}")).to_contain_text("succeeded")
    download.focus()
    with page.expect_download() as fetched:
        page.keyboard.press("Enter")
    saved = fetched.value
    assert saved.suggested_filename == "counted.txt"
    assert Path(saved.path()).read_bytes() == b"4 steps\n"
