"""PATCH /api/v1/households/{number} and /individuals/{id}: partial corrections, conditional on
If-Match (428 without, 412 when stale, 200 with a new ETag), refused input naming the field,
sensitive needs per role, the OpenAPI description. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from typing import Any

import pytest

from edgecamp.core.access import Role
from edgecamp.registry.models import Household, Individual, LifeEvent, SpecificNeedRecord
from tests.registry.factories import make_household, member

pytestmark = pytest.mark.django_db


def _patch(client: Any, url: str, body: dict[str, Any], etag: str | None) -> Any:
    headers = {"HTTP_IF_MATCH": etag} if etag is not None else {}
    return client.patch(url, json.dumps(body), content_type="application/json", **headers)


@pytest.fixture
def household(site) -> Household:
    return make_household(site)


@pytest.fixture
def clerk(client_as, site):
    return client_as(Role.REGISTRATION_CLERK, [site])


def test_get_sends_an_etag_that_changes_with_the_record(clerk, household):
    url = f"/api/v1/households/{household.number}"
    first = clerk.get(url)
    assert first.status_code == 200
    assert first["ETag"].startswith('"')
    assert clerk.get(url)["ETag"] == first["ETag"]
    answer = _patch(
        clerk, url, {"phone": "+249 911 000 111", "reason": "data_error"}, first["ETag"]
    )
    assert answer.status_code == 200, answer.content
    assert answer.json()["phone"] == "+249 911 000 111"
    assert answer["ETag"] != first["ETag"]
    assert clerk.get(url)["ETag"] == answer["ETag"]


def test_patch_without_if_match_is_428_and_writes_nothing(clerk, household):
    url = f"/api/v1/households/{household.number}"
    answer = _patch(clerk, url, {"phone": "+249 911 000 111", "reason": "data_error"}, None)
    assert answer.status_code == 428
    assert "If-Match" in answer.json()["errors"]
    household.refresh_from_db()
    assert household.phone == "+249 912 345 678"
    assert not LifeEvent.objects.filter(kind="correction").exists()


def test_stale_if_match_is_412_with_the_current_record(clerk, household):
    url = f"/api/v1/households/{household.number}"
    etag = clerk.get(url)["ETag"]
    first = _patch(clerk, url, {"phone": "+249 911 000 111", "reason": "data_error"}, etag)
    assert first.status_code == 200
    second = _patch(clerk, url, {"phone": "+249 922 000 222", "reason": "data_error"}, etag)
    assert second.status_code == 412
    assert second.json()["current"]["phone"] == "+249 911 000 111"
    assert second["ETag"] == first["ETag"]
    # With the ETag of the 412 the change goes through.
    third = _patch(
        clerk, url, {"phone": "+249 922 000 222", "reason": "data_error"}, second["ETag"]
    )
    assert third.status_code == 200
    assert third.json()["phone"] == "+249 922 000 222"


def test_star_matches_any_version(clerk, household):
    url = f"/api/v1/households/{household.number}"
    answer = _patch(clerk, url, {"language": "fr", "reason": "new_information"}, "*")
    assert answer.status_code == 200
    assert answer.json()["language"] == "fr"


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({"phone": "call me", "reason": "data_error"}, "phone"),
        ({"language": "klingon", "reason": "data_error"}, "language"),
        ({"place_of_origin": "x" * 121, "reason": "data_error"}, "place_of_origin"),
        ({"registration_desk": "d" * 41, "reason": "data_error"}, "registration_desk"),
        ({"phone": "+249 911 000 111", "reason": "because"}, "reason"),
        ({"phone": "+249 911 000 111", "reason": "other"}, "note"),
        ({"focal_point": 999999, "reason": "data_error"}, "focal_point"),
    ],
)
def test_household_refusals_name_the_field(clerk, household, body, path):
    url = f"/api/v1/households/{household.number}"
    etag = clerk.get(url)["ETag"]
    answer = _patch(clerk, url, {**body, "language": body.get("language", "ar")}, etag)
    assert answer.status_code == 422, answer.content
    assert path in answer.json()["errors"]
    household.refresh_from_db()
    assert household.phone == "+249 912 345 678"
    assert not LifeEvent.objects.filter(kind="correction").exists()


def test_focal_point_correction_sets_both_relationships(clerk, household):
    url = f"/api/v1/households/{household.number}"
    child = household.members.get(relationship="child")
    previous = household.focal_point
    etag = clerk.get(url)["ETag"]
    missing = _patch(clerk, url, {"focal_point": child.pk, "reason": "data_error"}, etag)
    assert "previous_focal_point_relationship" in missing.json()["errors"]
    answer = _patch(
        clerk,
        url,
        {
            "focal_point": child.pk,
            "previous_focal_point_relationship": "parent",
            "reason": "data_error",
        },
        etag,
    )
    assert answer.status_code == 200, answer.content
    assert answer.json()["focal_point"]["id"] == child.pk
    child.refresh_from_db()
    previous.refresh_from_db()
    assert (child.relationship, previous.relationship) == ("focal_point", "parent")
    assert child.memberships.get(ended_on__isnull=True).relationship == "focal_point"


def _individual_url(person: Individual) -> str:
    return f"/api/v1/individuals/{person.pk}"


def test_individual_patch_every_field(clerk, household):
    person = household.members.get(relationship="child")
    url = _individual_url(person)
    read = clerk.get(url)
    document = read.json()["documents"][0]
    body = {
        "reason": "new_information",
        "note": "Birth certificate seen",
        "given_name": "Youssef",
        "family_name": "Haroun Adam",
        "other_names": ["Yusuf"],
        "names_unknown": False,
        "sex": "male",
        "date_of_birth": "2015-06-02",
        "date_of_birth_precision": "exact",
        "nationality": "TCD",
        "relationship": "stepchild",
        "documents": [
            {"uuid": document["uuid"], "number": "BC-CORRECTED-1"},
            {"type": "passport", "number": "P-778899", "issuing_country": "TCD"},
        ],
        "specific_needs_added": ["SM"],
        "specific_needs_closed": ["DS"],
    }
    answer = _patch(clerk, url, body, read["ETag"])
    assert answer.status_code == 200, answer.content
    got = answer.json()
    assert (got["given_name"], got["family_name"], got["other_names"]) == (
        "Youssef",
        "Haroun Adam",
        ["Yusuf"],
    )
    assert (got["date_of_birth"], got["date_of_birth_precision"]) == ("2015-06-02", "exact")
    assert (got["nationality"], got["relationship"], got["specific_needs"]) == (
        "TCD",
        "stepchild",
        ["SM"],
    )
    assert sorted(d["number"] for d in got["documents"] if d["active"]) == [
        "BC-CORRECTED-1",
        "P-778899",
    ]
    event = LifeEvent.objects.get(kind="correction")
    fields = {c["field"] for c in event.data["changes"]}
    assert {"given_name", "family_name", "other_names", "date_of_birth", "nationality"} <= fields
    assert {"relationship", "date_of_birth_precision", "specific_needs"} <= fields
    given = next(c for c in event.data["changes"] if c["field"] == "given_name")
    assert (given["before"], given["after"]) == ("Yusuf", "Youssef")
    assert event.reason == "new_information"
    assert event.note == "Birth certificate seen"
    assert list(event.individuals.all()) == [person]

    # Withdraw the passport, unknown names.
    read = clerk.get(url)
    passport = next(d for d in read.json()["documents"] if d["type"] == "passport")
    answer = _patch(
        clerk,
        url,
        {
            "reason": "data_error",
            "names_unknown": True,
            "given_name": "",
            "family_name": "",
            "date_of_birth": None,
            "documents": [{"uuid": passport["uuid"], "withdraw": True}],
        },
        read["ETag"],
    )
    assert answer.status_code == 200, answer.content
    got = answer.json()
    assert got["names_unknown"] is True
    assert got["date_of_birth"] is None
    assert [d["number"] for d in got["documents"] if d["active"]] == ["BC-CORRECTED-1"]


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({"given_name": "", "family_name": ""}, "given_name"),
        ({"sex": "yes"}, "sex"),
        ({"date_of_birth": "2999-01-01"}, "date_of_birth"),
        ({"date_of_birth": "1850-01-01"}, "date_of_birth"),
        ({"date_of_birth_precision": "roughly"}, "date_of_birth_precision"),
        ({"nationality": "ZZZ"}, "nationality"),
        ({"relationship": "cousin"}, "relationship"),
        ({"relationship": "focal_point"}, "relationship"),
        ({"other_names": ["x" * 101]}, "other_names"),
        ({"documents": [{"type": "passport", "number": ""}]}, "documents.0.number"),
        ({"documents": [{"type": "visa", "number": "V1"}]}, "documents.0.type"),
        ({"documents": [{"uuid": "nope", "number": "X1"}]}, "documents.0.uuid"),
        ({"specific_needs_added": ["XX"]}, "specific_needs_added"),
        ({"specific_needs_closed": ["WR"]}, "specific_needs_closed"),
    ],
)
def test_individual_refusals_name_the_field(clerk, household, body, path):
    person = household.members.get(relationship="child")
    url = _individual_url(person)
    etag = clerk.get(url)["ETag"]
    before = clerk.get(url).json()
    answer = _patch(clerk, url, {"reason": "data_error", "given_name": "Changed", **body}, etag)
    assert answer.status_code == 422, answer.content
    assert path in answer.json()["errors"], answer.json()
    assert clerk.get(url).json() == before
    assert not LifeEvent.objects.filter(kind="correction").exists()


def test_a_document_held_by_somebody_else_is_refused(clerk, site, household):
    other = make_household(site, members=[member(given_name="Zeinab", family_name="Idris")])
    held = household.members.get(relationship="child").documents.get()
    person = other.members.get()
    url = _individual_url(person)
    body = {"reason": "data_error", "documents": [{"type": held.type, "number": held.number}]}
    answer = _patch(clerk, url, body, clerk.get(url)["ETag"])
    assert answer.status_code == 422
    assert household.number in answer.json()["errors"]["documents.0.number"][0]


def test_another_sites_record_is_404(client_as, household):
    elsewhere = client_as(Role.REGISTRATION_CLERK, [make_household().site])
    url = f"/api/v1/households/{household.number}"
    assert (
        _patch(elsewhere, url, {"phone": "+249 1", "reason": "data_error"}, "*").status_code == 404
    )
    person = household.members.first()
    answer = _patch(elsewhere, _individual_url(person), {"reason": "data_error"}, "*")
    assert answer.status_code == 404


def test_distribution_staff_may_not_correct(client_as, site, household):
    staff = client_as(Role.DISTRIBUTION_STAFF, [site])
    url = f"/api/v1/households/{household.number}"
    assert _patch(staff, url, {"phone": "+249 1", "reason": "data_error"}, "*").status_code == 403


# --- Protection-sensitive needs ------------------------------------------------------------------


def test_sensitive_needs_per_role(client_as, site, household):
    person = household.members.get(relationship="child")
    url = _individual_url(person)
    clerk = client_as(Role.REGISTRATION_CLERK, [site])
    officer = client_as(Role.PROTECTION_OFFICER, [site])
    manager = client_as(Role.CAMP_MANAGER, [site])

    # A clerk may record one, as at registration, and then no longer sees it.
    answer = _patch(clerk, url, {"reason": "new_information", "specific_needs_added": ["SV"]}, "*")
    assert answer.status_code == 200, answer.content
    assert "SV" not in answer.json()["specific_needs"]
    assert SpecificNeedRecord.objects.filter(individual=person, code="SV").exists()
    # ... nor may close it: answered as if it were not there.
    refused = _patch(clerk, url, {"reason": "data_error", "specific_needs_closed": ["SV"]}, "*")
    assert refused.status_code == 422
    assert "specific_needs_closed" in refused.json()["errors"]
    # The protection officer of the site sees and closes it.
    assert "SV" in officer.get(url).json()["specific_needs"]
    closed = _patch(
        officer,
        url,
        {"reason": "data_error", "specific_needs_closed": ["SV"]},
        officer.get(url)["ETag"],
    )
    assert closed.status_code == 200, closed.content
    assert "SV" not in closed.json()["specific_needs"]

    events = LifeEvent.objects.filter(kind="correction")
    assert events.count() == 2
    assert all(e.data.get("protection") for e in events)
    # Neither the manager's nor the clerk's view of the record mentions it.
    for client in (manager, clerk):
        assert "SV" not in json.dumps(client.get(url).json())
        assert "SV" not in json.dumps(client.get(f"/api/v1/households/{household.number}").json())


def test_sensitive_correction_is_redacted_in_the_audit_log(client_as, site, household):
    from edgecamp.audit.models import AuditEntry

    person = household.members.get(relationship="child")
    clerk = client_as(Role.REGISTRATION_CLERK, [site])
    answer = _patch(
        clerk,
        _individual_url(person),
        {"reason": "new_information", "specific_needs_added": ["TR"], "given_name": "Youssef"},
        "*",
    )
    assert answer.status_code == 200
    entries = AuditEntry.objects.filter(
        model__in=[
            "registry.lifeevent",
            "registry.lifeeventindividual",
            "registry.specificneedrecord",
        ]
    )
    sensitive = [e for e in entries if e.sensitive]
    # The need's row, the protection event and the row naming whom it concerns.
    assert {e.model for e in sensitive} >= {
        "registry.specificneedrecord",
        "registry.lifeevent",
        "registry.lifeeventindividual",
    }
    for entry in entries:
        assert "TR" not in json.dumps(entry.changes)
    # The ordinary correction is audited with its values.
    ordinary = [
        e for e in entries if e.model == "registry.lifeevent" and not e.sensitive and e.actor_name
    ]
    assert len(ordinary) == 1
    assert "Youssef" in json.dumps(ordinary[0].changes)
    # And the individual's own row, with who did it.
    row = AuditEntry.objects.filter(model="registry.individual", object_id=str(person.pk)).first()
    assert row is not None
    assert row.actor_name.startswith("registration_clerk")


# --- OpenAPI -------------------------------------------------------------------------------------


def test_openapi_documents_the_preconditions(clerk):
    schema = clerk.get("/api/v1/openapi.json").json()
    for path in ("/api/v1/households/{number}", "/api/v1/individuals/{individual_id}"):
        patch = schema["paths"][path]["patch"]
        assert {"412", "428", "422", "200"} <= set(patch["responses"])
        assert "ETag" in patch["responses"]["200"]["headers"]
        assert "ETag" in patch["responses"]["412"]["headers"]
        assert any(p["name"] == "If-Match" and p["in"] == "header" for p in patch["parameters"])
        assert "ETag" in schema["paths"][path]["get"]["responses"]["200"]["headers"]


def test_individual_patch_preconditions(clerk, household):
    person = household.members.get(relationship="child")
    url = _individual_url(person)
    body = {"given_name": "Youssef", "reason": "data_error"}
    assert _patch(clerk, url, body, None).status_code == 428
    etag = clerk.get(url)["ETag"]
    first = _patch(clerk, url, body, etag)
    assert first.status_code == 200
    assert first["ETag"] != etag
    stale = _patch(clerk, url, {"given_name": "Yousef", "reason": "data_error"}, etag)
    assert stale.status_code == 412
    assert stale.json()["current"]["given_name"] == "Youssef"
    assert stale["ETag"] == first["ETag"] == clerk.get(url)["ETag"]
    # A change of the household (its phone) is not a change of the person's representation.
    household_url = f"/api/v1/households/{household.number}"
    _patch(clerk, household_url, {"phone": "+249 911 000 111", "reason": "data_error"}, "*")
    assert clerk.get(url)["ETag"] == first["ETag"]


# The 200 is built from the representation read under the lock plus the applied change (the
# re-read only when other rows change): body and ETag must be what the next GET answers.
@pytest.mark.parametrize(
    "body",
    [
        {"language": "fr"},
        {"phone": " +249 911 222 333 "},
        {"place_of_origin": "Geneina", "registration_desk": "Desk 4"},
        {"phone": "+249 911 222 333", "language": "so", "note": "unchanged language"},
        {},
        {"focal_point": "adult"},
    ],
)
def test_household_answer_is_what_a_get_then_sends(clerk, household, body):
    url = f"/api/v1/households/{household.number}"
    if body.get("focal_point") == "adult":
        body = {
            "focal_point": household.members.exclude(pk=household.focal_point_id).first().pk,
            "previous_focal_point_relationship": "spouse",
        }
    answer = _patch(clerk, url, {**body, "reason": "data_error"}, clerk.get(url)["ETag"])
    assert answer.status_code == 200, answer.content
    read = clerk.get(url)
    assert answer.json() == read.json()
    assert answer["ETag"] == read["ETag"]


@pytest.mark.parametrize(
    "body",
    [
        {"given_name": "Youssef"},
        {"family_name": "Haroun", "other_names": ["Yusuf", "Joe"], "names_unknown": False},
        {"date_of_birth": "2015-06-02", "date_of_birth_precision": "exact"},
        {"date_of_birth": None, "sex": "male", "nationality": "TCD"},
        {"relationship": "stepchild"},
        {"specific_needs_added": ["SM"]},
        {"documents": [{"type": "passport", "number": "P-1234567", "issuing_country": "TCD"}]},
        {},
    ],
)
def test_individual_answer_is_what_a_get_then_sends(clerk, household, body):
    url = _individual_url(household.members.get(relationship="child"))
    answer = _patch(clerk, url, {**body, "reason": "data_error"}, clerk.get(url)["ETag"])
    assert answer.status_code == 200, answer.content
    read = clerk.get(url)
    assert answer.json() == read.json()
    assert answer["ETag"] == read["ETag"]


def test_an_answer_showing_a_sensitive_need_is_an_audited_read(client_as, site, household):
    from edgecamp.audit.models import AuditEntry

    person = household.members.get(relationship="child")
    officer = client_as(Role.PROTECTION_OFFICER, [site])
    url = _individual_url(person)
    added = {"reason": "new_information", "specific_needs_added": ["SV"]}
    assert _patch(officer, url, added, "*").status_code == 200
    reads = AuditEntry.objects.filter(action=AuditEntry.Action.READ, sensitive=True)
    before = reads.count()
    answer = _patch(officer, url, {"given_name": "Youssef", "reason": "data_error"}, "*")
    assert answer.status_code == 200, answer.content
    assert "SV" in answer.json()["specific_needs"]
    assert reads.count() == before + 1
