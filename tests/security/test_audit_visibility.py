"""The audit log must not reveal that protection data exists (issue 10, item 6): managers saw
READ entries naming households with sensitive needs, "[protection-sensitive]" creation entries
written in the same second as the person, and merge records with `need_ids`. Entries about
protection data are for protection officers of their site; administrators see that they exist
only with EDGECAMP_AUDIT_PROTECTION_ENTRIES_TO_ADMINISTRATORS."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import override_settings

from edgecamp.audit.models import AuditEntry
from edgecamp.audit.queries import visible_entries
from edgecamp.core.access import scope_for
from edgecamp.registry.merge import merge_candidate
from edgecamp.registry.models import DuplicateCandidate
from tests.accounts.factories import make_user
from tests.registry.factories import make_household, member
from tests.sites.factories import make_site

pytestmark = pytest.mark.django_db

REDACTED = "[protection-sensitive]"
READ_ROW = '<td data-label="Action">Read protection-sensitive data</td>'


@pytest.fixture
def camp(db):
    north, south = make_site(name="North"), make_site(name="South")
    survivor = make_household(
        north, members=[member(given_name="Amina", family_name="Idris", specific_needs=["SV"])]
    )
    users = {
        "manager": make_user("manager-n", role="camp_manager", sites=[north]),
        "administrator": make_user("admin-n", role="administrator", sites=[north]),
        "officer": make_user("officer-n", role="protection_officer", sites=[north]),
        "officer_south": make_user("officer-s", role="protection_officer", sites=[south]),
        "superuser": make_user("root", superuser=True),
    }
    return north, survivor, users


def _read_by_officer(client, camp):
    _north, survivor, users = camp
    client.force_login(users["officer"])
    assert client.get(f"/households/{survivor.number}/").status_code == 200
    assert AuditEntry.objects.filter(action="read", object_repr=survivor.number).exists()
    client.logout()


@pytest.mark.parametrize("who", ["manager", "administrator"])
def test_managers_and_administrators_see_no_entry_about_protection_data(client, camp, who):
    _north, survivor, users = camp
    _read_by_officer(client, camp)
    client.force_login(users[who])
    page = client.get("/audit/").content.decode()
    assert REDACTED not in page
    assert "specificneedrecord" not in page
    assert READ_ROW not in page
    by_record = client.get("/audit/", {"record": survivor.number}).content.decode()
    assert READ_ROW not in by_record


def test_the_protection_officer_of_the_site_sees_the_entries_about_protection_data(client, camp):
    _north, survivor, users = camp
    _read_by_officer(client, camp)
    client.force_login(users["officer"])
    page = client.get("/audit/", {"record": survivor.number}).content.decode()
    assert READ_ROW in page
    everything = client.get("/audit/").content.decode()
    assert "specificneedrecord" in everything
    assert "registry.individual" not in everything  # only entries about protection data
    client.force_login(users["officer_south"])
    assert "specificneedrecord" not in client.get("/audit/").content.decode()


def test_with_the_setting_administrators_see_only_that_such_entries_exist(client, camp):
    _north, survivor, users = camp
    _read_by_officer(client, camp)
    client.force_login(users["administrator"])
    without = client.get("/audit/").content.decode()
    with override_settings(EDGECAMP_AUDIT_PROTECTION_ENTRIES_TO_ADMINISTRATORS=True):
        page = client.get("/audit/").content.decode()
        by_record = client.get("/audit/", {"record": survivor.number}).content.decode()
    assert READ_ROW in page
    assert page.count(survivor.number) == without.count(survivor.number)
    assert REDACTED not in page
    assert READ_ROW not in by_record
    client.force_login(users["manager"])
    with override_settings(EDGECAMP_AUDIT_PROTECTION_ENTRIES_TO_ADMINISTRATORS=True):
        assert READ_ROW not in client.get("/audit/").content.decode()


def test_the_django_admin_lists_no_entry_about_protection_data(client, camp):
    _north, survivor, users = camp
    _read_by_officer(client, camp)
    client.force_login(users["superuser"])
    listing = client.get("/admin/audit/auditentry/").content.decode()
    assert "registry.specificneedrecord" not in listing
    assert READ_ROW not in listing
    searched = client.get("/admin/audit/auditentry/", {"q": survivor.number}).content.decode()
    assert READ_ROW not in searched
    hidden = AuditEntry.objects.filter(sensitive=True).first()
    assert client.get(f"/admin/audit/auditentry/{hidden.pk}/change/").status_code == 302


def test_a_merge_that_moved_a_sensitive_need_is_an_entry_about_protection_data(camp):
    north, survivor, users = camp
    again = make_household(
        north,
        members=[
            member(
                given_name="Amina",
                family_name="Idriss",
                date_of_birth=date(1988, 3, 14),
                specific_needs=["SV", "DS"],
            )
        ],
        duplicate_override_reason="test",
    )
    kept, merged = survivor.members.get(), again.members.get()
    low, high = sorted((kept, merged), key=lambda p: p.pk)
    candidate = DuplicateCandidate.objects.create(
        individual_l=low, individual_r=high, probability=0.97, evidence=[]
    )
    kept.specific_needs.filter(code="SV").delete()  # so the merged record's SV need moves
    merge_candidate(
        candidate.pk, kept.pk, scope=scope_for(users["superuser"]), merged_by=users["manager"]
    )
    entry = AuditEntry.objects.get(model="registry.mergerecord")
    assert entry.sensitive
    assert entry.changes["need_ids"] == [None, REDACTED]
    manager_sees = visible_entries(scope_for(users["manager"]))
    assert not manager_sees.filter(model="registry.mergerecord").exists()
    assert visible_entries(scope_for(users["officer"])).filter(pk=entry.pk).exists()
