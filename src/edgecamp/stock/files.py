"""CSV files a warehouse clerk has at hand: a pledge's lines, a shipment's manifest, what
arrived against a manifest. Each row is read into the services' inputs; a problem is reported
with the file's line number (the header is line 1), and service errors on `lines.N.field` are
turned into the same wording, so the clerk can fix the file and run the command again. The
files are read by edgecamp.csvio, like every CSV edgecamp takes (encoding named or detected, a
column named twice refused).

    pledge lines:     item,quantity
    manifest:         item,quantity,lot_code,expires_on     (lot and expiry optional)
    received:         item,received_quantity,discrepancy_reason[,lot_code]

`item` is the item's code (or its name); dates are YYYY-MM-DD; decimals use a point."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.utils.translation import gettext as _

from edgecamp.csvio import CsvFileError, open_csv
from edgecamp.stock.models import Item, Shipment
from edgecamp.stock.quantities import MAX_LINES
from edgecamp.stock.services import (
    PledgeLineInput,
    ReceivedLineInput,
    ShipmentLineInput,
    SupplyError,
)

# A file of MAX_LINES rows with long lot codes and reasons is well under this.
MAX_FILE_BYTES = 1_000_000


@dataclass
class FileError(Exception):
    """What is wrong in a file, one message per problem, each naming its line."""

    path: str
    problems: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return "\n".join(f"{self.path}: {problem}" for problem in self.problems)


def read_pledge_lines(path: str | Path, encoding: str | None = None) -> list[PledgeLineInput]:
    rows = list(_rows(path, required=("item", "quantity"), encoding=encoding))
    errors = FileError(str(path))
    items = _items(path, rows, errors)
    lines = []
    for line_no, row in rows:
        quantity = _decimal(row, "quantity", line_no, errors)
        item = items.get(row["item"].strip().lower())
        if item is not None and quantity is not None:
            lines.append(PledgeLineInput(item_id=item.pk, quantity=quantity))
    if errors.problems:
        raise errors
    return lines


def read_manifest(path: str | Path, encoding: str | None = None) -> list[ShipmentLineInput]:
    rows = list(_rows(path, required=("item", "quantity"), encoding=encoding))
    errors = FileError(str(path))
    items = _items(path, rows, errors)
    lines = []
    for line_no, row in rows:
        quantity = _decimal(row, "quantity", line_no, errors)
        expires_on = _date(row, "expires_on", line_no, errors)
        item = items.get(row["item"].strip().lower())
        if item is not None and quantity is not None:
            lines.append(
                ShipmentLineInput(
                    item_id=item.pk,
                    quantity=quantity,
                    lot_code=(row.get("lot_code") or "").strip(),
                    expires_on=expires_on,
                )
            )
    if errors.problems:
        raise errors
    return lines


def read_received(
    path: str | Path, shipment: Shipment, encoding: str | None = None
) -> list[ReceivedLineInput]:
    """Rows matched to the shipment's manifest lines by item (and lot code, when the
    manifest has the item in several lots)."""
    rows = list(_rows(path, required=("item", "received_quantity"), encoding=encoding))
    errors = FileError(str(path))
    items = _items(path, rows, errors)
    manifest = list(shipment.lines.select_related("item").order_by("id"))
    taken: set[int] = set()
    received = []
    for line_no, row in rows:
        quantity = _decimal(row, "received_quantity", line_no, errors)
        item = items.get(row["item"].strip().lower())
        if item is None or quantity is None:
            continue
        lot = (row.get("lot_code") or "").strip()
        matches = [
            line
            for line in manifest
            if line.item_id == item.pk
            and (not lot or line.lot_code == lot)
            and line.pk not in taken
        ]
        if not matches:
            errors.problems.append(
                _(
                    "line %(line)d: %(item)s%(lot)s is not on the manifest of %(waybill)s "
                    "(or is given twice)."
                )
                % {
                    "line": line_no,
                    "item": item.code,
                    "lot": f" lot {lot}" if lot else "",
                    "waybill": shipment.waybill,
                }
            )
            continue
        taken.add(matches[0].pk)
        received.append(
            ReceivedLineInput(
                line_id=matches[0].pk,
                received_quantity=quantity,
                discrepancy_reason=(row.get("discrepancy_reason") or "").strip(),
            )
        )
    if errors.problems:
        raise errors
    return received


def file_errors(path: str | Path, error: SupplyError, line_numbers: Sequence[int]) -> FileError:
    """A service's errors, with `lines.N.field` named by the file line it came from."""
    problems = []
    for where, messages in error.errors.items():
        parts = where.split(".")
        if parts[0] == "lines" and len(parts) >= 2 and parts[1].isdigit():
            index = int(parts[1])
            line = line_numbers[index] if index < len(line_numbers) else index + 2
            column = parts[2] if len(parts) > 2 else ""
            label = _("line %(line)d") % {"line": line} + (f", {column}" if column else "")
        else:
            label = where
        problems.extend(f"{label}: {message}" for message in messages)
    return FileError(str(path), problems)


def data_line_numbers(path: str | Path, encoding: str | None = None) -> list[int]:
    """The file line of each data row (blank rows skipped), to name service errors."""
    return [line_no for line_no, _row in _rows(path, required=(), encoding=encoding)]


def _rows(
    path: str | Path, *, required: Sequence[str], encoding: str | None = None
) -> Iterator[tuple[int, dict[str, str]]]:
    try:
        with open_csv(
            path, encoding=encoding, fold_case=True, max_rows=MAX_LINES, max_bytes=MAX_FILE_BYTES
        ) as table:
            table.require(required)
            empty = True
            for line_no, values in table:
                empty = False
                yield line_no, values
    except CsvFileError as error:
        where = _("line %(line)d") % {"line": error.row} if error.row else ""
        if where and error.column:
            where += f", {error.column}"
        problem = f"{where}: {error.problem}" if where else error.problem
        raise FileError(str(path), [problem]) from None
    if empty and required:
        raise FileError(str(path), [_("has no data rows under its header.")])


def _items(
    path: str | Path, rows: list[tuple[int, dict[str, str]]], errors: FileError
) -> dict[str, Item]:
    # The catalogue is small (tens of items): read it whole, match by code or name.
    found: dict[str, Item] = {}
    for item in Item.objects.all():
        found[item.code.lower()] = item
        found.setdefault(item.name.lower(), item)
    for line_no, row in rows:
        key = row["item"].strip().lower()
        if not key:
            errors.problems.append(_("line %(line)d: item is empty.") % {"line": line_no})
        elif key not in found:
            errors.problems.append(
                _("line %(line)d: no item “%(item)s” in the catalogue (use its code, e.g. maize).")
                % {"line": line_no, "item": row["item"].strip()}
            )
    return found


def _decimal(row: dict[str, str], column: str, line_no: int, errors: FileError) -> Decimal | None:
    text = (row.get(column) or "").strip()
    try:
        value = Decimal(text)
    except InvalidOperation:
        errors.problems.append(
            _("line %(line)d: %(column)s “%(value)s” is not a number (write e.g. 12.5).")
            % {"line": line_no, "column": column, "value": text}
        )
        return None
    if not value.is_finite():
        errors.problems.append(
            _("line %(line)d: %(column)s must be a number.") % {"line": line_no, "column": column}
        )
        return None
    return value


def _date(row: dict[str, str], column: str, line_no: int, errors: FileError) -> date | None:
    text = (row.get(column) or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        errors.problems.append(
            _("line %(line)d: %(column)s “%(value)s” is not a date (write YYYY-MM-DD).")
            % {"line": line_no, "column": column, "value": text}
        )
        return None
