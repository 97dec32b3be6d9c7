"""Loading a synthetic camp into the registry: consistent rows, one transaction, no second load
over an existing camp. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import dataclasses
import re
from collections import Counter

import pytest
from django.db.models import F
from django.utils import timezone

from edgecamp.demo import camp as demo_data
from edgecamp.demo.camp import CampNotEmptyError, camp_is_empty, load_synthetic_camp
from edgecamp.partners.models import Organisation
from edgecamp.registry.codes import (
    DatePrecision,
    DocumentType,
    Relationship,
    Sex,
    SpecificNeed,
    is_known_language,
    is_known_nationality,
)
from edgecamp.registry.models import (
    Household,
    HouseholdNumberSequence,
    IdentityDocument,
    Individual,
    LifeEvent,
    Membership,
    SpecificNeedRecord,
)
from edgecamp.registry.services import (
    PHONE_PATTERN,
    DocumentAlreadyRegistered,
    DocumentInput,
    HouseholdInput,
    MemberInput,
    register_household,
)
from edgecamp.sites.models import Block, Shelter, Site
from edgecamp.synthetic import generate_camp
from tests.sites.factories import make_site

pytestmark = pytest.mark.django_db

PEOPLE = 500
SEED = 3


def _row_counts() -> dict[str, int]:
    models = [
        Organisation,
        Site,
        Block,
        Shelter,
        Household,
        Individual,
        Membership,
        SpecificNeedRecord,
        IdentityDocument,
        LifeEvent,
    ]
    return {m.__name__: m.objects.count() for m in models}


def test_loads_a_consistent_camp():
    assert camp_is_empty()
    summary = load_synthetic_camp(people=PEOPLE, seed=SEED)
    camp = generate_camp(PEOPLE, SEED, reference_date=timezone.localdate())
    records = list(camp.individuals())

    assert not camp_is_empty()
    counts = _row_counts()
    assert counts["Individual"] == len(records) == summary.people
    assert counts["Household"] == len(camp.households) == summary.households
    assert counts["Site"] == 3 == summary.sites
    assert counts["Shelter"] == sum(1 for _ in camp.shelters()) == summary.shelters
    assert Shelter.objects.filter(near_facilities=True).count() == sum(
        s.near_facilities for s in camp.shelters()
    )
    assert counts["Organisation"] == len(camp.organisations)
    assert counts["Membership"] == counts["Individual"]
    assert counts["LifeEvent"] == counts["Household"]
    assert counts["SpecificNeedRecord"] == sum(len(r.specific_needs) for r in records)
    assert counts["IdentityDocument"] == sum(len(r.documents) for r in records)
    assert re.fullmatch(
        r"[\d ]+ people in [\d ]+ households, 3 sites, [\d ]+ shelters", str(summary)
    )


def test_loaded_rows_follow_the_registry_rules():
    load_synthetic_camp(people=PEOPLE, seed=SEED)
    numbers = list(Household.objects.values_list("number", flat=True))
    assert len(set(numbers)) == len(numbers)
    assert all(re.fullmatch(r"EDG-\d{6}", n) for n in numbers)
    assert HouseholdNumberSequence.objects.get(prefix="EDG").last_value == len(numbers)

    assert not Household.objects.filter(focal_point__isnull=True).exists()
    assert not Household.objects.exclude(focal_point__household=F("pk")).exists()
    assert not Household.objects.exclude(focal_point__relationship="focal_point").exists()
    heads = Counter(
        Individual.objects.filter(relationship="focal_point").values_list("household", flat=True)
    )
    assert set(heads.values()) == {1}

    open_memberships = Membership.objects.filter(ended_on__isnull=True)
    assert open_memberships.count() == Individual.objects.count()
    assert not open_memberships.exclude(household=F("individual__household")).exists()
    assert not open_memberships.exclude(started_on=F("household__registration_date")).exists()
    assert not open_memberships.exclude(relationship=F("individual__relationship")).exists()

    changes = (
        LifeEvent.objects.order_by()
        .values_list("kind", "data__old_status", "data__new_status", "reason")
        .distinct()
    )
    assert list(changes) == [("registration", "", "active", "registered")]
    assert not LifeEvent.objects.exclude(occurred_on=F("household__registration_date")).exists()
    assert not Individual.objects.filter(search_text="").exists()
    person = Individual.objects.exclude(other_names=[]).first()
    assert person is not None
    assert person.other_names[0].casefold() in person.search_text

    housed = Household.objects.filter(shelter__isnull=False)
    assert housed.exists()
    assert not housed.exclude(shelter__status=Shelter.Status.OCCUPIED).exists()
    assert not housed.exclude(shelter__block__site=F("site")).exists()
    occupied = Shelter.objects.filter(status=Shelter.Status.OCCUPIED)
    assert not occupied.filter(households__isnull=True).exists()
    assert Shelter.objects.count() < Household.objects.count()
    assert not Site.objects.filter(managing_organisation__isnull=True).exists()


def test_loaded_rows_get_distinct_public_ids():
    """The fast loader writes rows without save(); every record with a public id still gets
    its own (a NULL broke the load on PostgreSQL and left SQLite rows without one)."""
    load_synthetic_camp(people=PEOPLE, seed=SEED)
    registry = (Household, Individual, Membership, SpecificNeedRecord, IdentityDocument, LifeEvent)
    for model in (Site, Block, Shelter, Organisation, *registry):
        ids = list(model.objects.values_list("uuid", flat=True))
        assert ids, model.__name__
        assert None not in ids, model.__name__
        assert len(set(ids)) == len(ids), model.__name__
        assert all(i.version == 4 for i in ids), model.__name__


def test_reports_progress_of_every_step():
    reports: list[tuple[str, int, int]] = []
    load_synthetic_camp(people=PEOPLE, seed=SEED, progress=lambda *r: reports.append(r))
    last = {step: (done, total) for step, done, total in reports}
    for step in ("generating people", "shelters", "households", "individuals", "memberships"):
        done, total = last[step]
        assert done == total > 0, step
    assert last["individuals"][1] == Individual.objects.count()


def test_refuses_to_load_over_an_existing_camp():
    load_synthetic_camp(people=PEOPLE, seed=SEED)
    before = _row_counts()
    with pytest.raises(CampNotEmptyError, match=r"already holds 3 site.*empty database"):
        load_synthetic_camp(people=PEOPLE, seed=SEED + 1)
    assert _row_counts() == before


def test_refuses_a_database_with_a_real_site():
    make_site(name="Kalma North", code="kalma-n")
    assert not camp_is_empty()
    with pytest.raises(CampNotEmptyError):
        load_synthetic_camp(people=PEOPLE, seed=SEED)
    assert Household.objects.count() == 0


def test_keeps_partner_organisations_entered_before():
    Organisation.objects.create(name="Relief Partners International", acronym="RPI", type="ingo")
    load_synthetic_camp(people=PEOPLE, seed=SEED)
    assert Organisation.objects.filter(name="Relief Partners International").count() == 1
    assert Site.objects.filter(managing_organisation__acronym="RPI").exists()


def test_a_failure_late_in_the_load_leaves_nothing(monkeypatch, tmp_path):
    real_insert = demo_data._insert_rows

    def failing_insert(model, *args, **kwargs):
        if model is LifeEvent:
            raise RuntimeError("disk full")
        return real_insert(model, *args, **kwargs)

    monkeypatch.setattr(demo_data, "_insert_rows", failing_insert)
    csv_path = tmp_path / "dedupe.csv"
    with pytest.raises(RuntimeError, match="disk full"):
        load_synthetic_camp(people=PEOPLE, seed=SEED, csv_path=str(csv_path))
    assert set(_row_counts().values()) == {0}
    assert not HouseholdNumberSequence.objects.exclude(last_value=0).exists()
    assert list(tmp_path.iterdir()) == []
    assert camp_is_empty()


def test_a_failing_csv_rolls_the_load_back(monkeypatch, tmp_path):
    def write_half_then_fail(camp, destination, **kwargs):
        destination.write_text("record_id,given_name\n1,Amina\n")
        raise OSError("No space left on device")

    monkeypatch.setattr(demo_data.synthetic, "write_dedupe_csv", write_half_then_fail)
    with pytest.raises(OSError, match="No space left"):
        load_synthetic_camp(people=PEOPLE, seed=SEED, csv_path=str(tmp_path / "dedupe.csv"))
    assert camp_is_empty()
    assert list(tmp_path.iterdir()) == []


def test_writes_the_dedupe_csv_with_database_ids(tmp_path):
    csv_path = tmp_path / "out" / "dedupe.csv"
    summary = load_synthetic_camp(people=PEOPLE, seed=SEED, csv_path=str(csv_path))
    with csv_path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == summary.people
    assert [p.name for p in csv_path.parent.iterdir()] == ["dedupe.csv"]
    stored = {i.pk: i for i in Individual.objects.select_related("household")}
    assert {int(r["record_id"]) for r in rows} == set(stored)
    for row in rows:
        individual = stored[int(row["record_id"])]
        assert row["household_ref"] == individual.household.number
        assert (row["given_name"], row["family_name"]) == (
            individual.given_name,
            individual.family_name,
        )
        assert row["date_of_birth"] == (
            individual.date_of_birth.isoformat() if individual.date_of_birth else ""
        )
    truth = Counter(r["true_person_id"] for r in rows)
    assert sum(n - 1 for n in truth.values()) == summary.people - PEOPLE


def test_generated_codes_are_registry_codes():
    camp = generate_camp(3_000, seed=11)
    people = list(camp.individuals())
    assert {p.relationship for p in people} <= set(Relationship.values)
    assert {p.sex for p in people} <= set(Sex.values)
    assert {p.date_of_birth_precision for p in people} <= set(DatePrecision.values)
    assert {c for p in people for c in p.specific_needs} <= set(SpecificNeed.values)
    assert {d.type for p in people for d in p.documents} <= set(DocumentType.values)
    assert all(is_known_nationality(n) for n in {p.nationality for p in people})
    assert all(is_known_language(h.language) for h in camp.households if h.language)
    assert all(PHONE_PATTERN.match(h.phone) for h in camp.households if h.phone)
    assert {s.type for s in camp.shelters()} <= set(Shelter.Type.values)
    assert {s.type for s in camp.sites} <= set(Site.Type.values)
    assert {o.type for o in camp.organisations} <= set(Organisation.Type.values)


def test_generated_households_pass_the_registration_service():
    """Each household, duplicates included, is one a clerk could register at a desk; a
    duplicate registration that repeats a registered document number is refused for that
    document alone (one number, one active record) and registers without it."""
    site = make_site()
    camp = generate_camp(250, seed=12, duplicate_rate=0.2, reference_date=timezone.localdate())
    refused_paths: list[str] = []
    for household in camp.households:
        data = HouseholdInput(
            site_id=site.pk,
            members=[
                MemberInput(
                    relationship=m.relationship,
                    sex=m.sex,
                    given_name=m.given_name,
                    family_name=m.family_name,
                    other_names=m.other_names,
                    date_of_birth=m.date_of_birth,
                    date_of_birth_precision=m.date_of_birth_precision,
                    nationality=m.nationality,
                    specific_needs=m.specific_needs,
                    documents=[
                        DocumentInput(d.type, d.number, d.issuing_country, d.expires_on)
                        for d in m.documents
                    ],
                )
                for m in household.members
            ],
            place_of_origin=household.place_of_origin,
            phone=household.phone,
            language=household.language,
            registration_desk=household.registration_desk,
            registration_date=household.registration_date,
        )
        try:
            registered = register_household(data)
        except DocumentAlreadyRegistered as error:
            refused_paths += error.errors
            registered = register_household(
                dataclasses.replace(
                    data,
                    members=[dataclasses.replace(m, documents=()) for m in data.members],
                )
            )
        assert registered.members.count() == len(household.members)
    # The generator's duplicates keep their person's documents; only those are refused.
    assert refused_paths
    assert all(re.fullmatch(r"members\.\d+\.documents\.\d+\.number", p) for p in refused_paths)


@pytest.mark.django_db(transaction=True)
def test_load_is_audited_and_refreshes_planner_statistics():
    from django.db import connection

    from edgecamp.audit.models import AuditEntry
    from edgecamp.demo.camp import load_synthetic_camp

    load_synthetic_camp(people=300, seed=11)
    entry = AuditEntry.objects.get(model="bulk-load")
    assert entry.changes["rows"]["individuals"] >= 300
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT n_live_tup > 0 AND last_analyze IS NOT NULL FROM pg_stat_user_tables "
                "WHERE relname = 'registry_individual'"
            )
            assert cursor.fetchone()[0]
        else:
            cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'registry_individual'")
            assert cursor.fetchone()[0] > 0


def test_the_summary_counts_in_words_one_and_many():
    """It said "1 people in 1 households"."""
    summary = demo_data.LoadSummary(
        people=1,
        households=1,
        sites=1,
        shelters=1,
        organisations=0,
        duplicate_households=0,
        seconds=0.1,
    )
    assert str(summary) == "1 person in 1 household, 1 site, 1 shelter"
    many = dataclasses.replace(summary, people=20_000, households=4_400, sites=3, shelters=2)
    assert str(many) == "20 000 people in 4 400 households, 3 sites, 2 shelters"
