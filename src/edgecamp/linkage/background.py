"""A reference population for registries too small to learn from.

The engine estimates its model (how often names, dates of birth and places agree by chance) on
the registry it is given. On a camp's first days the registry holds a few hundred people, too
few to estimate anything; the desk check then pads it with this population, whose records are
never returned as matches.

It is part of the matching model, not demo data: a frozen file shipped with the package
(`background.csv.gz`, 3 088 synthetic people, no real person), so the desk check does not
change when the demo's generator changes and production code never imports the generator.
`scripts/freeze-desk-background` wrote it from `edgecamp.synthetic` (seed 20 251 125); run it
again only on purpose, as a change of the model.
"""

from __future__ import annotations

import csv
import gzip
import io
from collections.abc import Iterable
from datetime import date
from functools import cache
from pathlib import Path

from edgecamp.linkage.model import Record

BACKGROUND_FILE = Path(__file__).with_name("background.csv.gz")
FIELDS = (
    "record_id",
    "given_name",
    "family_name",
    "sex",
    "date_of_birth",
    "dob_precision",
    "place_of_origin",
    "phone",
    "household_ref",
)


@cache
def _rows() -> tuple[tuple[str, ...], ...]:
    with gzip.open(BACKGROUND_FILE, "rt", encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = tuple(next(reader))
        if header != FIELDS:
            raise ValueError(f"{BACKGROUND_FILE.name}: unexpected columns {header}")
        return tuple(tuple(row) for row in reader)


def background_records(prefix: str = "") -> tuple[Record, ...]:
    """The population as records; `prefix` goes before every record and household id, so the
    caller can tell them from its own."""
    return tuple(
        Record(
            record_id=f"{prefix}{record_id}",
            given_name=given,
            family_name=family,
            sex=sex,
            date_of_birth=date.fromisoformat(born) if born else None,
            dob_precision=precision,
            place_of_origin=origin,
            phone=phone,
            household_ref=f"{prefix}{household}",
        )
        for record_id, given, family, sex, born, precision, origin, phone, household in _rows()
    )


def write_background(records: Iterable[Record], path: Path = BACKGROUND_FILE) -> int:
    """Write `records` as the frozen population (byte-for-byte reproducible); returns the
    number written."""
    text = io.StringIO(newline="")
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(FIELDS)
    count = 0
    for r in records:
        born = r.date_of_birth.isoformat() if r.date_of_birth else ""
        person = (r.record_id, r.given_name, r.family_name, r.sex, born, r.dob_precision)
        writer.writerow((*person, r.place_of_origin, r.phone, r.household_ref))
        count += 1
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as packed:
        packed.write(text.getvalue().encode("utf-8"))
    return count
