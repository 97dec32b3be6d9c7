"""Databases built at earlier migrations, with data in them, migrate forward: one from before
Site, Block and Shelter moved to the `sites` app keeps every row and every link; the public ids
given to existing rows are real and distinct."""

import uuid
from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE_THE_MOVE = [
    ("contenttypes", "0002_remove_content_type_name"),
    ("auth", "0012_alter_user_first_name_max_length"),
    ("partners", "0001_initial"),
    ("shelters", "0002_allocation_plans"),
    ("registry", "0005_merge_moves_memberships"),
    ("accounts", "0001_initial"),
    ("stock", "0002_movement_append_only"),
    ("distributions", "0002_ration_card_history"),
    ("protection", "0001_initial"),
    ("sites", None),  # the app did not exist
]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state([t for t in targets if t[1] is not None]).apps


@pytest.mark.django_db(transaction=True)
def test_a_database_from_before_the_sites_app_migrates_forward_keeping_every_row():
    old = _migrate(BEFORE_THE_MOVE)
    Site = old.get_model("shelters", "Site")
    Block = old.get_model("shelters", "Block")
    Shelter = old.get_model("shelters", "Shelter")
    Household = old.get_model("registry", "Household")
    User = old.get_model("auth", "User")
    StaffProfile = old.get_model("accounts", "StaffProfile")
    ContentType = old.get_model("contenttypes", "ContentType")
    # As on a database that never had the sites app (the test database was built at the latest
    # migrations, whose content types exist already).
    ContentType.objects.filter(app_label="sites").delete()
    ContentType.objects.get_or_create(app_label="shelters", model="site")

    site = Site.objects.create(name="Old Camp", code="old-camp", type="planned_camp")
    block = Block.objects.create(site=site, code="B1")
    shelter = Shelter.objects.create(
        block=block, code="T1", type="family_tent", covered_m2=17, capacity=5
    )
    household = Household.objects.create(
        number="EDG-999001",
        site=site,
        shelter=shelter,
        status="active",
        registration_date=date(2026, 11, 1),
    )
    profile = StaffProfile.objects.create(
        user=User.objects.create(username="old-clerk"), role="registration_clerk"
    )
    profile.sites.add(site)

    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    new = _migrate(leaves)

    NewSite = new.get_model("sites", "Site")
    assert NewSite._meta.db_table == "shelters_site"
    moved = NewSite.objects.get(pk=site.pk)
    assert moved.name == "Old Camp"
    assert new.get_model("sites", "Block").objects.get(pk=block.pk).site_id == site.pk
    assert new.get_model("sites", "Shelter").objects.get(pk=shelter.pk).block_id == block.pk
    kept = new.get_model("registry", "Household").objects.get(pk=household.pk)
    assert (kept.site_id, kept.shelter_id) == (site.pk, shelter.pk)
    new_profile = new.get_model("accounts", "StaffProfile").objects.get(pk=profile.pk)
    assert list(new_profile.sites.values_list("pk", flat=True)) == [site.pk]
    # Permissions granted on the model keep their content type, relabelled.
    labels = new.get_model("contenttypes", "ContentType").objects.filter(model="site")
    assert set(labels.values_list("app_label", flat=True)) == {"sites"}


BEFORE_PUBLIC_IDS = [
    ("partners", "0001_initial"),
    ("sites", "0001_initial"),
    ("stock", "0004_balances_exact_decimals"),
    ("distributions", "0003_sites_moved"),
    ("protection", "0001_initial"),
]


@pytest.mark.django_db(transaction=True)
def test_existing_records_get_distinct_public_ids_when_the_column_is_added():
    old = _migrate(BEFORE_PUBLIC_IDS)
    Site = old.get_model("sites", "Site")
    Organisation = old.get_model("partners", "Organisation")
    Item = old.get_model("stock", "Item")
    sites = [
        Site.objects.create(name=f"Camp {n}", code=f"camp-{n}", type="planned_camp")
        for n in range(5)
    ]
    Organisation.objects.create(name="Relief One", type="ngo")
    Item.objects.create(code="rice", name="Rice", unit="kg", category="food")

    new = _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    site_ids = list(
        new.get_model("sites", "Site")
        .objects.filter(pk__in=[s.pk for s in sites])
        .values_list("uuid", flat=True)
    )
    assert len(site_ids) == len(set(site_ids)) == 5
    for model in (("sites", "Site"), ("partners", "Organisation"), ("stock", "Item")):
        for value in new.get_model(*model).objects.values_list("uuid", flat=True):
            # Real version-4 UUIDs, as uuid4() makes them for the records created later.
            assert isinstance(value, uuid.UUID)
            assert value.version == 4
            assert value.variant == uuid.RFC_4122
