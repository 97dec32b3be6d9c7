"""Protection casework: confidential notes and tracing requests, visible and writable only by
protection officers of the household's site, in the UI and the API; every read audited as a
sensitive read and no value ever copied into the audit log."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from edgecamp.audit.models import AuditEntry
from edgecamp.protection import services
from edgecamp.protection.models import ConfidentialNote, TracingRequest
from edgecamp.registry.services import register_household
from tests.accounts.factories import make_user
from tests.registry.factories import household_input, member
from tests.sites.factories import make_site

pytestmark = pytest.mark.django_db

SECRET_NOTE = "Disclosed violence by a neighbour"
SOUGHT = "Zeinab"


@pytest.fixture
def camp(db):
    north, south = make_site(name="North"), make_site(name="South")
    at_north = register_household(household_input(north, members=[member(given_name="Amina")]))
    at_south = register_household(household_input(south, members=[member(given_name="Hawa")]))
    officer = make_user("officer", role="protection_officer", sites=[north])
    services.add_note(at_north, text=SECRET_NOTE, written_by=officer)
    services.open_tracing_request(
        at_north,
        services.TracingInput(
            requester_id=at_north.members.first().pk,
            sought_given_name=SOUGHT,
            relationship="daughter",
            last_seen_place="Tawila market",
            last_seen_on=date(2026, 3, 1),
        ),
        opened_by=officer,
    )
    return north, south, at_north, at_south, officer


def _reads() -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action="read").order_by("id"))


def test_a_protection_officer_of_the_site_reads_notes_and_tracing_and_each_read_is_audited(
    client, camp
):
    _north, _south, at_north, _s, officer = camp
    client.force_login(officer)
    page = client.get(f"/households/{at_north.number}/").content.decode()
    assert SECRET_NOTE in page
    assert SOUGHT in page
    body = client.get(f"/api/v1/households/{at_north.number}/protection").json()
    assert [n["text"] for n in body["notes"]] == [SECRET_NOTE]
    assert [t["sought_given_name"] for t in body["tracing_requests"]] == [SOUGHT]
    reads = [(r.actor_name, r.source, r.changes["read"]) for r in _reads()]
    assert reads == [
        ("officer", "web", "confidential notes and tracing requests"),
        ("officer", "api", "confidential notes and tracing requests"),
    ]


@pytest.mark.parametrize(
    "role", ["administrator", "camp_manager", "registration_clerk", "distribution_staff"]
)
def test_other_roles_do_not_see_that_protection_records_exist(client, camp, role):
    north, _south, at_north, _s, _officer = camp
    client.force_login(make_user(f"u-{role}", role=role, sites=[north]))
    page = client.get(f"/households/{at_north.number}/").content.decode()
    assert SECRET_NOTE not in page
    assert SOUGHT not in page
    assert 'id="protection"' not in page
    assert "Tracing requests" not in page
    dashboard = client.get("/").content.decode()
    assert "Tracing" not in dashboard
    assert client.get(f"/api/v1/households/{at_north.number}/protection").status_code == 403
    assert client.get("/api/v1/tracing-requests").status_code == 403
    assert client.get("/protection/tracing/").status_code == 403
    note = client.post(f"/protection/households/{at_north.number}/notes/", {"note-text": "x"})
    assert note.status_code == 403
    assert _reads() == []


def test_a_superuser_is_refused_too(logged_in_client, camp):
    _n, _s, at_north, _as, _o = camp
    page = logged_in_client.get(f"/households/{at_north.number}/").content.decode()
    assert SECRET_NOTE not in page
    assert logged_in_client.get("/protection/tracing/").status_code == 403


def test_a_protection_officer_of_another_site_gets_404(client, camp):
    _north, south, at_north, at_south, _o = camp
    client.force_login(make_user("south-officer", role="protection_officer", sites=[south]))
    assert client.get(f"/api/v1/households/{at_north.number}/protection").status_code == 404
    assert client.get("/api/v1/tracing-requests").json()["items"] == []
    post = client.post(f"/protection/households/{at_north.number}/notes/", {"note-text": "x"})
    assert post.status_code == 404
    tracing = TracingRequest.objects.get()
    status = client.post(f"/protection/tracing/{tracing.pk}/status/", {"status": "closed"})
    assert status.status_code == 404
    tracing.refresh_from_db()
    assert tracing.status == "open"
    # Their own site's household shows an empty protection section.
    page = client.get(f"/households/{at_south.number}/").content.decode()
    assert 'id="protection"' in page
    assert SECRET_NOTE not in page
    assert _reads() == []  # nothing was read


def test_officer_adds_a_note_and_a_tracing_request_through_the_forms(client, camp):
    _north, _south, at_north, _s, officer = camp
    client.force_login(officer)
    requester = at_north.members.first()
    response = client.post(
        f"/protection/households/{at_north.number}/notes/",
        {"note-text": "Second note", "note-individual": str(requester.pk)},
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"/households/{at_north.number}/#protection")
    assert ConfidentialNote.objects.filter(text="Second note", individual=requester).exists()
    response = client.post(
        f"/protection/households/{at_north.number}/tracing/",
        {
            "tracing-requester": str(requester.pk),
            "tracing-sought_given_name": "Idris",
            "tracing-relationship": "brother",
            "tracing-sought_age": "14",
        },
    )
    assert response.status_code == 302
    opened = TracingRequest.objects.get(sought_given_name="Idris")
    assert (opened.sought_age, opened.status, opened.opened_by) == (14, "open", officer)
    response = client.post(f"/protection/tracing/{opened.pk}/status/", {"status": "located"})
    assert response.status_code == 302
    opened.refresh_from_db()
    assert opened.status == "located"


def test_bad_input_names_the_field_and_writes_nothing(client, camp):
    _north, _south, at_north, at_south, officer = camp
    client.force_login(officer)
    outsider = at_south.members.first()
    response = client.post(
        f"/protection/households/{at_north.number}/tracing/",
        {
            "tracing-requester": str(at_north.members.first().pk),
            "tracing-relationship": "son",
            "tracing-last_seen_on": (timezone.localdate() + timedelta(days=3)).isoformat(),
        },
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "Give at least one name of the person sought" in page
    assert "cannot be in the future" in page
    assert TracingRequest.objects.count() == 1
    api = client.post(
        f"/api/v1/households/{at_north.number}/notes",
        {"text": "  ", "individual_id": outsider.pk},
        content_type="application/json",
    )
    assert api.status_code == 422
    assert set(api.json()["errors"]) == {"text", "individual"}
    assert ConfidentialNote.objects.count() == 1


def test_api_writes_and_caseload(client, camp):
    _north, _south, at_north, _s, officer = camp
    client.force_login(officer)
    created = client.post(
        f"/api/v1/households/{at_north.number}/tracing-requests",
        {
            "requester_id": at_north.members.first().pk,
            "sought_given_name": "Musa",
            "relationship": "husband",
            "sought_sex": "male",
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    request_id = created.json()["id"]
    changed = client.post(
        f"/api/v1/tracing-requests/{request_id}/status",
        {"status": "reunited"},
        content_type="application/json",
    )
    assert changed.json()["status"] == "reunited"
    wrong = client.post(
        f"/api/v1/tracing-requests/{request_id}/status",
        {"status": "found"},
        content_type="application/json",
    )
    assert wrong.status_code == 422
    assert "status" in wrong.json()["errors"]
    open_only = client.get("/api/v1/tracing-requests?status=open").json()["items"]
    assert [t["sought_given_name"] for t in open_only] == [SOUGHT]
    page = client.get("/protection/tracing/").content.decode()
    assert "Musa" in page
    assert SOUGHT in page


def test_the_audit_log_records_writes_without_the_values(camp):
    entries = AuditEntry.objects.filter(model__startswith="protection.")
    assert {e.model for e in entries} == {
        "protection.confidentialnote",
        "protection.tracingrequest",
    }
    assert all(e.sensitive for e in entries)
    text = " ".join(str(e.changes) + e.object_repr for e in entries)
    assert SECRET_NOTE not in text
    assert SOUGHT not in text
    assert "Tawila" not in text
    north = camp[0]
    assert {e.site_id for e in entries} == {north.pk}


def test_the_admin_has_no_protection_pages(logged_in_client, camp):
    index = logged_in_client.get("/admin/").content.decode()
    assert "Tracing" not in index
    assert "onfidential" not in index
    assert logged_in_client.get("/admin/protection/tracingrequest/").status_code == 404


def test_a_protect_token_writes_notes_and_only_officers_can_hold_one(client, camp):
    from edgecamp.accounts.tokens import TokenError, create_token

    north, _south, at_north, _s, officer = camp
    _token, secret = create_token(officer, "tracing tablet", ["protect"])
    read_only = create_token(officer, "reader", ["read"])[1]
    url = f"/api/v1/households/{at_north.number}/notes"
    body = {"text": "Follow-up visit planned"}
    refused = client.post(
        url, body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {read_only}"
    )
    assert refused.status_code == 403
    written = client.post(
        url, body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {secret}"
    )
    assert written.status_code == 201, written.content
    assert ConfidentialNote.objects.filter(text="Follow-up visit planned").count() == 1
    clerk = make_user("clerk", role="registration_clerk", sites=[north])
    with pytest.raises(TokenError):
        create_token(clerk, "clerk tablet", ["protect"])
