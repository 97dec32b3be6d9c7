"""Every record that may leave the machine carries a public UUID (core.models.PublicId): made
once when the record is created, distinct, never changed by a save, and given in the API beside
the local id."""

from __future__ import annotations

import uuid

import pytest

from edgecamp.registry.models import (
    Household,
    IdentityDocument,
    Individual,
    LifeEvent,
    Membership,
    SpecificNeedRecord,
)
from edgecamp.sites.models import Site
from tests.registry.factories import make_household
from tests.sites.factories import make_site

pytestmark = pytest.mark.django_db


def test_a_new_record_gets_a_random_uuid_that_a_save_keeps():
    first, second = make_site(name="North", code="north"), make_site(name="South", code="south")
    assert isinstance(first.uuid, uuid.UUID)
    assert first.uuid.version == 4
    assert first.uuid != second.uuid
    before = first.uuid
    first.name = "North renamed"
    first.save()
    first.refresh_from_db()
    assert first.uuid == before


def test_the_api_gives_the_uuid_beside_the_id(logged_in_client, site):
    listed = logged_in_client.get("/api/v1/sites").json()["items"]
    assert listed[0]["id"] == site.pk
    assert listed[0]["uuid"] == str(site.uuid)
    detail = logged_in_client.get(f"/api/v1/sites/{site.pk}").json()
    assert detail["uuid"] == str(Site.objects.get(pk=site.pk).uuid)


def test_the_uuid_is_not_a_form_or_admin_field():
    assert Site._meta.get_field("uuid").editable is False


def test_registry_records_get_public_ids(site):
    household = make_household(site)
    person = household.members.get(given_name="Yusuf")
    records = [
        household,
        person,
        person.documents.get(),
        person.specific_needs.get(),
        person.memberships.get(),
        household.life_events.get(),
    ]
    ids = [record.uuid for record in records]
    assert all(isinstance(i, uuid.UUID) and i.version == 4 for i in ids)
    assert len(set(ids)) == len(ids)
    person.given_name = "Youssouf"
    person.save()
    person.refresh_from_db()
    assert person.uuid == ids[1]


def test_the_registry_api_gives_the_uuids(logged_in_client, site):
    household = make_household(site)
    person = household.members.get(given_name="Yusuf")
    listed = logged_in_client.get("/api/v1/households").json()["items"]
    assert listed[0]["uuid"] == str(household.uuid)
    assert listed[0]["focal_point"]["uuid"] == str(household.focal_point.uuid)
    detail = logged_in_client.get(f"/api/v1/households/{household.number}").json()
    assert detail["uuid"] == str(household.uuid)
    child = next(m for m in detail["members"] if m["id"] == person.pk)
    assert child["uuid"] == str(person.uuid)
    assert child["documents"][0]["uuid"] == str(person.documents.get().uuid)
    memberships = {m["individual"]["id"]: m["uuid"] for m in detail["membership_history"]}
    assert memberships[person.pk] == str(person.memberships.get().uuid)
    assert detail["status_history"][0]["uuid"] == str(household.life_events.get().uuid)
    body = logged_in_client.get(f"/api/v1/individuals/{person.pk}").json()
    assert body["uuid"] == str(person.uuid)
    assert body["household"]["uuid"] == str(household.uuid)
    assert body["membership_history"][0]["uuid"] == str(person.memberships.get().uuid)


def test_registry_uuids_are_not_form_or_admin_fields():
    for model in (Household, Individual, IdentityDocument, Membership, SpecificNeedRecord):
        assert model._meta.get_field("uuid").editable is False, model.__name__
    assert LifeEvent._meta.get_field("uuid").editable is False
