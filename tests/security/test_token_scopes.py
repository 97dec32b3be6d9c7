"""Token scopes mean what their labels say: a protection officer's `read` token reads what any
other role reads; protection-sensitive needs, confidential notes and tracing requests need the
`protect` scope (issue 10, item 12)."""

from __future__ import annotations

from datetime import date

import pytest

from edgecamp.accounts.tokens import create_token
from edgecamp.protection import services
from edgecamp.registry.services import register_household
from tests.accounts.factories import make_user
from tests.registry.factories import household_input, member
from tests.sites.factories import make_site

pytestmark = pytest.mark.django_db

SECRET_NOTE = "Disclosed violence by a neighbour"


@pytest.fixture
def officer_and_household(db):
    north = make_site(name="North")
    household = register_household(
        household_input(north, members=[member(given_name="Amina", specific_needs=["SV", "DS"])])
    )
    officer = make_user("officer", role="protection_officer", sites=[north])
    services.add_note(household, text=SECRET_NOTE, written_by=officer)
    services.open_tracing_request(
        household,
        services.TracingInput(
            requester_id=household.members.first().pk,
            sought_given_name="Zeinab",
            relationship="daughter",
            last_seen_on=date(2026, 3, 1),
        ),
        opened_by=officer,
    )
    return officer, household


def _get(client, url, secret):
    return client.get(url, HTTP_AUTHORIZATION=f"Bearer {secret}")


@pytest.mark.parametrize(
    "path", ["/api/v1/households/{number}/protection", "/api/v1/tracing-requests"]
)
def test_a_read_token_of_a_protection_officer_does_not_read_protection_records(
    client, officer_and_household, path
):
    officer, household = officer_and_household
    read_only = create_token(officer, "reader", ["read"])[1]
    refused = _get(client, path.format(number=household.number), read_only)
    assert refused.status_code == 403
    assert "protect" in refused.json()["detail"]
    assert SECRET_NOTE not in refused.content.decode()


def test_a_read_token_of_a_protection_officer_does_not_read_sensitive_needs(
    client, officer_and_household
):
    officer, household = officer_and_household
    read_only = create_token(officer, "reader", ["read"])[1]
    body = _get(client, f"/api/v1/households/{household.number}", read_only).json()
    assert [m["specific_needs"] for m in body["members"]] == [["DS"]]


def test_a_protect_token_reads_what_the_protect_label_names(client, officer_and_household):
    officer, household = officer_and_household
    secret = create_token(officer, "casework tablet", ["read", "protect"])[1]
    notes = _get(client, f"/api/v1/households/{household.number}/protection", secret)
    assert notes.status_code == 200
    assert [n["text"] for n in notes.json()["notes"]] == [SECRET_NOTE]
    assert _get(client, "/api/v1/tracing-requests", secret).status_code == 200
    body = _get(client, f"/api/v1/households/{household.number}", secret).json()
    assert [m["specific_needs"] for m in body["members"]] == [["DS", "SV"]]
