"""The individuals of a synthetic camp as input for a deduplication run, with the ground truth
in the last column so the run can be scored.

Written with the plain csv writer, not edgecamp.csvio's formula-safe one: every cell is
generated (no text a person typed), and phones such as "+249 912 345 678" must reach the dedupe
run as they are."""

from __future__ import annotations

import csv
import os
from collections.abc import Iterator, Mapping
from typing import TextIO

from edgecamp.synthetic.records import SyntheticCamp

DEDUPE_COLUMNS = (
    "record_id",
    "given_name",
    "family_name",
    "sex",
    "date_of_birth",
    "place_of_origin",
    "phone",
    "household_ref",
    "true_person_id",
)


def write_dedupe_csv(
    camp: SyntheticCamp,
    destination: str | os.PathLike[str] | TextIO,
    *,
    record_ids: Mapping[int, object] | None = None,
    household_refs: Mapping[int, str] | None = None,
) -> int:
    """Write one row per individual record (duplicates included) and return the row count.

    Dates are YYYY-MM-DD, blank when unknown. By default record_id is the synthetic
    individual id and household_ref the synthetic household id; a caller that stored the camp
    passes the database ids and household numbers instead (keyed by the synthetic ids).
    """
    if isinstance(destination, str | os.PathLike):
        with open(destination, "w", newline="", encoding="utf-8") as handle:
            return _write(camp, handle, record_ids, household_refs)
    return _write(camp, destination, record_ids, household_refs)


def _write(
    camp: SyntheticCamp,
    handle: TextIO,
    record_ids: Mapping[int, object] | None,
    household_refs: Mapping[int, str] | None,
) -> int:
    writer = csv.writer(handle, lineterminator="\n")
    writer.writerow(DEDUPE_COLUMNS)
    rows = 0

    def records() -> Iterator[tuple[object, ...]]:
        nonlocal rows
        for household in camp.households:
            reference = household_refs[household.id] if household_refs else household.id
            for person in household.members:
                rows += 1
                born = person.date_of_birth
                yield (
                    record_ids[person.id] if record_ids else person.id,
                    person.given_name,
                    person.family_name,
                    person.sex,
                    born.isoformat() if born else "",
                    household.place_of_origin,
                    household.phone,
                    reference,
                    person.true_person_id,
                )

    writer.writerows(records())
    return rows
