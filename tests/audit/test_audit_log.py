"""The audit log: every write to an edgecamp model (signals and bulk writes), reads of
protection-sensitive data, no sensitive values copied, append-only, browsable by managers."""

from __future__ import annotations

import re

import pytest
from django.db import DatabaseError, connection, transaction

from edgecamp.audit.models import AuditEntry
from edgecamp.registry.models import Household, SpecificNeedRecord
from edgecamp.sites.models import Site
from tests.accounts.factories import make_user
from tests.registry.factories import household_input, member
from tests.sites.factories import make_site

pytestmark = pytest.mark.django_db


def _entries(**filters):
    return list(AuditEntry.objects.filter(**filters).order_by("id"))


def test_registration_through_the_api_is_audited_with_who_and_what(client):
    site = make_site(name="North")
    clerk = make_user("clerk", role="registration_clerk", sites=[site])
    client.force_login(clerk)
    payload = {
        "site": site.pk,
        "members": [
            {
                "relationship": "focal_point",
                "sex": "female",
                "given_name": "Hawa",
                "family_name": "Idriss",
                "specific_needs": ["SV", "DS"],
            }
        ],
    }
    response = client.post("/api/v1/households", payload, content_type="application/json")
    assert response.status_code == 201
    household = _entries(model="registry.household", action="create")[0]
    who = (household.actor_name, household.actor_id, household.source)
    assert who == ("clerk", clerk.pk, "api")
    assert household.site_id == site.pk
    assert household.object_repr == response.json()["number"]
    person = _entries(model="registry.individual", action="create")[0]
    assert person.changes["given_name"] == [None, "Hawa"]
    assert person.site_id == site.pk
    # Specific needs are bulk-created: still audited, the sensitive one without its code.
    needs = _entries(model="registry.specificneedrecord")
    assert len(needs) == 2
    sensitive = [n for n in needs if n.sensitive]
    assert len(sensitive) == 1
    assert "SV" not in str(sensitive[0].changes)
    assert sensitive[0].changes["code"] == [None, "[protection-sensitive]"]
    # Nor whom it is about: that this person has a sensitive need is itself sensitive.
    assert sensitive[0].changes["individual_id"] == [None, "[protection-sensitive]"]
    ordinary = next(n for n in needs if not n.sensitive)
    assert str(ordinary.changes["individual_id"][1]) == person.object_id


def test_updates_record_before_and_after_and_deletes_the_last_state():
    site = make_site(name="Old name")
    site.name = "New name"
    site.save()
    change = _entries(model="sites.site", action="update")[0]
    assert change.changes["name"] == ["Old name", "New name"]
    assert "code" not in change.changes  # unchanged fields are left out
    assert change.source == "system"
    Site.objects.filter(pk=site.pk).update(name="Bulk name")
    bulk = _entries(model="sites.site", action="update")[-1]
    assert bulk.changes["name"] == ["New name", "Bulk name"]
    site.refresh_from_db()
    site.delete()
    gone = _entries(model="sites.site", action="delete")[0]
    assert gone.changes["name"] == ["Bulk name", None]


def test_staff_profile_and_token_changes_are_audited_without_secrets(client):
    site = make_site()
    user = make_user("officer", role="protection_officer", sites=[site])
    assert _entries(model="accounts.staffprofile", action="update")[0].changes == {
        "sites": {"added": [site.pk]}
    }
    client.force_login(user)
    client.post("/accounts/tokens/", {"name": "tablet", "scopes": ["read"]})
    token = _entries(model="accounts.apitoken", action="create")[0]
    assert token.changes["key_hash"] == [None, "[secret]"]


def test_sensitive_reads_are_audited_for_protection_officers_only(client):
    site = make_site()
    household = _register(site, ["SV"])
    client.force_login(make_user("manager", role="camp_manager", sites=[site]))
    client.get(f"/households/{household.number}/")
    assert _entries(action="read") == []
    client.force_login(make_user("officer", role="protection_officer", sites=[site]))
    client.get(f"/households/{household.number}/")
    client.get(f"/api/v1/households/{household.number}")
    reads = _entries(action="read")
    assert [(r.actor_name, r.source, r.object_repr) for r in reads] == [
        ("officer", "web", household.number),
        ("officer", "api", household.number),
    ]
    assert "SV" not in str(reads[0].changes)


def test_the_log_is_append_only_in_the_database():
    make_site()
    entry = AuditEntry.objects.first()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(actor_name="someone else")
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic():
            AuditEntry.objects.filter(pk=entry.pk).delete()


def test_managers_browse_and_filter_the_log_of_their_sites(client):
    north, south = make_site(name="North"), make_site(name="South")
    at_north, at_south = _register(north, []), _register(south, [])
    client.force_login(make_user("manager", role="camp_manager", sites=[north]))
    html = client.get("/audit/").content.decode()
    assert at_north.number in html
    assert at_south.number not in html
    filtered = client.get("/audit/", {"model": "registry.household", "action": "create"})
    assert at_north.number in filtered.content.decode()
    assert client.get("/audit/", {"action": "read"}).content.decode().count("<tr") == 0


def test_the_admin_cannot_change_or_delete_entries(logged_in_client):
    make_site()
    entry = AuditEntry.objects.first()
    assert logged_in_client.get(f"/admin/audit/auditentry/{entry.pk}/delete/").status_code == 403
    response = logged_in_client.post(
        f"/admin/audit/auditentry/{entry.pk}/change/", {"actor_name": "x"}
    )
    assert response.status_code == 403
    assert AuditEntry.objects.get(pk=entry.pk).actor_name == entry.actor_name


def _register(site, needs) -> Household:
    from edgecamp.registry.services import register_household

    return register_household(household_input(site, members=[member(specific_needs=needs)]))


def test_no_sensitive_code_anywhere_in_the_log():
    site = make_site()
    _register(site, ["TR", "LP", "WR"])
    SpecificNeedRecord.objects.filter(code="TR").delete()
    text = " ".join(str(e.changes) + e.object_repr for e in AuditEntry.objects.all())
    assert "'TR'" not in text
    assert "'LP'" not in text
    assert "'WR'" in text


def test_stock_movements_are_audited_but_derived_balances_are_not(site):
    from tests.stock.factories import make_item, make_warehouse, stock_up

    warehouse = make_warehouse(site)
    item = make_item()
    stock_up(warehouse, item, 40)
    models = set(AuditEntry.objects.values_list("model", flat=True))
    assert "stock.movement" in models
    assert "stock.stockbalance" not in models


def test_the_log_shows_readable_labels_not_internal_names(client_as, site):
    """It showed `registry.household`, `user_id`, `key_hash` and raw codes."""
    from edgecamp.core.access import Role
    from edgecamp.registry.services import set_household_status
    from tests.registry.factories import make_household

    household = make_household(site)
    set_household_status(household, "inactive", reason="not seen")
    client = client_as(Role.CAMP_MANAGER, [site])
    html = client.get("/audit/", {"record": household.number}).content.decode()
    assert ">registry.household" not in html
    assert re.search(r'data-label="Record">Household EDG-\d+', html)
    assert "Active → Inactive" in html  # the status by its label
    assert re.search(r'data-label="Through">(system|web page|command line)<', html)
    assert not re.search(r"<dt>[a-z]+_[a-z_]+</dt>", html)  # no field by its column name
    # The record-type filter offers labels too.
    assert '<option value="registry.household">Household</option>' in html
