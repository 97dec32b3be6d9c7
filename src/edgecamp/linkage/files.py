"""Dedupe from and to CSV files: `edgecamp dedupe INPUT.csv --out CLUSTERS.csv`.

Reading (edgecamp.csvio) is strict about what would make the output wrong (an encoding that is
neither named nor UTF-8/BOM, a column named twice, a value under no column, a missing or
duplicated record_id: the error names the row) and lenient about the rest (missing columns are
blank, extra named columns ignored, an unparsable date becomes missing and is counted). Outputs
are written to a temporary file and moved into place, so an error leaves nothing half-written;
csvio's writer prefixes a record id that starts like a spreadsheet formula with an apostrophe.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TextIO

import polars as pl

from edgecamp.csvio import CsvFileError, open_csv, writer
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
    path: Path_, mapping: Mapping[str, str] | None = None, encoding: str | None = None
) -> tuple[pl.DataFrame, int, str]:
    """The records of a dedupe CSV as a frame ready for `link`, the number of unparsable
    dates and the first of them."""
    columns: dict[str, list[str]] = {name: [] for name in FIELDS}
    dates: list[date | None] = []
    unparsable, first_unparsable = 0, ""
    seen: dict[str, int] = {}
    try:
        with open_csv(path, encoding=encoding, rename=mapping) as table:
            if "record_id" not in table.header:
                raise DedupeFileError(
                    f"{path} has no record_id column (header: {', '.join(table.header)}); add "
                    "one or name it with --map COLUMN=record_id."
                )
            for row_number, values in table:
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
    except CsvFileError as error:
        raise DedupeFileError(f"{error}.") from None
    frame = pl.DataFrame(
        {
            **{name: columns[name] for name in FIELDS if name != "date_of_birth"},
            "date_of_birth": pl.Series(dates, dtype=pl.Date),
        }
    )
    return frame, unparsable, first_unparsable


def dedupe_file(
    source: Path_,
    out: Path_,
    *,
    pairs_out: Path_ | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    mapping: Mapping[str, str] | None = None,
    progress: Progress | None = None,
    encoding: str | None = None,
) -> DedupeSummary:
    """Read `source`, link, write `record_id,cluster_id` for every record to `out` and (if
    given) `record_id_l,record_id_r,probability` for the linked pairs to `pairs_out`."""
    frame, unparsable, first_unparsable = read_records(source, mapping, encoding)
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
    out = writer(handle)
    out.writerow(header)
    out.writerows(rows)


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
