"""The REST API under /api/v1: authentication, search, registration and its errors, reads,
the OpenAPI schema. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import secrets
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from edgecamp.registry.models import (
    Household,
    HouseholdNumberSequence,
    IdentityDocument,
    Individual,
    LifeEvent,
    Membership,
    SpecificNeedRecord,
)
from edgecamp.sites.models import Site
from tests.accounts.factories import make_user
from tests.registry.factories import make_household, member
from tests.sites.factories import make_shelter, make_site

pytestmark = pytest.mark.django_db

ROUTES = [
    ("get", "/api/v1/sites"),
    ("get", "/api/v1/sites/1"),
    ("get", "/api/v1/households"),
    ("get", "/api/v1/households?q=amina"),
    ("post", "/api/v1/households"),
    ("get", "/api/v1/households/EDG-000001"),
    ("get", "/api/v1/individuals/1"),
    ("get", "/api/v1/openapi.json"),
]


def _row_counts() -> dict[str, int]:
    models = [Household, Individual, Membership, SpecificNeedRecord, IdentityDocument, LifeEvent]
    return {m.__name__: m.objects.count() for m in models}


def _members() -> list[dict[str, Any]]:
    return [
        {
            "relationship": "focal_point",
            "sex": "female",
            "given_name": "Amina",
            "family_name": "Haroun",
            "date_of_birth": "1988-03-14",
            "nationality": "SDN",
        },
        {
            "relationship": "child",
            "sex": "male",
            "given_name": "Yusuf",
            "family_name": "Haroun",
            "date_of_birth": "2015-01-01",
            "date_of_birth_precision": "estimated",
            "specific_needs": ["DS"],
            "documents": [{"type": "birth_certificate", "number": "BC-1"}],
        },
    ]


def _payload(at: Site, /, **overrides: Any) -> dict[str, Any]:
    """The JSON twin of factories.household_input."""
    body: dict[str, Any] = {
        "site": at.pk,
        "place_of_origin": "Al Fashir",
        "phone": "+249 912 345 678",
        "language": "ar",
        "registration_desk": "desk-1",
        "members": _members(),
    }
    body.update(overrides)
    return body


def _post(client: Client, body: dict[str, Any], **extra: Any) -> Any:
    return client.post("/api/v1/households", body, content_type="application/json", **extra)


# --- Authentication ----------------------------------------------------------------------------


@pytest.mark.parametrize(("method", "url"), ROUTES)
def test_anonymous_calls_get_a_json_401_not_the_login_page(client, site, method, url):
    kwargs = (
        {"content_type": "application/json", "data": _payload(site)} if method == "post" else {}
    )
    response = getattr(client, method)(url, **kwargs)

    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert "sign in" in response.json()["detail"]
    assert Household.objects.count() == 0


def test_anonymous_docs_page_goes_to_login(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/api/v1/docs")


def test_session_post_without_csrf_token_is_refused(site, admin_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    before = _row_counts()

    refused = _post(client, _payload(site))
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    assert _row_counts() == before

    token = secrets.token_hex(16)  # a 32-character CSRF secret, as Django issues in the cookie
    client.cookies["csrftoken"] = token
    accepted = _post(client, _payload(site), HTTP_X_CSRFTOKEN=token)
    assert accepted.status_code == 201, accepted.json()


# --- Sites -------------------------------------------------------------------------------------


def test_sites_list_with_counts(logged_in_client, site):
    make_shelter(site)
    make_shelter(site, block_code="B")
    make_household(site)
    departed = make_household(site)
    Household.objects.filter(pk=departed.pk).update(status=Household.Status.DEPARTED)
    make_site(name="Zalingei", code="zalingei")

    response = logged_in_client.get("/api/v1/sites")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    kalma, zalingei = body["items"]
    assert kalma["name"] == "Kalma North"
    assert kalma["code"] == "kalma-n"
    assert kalma["type"] == "planned_camp"
    assert (kalma["latitude"], kalma["longitude"], kalma["area_m2"]) == (12.5, 15.25, 450_000)
    assert (kalma["block_count"], kalma["shelter_count"], kalma["active_household_count"]) == (
        2,
        2,
        1,
    )
    assert (zalingei["block_count"], zalingei["active_household_count"]) == (0, 0)


def test_site_detail_counts_active_people(logged_in_client, site):
    make_household(site)
    make_household(site, members=[member()])

    response = logged_in_client.get(f"/api/v1/sites/{site.pk}")

    assert response.status_code == 200
    assert response.json()["active_people_count"] == 3
    assert response.json()["active_household_count"] == 2


# --- Households: list and search ---------------------------------------------------------------


@pytest.fixture
def three_households(site):
    other_site = make_site(name="Zalingei", code="zalingei")
    return [
        make_household(site, members=[member(given_name="Éloïse", family_name="N'Diaye")]),
        make_household(site),
        make_household(other_site, members=[member(given_name="Eloise", family_name="Abakar")]),
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["EDG-000003", "EDG-000002", "EDG-000001"]),
        ("eloise", ["EDG-000001", "EDG-000003"]),
        ("ÉLOÏSE n'diaye", ["EDG-000001"]),
        ("yusuf haroun", ["EDG-000002"]),
        ("EDG-000002", ["EDG-000002"]),
        ("000003", ["EDG-000003"]),
        ("nobody", []),
    ],
)
def test_search_by_name_or_number(logged_in_client, three_households, query, expected):
    response = logged_in_client.get("/api/v1/households", {"q": query})

    assert response.status_code == 200
    body = response.json()
    assert [h["number"] for h in body["items"]] == expected
    assert body["count"] == len(expected)


def test_search_within_a_site(logged_in_client, three_households, site):
    response = logged_in_client.get("/api/v1/households", {"q": "eloise", "site": site.pk})

    items = response.json()["items"]
    assert [h["number"] for h in items] == ["EDG-000001"]
    assert items[0]["site"] == {"id": site.pk, "code": "kalma-n", "name": "Kalma North"}
    assert items[0]["focal_point"]["given_name"] == "Éloïse"
    assert items[0]["registration_date"] == date.today().isoformat()


@pytest.mark.parametrize(
    ("params", "numbers"),
    [
        ({"page_size": 2}, ["EDG-000005", "EDG-000004"]),
        ({"page_size": 2, "page": 3}, ["EDG-000001"]),
        ({"page_size": 2, "page": 4}, []),
        (
            {"page_size": 1000},
            ["EDG-000005", "EDG-000004", "EDG-000003", "EDG-000002", "EDG-000001"],
        ),
    ],
)
def test_pagination_reports_the_count_and_pages(logged_in_client, site, params, numbers):
    for _ in range(5):
        make_household(site, members=[member()])

    body = logged_in_client.get("/api/v1/households", params).json()

    assert body["count"] == 5
    assert [h["number"] for h in body["items"]] == numbers


def test_page_size_is_capped_at_100(logged_in_client, site):
    # One bulk insert: the cap is about the response, not about registration.
    Household.objects.bulk_create(
        Household(number=f"T-{n:04d}", site=site, registration_date=date(2024, 1, 1))
        for n in range(101)
    )
    body = logged_in_client.get("/api/v1/households", {"page_size": 500}).json()
    assert body["count"] == 101
    assert len(body["items"]) == 100


@pytest.mark.parametrize("params", [{"page": 0}, {"page_size": 0}, {"site": "kalma"}])
def test_bad_list_parameters_are_422_with_their_name(logged_in_client, params):
    response = logged_in_client.get("/api/v1/households", params)

    assert response.status_code == 422
    assert set(response.json()["errors"]) == set(params)


def _queries_for(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_lists_do_not_query_per_row(logged_in_client, site):
    """A million-person registry must not cost a query per household or per site."""
    urls = ["/api/v1/households", "/api/v1/sites"]
    make_household(site, shelter_id=make_shelter(site).pk)
    few = [_queries_for(logged_in_client, url) for url in urls]
    for _ in range(4):
        other = make_site()
        make_household(other, shelter_id=make_shelter(other).pk)
    assert [_queries_for(logged_in_client, url) for url in urls] == few


def test_details_do_not_query_per_member(logged_in_client, site):
    def household_of(size: int) -> Household:
        children = [
            member(relationship="child", given_name=f"Child {n}", specific_needs=["DS", "SM"])
            for n in range(size - 1)
        ]
        return make_household(site, members=[member(), *children])

    small, large = household_of(1), household_of(6)
    assert _queries_for(logged_in_client, f"/api/v1/households/{small.number}") == _queries_for(
        logged_in_client, f"/api/v1/households/{large.number}"
    )
    assert _queries_for(logged_in_client, f"/api/v1/individuals/{small.focal_point_id}") == (
        _queries_for(logged_in_client, f"/api/v1/individuals/{large.focal_point_id}")
    )


# --- Households: register ----------------------------------------------------------------------


def test_register_household(logged_in_client, site, admin_user):
    shelter = make_shelter(site)

    response = _post(logged_in_client, _payload(site, shelter=shelter.pk))

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["number"] == "EDG-000001"
    assert body["shelter"] == {"id": shelter.pk, "code": shelter.code, "block": "A"}
    assert body["registered_by"] == "manager"
    assert [m["given_name"] for m in body["members"]] == ["Amina", "Yusuf"]
    child = body["members"][1]
    assert child["date_of_birth"] == "2015-01-01"
    assert child["specific_needs"] == ["DS"]
    document = IdentityDocument.objects.get(number="BC-1")
    assert child["documents"] == [
        {
            "uuid": str(document.uuid),
            "type": "birth_certificate",
            "number": "BC-1",
            "issuing_country": "",
            "expires_on": None,
        }
    ]
    assert body["focal_point"]["id"] == body["members"][0]["id"]
    assert [(c["old_status"], c["new_status"]) for c in body["status_history"]] == [("", "active")]
    assert len(body["membership_history"]) == 2

    household = Household.objects.get(number="EDG-000001")
    assert household.registered_by == admin_user
    assert household.members.count() == 2
    assert household.site == site


def _with_member(index: int, **changes: Any) -> dict[str, Any]:
    members = _members()
    members[index] = {**members[index], **changes}
    return {"members": members}


IN_TWO_DAYS = (date.today() + timedelta(days=2)).isoformat()


@pytest.mark.parametrize(
    ("overrides", "path", "fragment"),
    [
        # refused by the registration service
        (_with_member(1, date_of_birth=IN_TWO_DAYS), "members.1.date_of_birth", "future"),
        (_with_member(0, relationship="spouse"), "members", "exactly one member"),
        ({"site": 999_999}, "site", "site that exists"),
        (_with_member(0, nationality="XYZ"), "members.0.nationality", "ISO 3166"),
        (_with_member(1, sex="f"), "members.1.sex", "female, male"),
        (_with_member(1, specific_needs=["ZZ"]), "members.1.specific_needs", "“ZZ”"),
        ({"members": []}, "members", "at least one member"),
        ({"phone": "call me"}, "phone", "digits"),
        # refused while parsing the request
        (_with_member(1, date_of_birth="2015-13-45"), "members.1.date_of_birth", "valid date"),
        (_with_member(1, date_of_birth="01/02/2015"), "members.1.date_of_birth", "valid date"),
        ({"registration_date": "yesterday"}, "registration_date", "valid date"),
        ({"site": "kalma"}, "site", "valid integer"),
        ({"members": "Amina"}, "members", "valid list"),
        (_with_member(0, given_name=42), "members.0.given_name", "valid string"),
        ({"site_id": 1}, "site_id", "Extra inputs"),
        ({"registration_desk": "d" * 41}, "registration_desk", "at most 40"),
    ],
)
def test_invalid_registration_is_422_with_field_paths_and_writes_nothing(
    logged_in_client, site, overrides, path, fragment
):
    before = _row_counts()

    response = _post(logged_in_client, _payload(site, **overrides))

    assert response.status_code == 422
    body = response.json()
    assert body["detail"]
    assert path in body["errors"], body
    assert fragment in " ".join(body["errors"][path])
    assert _row_counts() == before
    assert not HouseholdNumberSequence.objects.filter(last_value__gt=0).exists()


def test_every_invalid_field_is_reported_at_once(logged_in_client, site):
    body = _payload(site, phone="??")
    body["members"][0]["sex"] = "x"
    body["members"][1]["nationality"] = "QQQ"

    response = _post(logged_in_client, body)

    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"members.0.sex", "members.1.nationality", "phone"}


def test_missing_required_fields_are_named(logged_in_client):
    response = _post(logged_in_client, {"members": [{"given_name": "Amina"}]})

    assert response.status_code == 422
    assert set(response.json()["errors"]) == {
        "site",
        "members.0.relationship",
        "members.0.sex",
    }


def test_unparseable_body_is_400(logged_in_client):
    response = logged_in_client.post(
        "/api/v1/households", "{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert Household.objects.count() == 0


# --- Households and individuals: read ----------------------------------------------------------


def test_household_detail(logged_in_client, site):
    household = make_household(site)

    response = logged_in_client.get(f"/api/v1/households/{household.number}")

    assert response.status_code == 200
    body = response.json()
    assert body["number"] == household.number
    assert body["site"]["id"] == site.pk
    assert body["shelter"] is None
    assert body["phone"] == "+249 912 345 678"
    assert [m["relationship"] for m in body["members"]] == ["focal_point", "child"]
    assert body["members"][1]["specific_needs"] == ["DS"]
    assert body["status_history"][0]["new_status"] == "active"


def test_unknown_household_is_404_with_a_clear_message(logged_in_client):
    response = logged_in_client.get("/api/v1/households/EDG-999999")

    assert response.status_code == 404
    assert "EDG-999999" in response.json()["detail"]


def test_individual_detail(logged_in_client, site):
    household = make_household(site)
    child = household.members.get(given_name="Yusuf")

    response = logged_in_client.get(f"/api/v1/individuals/{child.pk}")

    assert response.status_code == 200
    body = response.json()
    assert body["id"] == child.pk
    assert (body["given_name"], body["family_name"]) == ("Yusuf", "Haroun")
    assert body["date_of_birth_precision"] == "estimated"
    assert body["household"] == {
        "number": household.number,
        "uuid": str(household.uuid),
        "site": {"id": site.pk, "code": "kalma-n", "name": "Kalma North"},
    }
    assert body["documents"][0]["number"] == child.documents.get().number
    assert body["membership_history"][0]["household"] == household.number
    assert body["membership_history"][0]["ended_on"] is None


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/api/v1/individuals/999999", 404),
        ("/api/v1/sites/999999", 404),
        ("/api/v1/individuals/yusuf", 422),
        ("/api/v1/sites/kalma", 422),
    ],
)
def test_unknown_ids(logged_in_client, url, status):
    response = logged_in_client.get(url)
    assert response.status_code == status
    assert response.json()["detail"]


# --- OpenAPI -----------------------------------------------------------------------------------


def test_openapi_schema_lists_every_route_with_documented_codes(logged_in_client):
    response = logged_in_client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    # The registry's routes; other apps' routes are checked by their tests, and every route's
    # access by tests/test_access_policy.py.
    paths = {path: set(ops) for path, ops in schema["paths"].items()}
    assert {
        "/api/v1/sites": {"get"},
        "/api/v1/sites/{site_id}": {"get"},
        "/api/v1/households": {"get", "post"},
        "/api/v1/households/{number}": {"get"},
        "/api/v1/individuals/{individual_id}": {"get"},
    }.items() <= paths.items()
    member_in = schema["components"]["schemas"]["MemberIn"]["properties"]
    assert "focal_point" in member_in["relationship"]["enum"]
    assert member_in["specific_needs"]["items"]["enum"][0] == "WR"
    assert member_in["date_of_birth"]["anyOf"][0]["format"] == "date"


def test_docs_page_for_signed_in_users(logged_in_client):
    response = logged_in_client.get("/api/v1/docs")
    assert response.status_code == 200
    assert b"openapi.json" in response.content
    assert b'data-api-csrf="true"' in response.content  # "Try it out" sends the CSRF token


def test_a_signed_in_user_with_a_role_may_use_the_api(client, site):
    client.force_login(make_user("clerk", role="registration_clerk", sites=[site]))
    assert client.get("/api/v1/households").status_code == 200
