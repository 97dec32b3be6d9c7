"""Looking for duplicates from the review page: a manager starts the registry-wide dedupe as a
background job, follows its progress, and its pairs land in the review queue; a second one
while one is live is refused with a message."""

from datetime import date

import pytest
from django.urls import reverse

from edgecamp.core.access import Role
from edgecamp.jobs.models import Job
from edgecamp.registry.duplicates import DEDUPE_STEPS, reset_desk_index
from edgecamp.registry.jobs import DEDUPE_JOB
from edgecamp.registry.models import DuplicateCandidate
from tests.accounts.factories import make_user
from tests.registry.factories import make_household, member

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_index():
    reset_desk_index()
    yield
    reset_desk_index()


@pytest.fixture
def registered_twice(site):
    for given, reason in (("Mohammed", ""), ("Muhammad", "test")):
        make_household(
            site,
            members=[
                member(
                    given_name=given,
                    family_name="Haroun",
                    sex="male",
                    date_of_birth=date(1980, 5, 2),
                ),
                member(
                    relationship="spouse",
                    given_name="Amina",
                    family_name="Haroun",
                    date_of_birth=date(1985, 1, 9),
                ),
            ],
            place_of_origin="Nyala",
            **({"duplicate_override_reason": reason} if reason else {}),
        )


def test_a_manager_starts_the_dedupe_and_its_pairs_land_in_the_queue(
    client, site, registered_twice, run_queued
):
    manager = make_user("mgr", role=Role.CAMP_MANAGER, sites=[site])
    client.force_login(manager)
    review = client.get(reverse("duplicate-review")).content.decode()
    assert reverse("duplicate-dedupe-start") in review
    assert not DuplicateCandidate.objects.exists()

    response = client.post(reverse("duplicate-dedupe-start"), follow=True)
    job = Job.objects.get()
    assert (job.kind, job.state, job.started_by) == (DEDUPE_JOB, Job.State.QUEUED, manager)
    assert list(job.sites.values_list("site_id", flat=True)) == [site.pk]
    page = response.content.decode()
    assert f"job {job.pk}" in page
    # While it is live the page says so, links it, and offers no second start.
    assert reverse("job-detail", args=[job.pk]) in page
    assert reverse("duplicate-dedupe-start") not in page

    assert run_queued() == 1
    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED, job.error
    assert (job.done, job.total) == (len(DEDUPE_STEPS), len(DEDUPE_STEPS))
    assert "new pair" in job.message
    found = DuplicateCandidate.objects.select_related("individual_l", "individual_r")
    assert {"Mohammed", "Muhammad"} <= {
        name for c in found for name in (c.individual_l.given_name, c.individual_r.given_name)
    }
    review = client.get(reverse("duplicate-review")).content.decode()
    assert "Muhammad Haroun" in review
    assert reverse("duplicate-dedupe-start") in review  # done: may start again


def test_a_second_dedupe_while_one_is_live_is_refused_with_a_message(client, site):
    manager = make_user("mgr", role=Role.CAMP_MANAGER, sites=[site])
    other = make_user("mgr2", role=Role.CAMP_MANAGER, all_sites=True)
    client.force_login(manager)
    client.post(reverse("duplicate-dedupe-start"))
    client.force_login(other)
    response = client.post(reverse("duplicate-dedupe-start"), follow=True)
    assert "already queued" in response.content.decode()
    assert Job.objects.count() == 1


def test_only_managers_may_start_the_dedupe(client_as, site):
    clerk = client_as(Role.REGISTRATION_CLERK, [site])
    assert clerk.post(reverse("duplicate-dedupe-start")).status_code == 403
    assert not Job.objects.exists()
