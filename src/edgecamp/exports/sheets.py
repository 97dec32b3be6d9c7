"""Writing rows as a spreadsheet, streamed: XLSX through XlsxWriter's constant-memory mode
(each row goes to disk as it is written; a million rows never sit in memory), CSV through
`edgecamp.csvio` (cells that a spreadsheet would run as formulas are neutralised). Every
XLSX cell is written as what it is (a string is never a formula)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO

import xlsxwriter

from edgecamp import csvio

Row = Sequence[Any]


def write_xlsx(path: Path, sheets: Iterable[tuple[str, Iterable[Row]]]) -> dict[str, int]:
    """Write each (sheet name, rows) in turn; the first two rows of each are its header and
    its HXL hashtags. Answers the data rows written per sheet."""
    workbook = xlsxwriter.Workbook(
        str(path), {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    bold = workbook.add_format({"bold": True})
    dated = workbook.add_format({"num_format": "yyyy-mm-dd"})
    written: dict[str, int] = {}
    try:
        for name, rows in sheets:
            sheet = workbook.add_worksheet(name[:31])
            count = -2
            for r, row in enumerate(rows):
                for c, value in enumerate(row):
                    if value is None or value == "":
                        continue
                    if isinstance(value, bool):
                        sheet.write_boolean(r, c, value)
                    elif isinstance(value, int | float):
                        sheet.write_number(r, c, value)
                    elif isinstance(value, dt.date):
                        sheet.write_datetime(r, c, value, dated)
                    else:
                        sheet.write_string(r, c, str(value), bold if r < 2 else None)
                count += 1
            sheet.freeze_panes(2, 0)
            written[name] = max(count, 0)
    finally:
        workbook.close()
    return written


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
