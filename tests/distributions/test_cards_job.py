"""A large cycle's ration cards come from a background job: above EDGECAMP_CARDS_JOB_ABOVE
households the cycle page offers a button that queues them, the job draws them with progress
and keeps the PDF, and the jobs page downloads it; a small block still answers at once."""

import re

import pytest
from django.urls import reverse

from edgecamp.core.access import Role, scope_for
from edgecamp.distributions.jobs import CARDS_JOB, start_cards_job
from edgecamp.distributions.services import start_cycle
from edgecamp.jobs.models import Job
from tests.accounts.factories import make_user
from tests.distributions.factories import make_cycle, per_household
from tests.registry.factories import make_household
from tests.sites.factories import make_shelter, make_site
from tests.stock.factories import make_item, make_warehouse, stock_up

pytestmark = pytest.mark.django_db


@pytest.fixture
def cycle(site, settings):
    settings.EDGECAMP_CARDS_JOB_ABOVE = 2
    warehouse = make_warehouse(site)
    soap = make_item(name="Soap", code="soap-j", unit="bar")
    stock_up(warehouse, soap, 100)
    for code, block in (("A-1", "A"), ("A-2", "A"), ("B-1", "B")):
        make_household(site, shelter_id=make_shelter(site, code=code, block_code=block).pk)
    cycle = make_cycle(site, warehouse, [per_household(soap, "1")])
    start_cycle(cycle.pk)
    return cycle


@pytest.fixture
def distributor(site):
    return make_user("dist", role=Role.DISTRIBUTION_STAFF, sites=[site])


def _client(client, user):
    client.force_login(user)
    return client


def test_a_large_cycle_offers_a_button_and_a_get_is_sent_back_to_it(client, cycle, distributor):
    client = _client(client, distributor)
    url = reverse("cycle-cards", args=[cycle.pk])
    page = client.get(reverse("cycle-detail", args=[cycle.pk])).content.decode()
    assert f'<form method="post" action="{url}"' in page
    assert f'href="{url}"' not in page  # no direct download of 3 > 2 households
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("cycle-detail", args=[cycle.pk])
    assert not Job.objects.exists()


def test_the_job_makes_the_pdf_with_progress_and_the_jobs_page_downloads_it(
    client, cycle, distributor, run_queued
):
    client = _client(client, distributor)
    response = client.post(reverse("cycle-cards", args=[cycle.pk]))
    job = Job.objects.get()
    assert response["Location"] == reverse("job-detail", args=[job.pk])
    assert (job.kind, job.params) == (
        CARDS_JOB,
        {"cycle": cycle.pk, "block": None, "photos": False},
    )
    assert list(job.sites.values_list("site_id", flat=True)) == [cycle.site_id]
    # The same cards asked for again while they are made: sent to the job, no second one.
    again = client.post(reverse("cycle-cards", args=[cycle.pk]))
    assert again["Location"] == reverse("job-detail", args=[job.pk])
    assert Job.objects.count() == 1

    assert run_queued() == 1
    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED, job.error
    assert (job.done, job.total) == (3, 3)
    assert job.message == "3 ration cards ready to download."
    page = client.get(reverse("job-detail", args=[job.pk])).content.decode()
    download = reverse("job-download", args=[job.pk])
    assert f'href="{download}"' in page
    pdf = client.get(download)
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"] == (
        f'attachment; filename="ration-cards-cycle-{cycle.pk}.pdf"'
    )
    body = b"".join(pdf.streaming_content)
    assert body.startswith(b"%PDF")
    assert re.search(rb"/Count 1\b", body)  # three cards, one sheet


def test_a_small_block_of_a_large_cycle_still_answers_at_once(client, cycle, distributor):
    client = _client(client, distributor)
    url = reverse("cycle-cards", args=[cycle.pk]) + "?block=B"
    response = client.post(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "block-b" in response["Content-Disposition"]
    assert not Job.objects.exists()


def test_a_small_cycle_answers_at_once(client, cycle, distributor, settings):
    settings.EDGECAMP_CARDS_JOB_ABOVE = 500
    response = _client(client, distributor).get(reverse("cycle-cards", args=[cycle.pk]))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    assert not Job.objects.exists()


def test_the_job_fails_in_plain_words_when_the_cycle_left_the_starter_s_sites(
    cycle, distributor, run_queued
):
    job = start_cards_job(cycle, None, user=distributor, scope=scope_for(distributor))
    distributor.staff_profile.sites.set([make_site()])
    run_queued()
    job.refresh_from_db()
    assert job.state == Job.State.FAILED
    assert job.error == "The cycle is gone, or no longer at one of your sites."
    assert not job.result_file


def test_who_may_not_print_cards_may_not_start_them(client_as, cycle, site):
    clerk = client_as(Role.REGISTRATION_CLERK, [site])
    assert clerk.post(reverse("cycle-cards", args=[cycle.pk])).status_code == 403
    assert not Job.objects.exists()
