"""Allocation from CSV files: read shelters and households, write the plan.

The files are read by edgecamp.csvio (encoding named or detected, a column named twice
refused); row numbers count the header as row 1, as a spreadsheet shows them. Nothing is
written unless every row is valid and the allocation succeeded; the plan is written to a
temporary file first and then moved into place, through csvio's writer (no cell can start a
spreadsheet formula).
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from edgecamp.allocation.check import plan_metrics
from edgecamp.allocation.engine import Progress, allocate
from edgecamp.allocation.model import (
    NEED_CODES,
    AllocationConfig,
    Household,
    Plan,
    PlanMetrics,
    Shelter,
)
from edgecamp.csvio import CsvFileError, open_csv, writer

SHELTER_COLUMNS = ("shelter_id", "block", "covered_m2", "capacity", "accessible", "near_facilities")
HOUSEHOLD_COLUMNS = ("household_id", "size", "origin", "needs")
PLAN_COLUMNS = ("household_id", "shelter_ids", "explanation")
TRUE = frozenset({"1", "true", "yes", "y", "t"})
FALSE = frozenset({"", "0", "false", "no", "n", "f"})


class AllocationFileError(ValueError):
    def __init__(self, path: Path | str, row: int, field: str, problem: str) -> None:
        self.path = str(path)
        self.row = row
        self.field = field
        self.problem = problem
        super().__init__(f"{path}, row {row}, field {field}: {problem}")


@dataclass(frozen=True, slots=True)
class FileAllocation:
    plan: Plan
    metrics: PlanMetrics
    seconds: float


def allocate_files(
    shelters_path: Path | str,
    households_path: Path | str,
    out_path: Path | str,
    config: AllocationConfig,
    progress: Progress | None = None,
    *,
    encoding: str | None = None,
) -> FileAllocation:
    started = time.perf_counter()
    shelters = read_shelters(shelters_path, encoding)
    households = read_households(households_path, {s.shelter_id for s in shelters}, encoding)
    plan = allocate(shelters, households, config, progress)
    metrics = plan_metrics(shelters, households, plan, config)
    write_plan(out_path, plan)
    return FileAllocation(plan, metrics, time.perf_counter() - started)


def _rows(
    path: Path | str, required: tuple[str, ...], encoding: str | None
) -> Iterator[tuple[int, dict[str, str]]]:
    try:
        with open_csv(path, encoding=encoding) as table:
            table.require(required)
            yield from table
    except CsvFileError as error:
        raise AllocationFileError(path, error.row, error.column or "-", error.problem) from None


def _whole(path: Path | str, row: int, field: str, text: str, minimum: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise AllocationFileError(
            path, row, field, f"{text!r} is not a whole number (write e.g. 5)"
        ) from None
    if value < minimum:
        raise AllocationFileError(path, row, field, f"{value} is below {minimum}")
    return value


def _flag(path: Path | str, row: int, field: str, text: str) -> bool:
    lowered = text.lower()
    if lowered in TRUE:
        return True
    if lowered in FALSE:
        return False
    raise AllocationFileError(path, row, field, f"{text!r} is not yes/no (write 1 or 0)")


def read_shelters(path: Path | str, encoding: str | None = None) -> list[Shelter]:
    shelters: list[Shelter] = []
    first_row: dict[str, int] = {}
    for number, row in _rows(path, SHELTER_COLUMNS, encoding):
        shelter_id = row["shelter_id"]
        if not shelter_id:
            raise AllocationFileError(path, number, "shelter_id", "empty; every shelter needs one")
        if shelter_id in first_row:
            raise AllocationFileError(
                path,
                number,
                "shelter_id",
                f"duplicate {shelter_id!r} (first on row {first_row[shelter_id]})",
            )
        first_row[shelter_id] = number
        if not row["block"]:
            raise AllocationFileError(path, number, "block", "empty; name the shelter's block")
        try:
            covered = float(row["covered_m2"])
        except ValueError:
            raise AllocationFileError(
                path, number, "covered_m2", f"{row['covered_m2']!r} is not a number (e.g. 17.5)"
            ) from None
        if not covered > 0:
            raise AllocationFileError(path, number, "covered_m2", "must be above 0")
        shelters.append(
            Shelter(
                shelter_id=shelter_id,
                block=row["block"],
                covered_m2=covered,
                capacity=_whole(path, number, "capacity", row["capacity"], 1),
                accessible=_flag(path, number, "accessible", row["accessible"]),
                near_facilities=_flag(path, number, "near_facilities", row["near_facilities"]),
            )
        )
    return shelters


def read_households(
    path: Path | str, shelter_ids: set[str], encoding: str | None = None
) -> list[Household]:
    households: list[Household] = []
    first_row: dict[str, int] = {}
    for number, row in _rows(path, HOUSEHOLD_COLUMNS, encoding):
        household_id = row["household_id"]
        if not household_id:
            raise AllocationFileError(
                path, number, "household_id", "empty; every household needs one"
            )
        if household_id in first_row:
            raise AllocationFileError(
                path,
                number,
                "household_id",
                f"duplicate {household_id!r} (first on row {first_row[household_id]})",
            )
        first_row[household_id] = number
        needs = frozenset(row["needs"].upper().split())
        unknown = sorted(needs - NEED_CODES)
        if unknown:
            raise AllocationFileError(
                path,
                number,
                "needs",
                f"unknown need code {unknown[0]!r}; use UNHCR codes "
                f"{' '.join(sorted(NEED_CODES))}, separated by spaces",
            )
        current = tuple(row.get("current_shelter", "").split())
        for shelter_id in current:
            if shelter_id not in shelter_ids:
                raise AllocationFileError(
                    path,
                    number,
                    "current_shelter",
                    f"{shelter_id!r} is not in the shelters file",
                )
        registered: date | None = None
        if row.get("registered_on"):
            try:
                registered = date.fromisoformat(row["registered_on"])
            except ValueError:
                raise AllocationFileError(
                    path,
                    number,
                    "registered_on",
                    f"{row['registered_on']!r} is not a date (write YYYY-MM-DD)",
                ) from None
        households.append(
            Household(
                household_id=household_id,
                size=_whole(path, number, "size", row["size"], 1),
                origin=row["origin"],
                needs=needs,
                current_shelter=current,
                registered_on=registered,
            )
        )
    return households


def write_plan(path: Path | str, plan: Plan) -> None:
    target = Path(path)
    handle, temporary = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=".tmp", dir=target.parent
    )
    try:
        with os.fdopen(handle, "w", newline="", encoding="utf-8") as out:
            rows = writer(out)
            rows.writerow(PLAN_COLUMNS)
            for row in plan.assignments:
                rows.writerow((row.household_id, " ".join(row.shelter_ids), row.explanation))
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
