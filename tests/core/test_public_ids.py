"""Every record that may leave the machine carries a public UUID (core.models.PublicId): made
once when the record is created, distinct, never changed by a save, and given in the API beside
the local id."""

from __future__ import annotations

import uuid

import pytest

from edgecamp.sites.models import Site
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
