"""Writing rows as a spreadsheet, streamed: XLSX through rustpy-xlsxwriter (Python bindings of
rust_xlsxwriter, the Rust port by XlsxWriter's author) in its constant-memory mode, each row
written as it comes, so a million rows never sit in memory; CSV through `edgecamp.csvio`
(cells a spreadsheet would run as formulas are neutralised). An XLSX cell is written as what
it is: a string that starts with "=" stays a string, never a formula.

Why not XlsxWriter itself: it writes each cell's XML in Python; for a million members that was
259 s at 1M people (25 s per 200 000 rows of 14 columns against 2.5 s here, same rows, same
run), over the 90 s the registry export has."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO

from rustpy_xlsxwriter import FastExcel

from edgecamp import csvio

Row = Sequence[Any]


def write_xlsx(path: Path, sheets: Iterable[tuple[str, Iterable[Row]]]) -> dict[str, int]:
    """Write each (sheet name, rows) in turn; the first row of each is its header, the second
    its HXL hashtags. Answers the data rows written per sheet."""
    written: dict[str, int] = {}
    book = FastExcel(str(path)).format(bold_headers=True, datetime_format="yyyy-mm-dd")
    for name, rows in sheets:
        book = book.sheet(name[:31], _records(name, rows, written))
    book.freeze(row=2).save()
    return written


def _records(name: str, rows: Iterable[Row], written: dict[str, int]) -> Iterator[dict[str, Any]]:
    lines = iter(rows)
    header = [str(column) for column in next(lines)]
    written[name] = -1  # the HXL row is not data
    for row in lines:
        written[name] += 1
        yield {
            column: (None if value == "" else value)
            for column, value in zip(header, row, strict=True)
        }
    written[name] = max(written[name], 0)


def write_csv(out: TextIO, rows: Iterable[Row]) -> int:
    writer = csvio.writer(out)
    count = -2
    for row in rows:
        writer.writerow([_text(v) for v in row])
        count += 1
    return max(count, 0)


class _Line:
    """A file-like object that hands back what was written to it (for streaming a CSV)."""

    def __init__(self) -> None:
        self.value = ""

    def write(self, text: str) -> int:
        self.value += text
        return len(text)


def csv_lines(rows: Iterable[Row]) -> Iterator[str]:
    """The CSV one line at a time, for a streaming response; UTF-8 with a byte-order mark so
    that Excel opens Arabic and accented names right."""
    line = _Line()
    writer = csvio.writer(line)
    yield "\ufeff"
    for row in rows:
        writer.writerow([_text(v) for v in row])
        yield line.value
        line.value = ""


def _text(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return value
