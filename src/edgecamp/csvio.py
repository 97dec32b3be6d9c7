"""Reading and writing CSV, the same way for every file edgecamp takes or gives (framework-free:
the allocation and linkage packages use it too).

Reading (`open_csv`): the encoding is named by the caller (`--encoding`) or detected from a
byte-order mark (UTF-8, UTF-16, UTF-32); without one the file must be UTF-8, and a file that is
not is refused with the line where decoding failed; nothing is ever guessed, so a Latin-1 name
is never read as something else. The header is checked before any row: a column named twice
or a value under a column without a name is refused by name, and `require` names the columns
missing. Rows are numbered as a spreadsheet shows them (the header is row 1); blank rows are
skipped; a value beyond the header's columns is refused with its row. Reading is bounded: a
file larger than `max_bytes` is refused before it is read, and one with more than `max_rows`
data rows as soon as the row after the limit is reached, each with a message naming the limit
(callers that take small files, such as a pledge's lines, give smaller limits).

Writing (`writer`): a text cell starting with = + - @, a tab or a carriage return is prefixed
with an apostrophe, so a spreadsheet shows it instead of running it as a formula (OWASP's CSV
injection advice). A cell that is a plain number (-5, +3.25) is data, not a formula, and is
written as it is, so quantities and coordinates stay numbers.
"""

from __future__ import annotations

import codecs
import csv
import os
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from os import PathLike
from typing import Any, Protocol, TextIO

PathLikeStr = str | PathLike[str]

# What any CSV may hold unless its reader says less: more rows than a registry of a million
# people with room to spare, and a size that still fits in a laptop's memory.
MAX_ROWS = 5_000_000
MAX_BYTES = 1 << 30

_BOMS = (  # longest first: UTF-32 LE starts with the UTF-16 LE mark
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


class CsvFileError(ValueError):
    """A file that cannot be read as asked. `row` is 0 for the file as a whole, 1 for the
    header; `column` names the column concerned, or is empty."""

    def __init__(self, path: PathLikeStr, row: int, column: str, problem: str) -> None:
        self.path = str(path)
        self.row = row
        self.column = column
        self.problem = problem
        where = ", ".join(
            part
            for part in (f"row {row}" if row else "", f"column {column}" if column else "")
            if part
        )
        super().__init__(f"{path}, {where}: {problem}" if where else f"{path}: {problem}")


@dataclass
class CsvTable:
    """An open CSV file: its header, then its rows as (row number, {column: stripped value})."""

    path: str
    encoding: str
    header: tuple[str, ...]
    _rows: Iterator[list[str]]
    max_rows: int = MAX_ROWS

    def require(self, columns: Sequence[str]) -> None:
        missing = [name for name in columns if name not in self.header]
        if missing:
            raise CsvFileError(
                self.path,
                1,
                ", ".join(missing),
                f"missing column; the header must name {', '.join(columns)} "
                f"(it has: {', '.join(name for name in self.header if name) or 'nothing'})",
            )

    def __iter__(self) -> Iterator[tuple[int, dict[str, str]]]:
        named = [(i, name) for i, name in enumerate(self.header) if name]
        nameless = [i for i, name in enumerate(self.header) if not name]
        width = len(self.header)
        count = 0
        for number, cells in enumerate(_decoded(self._rows, self), start=2):
            if not any(cell.strip() for cell in cells):
                continue
            count += 1
            if count > self.max_rows:
                raise CsvFileError(
                    self.path,
                    number,
                    "",
                    f"more than {self.max_rows:,} data rows; a file of this kind holds at most "
                    f"{self.max_rows:,}: split it into several",
                )
            if len(cells) > width or nameless:
                self._refuse_unnamed_values(number, cells, nameless)
            yield number, {name: cells[i].strip() if i < len(cells) else "" for i, name in named}

    def _refuse_unnamed_values(self, number: int, cells: list[str], nameless: list[int]) -> None:
        positions = [*nameless, *range(len(self.header), len(cells))]
        for position in positions:
            if position < len(cells) and cells[position].strip():
                raise CsvFileError(
                    self.path,
                    number,
                    "",
                    f"value {cells[position].strip()!r} in column {position + 1}, which the "
                    "header does not name; name the column or remove the value",
                )


@contextmanager
def open_csv(
    path: PathLikeStr,
    *,
    encoding: str | None = None,
    rename: Mapping[str, str] | None = None,
    fold_case: bool = False,
    max_rows: int = MAX_ROWS,
    max_bytes: int = MAX_BYTES,
) -> Iterator[CsvTable]:
    """Open `path` and read its header. `rename` maps header names to the names the caller
    uses (applied after stripping, and lower-casing with `fold_case`). Iterating the table
    refuses a row beyond `max_rows`; a file larger than `max_bytes` is refused here."""
    _check_size(path, max_bytes)
    chosen = _encoding(path, encoding)
    try:
        handle = open(path, newline="", encoding=chosen)  # noqa: SIM115 - closed below
    except OSError as error:
        raise CsvFileError(path, 0, "", f"cannot be read ({error.strerror})") from None
    with handle:
        rows = csv.reader(handle)
        table = CsvTable(str(path), chosen, (), rows, max_rows)
        header = next(_decoded(rows, table), None)
        if header is None:
            raise CsvFileError(path, 1, "", "the file is empty; it needs a header row")
        table.header = _header(path, header, rename or {}, fold_case)
        yield table


def _check_size(path: PathLikeStr, max_bytes: int) -> None:
    try:
        size = os.stat(path).st_size
    except OSError as error:
        raise CsvFileError(path, 0, "", f"cannot be read ({error.strerror})") from None
    if size > max_bytes:
        raise CsvFileError(
            path,
            0,
            "",
            f"the file is {_size(size)}; a file of this kind may be at most {_size(max_bytes)}: "
            "split it into several",
        )


def _size(count: int) -> str:
    if count < 10_000:
        return f"{count:,} bytes"
    if count < 10_000_000:
        return f"{count / 1000:,.0f} kB"
    return f"{count / 1_000_000:,.0f} MB"


def _encoding(path: PathLikeStr, named: str | None) -> str:
    if named:
        try:
            name = codecs.lookup(named).name
        except LookupError:
            raise CsvFileError(
                path, 0, "", f"unknown encoding {named!r} (e.g. utf-8, utf-16, cp1252)"
            ) from None
        # A UTF-8 file named as such may still start with a byte-order mark.
        return "utf-8-sig" if name == "utf-8" else name
    try:
        with open(path, "rb") as handle:
            start = handle.read(4)
    except OSError as error:
        raise CsvFileError(path, 0, "", f"cannot be read ({error.strerror})") from None
    return next((name for bom, name in _BOMS if start.startswith(bom)), "utf-8")


def _decoded(rows: Iterator[list[str]], table: CsvTable) -> Iterator[list[str]]:
    try:
        yield from rows
    except UnicodeDecodeError as error:
        raise CsvFileError(
            table.path,
            _failing_line(table.path, table.encoding),
            "",
            f"not {table.encoding} text ({error.reason}); save the file as CSV UTF-8, or name "
            "its encoding with --encoding (e.g. --encoding cp1252 for a Windows spreadsheet)",
        ) from None
    except csv.Error as error:
        line = getattr(rows, "line_num", 0)
        raise CsvFileError(table.path, line, "", f"not readable CSV ({error})") from None


def _failing_line(path: str, encoding: str) -> int:
    with open(path, "rb") as handle:
        data = handle.read()
    try:
        data.decode(encoding)
    except UnicodeDecodeError as error:
        return data[: error.start].decode(encoding, "replace").count("\n") + 1
    return 1


def _header(
    path: PathLikeStr, cells: list[str], rename: Mapping[str, str], fold_case: bool
) -> tuple[str, ...]:
    names = [cell.strip().lower() if fold_case else cell.strip() for cell in cells]
    if any("\x00" in name for name in names):
        raise CsvFileError(
            path,
            1,
            "",
            "the header holds NUL bytes: the file is probably UTF-16 without a byte-order "
            "mark; name it with --encoding utf-16-le (or utf-16-be)",
        )
    names = [rename.get(name, name) for name in names]
    first: dict[str, int] = {}
    for position, name in enumerate(names, start=1):
        if not name:
            continue
        if name in first:
            raise CsvFileError(
                path,
                1,
                name,
                f"named twice (columns {first[name]} and {position}); keep one of them",
            )
        first[name] = position
    return tuple(names)


# --- Writing --------------------------------------------------------------------------------

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def safe_cell(value: object) -> object:
    """`value` as a spreadsheet must show it: a text starting like a formula gets a leading
    apostrophe; numbers, and text that is a plain number, are left as they are."""
    if (
        isinstance(value, str)
        and value.startswith(_FORMULA_START)
        and not _PLAIN_NUMBER.fullmatch(value)
    ):
        return "'" + value
    return value


class CsvWriter(Protocol):
    def writerow(self, row: Iterable[Any], /) -> Any: ...


class SafeWriter:
    """`csv.writer` with every cell passed through `safe_cell`."""

    def __init__(self, handle: TextIO, **options: Any) -> None:
        self._writer: CsvWriter = csv.writer(handle, **options)

    def writerow(self, row: Iterable[object]) -> None:
        self._writer.writerow([safe_cell(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(handle: TextIO, **options: Any) -> SafeWriter:
    """The CSV writer for every export: one row per line (LF) unless `options` say otherwise."""
    options.setdefault("lineterminator", "\n")
    return SafeWriter(handle, **options)
