"""Dedupe from and to CSV files: `edgecamp dedupe INPUT.csv --out CLUSTERS.csv`.

Reading is strict about what would make the output wrong (bad encoding, a missing or
duplicated record_id: the error names the row) and lenient about the rest (missing columns are
blank, extra columns ignored, an unparsable date becomes missing and is counted). Outputs are
written to a temporary file and moved into place, so an error leaves nothing half-written.
"""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TextIO

import polars as pl

from edgecamp.linkage._table import FIELDS
from edgecamp.linkage.engine import DEFAULT_THRESHOLD, Progress, link
from edgecamp.linkage.model import LinkageInputError, Result
from edgecamp.linkage.normalise import parse_date

Path_ = str | os.PathLike[str]


class DedupeFileError(LinkageInputError):
    """A file that cannot be read or written; the message names the file and row."""


@dataclass(frozen=True, slots=True)
class DedupeSummary:
    records: int
    clusters: int  # clusters of two or more records
    duplicates: int  # records beyond the first of each cluster
    pairs_written: int
    unparsable_dates: int
    first_unparsable: str  # "row 12: '31/02/1990'" for the warning
    result: Result


def parse_mapping(text: str) -> dict[str, str]:
    """`"id=record_id,dob=date_of_birth"` → {"id": "record_id", "dob": "date_of_birth"}."""
    mapping: dict[str, str] = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        column, equals, field_name = item.partition("=")
        if not equals or not column.strip() or field_name.strip() not in FIELDS:
            raise DedupeFileError(
                f"--map item {item!r} must be COLUMN=FIELD with FIELD one of {', '.join(FIELDS)}."
            )
        mapping[column.strip()] = field_name.strip()
    return mapping


def read_records(
    path: Path_, mapping: Mapping[str, str] | None = None
) -> tuple[pl.DataFrame, int, str]:
    """The records of a dedupe CSV as a frame ready for `link`, the number of unparsable
    dates and the first of them."""
    columns: dict[str, list[str]] = {name: [] for name in FIELDS}
    dates: list[date | None] = []
    unparsable, first_unparsable = 0, ""
    seen: dict[str, int] = {}
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            if header is None:
                raise DedupeFileError(f"{path} is empty; it needs a header row with record_id.")
            names = [(mapping or {}).get(h.strip(), h.strip()) for h in header]
            if "record_id" not in names:
                raise DedupeFileError(
                    f"{path} has no record_id column (header: {', '.join(header)}); add one or "
                    "name it with --map COLUMN=record_id."
                )
            positions = {name: names.index(name) for name in FIELDS if name in names}
            for row_number, row in enumerate(reader, start=2):
                if not any(cell.strip() for cell in row):
                    continue
                values = {
                    name: row[i].strip() if i < len(row) else "" for name, i in positions.items()
                }
                record_id = values["record_id"]
                if not record_id:
                    raise DedupeFileError(f"{path}, row {row_number}: record_id is empty.")
                if record_id in seen:
                    raise DedupeFileError(
                        f"{path}, row {row_number}: record_id {record_id!r} is already used on "
                        f"row {seen[record_id]}; record ids must be unique."
                    )
                seen[record_id] = row_number
                try:
                    born, precision = parse_date(values.get("date_of_birth", ""))
                except ValueError:
                    born, precision = None, ""
                    unparsable += 1
                    if not first_unparsable:
                        first_unparsable = f"row {row_number}: {values['date_of_birth']!r}"
                dates.append(born)
                values["dob_precision"] = values.get("dob_precision") or precision
                for name in FIELDS:
                    if name != "date_of_birth":
                        columns[name].append(values.get(name, ""))
    except UnicodeDecodeError as error:
        line = _line_of_byte(path, error.start)
        raise DedupeFileError(
            f"{path}, row {line}: not UTF-8 text ({error.reason}); save the file as UTF-8 "
            "(CSV UTF-8 in a spreadsheet) and run again."
        ) from error
    except csv.Error as error:
        raise DedupeFileError(f"{path}: not a readable CSV file ({error}).") from error
    except OSError as error:
        raise DedupeFileError(f"Cannot read {path}: {error.strerror}.") from error
    frame = pl.DataFrame(
        {
            **{name: columns[name] for name in FIELDS if name != "date_of_birth"},
            "date_of_birth": pl.Series(dates, dtype=pl.Date),
        }
    )
    return frame, unparsable, first_unparsable


def _line_of_byte(path: Path_, offset: int) -> int:
    # Offsets count after the BOM-less decoding start; close enough to name the row.
    with open(path, "rb") as handle:
        return handle.read(offset + 1).count(b"\n") + 1


def dedupe_file(
    source: Path_,
    out: Path_,
    *,
    pairs_out: Path_ | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    mapping: Mapping[str, str] | None = None,
    progress: Progress | None = None,
) -> DedupeSummary:
    """Read `source`, link, write `record_id,cluster_id` for every record to `out` and (if
    given) `record_id_l,record_id_r,probability` for the linked pairs to `pairs_out`."""
    frame, unparsable, first_unparsable = read_records(source, mapping)
    result = link(frame, threshold=threshold, review_threshold=threshold, progress=progress)
    pair_rows = [
        (p.record_id_l, p.record_id_r, f"{p.probability:.6f}") for p in result.pairs if p.linked
    ]
    with _atomic(out) as handle:
        _write(
            handle,
            ("record_id", "cluster_id"),
            zip(result.record_ids, result.cluster_ids, strict=True),
        )
    if pairs_out is not None:
        try:
            with _atomic(pairs_out) as handle:
                _write(handle, ("record_id_l", "record_id_r", "probability"), pair_rows)
        except BaseException:
            Path(out).unlink(missing_ok=True)
            raise
    sizes: dict[int, int] = {}
    for cluster_id in result.cluster_ids:
        sizes[cluster_id] = sizes.get(cluster_id, 0) + 1
    return DedupeSummary(
        records=len(result.record_ids),
        clusters=sum(1 for s in sizes.values() if s > 1),
        duplicates=sum(s - 1 for s in sizes.values()),
        pairs_written=len(pair_rows) if pairs_out is not None else 0,
        unparsable_dates=unparsable,
        first_unparsable=first_unparsable,
        result=result,
    )


def _write(handle: TextIO, header: Sequence[str], rows: Iterator[Sequence[object]] | list[
        tuple[str, str, str]] | zip[tuple[str, int]]) -> None:  # fmt: skip
    writer = csv.writer(handle, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)


@contextmanager
def _atomic(path: Path_) -> Iterator[TextIO]:
    target = Path(path)
    try:
        descriptor, temporary = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=".partial", dir=target.parent or "."
        )
    except OSError as error:
        raise DedupeFileError(f"Cannot write {target}: {error.strerror}.") from error
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as handle:
            yield handle
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


Reporter = Callable[[str, int, int], None]
