"""Databases built at earlier migrations, with data in them, migrate forward: one from before
Site, Block and Shelter moved to the `sites` app keeps every row and every link; the public ids
given to existing rows are real and distinct; every status change becomes a life event."""

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

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


# Apps whose migrations need the registry's life events: before them, as the registry is.
BUILT_ON_LIFE_EVENTS = [
    ("verification", None),
    ("distributions", "0004_public_ids"),
    ("protection", "0002_public_ids"),
]


def _before_life_events():
    # Every other app as it is now (their records have public ids already).
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    later = {"registry", *(app for app, _name in BUILT_ON_LIFE_EVENTS)}
    return [
        *((app, name) for app, name in leaves if app not in later),
        ("registry", "0007_document_number_once"),
        *BUILT_ON_LIFE_EVENTS,
    ]


@pytest.mark.django_db(transaction=True)
def test_status_changes_become_life_events_and_registry_records_get_public_ids():
    old = _migrate(_before_life_events())
    Site = old.get_model("sites", "Site")
    Household = old.get_model("registry", "Household")
    Individual = old.get_model("registry", "Individual")
    StatusChange = old.get_model("registry", "StatusChange")
    User = old.get_model("auth", "User")
    clerk = User.objects.create(username="old-clerk")
    site = Site.objects.create(name="Old Camp", code="old-camp", type="planned_camp")
    home, twice = (
        Household.objects.create(
            number=f"EDG-99900{n}", site=site, status="active", registration_date=date(2026, 3, n)
        )
        for n in (1, 2)
    )
    amina = Individual.objects.create(
        household=home, given_name="Amina", sex="female", relationship="focal_point"
    )
    muhammad = Individual.objects.create(
        household=twice, given_name="Muhammad", sex="male", relationship="focal_point"
    )
    old.get_model("registry", "Membership").objects.create(
        individual=amina, household=home, relationship="focal_point", started_on=date(2026, 3, 1)
    )
    old.get_model("registry", "IdentityDocument").objects.create(
        individual=amina, type="passport", number="P-9"
    )
    old.get_model("registry", "SpecificNeedRecord").objects.create(individual=amina, code="DS")
    rows = [
        # household, individual, old, new, reason
        (home, None, "", "active", "registered"),
        (twice, None, "", "active", "registered"),
        (home, None, "active", "inactive", "not seen at two distributions"),
        (None, amina, "active", "missing", "not seen since Tuesday"),
        (None, muhammad, "active", "merged", "merged"),
        (twice, None, "active", "merged", "all members merged"),
        (twice, None, "merged", "active", "merge undone"),
        (None, muhammad, "merged", "active", "merge undone"),
    ]
    when = datetime(2026, 3, 5, 9, 30, tzinfo=UTC)
    changes = []
    for n, (household, individual, before, after, reason) in enumerate(rows):
        change = StatusChange.objects.create(
            household=household,
            individual=individual,
            old_status=before,
            new_status=after,
            reason=reason,
            changed_by=clerk if n % 2 else None,
        )
        # changed_at is set on creation: date them as they were.
        StatusChange.objects.filter(pk=change.pk).update(changed_at=when + timedelta(hours=n))
        changes.append(StatusChange.objects.get(pk=change.pk))

    new = _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    assert "registry_statuschange" not in connection.introspection.table_names()
    with pytest.raises(LookupError):
        new.get_model("registry", "StatusChange")
    LifeEvent = new.get_model("registry", "LifeEvent")
    events = list(LifeEvent.objects.order_by("pk"))
    assert len(events) == len(changes)
    copied = [
        (
            e.household_id,
            [p.pk for p in e.individuals.all()],
            e.data,
            e.recorded_at,
            e.recorded_by_id,
        )
        for e in events
    ]
    assert copied == [
        (
            c.household_id or Individual.objects.get(pk=c.individual_id).household_id,
            [c.individual_id] if c.individual_id else [],
            {"old_status": c.old_status, "new_status": c.new_status},
            c.changed_at,
            c.changed_by_id,
        )
        for c in changes
    ]
    assert [(e.kind, e.reason, e.note) for e in events] == [
        ("registration", "registered", ""),
        ("registration", "registered", ""),
        ("status_change", "", "not seen at two distributions"),
        ("status_change", "", "not seen since Tuesday"),
        ("merge", "merged", ""),
        ("merge", "all_members_merged", ""),
        ("unmerge", "merge_undone", ""),
        ("unmerge", "merge_undone", ""),
    ]
    # A registration happened on the registration date; the others when they were recorded.
    recorded_on = timezone.localdate(changes[2].changed_at)
    assert [e.occurred_on for e in events[:3]] == [date(2026, 3, 1), date(2026, 3, 2), recorded_on]
    assert len({e.uuid for e in events}) == len(events)
    for model in ("Household", "Individual", "Membership", "IdentityDocument"):
        ids = list(new.get_model("registry", model).objects.values_list("uuid", flat=True))
        assert ids, model
        assert len(set(ids)) == len(ids), model
        assert all(isinstance(i, uuid.UUID) and i.version == 4 for i in ids), model
    need = new.get_model("registry", "SpecificNeedRecord").objects.get()
    assert need.uuid.version == 4

    # Backwards, the status changes come back as they were (and forwards again, as the other
    # tests expect the latest schema).
    back = _migrate(_before_life_events())
    restored = back.get_model("registry", "StatusChange").objects.order_by("pk")
    fields = ("household_id", "individual_id", "old_status", "new_status", "reason")
    fields += ("changed_at", "changed_by_id")
    assert [tuple(getattr(c, f) for f in fields) for c in restored] == [
        tuple(getattr(c, f) for f in fields) for c in changes
    ]
    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_people_registered_before_the_name_keys_get_them():
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    old = _migrate(
        [(app, name) for app, name in leaves if app != "registry"]
        + [("registry", "0011_life_event_kinds")]
    )
    site = old.get_model("sites", "Site").objects.create(
        name="Old Camp", code="old-camp", type="planned_camp"
    )
    home = old.get_model("registry", "Household").objects.create(
        number="EDG-999001", site=site, status="active", registration_date=date(2026, 3, 1)
    )
    Individual = old.get_model("registry", "Individual")
    kaltouma = Individual.objects.create(
        household=home,
        given_name="Kaltouma",
        family_name="Abakar",
        other_names=["Umm Yusuf"],
        sex="female",
        relationship="focal_point",
    )
    merged = Individual.objects.create(
        household=home, given_name="Muhammad", sex="male", relationship="son", status="merged"
    )

    new = _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    people = new.get_model("registry", "Individual").objects
    keys = people.get(pk=kaltouma.pk).name_keys
    assert keys.startswith(" ")
    assert keys.endswith(" ")
    assert " kltm " in keys  # Kaltouma, as Kaltuma would key
    assert " bkr " in keys
    assert people.get(pk=merged.pk).name_keys == ""  # a merged record is not searched
