"""Issue 10, item 11: implausible input was stored. NUL and ESC in names (SQLite), a family
name made only of a zero-width character counted as a name, and dates of 0001-01-01 were
accepted for the registration, a document's and a lot's expiry and a pledge. Every free-text
field of the forms and the API now goes through one cleaning rule (core.text) and every date
through a plausible range for its kind (core.dates), with errors naming the field."""

from __future__ import annotations

import pytest
from django.urls import reverse

from edgecamp.core.text import TextRefused, clean_text
from edgecamp.registry.models import Household, Individual
from edgecamp.stock.models import Movement, Pledge
from tests.partners.factories import make_organisation
from tests.registry.test_pages import _post_data
from tests.stock.factories import make_item, make_warehouse

pytestmark = pytest.mark.django_db

ANCIENT = "0001-01-01"


def _person(**fields):
    return {"relationship": "focal_point", "sex": "female", "given_name": "Amina", **fields}


def _register(client, site, person=None, **household):
    body = {
        "site": site.pk,
        "members": [person or _person()],
        "duplicates_confirmed_reason": "tested",
        **household,
    }
    return client.post("/api/v1/households", body, content_type="application/json")


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("  Amina   Haroun ", "Amina Haroun"),
        ("Ami\u200bna", "Amina"),  # zero-width space
        ("\u202eanimA", "animA"),  # right-to-left override
        ("\ufeffAmina", "Amina"),  # byte-order mark
        ("Cafe\u0301", "Caf\u00e9"),  # NFC
        ("\u200c", ""),  # a joiner alone is nothing
        (
            "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645",
            "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645",
        ),
    ],
)
def test_text_cleaning_rule(raw, clean):
    assert clean_text(raw) == clean


@pytest.mark.parametrize("raw", ["A\x00", "A\x1b[31m", "A\ud800", "A\x7f"])
def test_text_cleaning_refuses_control_characters(raw):
    with pytest.raises(TextRefused):
        clean_text(raw)


def test_notes_keep_their_line_breaks():
    assert clean_text("first\r\n\r\n\r\n  second  line", multiline=True) == "first\n\nsecond line"


@pytest.mark.parametrize("name", ["Amina\x1b[2J", "Amina\x00"])
def test_control_characters_in_a_name_are_refused_by_the_api(logged_in_client, site, name):
    response = _register(logged_in_client, site, _person(family_name=name))
    assert response.status_code == 422
    assert "members.0.family_name" in response.json()["errors"]
    assert not Individual.objects.exists()


def test_control_characters_in_a_name_are_refused_by_the_form(logged_in_client, site):
    data = _post_data(site, [_person(family_name="Haroun\x1b")])
    response = logged_in_client.post(reverse("household-register"), data)
    assert response.status_code == 200
    assert "control characters" in response.content.decode()
    assert not Individual.objects.exists()


def test_a_zero_width_name_is_no_name(logged_in_client, site):
    response = _register(logged_in_client, site, _person(given_name="", family_name="\u200b"))
    assert response.status_code == 422
    assert "members.0.given_name" in response.json()["errors"]
    assert not Individual.objects.exists()


def test_names_are_stored_clean(logged_in_client, site):
    response = _register(logged_in_client, site, _person(family_name="Ha\u200broun  Cafe\u0301"))
    assert response.status_code == 201
    assert Individual.objects.get().family_name == "Haroun Caf\u00e9"


@pytest.mark.parametrize(
    ("household", "person", "field"),
    [
        ({"registration_date": ANCIENT}, {}, "registration_date"),
        (
            {},
            {"documents": [{"type": "passport", "number": "P1", "expires_on": ANCIENT}]},
            "members.0.documents.0.expires_on",
        ),
        (
            {},
            {"documents": [{"type": "passport", "number": "P1", "expires_on": "2999-01-01"}]},
            "members.0.documents.0.expires_on",
        ),
    ],
)
def test_implausible_registration_dates_are_refused(
    logged_in_client, site, household, person, field
):
    response = _register(logged_in_client, site, _person(**person), **household)
    assert response.status_code == 422
    assert list(response.json()["errors"]) == [field]
    assert not Household.objects.exists()


def test_an_implausible_lot_expiry_is_refused(logged_in_client, site):
    warehouse = make_warehouse(site)
    item = make_item(tracks_expiry=True)
    body = {
        "warehouse": warehouse.pk,
        "item": item.pk,
        "quantity": "10",
        "lot_code": "L1",
        "expires_on": ANCIENT,
    }
    response = logged_in_client.post(
        "/api/v1/stock/receipts", body, content_type="application/json"
    )
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["expires_on"]
    assert not Movement.objects.exists()


def test_an_implausible_pledge_date_is_refused(logged_in_client, site):
    body = {
        "donor": make_organisation().pk,
        "destination": make_warehouse(site).pk,
        "pledged_on": ANCIENT,
        "lines": [{"item": make_item().pk, "quantity": "5"}],
    }
    response = logged_in_client.post("/api/v1/pledges", body, content_type="application/json")
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["pledged_on"]
    assert not Pledge.objects.exists()
