"""Loading a synthetic camp (edgecamp.synthetic) into the database, for demonstrations,
training and load tests.

The whole camp goes in through bulk inserts in one transaction: either every organisation,
site, shelter, household, person and history row is there, or none is. The ground truth of
the generator (true person and household ids) is not stored; `csv_path` writes it next to the
database ids for deduplication benchmarks.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import batched
from pathlib import Path

from django.db import connection, models, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from edgecamp import synthetic
from edgecamp.audit.capture import record_bulk_load
from edgecamp.partners.models import Organisation
from edgecamp.registry.codes import EventKind, EventReason
from edgecamp.registry.models import (
    Household,
    IdentityDocument,
    Individual,
    LifeEvent,
    Membership,
    SpecificNeedRecord,
)
from edgecamp.registry.services import reserve_household_numbers
from edgecamp.sites.models import Block, Shelter, Site

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]

# Rows per INSERT statement (fewer where the database limits the parameters per statement).
BATCH_SIZE = 1000
# Rows between two progress reports.
REPORT_EVERY = 5000


class CampNotEmptyError(Exception):
    """The database already holds a camp: synthetic people must not mix with real records."""


@dataclass(frozen=True)
class LoadSummary:
    people: int  # individual records, duplicate registrations included
    households: int
    sites: int
    shelters: int
    organisations: int
    duplicate_households: int
    seconds: float

    def __str__(self) -> str:
        return (
            f"{_counted(self.people, 'person', 'people')} in "
            f"{_counted(self.households, 'household', 'households')}, "
            f"{_counted(self.sites, 'site', 'sites')}, "
            f"{_counted(self.shelters, 'shelter', 'shelters')}"
        )


def _counted(n: int, one: str, many: str) -> str:
    # The command's summary is English, like the rest of its output.
    return f"{_grouped(n)} {one if n == 1 else many}"


def camp_is_empty() -> bool:
    """True when no site and no household exist yet (a fresh installation)."""
    return not Site.objects.exists() and not Household.objects.exists()


def load_synthetic_camp(
    people: int,
    seed: int,
    progress: Progress | None = None,
    csv_path: str | None = None,
) -> LoadSummary:
    """Generate a camp of `people` persons (deterministic by `seed`, dated back from today)
    and store it. Raises CampNotEmptyError, writing nothing, when sites already exist."""
    report = progress or no_progress
    started = time.perf_counter()
    _refuse_if_not_empty()
    report("generating people", 0, people)
    camp = synthetic.generate_camp(people, seed, reference_date=timezone.localdate())
    report("generating people", people, people)
    destination = Path(csv_path) if csv_path else None
    partial: Path | None = None
    try:
        with transaction.atomic():
            # Checked again under the write lock: another desk may have loaded meanwhile.
            _refuse_if_not_empty()
            stored = _store(camp, report)
            # The raw inserts bypass the per-row audit; one entry records the load instead.
            record_bulk_load(
                f"synthetic camp, seed {seed}",
                {
                    "sites": len(camp.sites),
                    "households": len(camp.households),
                    "individuals": sum(len(h.members) for h in camp.households),
                },
            )
            if destination is not None:
                partial = _write_csv(camp, stored, destination, report)
        if partial is not None and destination is not None:
            # Only a committed load gets its CSV.
            partial.replace(destination)
            partial = None
    finally:
        if partial is not None:
            partial.unlink(missing_ok=True)
    report("updating planner statistics", 0, 1)
    _analyse()
    report("updating planner statistics", 1, 1)
    summary = LoadSummary(
        people=sum(len(h.members) for h in camp.households),
        households=len(camp.households),
        sites=len(camp.sites),
        shelters=sum(1 for _ in camp.shelters()),
        organisations=len(camp.organisations),
        duplicate_households=len(camp.duplicate_households),
        seconds=time.perf_counter() - started,
    )
    log.info("synthetic camp loaded (seed %d): %s in %.1f s", seed, summary, summary.seconds)
    return summary


def _analyse() -> None:
    """Refresh the query planner's statistics after a bulk load: without them PostgreSQL plans
    for empty tables and the first pages take seconds instead of milliseconds."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def no_progress(step: str, done: int, total: int) -> None:
    """A `Progress` that reports nothing."""
    del step, done, total


def _grouped(number: int) -> str:
    return f"{number:,}".replace(",", " ")


def _refuse_if_not_empty() -> None:
    sites = Site.objects.count()
    if sites:
        raise CampNotEmptyError(
            f"The database already holds {sites} site(s), so no synthetic camp was loaded: "
            "invented people must not mix with real records. Load it into an empty database "
            "instead: point EDGECAMP_DATA_DIR at a new folder (SQLite) or DATABASE_URL at an "
            "empty database, then run the command again."
        )


@dataclass
class _StoredIds:
    household_numbers: dict[int, str]  # by synthetic household id
    individuals: dict[int, int]  # database pk by synthetic individual id


def _store(camp: synthetic.SyntheticCamp, report: Progress) -> _StoredIds:
    now = timezone.now()
    organisations = _store_organisations(camp.organisations)
    report("sites", 0, len(camp.sites))
    site_rows = Site.objects.bulk_create(
        [
            Site(
                name=s.name,
                code=s.code,
                type=s.type,
                latitude=s.latitude,
                longitude=s.longitude,
                area_m2=s.area_m2,
                managing_organisation_id=organisations[s.managing_organisation_id],
                opened_on=s.opened_on,
            )
            for s in camp.sites
        ]
    )
    site_pks = {s.id: row.pk for s, row in zip(camp.sites, site_rows, strict=True)}
    blocks = [(site, block) for site in camp.sites for block in site.blocks]
    block_rows = Block.objects.bulk_create(
        [Block(site_id=site_pks[site.id], code=b.code, name=b.name) for site, b in blocks],
        batch_size=BATCH_SIZE,
    )
    block_pks = {b.id: row.pk for (_, b), row in zip(blocks, block_rows, strict=True)}
    report("sites", len(camp.sites), len(camp.sites))
    new_sites = list(site_pks.values())

    shelters = [(block_pks[block.id], s) for _, block in blocks for s in block.shelters]
    _insert_rows(
        Shelter,
        (
            "block",
            "code",
            "type",
            "covered_m2",
            "capacity",
            "accessible",
            "near_facilities",
            "status",
        ),
        (
            (b, s.code, s.type, s.covered_m2, s.capacity, s.accessible, s.near_facilities, s.status)
            for b, s in shelters
        ),
        created_at=now,
        report=report,
        step="shelters",
        total=len(shelters),
    )
    shelter_pks_by_code = {
        (block, code): pk
        for pk, block, code in Shelter.objects.filter(block__site__in=new_sites).values_list(
            "pk", "block_id", "code"
        )
    }
    shelter_pks = {s.id: shelter_pks_by_code[(b, s.code)] for b, s in shelters}

    numbers = reserve_household_numbers(len(camp.households))
    _insert_rows(
        Household,
        (
            "number",
            "site",
            "shelter",
            "place_of_origin",
            "phone",
            "language",
            "status",
            "registration_date",
            "registration_desk",
        ),
        (
            (
                number,
                site_pks[h.site_id],
                shelter_pks[h.shelter_id] if h.shelter_id is not None else None,
                h.place_of_origin,
                h.phone,
                h.language,
                Household.Status.ACTIVE.value,
                h.registration_date,
                h.registration_desk,
            )
            for h, number in zip(camp.households, numbers, strict=True)
        ),
        created_at=now,
        report=report,
        step="households",
        total=len(camp.households),
    )
    pk_by_number = dict(Household.objects.filter(site__in=new_sites).values_list("number", "pk"))
    household_pks = {
        h.id: pk_by_number[number] for h, number in zip(camp.households, numbers, strict=True)
    }

    people = [(h, m) for h in camp.households for m in h.members]
    # Rows are inserted without save(), which is what keeps search_text and name_keys current:
    # the model's own refresh_search_text() computes them on one scratch instance reused for
    # every person.
    scratch = Individual()
    _insert_rows(
        Individual,
        (
            "household",
            "given_name",
            "family_name",
            "given_name_local",
            "family_name_local",
            "other_names",
            "names_unknown",
            "sex",
            "date_of_birth",
            "date_of_birth_precision",
            "relationship",
            "nationality",
            "status",
            "search_text",
            "name_keys",
        ),
        (_individual_row(household_pks[h.id], m, scratch) for h, m in people),
        created_at=now,
        report=report,
        step="individuals",
        total=len(people),
    )
    individual_pks = _individual_pks(camp, household_pks, new_sites)

    _insert_rows(
        Membership,
        ("individual", "household", "relationship", "started_on", "ended_on", "reason"),
        (
            (
                individual_pks[m.id],
                household_pks[h.id],
                m.relationship,
                h.registration_date,
                None,
                "registered",
            )
            for h, m in people
        ),
        report=report,
        step="memberships",
        total=len(people),
    )
    needs = [(individual_pks[m.id], code) for _, m in people for code in m.specific_needs]
    _insert_rows(
        SpecificNeedRecord,
        ("individual", "code", "detail", "recorded_at"),
        ((pk, code, "", now) for pk, code in needs),
        report=report,
        step="specific needs",
        total=len(needs),
    )
    documents = [(individual_pks[m.id], d) for _, m in people for d in m.documents]
    # A synthetic duplicate registration keeps its person's documents, as real ones do: the
    # later copy of a number is not active (IdentityDocument.active), like the migration's.
    held = set(IdentityDocument.objects.filter(active=True).values_list("type", "number"))
    active = []
    for _pk, d in documents:
        active.append((d.type, d.number) not in held)
        held.add((d.type, d.number))
    _insert_rows(
        IdentityDocument,
        ("individual", "type", "number", "issuing_country", "expires_on", "active"),
        (
            (pk, d.type, d.number, d.issuing_country, d.expires_on, is_active)
            for (pk, d), is_active in zip(documents, active, strict=True)
        ),
        report=report,
        step="identity documents",
        total=len(documents),
    )
    registered = {"old_status": "", "new_status": Household.Status.ACTIVE.value}
    _insert_rows(
        LifeEvent,
        (
            "household",
            "kind",
            "occurred_on",
            "occurred_on_precision",
            "recorded_at",
            "reason",
            "note",
            "data",
        ),
        (
            (
                household_pks[h.id],
                EventKind.REGISTRATION.value,
                h.registration_date,
                "exact",
                now,
                EventReason.REGISTERED.value,
                "",
                registered,
            )
            for h in camp.households
        ),
        report=report,
        step="status history",
        total=len(household_pks),
    )
    # The focal point can only be pointed at once its row exists: one UPDATE for all.
    report("focal points", 0, len(household_pks))
    Household.objects.filter(site__in=new_sites).update(
        focal_point=Subquery(
            Individual.objects.filter(household=OuterRef("pk"), relationship="focal_point").values(
                "pk"
            )[:1]
        )
    )
    report("focal points", len(household_pks), len(household_pks))
    return _StoredIds(
        household_numbers={h.id: n for h, n in zip(camp.households, numbers, strict=True)},
        individuals=individual_pks,
    )


def _individual_row(
    household_pk: int, person: synthetic.Individual, scratch: Individual
) -> tuple[object, ...]:
    scratch.given_name = person.given_name
    scratch.family_name = person.family_name
    scratch.given_name_local = person.given_name_local
    scratch.family_name_local = person.family_name_local
    scratch.other_names = list(person.other_names)
    scratch.refresh_search_text()
    return (
        household_pk,
        person.given_name,
        person.family_name,
        person.given_name_local,
        person.family_name_local,
        scratch.other_names,
        False,
        person.sex,
        person.date_of_birth,
        person.date_of_birth_precision,
        person.relationship,
        person.nationality,
        Individual.Status.ACTIVE.value,
        scratch.search_text,
        scratch.name_keys,
    )


def _individual_pks(
    camp: synthetic.SyntheticCamp, household_pks: dict[int, int], new_sites: list[int]
) -> dict[int, int]:
    """Database ids of the individuals just inserted, by synthetic id.

    Ids grow in insertion order within a transaction on both databases, so a household's
    members come back in the order they were written."""
    by_household: dict[int, list[int]] = {}
    for pk, household in (
        Individual.objects.filter(household__site__in=new_sites)
        .order_by("pk")
        .values_list("pk", "household_id")
    ):
        by_household.setdefault(household, []).append(pk)
    pks: dict[int, int] = {}
    for household in camp.households:
        stored = by_household[household_pks[household.id]]
        for member, pk in zip(household.members, stored, strict=True):
            pks[member.id] = pk
    return pks


def _store_organisations(records: Sequence[synthetic.Organisation]) -> dict[int, int]:
    # Partners entered by hand before the demo keep their rows; only missing ones are added.
    names = [r.name for r in records]
    existing = dict(Organisation.objects.filter(name__in=names).values_list("name", "pk"))
    created = Organisation.objects.bulk_create(
        [
            Organisation(name=r.name, acronym=r.acronym, type=r.type)
            for r in records
            if r.name not in existing
        ]
    )
    existing.update({row.name: row.pk for row in created})
    return {r.id: existing[r.name] for r in records}


# Fields whose Python values the database drivers cannot take as they are.
_CONVERTED_FIELDS = frozenset({"DateField", "DateTimeField", "DecimalField", "JSONField"})


def _insert_rows(
    model: type[models.Model],
    field_names: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    created_at: datetime | None = None,
    report: Progress,
    step: str,
    total: int,
) -> None:
    """Insert many rows fast: COPY on PostgreSQL, multi-row INSERT statements elsewhere.

    bulk_create renders and binds every row through the ORM's compiler, which took most of a
    demo load's time; here the rows only supply values. Values go through the field's own
    get_db_prep_save where a driver needs a conversion (dates, decimals, JSON). `created_at`
    fills the auto_now timestamps (created_at, updated_at) that save() would have set.
    """
    stamps = ("created_at", "updated_at") if created_at is not None else ()
    # A record with a public id (core.models.PublicId) gets a new one, as save() would give it.
    public_id = any(f.name == "uuid" for f in model._meta.concrete_fields) and (
        "uuid" not in field_names
    )
    names = [*field_names, *stamps, *(("uuid",) if public_id else ())]
    fields = [model._meta.get_field(name) for name in names]
    converted = [
        i
        for i, f in enumerate(fields[: len(field_names)])
        if f.get_internal_type() in _CONVERTED_FIELDS
    ]
    stamp = (
        model._meta.get_field("created_at").get_db_prep_save(created_at, connection)
        if created_at
        else None
    )
    extra = (stamp, stamp) if created_at is not None else ()
    uuid_field = model._meta.get_field("uuid") if public_id else None

    def prepared(row: Sequence[object]) -> list[object]:
        values = [*row, *extra]
        for i in converted:
            if values[i] is not None:
                values[i] = fields[i].get_db_prep_save(values[i], connection)
        if uuid_field is not None:
            values.append(uuid_field.get_db_prep_save(uuid.uuid4(), connection))
        return values

    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(f.column) for f in fields)
    done = 0
    report(step, 0, total)
    with connection.cursor() as cursor, connection.wrap_database_errors:
        if connection.vendor == "postgresql":
            # Only quoted names from the model go into the statement; values are streamed.
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(prepared(row))
                    done += 1
                    if done % REPORT_EVERY == 0:
                        report(step, done, total)
        else:
            # SQLite allows 32 766 parameters per statement.
            limit = connection.features.max_query_params or 32_766
            per_statement = max(1, min(BATCH_SIZE, limit // len(fields)))
            placeholders = "({})".format(", ".join(["%s"] * len(fields)))
            statements: dict[int, str] = {}
            for batch in batched(rows, per_statement):
                if len(batch) not in statements:
                    statements[len(batch)] = "INSERT INTO {} ({}) VALUES {}".format(  # noqa: S608
                        table, columns, ", ".join([placeholders] * len(batch))
                    )
                cursor.execute(statements[len(batch)], [v for row in batch for v in prepared(row)])
                done += len(batch)
                if done % REPORT_EVERY < per_statement:
                    report(step, done, total)
    report(step, done, total)


def _write_csv(
    camp: synthetic.SyntheticCamp, stored: _StoredIds, destination: Path, report: Progress
) -> Path:
    """Write the dedupe CSV next to `destination` under a temporary name; the caller renames
    it once the load is committed."""
    total = sum(len(h.members) for h in camp.households)
    report("CSV", 0, total)
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = destination.with_name(f".{destination.name}.partial")
    try:
        synthetic.write_dedupe_csv(
            camp,
            partial,
            record_ids=stored.individuals,
            household_refs=stored.household_numbers,
        )
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    report("CSV", total, total)
    return partial
