"""A member reported missing links to tracing: on the household page a protection officer of
the site sees "open a tracing request" beside them, prefilled with the person, or the request in
progress for them; recording them found notes that request. A clerk sees none of it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from edgecamp.accounts.roles import Role
from edgecamp.protection import services
from edgecamp.protection.models import TracingRequest
from edgecamp.registry import events
from edgecamp.registry.services import register_household
from tests.registry.factories import household_input, member

pytestmark = pytest.mark.django_db

MISSING_SINCE = timezone.localdate() - timedelta(days=3)


@pytest.fixture
def family(site):
    household = register_household(
        household_input(
            site,
            members=[
                member(),
                member(
                    relationship="child",
                    given_name="Zeinab",
                    sex="female",
                    date_of_birth=date(2012, 6, 1),
                ),
            ],
            registration_date=timezone.localdate() - timedelta(days=30),
        )
    )
    mother, child = household.members.order_by("pk")
    events.record_event(
        household.number,
        events.MissingInput(on=MISSING_SINCE, members=[child.pk]),
        scope=None,
    )
    return household, mother, child


def _page(client, household) -> str:
    return client.get(reverse("household-detail", args=[household.number])).content.decode()


def test_an_officer_opens_a_tracing_request_prefilled_from_the_missing_member(
    site, client_as, family
):
    household, mother, child = family
    officer = client_as(Role.PROTECTION_OFFICER, [site])
    add = reverse("protection-tracing-add", args=[household.number])
    assert f"{add}?sought={child.pk}" in _page(officer, household)
    form = officer.get(add, {"sought": child.pk}).context["form"]
    assert form.initial["sought_individual_id"] == child.pk
    assert (form.initial["sought_given_name"], form.initial["sought_sex"]) == ("Zeinab", "female")
    assert form.initial["last_seen_on"] == MISSING_SINCE
    assert form.initial["requester"] == mother.pk
    response = officer.post(
        add,
        {
            "tracing-requester": mother.pk,
            "tracing-sought_given_name": "Zeinab",
            "tracing-relationship": "daughter",
            "tracing-last_seen_on": MISSING_SINCE.isoformat(),
            "tracing-sought_individual_id": child.pk,
        },
    )
    assert response.status_code == 302
    opened = TracingRequest.objects.get()
    assert opened.sought_individual == child
    # From now on the page links to that request, and the form leads there too.
    page = _page(officer, household)
    assert f"#tracing-{opened.pk}" in page
    assert f"?sought={child.pk}" not in page
    again = officer.get(add, {"sought": child.pk})
    assert again.status_code == 302
    assert again.url.endswith(f"#tracing-{opened.pk}")


def test_one_request_in_progress_per_person_sought(site, family):
    household, mother, child = family
    data = services.TracingInput(
        requester_id=mother.pk,
        sought_given_name="Zeinab",
        relationship="daughter",
        sought_individual_id=child.pk,
    )
    services.open_tracing_request(household, data, opened_by=None)
    with pytest.raises(services.ProtectionError) as refused:
        services.open_tracing_request(household, data, opened_by=None)
    assert set(refused.value.errors) == {"sought_individual_id"}
    with pytest.raises(services.ProtectionError) as refused:
        services.open_tracing_request(
            household,
            services.TracingInput(
                requester_id=mother.pk,
                sought_given_name="Zeinab",
                relationship="self",
                sought_individual_id=mother.pk,
            ),
            opened_by=None,
        )
    assert set(refused.value.errors) == {"sought_individual_id"}


def test_the_found_event_notes_the_request_in_progress(site, client_as, family):
    household, mother, child = family
    opened = services.open_tracing_request(
        household,
        services.TracingInput(
            requester_id=mother.pk,
            sought_given_name="Zeinab",
            relationship="daughter",
            sought_individual_id=child.pk,
        ),
        opened_by=None,
    )
    found = events.record_event(household.number, events.FoundInput(members=[child.pk]), scope=None)
    opened.refresh_from_db()
    assert (opened.found_event, opened.status) == (found, "open")  # the officer decides
    officer = client_as(Role.PROTECTION_OFFICER, [site])
    page = _page(officer, household)
    assert "Tracing request: reported found, review it" in page
    assert "Reported found on" in page
    body = officer.get(f"/api/v1/households/{household.number}/protection").json()
    assert body["tracing_requests"][0]["reported_found_on"] == found.occurred_on.isoformat()


def test_a_clerk_sees_no_protection_data_beside_a_missing_member(site, client_as, family):
    household, mother, child = family
    services.open_tracing_request(
        household,
        services.TracingInput(
            requester_id=mother.pk,
            sought_given_name="Zeinab",
            relationship="daughter",
            sought_individual_id=child.pk,
        ),
        opened_by=None,
    )
    clerk = client_as(Role.REGISTRATION_CLERK, [site])
    page = _page(clerk, household)
    assert "tracing" not in page.lower()
    add = reverse("protection-tracing-add", args=[household.number])
    assert clerk.get(add, {"sought": child.pk}).status_code in (403, 404)
