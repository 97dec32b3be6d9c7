"""Names in the person's own script (issue 13: "given and family names may be entered in
Arabic script beside the Latin transliteration, searchable in both"): registered from the form
and the API, corrected from the page and PATCH, shown on the household page, read-only in the
admin, and found by the household search typed in Arabic however it is vowelled or spelt.
Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.urls import reverse

from edgecamp.core.access import Role
from edgecamp.registry.models import Individual, LifeEvent
from edgecamp.registry.queries import search_households
from tests.registry.factories import make_household, member
from tests.registry.test_pages import FOCAL_POINT, _post_data

pytestmark = pytest.mark.django_db


def _numbers(query, **kwargs):
    return [h.number for h in search_households(query, **kwargs)]


@pytest.fixture
def fatima(site):
    return make_household(
        site,
        members=[
            member(
                given_name="Fatima",
                family_name="Adam Ishag",
                given_name_local="فاطمة",
                family_name_local="آدم إسحاق",
            )
        ],
    )


def test_a_search_typed_in_arabic_finds_the_arabic_names_however_written(site, fatima):
    other = make_household(
        site, members=[member(given_name="Mahmoud", given_name_local="محمود", sex="male")]
    )
    mohammed = make_household(
        site,
        members=[
            member(
                given_name="Mohammed",
                family_name="Abdelrahman",
                given_name_local="مُحَمَّد",
                family_name_local="عبد الرحمن",
                sex="male",
                date_of_birth=date(1979, 6, 1),
            )
        ],
    )
    assert _numbers("فاطمة") == [fatima.number]  # as written
    assert _numbers("فاطمه") == [fatima.number]  # ta marbuta typed as ha
    assert _numbers("فَاطِمَة آدَم") == [fatima.number]  # harakat
    assert _numbers("فـاطـمـة") == [fatima.number]  # tatweel
    assert _numbers("أدم إسحاق") == [fatima.number]  # alef and hamza forms
    assert _numbers("محمد") == [mohammed.number]  # not Mahmoud (محمود)
    assert _numbers("محمد عبدالرحمن") == [mohammed.number]  # Abd written together
    assert _numbers("محمود") == [other.number]
    # The Latin names are searched as before.
    assert _numbers("Fatma Adam") == [fatima.number]


def test_the_api_and_the_page_search_arabic_names(client_as, site, fatima):
    clerk = client_as(Role.REGISTRATION_CLERK, [site])
    found = clerk.get("/api/v1/households", {"q": "فاطمه"}).json()
    assert [h["number"] for h in found["items"]] == [fatima.number]
    page = clerk.get("/households/", {"q": "فاطمه"}).content.decode()
    assert fatima.number in page
    assert "فاطمة آدم إسحاق" in page  # the focal point in both scripts


def test_registered_from_the_form_and_shown_on_the_household_page(logged_in_client, site):
    focal = {**FOCAL_POINT, "given_name_local": " فاطمة ", "family_name_local": "أبكر"}
    response = logged_in_client.post(
        reverse("household-register"), _post_data(site, [focal]), follow=True
    )
    assert response.status_code == 200
    person = Individual.objects.get()
    assert (person.given_name_local, person.family_name_local) == ("فاطمة", "أبكر")
    html = response.content.decode()
    assert '<bdi class="own-script" dir="auto">فاطمة أبكر</bdi>' in html
    form = logged_in_client.get(reverse("household-register")).content.decode()
    assert 'name="members-0-given_name_local"' in form
    assert 'dir="auto"' in form


def test_a_name_too_long_is_refused_on_its_field(logged_in_client, site):
    from tests.registry.test_api import _payload, _post

    body = _payload(site)
    body["members"][0]["family_name_local"] = "ب" * 101
    answer = _post(logged_in_client, body)
    assert answer.status_code == 422
    assert "members.0.family_name_local" in answer.json()["errors"]


def test_registered_and_read_through_the_api(logged_in_client, site):
    from tests.registry.test_api import _payload, _post

    body = _payload(site)
    body["members"][0] |= {"given_name_local": "أمينة", "family_name_local": "هارون"}
    answer = _post(logged_in_client, body)
    assert answer.status_code == 201, answer.json()
    focal = answer.json()["members"][0]
    assert (focal["given_name_local"], focal["family_name_local"]) == ("أمينة", "هارون")
    read = logged_in_client.get(f"/api/v1/individuals/{focal['id']}").json()
    assert read["given_name_local"] == "أمينة"
    schema = logged_in_client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert "given_name_local" in schema["MemberIn"]["properties"]


def test_corrected_by_patch_with_the_value_before_and_found_by_the_new_name(
    client_as, site, fatima
):
    clerk = client_as(Role.REGISTRATION_CLERK, [site])
    person = fatima.members.get()
    url = f"/api/v1/individuals/{person.pk}"
    etag = clerk.get(url)["ETag"]
    answer = clerk.patch(
        url,
        json.dumps({"reason": "data_error", "given_name_local": "فاطنة"}),
        content_type="application/json",
        HTTP_IF_MATCH=etag,
    )
    assert answer.status_code == 200, answer.content
    assert answer.json()["given_name_local"] == "فاطنة"
    event = LifeEvent.objects.get(kind="correction")
    assert {"field": "given_name_local", "before": "فاطمة", "after": "فاطنة"}.items() <= next(
        c for c in event.data["changes"] if c["field"] == "given_name_local"
    ).items()
    assert _numbers("فاطنة") == [fatima.number]
    assert _numbers("فاطمة") == []


def test_corrected_from_the_page(client_as, site, fatima):
    from tests.registry.test_correction_pages import _form_data, _person_url

    clerk = client_as(Role.REGISTRATION_CLERK, [site])
    person = fatima.members.get()
    url = _person_url(fatima, person)
    data = _form_data(clerk.get(url).content.decode())
    assert data["given_name_local"] == "فاطمة"
    data |= {"family_name_local": "آدم", "reason": "data_error"}
    assert clerk.post(url, data).status_code == 302
    person.refresh_from_db()
    assert person.family_name_local == "آدم"
    history = clerk.get(f"/households/{fatima.number}/").content.decode()
    assert "Family name in own script" in history


def test_the_admin_shows_them_and_changes_nothing(admin_client, fatima):
    person = fatima.members.get()
    page = admin_client.get(f"/admin/registry/individual/{person.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "فاطمة" in html
    assert 'name="given_name_local"' not in html  # shown, not an input
