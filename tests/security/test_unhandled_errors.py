"""Issue 10, item 10: requests that answered an unhandled 500 (HTML even to API clients): a
lone surrogate in a name (SQLite), a NUL byte (PostgreSQL) in registration, search and a
household path, page and site numbers no column holds, an audit date at the end of time, and
a database locked for longer than the wait. Each is now a clear 4xx, or a 503 with
Retry-After for the lock; JSON for API clients."""

from __future__ import annotations

import json

import pytest
from django.db import OperationalError
from django.urls import reverse

from edgecamp.registry import api as registry_api
from edgecamp.registry import queries
from edgecamp.registry.models import Household, Individual
from tests.registry.factories import make_household

pytestmark = pytest.mark.django_db

TOO_BIG = "99999999999999999999"


def _register(client, site, **person):
    body = {
        "site": site.pk,
        "members": [
            {
                "relationship": "focal_point",
                "sex": "female",
                "given_name": "Amina",
                "family_name": "Haroun",
                **person,
            }
        ],
        "duplicates_confirmed_reason": "tested",
    }
    # json.dumps writes a lone surrogate as the escape \ud800, as an attacker's client would.
    return client.post("/api/v1/households", json.dumps(body), content_type="application/json")


@pytest.mark.parametrize("name", ["Ami\ud800na", "Ami\x00na"])
def test_unstorable_characters_in_a_name_are_a_422_naming_the_field(logged_in_client, site, name):
    response = _register(logged_in_client, site, given_name=name)
    assert response.status_code == 422
    assert "members.0.given_name" in response.json()["errors"]
    assert not Individual.objects.exists()


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/households?q=Ami%00na",
        "/households/?q=Ami%00na",
        "/api/v1/households/EDG-%00/",
        "/households/EDG-%00/",
    ],
)
def test_a_nul_byte_in_a_search_or_a_path_is_a_400(logged_in_client, site, url):
    make_household(site)
    response = logged_in_client.get(url)
    assert response.status_code == 400
    if url.startswith("/api/"):
        assert "NUL" in response.json()["detail"]


def test_a_nul_byte_in_a_form_post_is_a_400(logged_in_client, site):
    response = logged_in_client.post(
        reverse("household-register"),
        "members-0-given_name=A%00",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    assert not Household.objects.exists()


@pytest.mark.parametrize(("param", "field"), [("page", "page"), ("site", "site")])
def test_numbers_beyond_any_column_are_a_422_naming_the_parameter(
    logged_in_client, site, param, field
):
    response = logged_in_client.get("/api/v1/households", {param: TOO_BIG})
    assert response.status_code == 422
    assert field in response.json()["errors"]


@pytest.mark.parametrize(
    "url",
    [
        f"/households/?site={TOO_BIG}",
        f"/households/?page={TOO_BIG}",
        f"/households/new/shelters/?site={TOO_BIG}",
        f"/audit/?before={TOO_BIG}",
        f"/api/v1/individuals/{TOO_BIG}",
    ],
)
def test_numbers_beyond_any_column_in_pages_are_not_a_500(logged_in_client, site, url):
    response = logged_in_client.get(url)
    assert 200 <= response.status_code < 500


def test_an_audit_date_at_the_end_of_time_is_a_field_error(logged_in_client):
    response = logged_in_client.get(reverse("audit-log"), {"until": "9999-12-31"})
    assert response.status_code == 200
    assert "Enter a date between" in response.content.decode()


@pytest.fixture
def locked_database(monkeypatch):
    def locked(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(queries, "search_households", locked)
    monkeypatch.setattr(registry_api.queries, "search_households", locked)


def test_a_locked_database_answers_api_clients_a_json_503_with_retry_after(
    logged_in_client, locked_database
):
    response = logged_in_client.get("/api/v1/households")
    assert response.status_code == 503
    assert response["Retry-After"].isdigit()
    assert "busy" in response.json()["detail"]


def test_a_locked_database_answers_people_a_page_saying_to_try_again(
    logged_in_client, locked_database
):
    response = logged_in_client.get(reverse("household-list"))
    assert response.status_code == 503
    assert response["Retry-After"].isdigit()
    assert "Try again" in response.content.decode()
