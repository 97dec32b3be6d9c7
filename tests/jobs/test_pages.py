"""The jobs page, a job's row as htmx polls it, the download of a result file and the API:
each user sees their own jobs, managers every job within their sites, nobody another's
file."""

import pytest
from django.test import Client
from django.urls import reverse

from edgecamp.core.access import Role, scope_for
from edgecamp.jobs import services
from edgecamp.jobs.models import Job
from tests.accounts.factories import make_user
from tests.sites.factories import make_site

pytestmark = pytest.mark.django_db


@pytest.fixture
def camp():
    north, south = make_site(), make_site()
    people = {
        "clerk": make_user("clerk", role=Role.REGISTRATION_CLERK, sites=[north]),
        "other_clerk": make_user("clerk2", role=Role.REGISTRATION_CLERK, sites=[north]),
        "manager": make_user("mgr-n", role=Role.CAMP_MANAGER, sites=[north]),
        "south_manager": make_user("mgr-s", role=Role.CAMP_MANAGER, sites=[south]),
        "all_manager": make_user("mgr-all", role=Role.CAMP_MANAGER, all_sites=True),
    }
    return north, south, people


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _start(user, **params):
    return services.start_job("test-steps", user=user, scope=scope_for(user), params=params)


def test_the_page_lists_own_jobs_and_managers_those_of_their_sites(camp):
    _north, _south, people = camp
    clerks = _start(people["clerk"])
    everywhere = _start(people["all_manager"])

    def listed(who):
        page = _client(people[who]).get(reverse("job-list"))
        assert page.status_code == 200
        return {job.pk for job, _label in page.context["jobs"]}

    assert listed("clerk") == {clerks.pk}
    assert listed("other_clerk") == set()
    assert listed("manager") == {clerks.pk}  # the clerk's job is at the manager's site
    assert listed("south_manager") == set()
    assert listed("all_manager") == {clerks.pk, everywhere.pk}


def test_a_live_job_row_polls_and_shows_its_progress_without_inline_style(camp, run_queued):
    _north, _south, people = camp
    job = _start(people["clerk"], steps=4)
    Job.objects.filter(pk=job.pk).update(state=Job.State.RUNNING, done=1, total=4, message="step 2")
    client = _client(people["clerk"])
    row = client.get(reverse("job-detail", args=[job.pk]), headers={"HX-Request": "true"})
    html = row.content.decode()
    assert html.lstrip().startswith("<tr")
    assert f'hx-get="{reverse("job-detail", args=[job.pk])}"' in html
    assert 'hx-trigger="every 2s"' in html
    assert '<progress max="4" value="1"' in html
    assert "step 2" in html
    page = client.get(reverse("job-list")).content.decode()
    assert "style=" not in page
    assert "<progress" in page

    Job.objects.filter(pk=job.pk).update(state=Job.State.QUEUED, done=0, total=None)
    run_queued()
    finished = client.get(reverse("job-detail", args=[job.pk]), headers={"HX-Request": "true"})
    html = finished.content.decode()
    assert "hx-trigger" not in html  # done: the polling stops
    assert "<progress" not in html
    assert "Succeeded" in html or "succeeded" in html


def test_a_failed_job_shows_its_error(camp, run_queued):
    _north, _south, people = camp
    job = services.start_job("test-refuses", user=people["clerk"], scope=scope_for(people["clerk"]))
    run_queued()
    page = _client(people["clerk"]).get(reverse("job-detail", args=[job.pk]))
    assert page.status_code == 200
    assert "There is nothing to count: add people first." in page.content.decode()


def test_the_result_file_is_downloaded_only_by_who_sees_the_job(camp, run_queued, settings):
    _north, _south, people = camp
    job = _start(people["clerk"], steps=2, file=True)
    url = reverse("job-download", args=[job.pk])
    assert _client(people["clerk"]).get(url).status_code == 404  # not made yet
    run_queued()
    for who in ("clerk", "manager"):
        response = _client(people[who]).get(url)
        assert response.status_code == 200, who
        assert b"".join(response.streaming_content) == b"2 steps\n"
        assert response["Content-Disposition"] == 'attachment; filename="counted.txt"'
        assert response["Content-Type"] == "text/plain"
    for who in ("other_clerk", "south_manager"):
        assert _client(people[who]).get(url).status_code == 404, who
    # Kept in the job files' directory, outside anything served statically.
    job.refresh_from_db()
    assert job.result_file.path.startswith(str(settings.EDGECAMP_JOB_FILES_DIR))
    page = _client(people["clerk"]).get(reverse("job-list")).content.decode()
    assert f'href="{url}"' in page


def test_the_api_lists_and_gets_jobs_with_the_same_scope(camp, run_queued):
    _north, _south, people = camp
    job = _start(people["clerk"], steps=3, file=True)
    run_queued()
    clerk = _client(people["clerk"])
    listed = clerk.get("/api/v1/jobs").json()
    assert listed["count"] == 1
    one = clerk.get(f"/api/v1/jobs/{job.pk}").json()
    assert one["state"] == "succeeded"
    assert (one["done"], one["total"], one["percent"]) == (3, 3, 100)
    assert one["kind"] == "test-steps"
    assert one["kind_label"] == "Count steps"
    assert one["started_by"] == "clerk"
    assert one["download_url"] == reverse("job-download", args=[job.pk])
    other = _client(people["other_clerk"])
    assert other.get(f"/api/v1/jobs/{job.pk}").status_code == 404
    assert other.get("/api/v1/jobs").json()["count"] == 0
    assert _client(people["manager"]).get(f"/api/v1/jobs/{job.pk}").status_code == 200


def test_the_api_documents_the_job_routes(admin_user):
    client = Client()
    client.force_login(admin_user)
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/jobs" in schema["paths"]
    assert "/api/v1/jobs/{job_id}" in schema["paths"]


def test_the_nav_links_the_jobs_page_for_roles_that_may_see_it(camp, client_as):
    _north, _south, people = camp
    page = _client(people["clerk"]).get(reverse("dashboard")).content.decode()
    assert f'href="{reverse("job-list")}"' in page
    partner = client_as(Role.PARTNER_VIEWER).get(reverse("dashboard")).content.decode()
    assert f'href="{reverse("job-list")}"' not in partner
