"""`edgecamp stock …`: movements (receive, transfer, loss, count), pledges, shipments (dispatch,
receive-shipment) and the stock position, each as `--user` (`run_as`) in one transaction."""

from __future__ import annotations

import argparse
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from edgecamp.cli._acting import Acting, run_as
from edgecamp.cli._base import (
    CommandRefused,
    Handler,
    _positive_int,
    add_encoding_argument,
    add_user_argument,
    console,
    red,
)

if TYPE_CHECKING:
    from edgecamp.cli._base import Commands

STOCK_HELP = """Every command acts as the user named by --user (recorded on the ledger), within that
user's role and sites, and is one transaction: all of it is written, or nothing."""


def add_stock_commands(commands: Commands) -> None:
    stock = commands.add_parser(
        "stock",
        help="stock operations: receive, transfer, loss, count, pledge, dispatch, "
        "receive-shipment, position",
        description=STOCK_HELP,
    )
    actions = stock.add_subparsers(title="stock commands", metavar="ACTION")

    def action(name: str, help_text: str, handler: Handler) -> argparse.ArgumentParser:
        sub = actions.add_parser(name, help=help_text, description=f"{help_text}. {STOCK_HELP}")
        add_user_argument(sub)
        sub.set_defaults(handler=handler)
        return sub

    receive = action("receive", "receive stock into a warehouse", _stock_receive)
    receive.add_argument("--warehouse", required=True, metavar="CODE")
    receive.add_argument("--item", required=True, metavar="CODE")
    receive.add_argument("--quantity", required=True, type=_decimal_argument)
    receive.add_argument(
        "--lot", default="", metavar="LOT_CODE", help="required for food and medicine"
    )
    receive.add_argument("--expires", type=_date_argument, metavar="YYYY-MM-DD")
    receive.add_argument("--reason", default="", help="source or note")

    transfer = action("transfer", "move stock from one warehouse to another", _stock_transfer)
    transfer.add_argument("--from", dest="source", required=True, metavar="CODE")
    transfer.add_argument("--to", dest="target", required=True, metavar="CODE")
    transfer.add_argument("--item", required=True, metavar="CODE")
    transfer.add_argument("--quantity", required=True, type=_decimal_argument)
    transfer.add_argument("--lot", default="", metavar="LOT_CODE")
    transfer.add_argument("--reason", default="")

    loss = action("loss", "record a loss or damage, with its reason", _stock_loss)
    loss.add_argument("--warehouse", required=True, metavar="CODE")
    loss.add_argument("--item", required=True, metavar="CODE")
    loss.add_argument("--quantity", required=True, type=_decimal_argument)
    loss.add_argument("--lot", default="", metavar="LOT_CODE")
    loss.add_argument("--reason", required=True)

    count = action("count", "record a physical count: the ledger is adjusted to it", _stock_count)
    count.add_argument("--warehouse", required=True, metavar="CODE")
    count.add_argument("--item", required=True, metavar="CODE")
    count.add_argument("--counted", required=True, type=_decimal_argument, metavar="QUANTITY")
    count.add_argument("--lot", default="", metavar="LOT_CODE")
    count.add_argument("--reason", required=True, help="who counted, why it differs")

    pledge = action("pledge", "record a donor's pledge (lines from --line or a CSV)", _stock_pledge)
    pledge.add_argument("--donor", required=True, metavar="NAME_OR_ACRONYM")
    pledge.add_argument("--destination", required=True, metavar="WAREHOUSE_CODE")
    pledge.add_argument("--pledged-on", required=True, type=_date_argument, metavar="YYYY-MM-DD")
    pledge.add_argument("--expected-by", type=_date_argument, metavar="YYYY-MM-DD")
    pledge.add_argument("--reference", default="")
    lines = pledge.add_mutually_exclusive_group(required=True)
    lines.add_argument("--line", action="append", metavar="ITEM=QUANTITY", help="repeat per item")
    lines.add_argument("--csv", metavar="LINES.csv", help="columns: item,quantity")
    add_encoding_argument(pledge)

    dispatch = action(
        "dispatch", "record a shipment in transit with its manifest (CSV)", _stock_dispatch
    )
    dispatch.add_argument("--sender", required=True, metavar="NAME_OR_ACRONYM")
    dispatch.add_argument("--destination", required=True, metavar="WAREHOUSE_CODE")
    dispatch.add_argument("--waybill", required=True)
    dispatch.add_argument(
        "--dispatched-on", required=True, type=_date_argument, metavar="YYYY-MM-DD"
    )
    dispatch.add_argument("--expected-on", type=_date_argument, metavar="YYYY-MM-DD")
    dispatch.add_argument(
        "--pledge", type=_positive_int, metavar="ID", help="the pledge it fulfils"
    )
    dispatch.add_argument(
        "--csv",
        required=True,
        metavar="MANIFEST.csv",
        help="columns: item,quantity,lot_code,expires_on",
    )
    add_encoding_argument(dispatch)

    arrived = action(
        "receive-shipment", "receive a shipment against its manifest", _stock_receive_shipment
    )
    arrived.add_argument("--shipment", required=True, metavar="WAYBILL_OR_ID")
    found = arrived.add_mutually_exclusive_group(required=True)
    found.add_argument(
        "--csv",
        metavar="RECEIVED.csv",
        help="columns: item,received_quantity,discrepancy_reason[,lot_code]",
    )
    found.add_argument(
        "--as-manifest", action="store_true", help="everything arrived as on the manifest"
    )
    add_encoding_argument(arrived)

    position = action(
        "position", "stock position per site and item, with days of cover", _stock_position
    )
    position.add_argument("--site", metavar="NAME_OR_CODE")


# --- Arguments (argparse names these functions in its messages: keep their names) -------------


def _decimal_argument(text: str) -> Decimal:
    try:
        return Decimal(text)
    except ArithmeticError:
        raise argparse.ArgumentTypeError("must be a number, e.g. 12.5") from None


def _date_argument(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError("must be a date written YYYY-MM-DD") from None


def _decimal_option(text: str, option: str) -> Decimal:
    try:
        return Decimal(text.strip())
    except ArithmeticError:
        raise CommandRefused(f"{option}: “{text}” is not a number (write e.g. 12.5).") from None


# --- What the options name, within the acting user's sites ------------------------------------


def _warehouse_id(code: str, scope: Any, option: str) -> int:
    from edgecamp.stock import queries

    found = queries.warehouses(scope=scope).filter(code__iexact=code).first()
    if found is None and code.isdigit():
        found = queries.warehouses(scope=scope).filter(pk=int(code)).first()
    if found is None:
        codes = ", ".join(w.code for w in queries.warehouses(scope=scope)) or "none"
        raise CommandRefused(f"{option}: no warehouse “{code}” at your sites (yours: {codes}).")
    return int(found.pk)


def _item_id(code: str) -> int:
    from edgecamp.stock.models import Item

    found = (
        Item.objects.filter(code__iexact=code).first()
        or Item.objects.filter(name__iexact=code).first()
    )
    if found is None:
        codes = ", ".join(Item.objects.values_list("code", flat=True)) or "none"
        raise CommandRefused(f"--item: no item “{code}” in the catalogue (codes: {codes}).")
    return int(found.pk)


def _organisation_id(name: str, option: str) -> int:
    from django.db.models import Q

    from edgecamp.partners.models import Organisation

    found = Organisation.objects.filter(Q(name__iexact=name) | Q(acronym__iexact=name)).first()
    if found is None:
        raise CommandRefused(f"{option}: no partner organisation is named or abbreviated “{name}”.")
    return int(found.pk)


# --- Movements ---------------------------------------------------------------------------------


def _stock_receive(args: argparse.Namespace) -> int:
    def work(acting: Acting) -> str:
        from edgecamp.stock import services

        movement = services.receive_stock(
            services.ReceiptInput(
                warehouse_id=_warehouse_id(args.warehouse, acting.scope, "--warehouse"),
                item_id=_item_id(args.item),
                quantity=args.quantity,
                lot_code=args.lot,
                expires_on=args.expires,
                reason=args.reason,
            ),
            recorded_by=acting.user,
        )
        return _movement_summary(movement)

    return run_as(args, "stock-receive", work)


def _stock_transfer(args: argparse.Namespace) -> int:
    def work(acting: Acting) -> str:
        from edgecamp.stock import services

        out, into = services.transfer_stock(
            services.TransferInput(
                from_warehouse_id=_warehouse_id(args.source, acting.scope, "--from"),
                to_warehouse_id=_warehouse_id(args.target, acting.scope, "--to"),
                item_id=_item_id(args.item),
                quantity=args.quantity,
                lot_code=args.lot,
                reason=args.reason,
            ),
            recorded_by=acting.user,
        )
        return (
            f"Transferred {services.plain_quantity(into.quantity)} {into.item.unit} "
            f"{into.item.name} from {out.warehouse.name} to {into.warehouse.name} "
            f"({into.reference})."
        )

    return run_as(args, "stock-transfer", work)


def _stock_loss(args: argparse.Namespace) -> int:
    def work(acting: Acting) -> str:
        from edgecamp.stock import services

        movement = services.record_loss(
            services.LossInput(
                warehouse_id=_warehouse_id(args.warehouse, acting.scope, "--warehouse"),
                item_id=_item_id(args.item),
                quantity=args.quantity,
                reason=args.reason,
                lot_code=args.lot,
            ),
            recorded_by=acting.user,
        )
        return _movement_summary(movement)

    return run_as(args, "stock-loss", work)


def _stock_count(args: argparse.Namespace) -> int:
    def work(acting: Acting) -> str:
        from edgecamp.stock import services

        movement = services.adjust_to_count(
            services.CountInput(
                warehouse_id=_warehouse_id(args.warehouse, acting.scope, "--warehouse"),
                item_id=_item_id(args.item),
                counted_quantity=args.counted,
                reason=args.reason,
                lot_code=args.lot,
            ),
            recorded_by=acting.user,
        )
        if movement is None:
            return "The count matches the ledger: nothing to adjust."
        return _movement_summary(movement)

    return run_as(args, "stock-count", work)


def _movement_summary(movement: Any) -> str:
    from edgecamp.stock.services import plain_quantity

    lot = f", lot {movement.lot.code}" if movement.lot_id else ""
    return (
        f"{movement.get_kind_display()}: {plain_quantity(movement.quantity)} "
        f"{movement.item.unit} {movement.item.name}{lot} in {movement.warehouse.name} "
        f"(movement {movement.pk})."
    )


# --- Pledges and shipments ---------------------------------------------------------------------


def _stock_pledge(args: argparse.Namespace) -> int:
    def work(acting: Acting) -> str:
        from edgecamp.stock import files, services

        if args.csv:
            lines = files.read_pledge_lines(args.csv, args.encoding)
        else:
            lines = []
            for text in args.line:
                item, sep, quantity = text.partition("=")
                if not sep:
                    raise CommandRefused(f"--line {text}: write ITEM=QUANTITY, e.g. maize=5000.")
                lines.append(
                    services.PledgeLineInput(
                        _item_id(item.strip()), _decimal_option(quantity, "--line")
                    )
                )
        data = services.PledgeInput(
            donor_id=_organisation_id(args.donor, "--donor"),
            destination_id=_warehouse_id(args.destination, acting.scope, "--destination"),
            pledged_on=args.pledged_on,
            expected_by=args.expected_by,
            reference=args.reference,
            lines=lines,
        )
        try:
            pledge = services.create_pledge(data)
        except services.SupplyError as error:
            if args.csv:
                raise files.file_errors(
                    args.csv, error, files.data_line_numbers(args.csv, args.encoding)
                ) from None
            raise
        return (
            f"Pledge {pledge.pk} of {pledge.donor.name} recorded: {len(lines)} lines, "
            "status pledged."
        )

    return run_as(args, "pledge-create", work)


def _stock_dispatch(args: argparse.Namespace) -> int:
    def work(acting: Acting) -> str:
        from edgecamp.stock import files, queries, services

        lines = files.read_manifest(args.csv, args.encoding)
        pledge = args.pledge
        if pledge is not None and not queries.pledges(acting.scope).filter(pk=pledge).exists():
            raise CommandRefused(f"--pledge: no pledge {args.pledge} to your sites' warehouses.")
        data = services.ShipmentInput(
            sender_id=_organisation_id(args.sender, "--sender"),
            destination_id=_warehouse_id(args.destination, acting.scope, "--destination"),
            waybill=args.waybill,
            dispatched_on=args.dispatched_on,
            expected_on=args.expected_on,
            pledge_id=args.pledge,
            lines=lines,
        )
        try:
            shipment = services.dispatch_shipment(data)
        except services.SupplyError as error:
            if any(path.startswith("lines.") for path in error.errors):
                raise files.file_errors(
                    args.csv, error, files.data_line_numbers(args.csv, args.encoding)
                ) from None
            raise
        return (
            f"Shipment {shipment.waybill} (id {shipment.pk}) in transit to "
            f"{shipment.destination.name}: {len(lines)} manifest lines."
        )

    return run_as(args, "shipment-dispatch", work)


def _stock_receive_shipment(args: argparse.Namespace) -> int:
    def work(acting: Acting) -> str:
        from django.db.models import Q

        from edgecamp.stock import files, queries, services

        by_id = int(args.shipment) if args.shipment.isdigit() else None
        found = queries.shipments(scope=acting.scope).filter(Q(waybill=args.shipment) | Q(pk=by_id))
        shipment = found.first()
        if shipment is None or found.count() > 1:
            raise CommandRefused(
                f"--shipment: no single shipment “{args.shipment}” to your sites (give its id "
                "if two share the waybill)."
            )
        if args.as_manifest:
            received = [
                services.ReceivedLineInput(line.pk, line.manifest_quantity)
                for line in shipment.lines.all()
            ]
        else:
            received = files.read_received(args.csv, shipment, args.encoding)
        try:
            services.receive_shipment(shipment.pk, received, received_by=acting.user)
        except services.SupplyError as error:
            if args.csv and any(path.startswith("lines") for path in error.errors):
                raise files.file_errors(
                    args.csv, error, files.data_line_numbers(args.csv, args.encoding)
                ) from None
            raise
        short = sum(1 for line in received if line.discrepancy_reason)
        return (
            f"Shipment {shipment.waybill} received into {shipment.destination.name}: "
            f"{len(received)} lines, {short} with a difference from the manifest."
        )

    return run_as(args, "shipment-receive", work)


# --- Position ----------------------------------------------------------------------------------


def _stock_position(args: argparse.Namespace) -> int:
    def work(acting: Acting) -> str:
        from rich.table import Table

        from edgecamp.distributions.queries import stock_position
        from edgecamp.shelters import services as shelters
        from edgecamp.stock.services import plain_quantity

        site_id = None
        if args.site:
            site = shelters.find_site(args.site)
            if site is None or not acting.scope.includes(site.pk):
                raise CommandRefused(f"--site: no site “{args.site}” among yours.")
            site_id = site.pk
        rows = stock_position(site_id, scope=acting.scope)
        table = Table(title="Stock position", title_justify="left")
        for heading in (
            "site",
            "item",
            "on hand",
            "expected",
            "still needed",
            "per day",
            "days of cover",
            "pipeline",
        ):
            table.add_column(
                heading, justify="left" if heading in ("site", "item", "pipeline") else "right"
            )
        for row in rows:
            table.add_row(
                row.site.name,
                f"{row.item.name} ({row.item.unit})",
                plain_quantity(row.on_hand),
                plain_quantity(row.in_pipeline),
                plain_quantity(row.requirement),
                f"{row.daily_consumption:.2f}",
                "-" if row.days_of_cover is None else str(row.days_of_cover),
                red(f"break: short of {plain_quantity(row.shortfall)}")
                if row.pipeline_break
                else "ok",
            )
        # The table goes to stdout (it is the output); messages stay on stderr.
        console(stderr=False).print(table)
        if not rows:
            return "No stock, pipeline or planned distribution at your sites yet."
        return ""

    # A read: who may see the position is checked as for its page; nothing is written.
    return run_as(args, "stock-position", work, lookup_headline=None)
