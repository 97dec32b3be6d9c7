"""Issue 10, item 4: the duplicate check raced. Two identical registrations sent at the same
moment both passed the desk check and were both saved; six at once gave two households with
one national ID number. Now the check runs again inside the registering transaction, under a
lock per likely-duplicate key, and one document number belongs to one active record."""

from __future__ import annotations

import threading
from datetime import date
from typing import Any

import pytest
from django.db import connection, connections
from django.db.transaction import atomic
from django.urls import reverse

from edgecamp.accounts.roles import Role
from edgecamp.core.access import scope_for
from edgecamp.registry import duplicates, services
from edgecamp.registry.duplicates import PossibleDuplicates, reset_desk_index
from edgecamp.registry.models import Household, IdentityDocument
from edgecamp.registry.services import DocumentInput, register_household
from tests.accounts.factories import make_user
from tests.registry.factories import household_input, member
from tests.registry.test_pages import _post_data

pytestmark = pytest.mark.django_db

PERSON = {
    "given_name": "Mohammed",
    "family_name": "Haroun",
    "sex": "male",
    "date_of_birth": "1980-05-02",
    "relationship": "focal_point",
    "nationality": "SDN",
}
HOUSEHOLD = {"place_of_origin": "Nyala", "phone": "+235 66 12 34 56"}
NATIONAL_ID = {"type": "national_id", "number": "SDN-4455667788"}


def _person_input() -> services.MemberInput:
    return member(
        given_name="Mohammed",
        family_name="Haroun",
        sex="male",
        date_of_birth=date(1980, 5, 2),
        documents=[DocumentInput(type="national_id", number="SDN-4455667788")],
    )


@pytest.fixture(autouse=True)
def _fresh_index():
    reset_desk_index()
    yield
    reset_desk_index()


@pytest.fixture
def clerk(site):
    return make_user("desk-clerk", role=Role.REGISTRATION_CLERK, sites=[site])


@pytest.fixture
def other_desk_between_check_and_save(monkeypatch, site):
    """The other desk saves the same person just after this desk's check found nothing: the
    moment two simultaneous registrations meet."""
    original = duplicates.household_matches
    calls = []

    def check_then_other_desk_saves(data: Any, **kwargs: Any) -> Any:
        found = original(data, **kwargs)
        if not calls:
            register_household(household_input(site, members=[_person_input()], **HOUSEHOLD))
        calls.append(data)
        return found

    monkeypatch.setattr(duplicates, "household_matches", check_then_other_desk_saves)


def test_api_second_of_two_simultaneous_registrations_is_a_possible_duplicate(
    client, clerk, site, other_desk_between_check_and_save
):
    client.force_login(clerk)
    body = {"site": site.pk, **HOUSEHOLD, "members": [PERSON]}
    response = client.post("/api/v1/households", body, content_type="application/json")
    assert response.status_code == 409
    assert response.json()["members"][0]["matches"][0]["given_name"] == "Mohammed"
    assert Household.objects.count() == 1


def test_form_second_of_two_simultaneous_registrations_shows_the_match(
    client, clerk, site, other_desk_between_check_and_save
):
    client.force_login(clerk)
    data = _post_data(site, [PERSON], **HOUSEHOLD)
    response = client.post(reverse("household-register"), data)
    assert response.status_code == 200
    assert "Mohammed" in response.content.decode()
    assert Household.objects.count() == 1


def test_one_document_number_is_one_active_record(client, clerk, site):
    register_household(household_input(site, members=[_person_input()]))
    client.force_login(clerk)
    someone_else = {
        **PERSON,
        "documents": [NATIONAL_ID],
        "given_name": "Ibrahim",
        "family_name": "Adam",
        "date_of_birth": "1992-11-20",
    }
    body = {
        "site": site.pk,
        "members": [someone_else],
        "duplicates_confirmed_reason": "Checked: different person",
    }
    response = client.post("/api/v1/households", body, content_type="application/json")
    assert response.status_code == 409
    assert "members.0.documents.0.number" in response.json()["errors"]
    assert Household.objects.count() == 1


def test_the_constraint_refusal_names_the_document(site):
    """A document saved by another desk after this one checked: the constraint refuses it and
    the error names the field, not an IntegrityError."""
    register_household(household_input(site, members=[_person_input()]))
    data = household_input(
        site, members=[member(documents=[DocumentInput("national_id", "SDN-4455667788")])]
    )
    holder = Household.objects.get().members.get()
    members = list(enumerate(data.members))
    with (
        pytest.raises(services.DocumentAlreadyRegistered) as refused,
        services.refusing_held_documents(members),
        atomic(),
    ):
        IdentityDocument.objects.create(
            individual=holder, type="national_id", number="SDN-4455667788"
        )
    assert list(refused.value.errors) == ["members.0.documents.0.number"]


DESKS = 6


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_six_identical_registrations_at_once_save_one(site):
    if connection.vendor != "postgresql":
        pytest.skip("real concurrency is exercised in the PostgreSQL run")
    clerk = make_user("desk-clerk", role=Role.REGISTRATION_CLERK, sites=[site])
    scope = scope_for(clerk)
    duplicates.likely_matches(_person_input(), scope=scope)  # the index built once, before
    barrier = threading.Barrier(DESKS)
    outcomes: list[str] = []
    failures: list[BaseException] = []

    def desk() -> None:
        try:
            barrier.wait()
            data = household_input(site, members=[_person_input()], **HOUSEHOLD)
            duplicates.register_unless_duplicate(data, scope=scope, registered_by=clerk)
            outcomes.append("saved")
        except PossibleDuplicates:
            outcomes.append("possible duplicate")
        except BaseException as exc:  # reported below
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=desk) for _ in range(DESKS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not failures, failures
    assert sorted(outcomes) == ["possible duplicate"] * (DESKS - 1) + ["saved"]
    assert Household.objects.count() == 1
    assert IdentityDocument.objects.filter(number="SDN-4455667788").count() == 1
