"""`edgecamp`: the one console command for everything a user runs.

Each subcommand parses its arguments, starts Django and calls a service; the work lives in the
apps and in the framework-free packages.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
DEMO_PEOPLE = 20_000
DEMO_SEED = 2026
DEMO_ADMIN = "admin"


def main(argv: Sequence[str] | None = None) -> int:
    parser = _build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    handler: Callable[[argparse.Namespace], int] = args.handler
    try:
        return handler(args)
    except KeyboardInterrupt:
        return 130


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="edgecamp",
        description="Information system for camps and settlements of displaced people.",
    )
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    demo = commands.add_parser(
        "demo",
        help="migrate; on an empty database load a synthetic camp and its demo accounts; serve",
    )
    demo.add_argument("--people", type=_positive_int, default=DEMO_PEOPLE)
    demo.add_argument("--seed", type=int, default=DEMO_SEED)
    _add_server_arguments(demo)
    demo.add_argument("--no-serve", action="store_true", help="set everything up, do not serve")
    demo.set_defaults(handler=_demo)

    serve = commands.add_parser("serve", help="serve the web UI and the API")
    _add_server_arguments(serve)
    serve.set_defaults(handler=_serve)

    generate = commands.add_parser(
        "generate", help="load a synthetic camp (deterministic by seed) into the database"
    )
    generate.add_argument("--people", type=_positive_int, required=True)
    generate.add_argument("--seed", type=int, default=DEMO_SEED)
    generate.add_argument(
        "--csv",
        metavar="PATH",
        help="also write the individuals as a dedupe input CSV with the true person ids",
    )
    generate.set_defaults(handler=_generate)

    createadmin = commands.add_parser(
        "createadmin", help="create an administrator and print a random password"
    )
    createadmin.add_argument("--username", default="admin")
    createadmin.add_argument("--email", default="")
    createadmin.set_defaults(handler=_createadmin)

    allocate = commands.add_parser(
        "allocate-file",
        help="allocate households to shelters from CSV files and write the plan as CSV",
    )
    allocate.add_argument("shelters", metavar="SHELTERS.csv")
    allocate.add_argument("households", metavar="HOUSEHOLDS.csv")
    allocate.add_argument("--out", required=True, metavar="PLAN.csv")
    allocate.add_argument(
        "--rebalance", action="store_true", help="also move households that already have a shelter"
    )
    allocate.add_argument(
        "--space-standard", type=_positive_number, default=3.5, metavar="M2_PER_PERSON"
    )
    allocate.add_argument(
        "--emergency-minimum", type=_positive_number, default=2.5, metavar="M2_PER_PERSON"
    )
    _add_encoding_argument(allocate)
    allocate.set_defaults(handler=_allocate_file)

    plan = commands.add_parser(
        "allocate",
        help="propose a shelter allocation plan for a site from the registry; confirm it",
    )
    plan.add_argument("--site", required=True, metavar="NAME_OR_CODE")
    plan.add_argument(
        "--rebalance", action="store_true", help="also move households that already have a shelter"
    )
    plan.add_argument(
        "--space-standard", type=_positive_decimal, default="3.5", metavar="M2_PER_PERSON"
    )
    plan.add_argument(
        "--emergency-minimum", type=_positive_decimal, default="2.5", metavar="M2_PER_PERSON"
    )
    decision = plan.add_mutually_exclusive_group()
    decision.add_argument("--dry-run", action="store_true", help="show the plan and store nothing")
    decision.add_argument(
        "--confirm", action="store_true", help="confirm the plan at once (no review in the UI)"
    )
    plan.set_defaults(handler=_allocate)

    cards = commands.add_parser(
        "ration-cards", help="write the ration cards of a started cycle as a printable PDF"
    )
    cards.add_argument("--cycle", type=_positive_int, required=True, metavar="ID")
    cards.add_argument("--out", required=True, metavar="CARDS.pdf")
    cards.add_argument(
        "--user", required=True, help="the staff account acting (its role and sites apply)"
    )
    cards.set_defaults(handler=_ration_cards)

    start = commands.add_parser(
        "start-cycle", help="start a distribution cycle: snapshot its households and entitlements"
    )
    start.add_argument("--cycle", type=_positive_int, required=True, metavar="ID")
    start.add_argument(
        "--user", required=True, help="the staff account acting (its role and sites apply)"
    )
    start.set_defaults(handler=_start_cycle)

    redeem = commands.add_parser(
        "redeem", help="hand out a household's entitlement in a cycle (the code on its card)"
    )
    redeem.add_argument("--cycle", type=_positive_int, required=True, metavar="ID")
    redeem.add_argument("--code", required=True, help="the text of the card's QR code")
    redeem.add_argument("--proxy-name", default="", help="name of an authorised proxy collecting")
    redeem.add_argument("--proxy-relationship", default="", help="the proxy's relationship")
    redeem.add_argument("--desk", default="cli", help="distribution point")
    redeem.add_argument(
        "--user", required=True, help="the staff account acting (its role and sites apply)"
    )
    redeem.set_defaults(handler=_redeem)

    dedupe = commands.add_parser(
        "dedupe",
        help="find people registered twice in a CSV file and write their clusters as CSV",
    )
    dedupe.add_argument("input", metavar="INPUT.csv")
    dedupe.add_argument("--out", required=True, metavar="CLUSTERS.csv")
    dedupe.add_argument("--pairs", metavar="PAIRS.csv", help="also write the linked pairs")
    dedupe.add_argument(
        "--threshold", type=_probability, default=0.9, metavar="P",
        help="match probability from which two records are the same person (default 0.9)",
    )  # fmt: skip
    dedupe.add_argument(
        "--map", default="", metavar="COLUMN=FIELD,...",
        help="rename input columns, e.g. id=record_id,dob=date_of_birth",
    )  # fmt: skip
    _add_encoding_argument(dedupe)
    dedupe.set_defaults(handler=_dedupe)

    dedupe_registry = commands.add_parser(
        "dedupe-registry",
        help="find likely duplicate registrations in the registry and queue them for review",
    )
    dedupe_registry.set_defaults(handler=_dedupe_registry)

    _add_stock_commands(commands)
    _add_card_commands(commands)

    manage = commands.add_parser(
        "manage", help="run a Django management command (e.g. `edgecamp manage migrate`)"
    )
    manage.add_argument("args", nargs=argparse.REMAINDER)
    manage.set_defaults(handler=_manage)
    return parser


def _add_server_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default=DEFAULT_HOST)
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--threads", type=_positive_int, default=8)


def _add_encoding_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--encoding",
        metavar="NAME",
        help="the CSV files' text encoding, e.g. cp1252 (default: UTF-8, or UTF-16/UTF-8 as "
        "its byte-order mark says)",
    )


def _positive_int(text: str) -> int:
    value = int(text)
    if value <= 0:
        raise argparse.ArgumentTypeError("must be a positive whole number")
    return value


def _positive_number(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError("must be a positive number")
    return value


def _positive_decimal(text: str) -> Decimal:
    try:
        value = Decimal(text)
    except ArithmeticError:
        raise argparse.ArgumentTypeError("must be a number, e.g. 3.5") from None
    if not value > 0:
        raise argparse.ArgumentTypeError("must be a positive number")
    return value


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "edgecamp.settings")
    import django

    django.setup()


def _console(*, stderr: bool = True):  # type: ignore[no-untyped-def]
    # Every message goes through edgecamp.terminal: values are never markup, and a failure to
    # print never fails a command whose work is committed.
    from edgecamp.terminal import Terminal

    return Terminal(stderr=stderr)


def _styled(text: str, style: str):  # type: ignore[no-untyped-def]
    from edgecamp.terminal import styled

    return styled(text, style)


def _red(text: str):  # type: ignore[no-untyped-def]
    return _styled(text, "red")


@contextmanager
def _progress(description: str) -> Iterator[Callable[[str, int, int], None]]:
    """A rich progress bar; yields a callback `report(step, done, total)`."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=_console(),
        transient=False,
    ) as bar:
        task = bar.add_task(description, total=None)

        def report(step: str, done: int, total: int) -> None:
            bar.update(task, description=f"{description}: {step}", completed=done, total=total)

        yield report


def _migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def _generate(args: argparse.Namespace) -> int:
    _setup_django()
    _migrate()
    from edgecamp.demo.camp import CampNotEmptyError, load_synthetic_camp

    try:
        with _progress("Generating camp") as report:
            summary = load_synthetic_camp(
                people=args.people, seed=args.seed, progress=report, csv_path=args.csv
            )
    except CampNotEmptyError as refusal:
        _console().print(_red("Nothing loaded."), refusal)
        return 1
    _console().print(f"Loaded {summary}")
    return 0


def _createadmin(args: argparse.Namespace) -> int:
    _setup_django()
    _migrate()
    password = _create_admin(args.username, args.email)
    if password is None:
        _console().print(
            _red(f"A user named “{args.username}” already exists."),
            "Choose another "
            "--username, or reset its password with `edgecamp manage changepassword "
            f"{args.username}`.",
        )
        return 1
    _print_login(args.username, password)
    return 0


def _create_admin(username: str, email: str = "", password: str | None = None) -> str | None:
    """The new administrator's password, or None (and nothing changed) if the name is taken."""
    from django.contrib.auth import get_user_model

    user_model = get_user_model()
    if user_model.objects.filter(username=username).exists():
        return None
    password = password or secrets.token_urlsafe(12)
    user_model.objects.create_superuser(username=username, email=email, password=password)
    return password


def _print_login(username: str, password: str) -> None:
    console = _console()
    console.print("  username:", _styled(username, "bold"))
    console.print("  password:", _styled(password, "bold"), " (shown once; keep it safe)")


def _demo(args: argparse.Namespace) -> int:
    _setup_django()
    console = _console()
    with console.status("Preparing the database…"):
        _migrate()
    from edgecamp.demo.activity import create_staff_accounts, load_demo_activity
    from edgecamp.demo.camp import camp_is_empty, load_synthetic_camp

    if not camp_is_empty():
        # A database in use: `make demo` must not become a way to reset, reopen or recreate
        # accounts, so nothing about them is touched.
        console.print(
            "The database already holds a camp; keeping it. No account was created or "
            "changed (no password reset, none reactivated): log in with your own account, or "
            "have an administrator create one with `edgecamp createadmin --username NAME`."
        )
    else:
        with _progress("Generating a synthetic camp") as report:
            summary = load_synthetic_camp(people=args.people, seed=args.seed, progress=report)
        console.print(f"Loaded {summary}")
        # The demo camp's accounts: admin and one per role, all with one fresh password.
        password = secrets.token_urlsafe(12)
        admin_created = _create_admin(DEMO_ADMIN, password=password) is not None
        accounts, kept = create_staff_accounts(password)
        with _progress("Adding supply, distributions, duplicates, protection") as report:
            activity = load_demo_activity(seed=args.seed, progress=report)
        console.print(f"Added {activity}")
        console.print("\n", _styled("edgecamp demo is ready.", "bold green"), sep="")
        _print_demo_accounts(console, password, admin_created, accounts)
        if not admin_created:
            kept.insert(0, DEMO_ADMIN)
        if kept:
            console.print(
                f"Existing accounts left unchanged (password, role, active or not): "
                f"{', '.join(kept)}."
            )
    if args.no_serve:
        return 0
    return _run_server(args.host, args.port, args.threads)


def _print_demo_accounts(
    console: Any, password: str, admin_created: bool, accounts: Sequence[Any]
) -> None:
    from rich.table import Table

    if admin_created:
        console.print("Log in with:")
        _print_login(DEMO_ADMIN, password)
    elif accounts:
        console.print("  password:", _styled(password, "bold"), " (shown once; keep it safe)")
    if not accounts:
        return
    table = Table(title="Demo accounts (all with this password)", title_justify="left")
    for column in ("username", "role", "sites"):
        table.add_column(column)
    if admin_created:
        table.add_row(DEMO_ADMIN, "Administrator", "every site")
    for account in accounts:
        sites = "every site" if account.all_sites else ", ".join(account.sites) or "none"
        table.add_row(account.username, account.role, sites)
    console.print(table)


def _serve(args: argparse.Namespace) -> int:
    _setup_django()
    _migrate()
    return _run_server(args.host, args.port, args.threads)


def _run_server(host: str, port: int, threads: int) -> int:
    from waitress import serve

    from edgecamp.wsgi import application

    shown_host = f"[{host}]" if ":" in host else host
    _console().print(
        "\nServing edgecamp at",
        _styled(f"http://{shown_host}:{port}/", "bold"),
        f" (API docs at http://{shown_host}:{port}/api/v1/docs). Ctrl+C stops.",
    )
    sys.stdout.flush()
    serve(application, host=host, port=port, threads=threads, ident="edgecamp")
    return 0


def _allocate_file(args: argparse.Namespace) -> int:
    # Framework-free: no Django needed to allocate from files.
    from edgecamp.allocation import AllocationConfig, AllocationInputError
    from edgecamp.allocation.files import AllocationFileError, allocate_files

    console = _console()
    try:
        config = AllocationConfig(
            space_standard_m2=args.space_standard,
            emergency_minimum_m2=args.emergency_minimum,
            rebalance=args.rebalance,
        )
        with _progress("Allocating") as report:
            result = allocate_files(
                args.shelters, args.households, args.out, config, report, encoding=args.encoding
            )
    except (AllocationFileError, AllocationInputError, ValueError) as error:
        console.print(_red("Nothing written."), error)
        return 1
    metrics = result.metrics
    console.print(
        f"Wrote {args.out}: {metrics.households_housed} households housed "
        f"({metrics.people_housed} people), {metrics.households_unhoused} unhoused "
        f"({metrics.people_unhoused} people), {metrics.people_below_standard} people below "
        f"{args.space_standard:g} m²/person, {metrics.needs_unmet} households with a priority "
        f"need unmet, in {result.seconds:.1f} s.",
    )
    return 0


def _allocate(args: argparse.Namespace) -> int:
    _setup_django()
    from django.urls import reverse

    from edgecamp.shelters import services

    console = _console()
    site = services.find_site(args.site)
    if site is None:
        names = ", ".join(f"{name} ({code})" for name, code in services.site_names()) or "none"
        console.print(_red(f"No site is named or coded “{args.site}”."), f"Sites: {names}.")
        return 1
    settings = services.ProposalSettings(
        rebalance=args.rebalance,
        space_standard_m2=args.space_standard,
        emergency_minimum_m2=args.emergency_minimum,
    )
    try:
        with console.status(f"Allocating the shelters of {site.name}…"):
            plan = services.propose_plan(site, settings, store=not args.dry_run)
    except services.AllocationError as error:
        console.print(_red("No plan stored."), error)
        return 1
    _print_plan(console, plan)
    if args.dry_run:
        console.print("Dry run: nothing was stored and nothing changed.")
        return 0
    if args.confirm:
        try:
            outcome = services.confirm_plan(plan)
        except services.PlanConflict as conflict:
            console.print(_red(f"Plan {plan.pk} not confirmed."), conflict)
            return 1
        console.print(
            f"Plan {plan.pk} confirmed: {outcome.newly_housed} households newly housed, "
            f"{outcome.moved} moved, {outcome.unhoused} lost their shelter.",
        )
        return 0
    path = reverse("allocation-plan", args=[plan.pk])
    console.print(
        f"Plan {plan.pk} proposed; nothing has changed yet. Review and confirm it at {path} "
        f"(e.g. http://{DEFAULT_HOST}:{DEFAULT_PORT}{path}), or run again with --confirm.",
    )
    return 0


def _print_plan(console, plan) -> None:  # type: ignore[no-untyped-def]
    from rich.table import Table

    metrics = plan.metrics
    standard = f"{plan.space_standard_m2:g}"
    table = Table(title=f"Allocation plan for {plan.site.name}", title_justify="left")
    for heading in ("block", "households", "people", "m²/person", f"below {standard} m²"):
        table.add_column(heading, justify="left" if heading == "block" else "right")
    table.add_column("needs unmet", justify="right")
    for block in plan.blocks:
        per_person = block["m2_per_person"]
        table.add_row(
            block["block"],
            str(block["households"]),
            str(block["people"]),
            "-" if per_person is None else f"{per_person:.1f}",
            str(block["people_below_standard"]),
            str(block["needs_unmet"]),
        )
    table.add_section()
    table.add_row(
        "unhoused",
        str(metrics["households_unhoused"]),
        str(metrics["people_unhoused"]),
        "",
        "",
        str(metrics["needs_unmet"] - sum(b["needs_unmet"] for b in plan.blocks)),
    )
    console.print(table)
    gap = metrics.get("gap")
    console.print(
        f"{metrics['households_housed']} of {metrics['households']} households housed "
        f"({metrics['people_housed']} people), {metrics['people_below_standard']} people below "
        f"{standard} m²/person, {metrics['needs_unmet']} households with a priority need unmet"
        + (
            f", {metrics['households_kept_overcrowded']} kept in overcrowded shelters"
            if metrics.get("households_kept_overcrowded")
            else ""
        )
        + (f", gap to the bound {gap:.2%}" if gap is not None else "")
        + f"; {metrics['seconds']:.1f} s.",
    )


def _cycle_as_user(args: argparse.Namespace, route: str, console: Any):  # type: ignore[no-untyped-def]
    """(user, cycle) when --user may do what the page `route` does and the cycle is at one of
    that user's sites; else prints why and returns None."""
    from edgecamp.distributions import queries

    try:
        user, scope = _acting(args.user, route)
    except _Refused as refusal:
        console.print(_red(str(refusal)))
        return None
    cycle = queries.cycle_detail(args.cycle, scope=scope)
    if cycle is None:
        console.print(
            _red(f"No cycle has the id {args.cycle} at {args.user}'s sites."),
            "See GET /api/v1/cycles.",
        )
        return None
    return user, cycle


def _ration_cards(args: argparse.Namespace) -> int:
    _setup_django()
    from edgecamp.distributions.pdf import cycle_cards, ration_cards_pdf

    console = _console()
    found = _cycle_as_user(args, "cycle-cards", console)
    if found is None:
        return 1
    _user, cycle = found
    cards = cycle_cards(cycle)
    if not cards:
        console.print(
            _red(f"Cycle “{cycle.name}” has no households on its list."),
            f"Start it first: `edgecamp start-cycle --cycle {cycle.pk} --user …`.",
        )
        return 1
    with console.status(f"Drawing {len(cards)} cards…"):
        pdf = ration_cards_pdf(cycle, cards)
    with open(args.out, "wb") as out:
        out.write(pdf)
    console.print(f"Wrote {args.out}: {len(cards)} ration cards for “{cycle.name}”.")
    return 0


def _start_cycle(args: argparse.Namespace) -> int:
    _setup_django()
    from edgecamp.audit.capture import acting_as
    from edgecamp.distributions.services import start_cycle
    from edgecamp.stock.services import SupplyError

    console = _console()
    found = _cycle_as_user(args, "cycle-start", console)
    if found is None:
        return 1
    user, cycle = found
    try:
        with acting_as(user, "cli"):
            households = start_cycle(cycle.pk, started_by=user)
    except SupplyError as error:
        console.print(_red("Not started."), error)
        return 1
    console.print(f"Cycle {cycle.pk} started: {households} households on its list.")
    return 0


def _redeem(args: argparse.Namespace) -> int:
    _setup_django()
    from edgecamp.audit.capture import acting_as
    from edgecamp.distributions.queries import already_collected_message
    from edgecamp.distributions.services import RedeemInput, redeem_in_cycle
    from edgecamp.stock.services import SupplyError

    console = _console()
    found = _cycle_as_user(args, "redemption-desk", console)
    if found is None:
        return 1
    user, cycle = found
    proxy = bool(args.proxy_name or args.proxy_relationship)
    try:
        with acting_as(user, "cli"):
            outcome = redeem_in_cycle(
                cycle,
                RedeemInput(
                    code=args.code,
                    collector="proxy" if proxy else "focal_point",
                    proxy_name=args.proxy_name,
                    proxy_relationship=args.proxy_relationship,
                    desk=args.desk,
                ),
                redeemed_by=user,
            )
    except SupplyError as error:
        console.print(_red("Nothing handed out."), error)
        return 1
    if not outcome.created:
        console.print(already_collected_message(outcome.redemption))
        return 3
    number = outcome.redemption.entitlement.household_number
    console.print(f"Handed out the entitlement of {number}.")
    return 0


# --- Stock: movements, pledges, shipments, position ----------------------------------------


STOCK_HELP = """Every command acts as the user named by --user (recorded on the ledger), within that
user's role and sites, and is one transaction: all of it is written, or nothing."""


def _add_stock_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    stock = commands.add_parser(
        "stock",
        help="stock operations: receive, transfer, loss, count, pledge, dispatch, "
        "receive-shipment, position",
        description=STOCK_HELP,
    )
    actions = stock.add_subparsers(title="stock commands", metavar="ACTION")

    def action(
        name: str, help_text: str, handler: Callable[[argparse.Namespace], int]
    ) -> argparse.ArgumentParser:
        sub = actions.add_parser(name, help=help_text, description=f"{help_text}. {STOCK_HELP}")
        sub.add_argument(
            "--user", required=True, help="the staff account acting (its role and sites apply)"
        )
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
    _add_encoding_argument(pledge)

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
    _add_encoding_argument(dispatch)

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
    _add_encoding_argument(arrived)

    position = action(
        "position", "stock position per site and item, with days of cover", _stock_position
    )
    position.add_argument("--site", metavar="NAME_OR_CODE")


def _decimal_argument(text: str) -> Decimal:
    try:
        return Decimal(text)
    except ArithmeticError:
        raise argparse.ArgumentTypeError("must be a number, e.g. 12.5") from None


def _date_argument(text: str):  # type: ignore[no-untyped-def]
    from datetime import date

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError("must be a date written YYYY-MM-DD") from None


class _Refused(Exception):
    """A command cannot run as asked (unknown user, warehouse, item...): nothing written."""


def _acting(username: str, route: str):  # type: ignore[no-untyped-def]
    """The active user named, its scope, if its role may do what the page `route` does."""
    from django.contrib.auth import get_user_model

    from edgecamp.accounts.policy import web_access
    from edgecamp.accounts.scope import scope_for

    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise _Refused(f"No active user is named “{username}”: check --user.")
    scope = scope_for(user)
    access = web_access(route)
    if access is None or not access.allows(scope.role):
        # The roles come from the same policy entry as the page's, whatever the command.
        needed = ", ".join(sorted(access.roles)) if access is not None else "none"
        raise _Refused(
            f"{username} ({scope.role or 'no role'}) may not do this: it needs one of the "
            f"roles {needed} (set it in the admin, Staff profiles)."
        )
    return user, scope


def _warehouse_id(code: str, scope, option: str) -> int:  # type: ignore[no-untyped-def]
    from edgecamp.stock import queries

    found = queries.warehouses(scope=scope).filter(code__iexact=code).first()
    if found is None and code.isdigit():
        found = queries.warehouses(scope=scope).filter(pk=int(code)).first()
    if found is None:
        codes = ", ".join(w.code for w in queries.warehouses(scope=scope)) or "none"
        raise _Refused(f"{option}: no warehouse “{code}” at your sites (yours: {codes}).")
    return int(found.pk)


def _item_id(code: str) -> int:
    from edgecamp.stock.models import Item

    found = (
        Item.objects.filter(code__iexact=code).first()
        or Item.objects.filter(name__iexact=code).first()
    )
    if found is None:
        codes = ", ".join(Item.objects.values_list("code", flat=True)) or "none"
        raise _Refused(f"--item: no item “{code}” in the catalogue (codes: {codes}).")
    return int(found.pk)


def _organisation_id(name: str, option: str) -> int:
    from django.db.models import Q

    from edgecamp.partners.models import Organisation

    found = Organisation.objects.filter(Q(name__iexact=name) | Q(acronym__iexact=name)).first()
    if found is None:
        raise _Refused(f"{option}: no partner organisation is named or abbreviated “{name}”.")
    return int(found.pk)


FLAGS = {
    "warehouse": "--warehouse",
    "from_warehouse": "--from",
    "to_warehouse": "--to",
    "item": "--item",
    "quantity": "--quantity",
    "counted_quantity": "--counted",
    "lot_code": "--lot",
    "expires_on": "--expires",
    "reason": "--reason",
    "donor": "--donor",
    "sender": "--sender",
    "destination": "--destination",
    "expected_by": "--expected-by",
    "waybill": "--waybill",
    "pledge": "--pledge",
}


def _run_stock(args: argparse.Namespace, route: str, work: Callable[..., str]) -> int:
    """Set up, act as --user, run `work(user, scope)`; print its summary or what is wrong."""
    _setup_django()
    from edgecamp.audit.capture import acting_as
    from edgecamp.stock.files import FileError
    from edgecamp.stock.services import SupplyError

    console = _console()
    try:
        user, scope = _acting(args.user, route)
        # The audit log names this user, through "cli", for everything the command writes.
        with acting_as(user, "cli"):
            summary = work(user, scope)
    except _Refused as refusal:
        console.print(_red("Nothing written."), refusal)
        return 1
    except FileError as error:
        console.print(_red("Nothing written."), "Fix the file and run again:")
        for problem in error.problems:
            console.print(f"  {error.path}: {problem}")
        return 1
    except SupplyError as error:
        console.print(_red("Nothing written."))
        for path, messages in error.errors.items():
            for message in messages:
                console.print(f"  {FLAGS.get(path, path)}: {message}")
        return 1
    console.print(summary)
    return 0


def _stock_receive(args: argparse.Namespace) -> int:
    def work(user, scope) -> str:  # type: ignore[no-untyped-def]
        from edgecamp.stock import services

        movement = services.receive_stock(
            services.ReceiptInput(
                warehouse_id=_warehouse_id(args.warehouse, scope, "--warehouse"),
                item_id=_item_id(args.item),
                quantity=args.quantity,
                lot_code=args.lot,
                expires_on=args.expires,
                reason=args.reason,
            ),
            recorded_by=user,
        )
        return _movement_summary(movement)

    return _run_stock(args, "stock-receive", work)


def _stock_transfer(args: argparse.Namespace) -> int:
    def work(user, scope) -> str:  # type: ignore[no-untyped-def]
        from edgecamp.stock import services

        out, into = services.transfer_stock(
            services.TransferInput(
                from_warehouse_id=_warehouse_id(args.source, scope, "--from"),
                to_warehouse_id=_warehouse_id(args.target, scope, "--to"),
                item_id=_item_id(args.item),
                quantity=args.quantity,
                lot_code=args.lot,
                reason=args.reason,
            ),
            recorded_by=user,
        )
        return (
            f"Transferred {services.plain_quantity(into.quantity)} {into.item.unit} "
            f"{into.item.name} from {out.warehouse.name} to {into.warehouse.name} "
            f"({into.reference})."
        )

    return _run_stock(args, "stock-transfer", work)


def _stock_loss(args: argparse.Namespace) -> int:
    def work(user, scope) -> str:  # type: ignore[no-untyped-def]
        from edgecamp.stock import services

        movement = services.record_loss(
            services.LossInput(
                warehouse_id=_warehouse_id(args.warehouse, scope, "--warehouse"),
                item_id=_item_id(args.item),
                quantity=args.quantity,
                reason=args.reason,
                lot_code=args.lot,
            ),
            recorded_by=user,
        )
        return _movement_summary(movement)

    return _run_stock(args, "stock-loss", work)


def _stock_count(args: argparse.Namespace) -> int:
    def work(user, scope) -> str:  # type: ignore[no-untyped-def]
        from edgecamp.stock import services

        movement = services.adjust_to_count(
            services.CountInput(
                warehouse_id=_warehouse_id(args.warehouse, scope, "--warehouse"),
                item_id=_item_id(args.item),
                counted_quantity=args.counted,
                reason=args.reason,
                lot_code=args.lot,
            ),
            recorded_by=user,
        )
        if movement is None:
            return "The count matches the ledger: nothing to adjust."
        return _movement_summary(movement)

    return _run_stock(args, "stock-count", work)


def _movement_summary(movement) -> str:  # type: ignore[no-untyped-def]
    from edgecamp.stock.services import plain_quantity as _plain

    lot = f", lot {movement.lot.code}" if movement.lot_id else ""
    return (
        f"{movement.get_kind_display()}: {_plain(movement.quantity)} {movement.item.unit} "
        f"{movement.item.name}{lot} in {movement.warehouse.name} (movement {movement.pk})."
    )


def _stock_pledge(args: argparse.Namespace) -> int:
    def work(user, scope) -> str:  # type: ignore[no-untyped-def]
        from edgecamp.stock import files, services

        if args.csv:
            lines = files.read_pledge_lines(args.csv, args.encoding)
        else:
            lines = []
            for text in args.line:
                item, sep, quantity = text.partition("=")
                if not sep:
                    raise _Refused(f"--line {text}: write ITEM=QUANTITY, e.g. maize=5000.")
                lines.append(
                    services.PledgeLineInput(
                        _item_id(item.strip()), _decimal_option(quantity, "--line")
                    )
                )
        data = services.PledgeInput(
            donor_id=_organisation_id(args.donor, "--donor"),
            destination_id=_warehouse_id(args.destination, scope, "--destination"),
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

    return _run_stock(args, "pledge-create", work)


def _decimal_option(text: str, option: str) -> Decimal:
    try:
        return Decimal(text.strip())
    except ArithmeticError:
        raise _Refused(f"{option}: “{text}” is not a number (write e.g. 12.5).") from None


def _stock_dispatch(args: argparse.Namespace) -> int:
    def work(user, scope) -> str:  # type: ignore[no-untyped-def]
        from edgecamp.stock import files, queries, services

        lines = files.read_manifest(args.csv, args.encoding)
        if args.pledge is not None and not queries.pledges(scope).filter(pk=args.pledge).exists():
            raise _Refused(f"--pledge: no pledge {args.pledge} to your sites' warehouses.")
        data = services.ShipmentInput(
            sender_id=_organisation_id(args.sender, "--sender"),
            destination_id=_warehouse_id(args.destination, scope, "--destination"),
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

    return _run_stock(args, "shipment-dispatch", work)


def _stock_receive_shipment(args: argparse.Namespace) -> int:
    def work(user, scope) -> str:  # type: ignore[no-untyped-def]
        from django.db.models import Q

        from edgecamp.stock import files, queries, services

        found = queries.shipments(scope=scope).filter(
            Q(waybill=args.shipment) | Q(pk=int(args.shipment) if args.shipment.isdigit() else None)
        )
        shipment = found.first()
        if shipment is None or found.count() > 1:
            raise _Refused(
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
            services.receive_shipment(shipment.pk, received, received_by=user)
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

    return _run_stock(args, "shipment-receive", work)


def _stock_position(args: argparse.Namespace) -> int:
    _setup_django()
    from rich.table import Table

    from edgecamp.distributions.queries import stock_position
    from edgecamp.shelters import services as shelters

    console = _console()
    try:
        _user, scope = _acting(args.user, "stock-position")
    except _Refused as refusal:
        console.print(_red(str(refusal)))
        return 1
    site_id = None
    if args.site:
        site = shelters.find_site(args.site)
        if site is None or not scope.includes(site.pk):
            console.print(_red(f"--site: no site “{args.site}” among yours."))
            return 1
        site_id = site.pk
    rows = stock_position(site_id, scope=scope)
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
    from edgecamp.stock.services import plain_quantity as _plain

    for row in rows:
        table.add_row(
            row.site.name,
            f"{row.item.name} ({row.item.unit})",
            _plain(row.on_hand),
            _plain(row.in_pipeline),
            _plain(row.requirement),
            f"{row.daily_consumption:.2f}",
            "-" if row.days_of_cover is None else str(row.days_of_cover),
            _red(f"break: short of {_plain(row.shortfall)}") if row.pipeline_break else "ok",
        )
    # The table goes to stdout (it is the output); messages stay on stderr.
    _console(stderr=False).print(table)
    if not rows:
        console.print("No stock, pipeline or planned distribution at your sites yet.")
    return 0


# --- Ration cards: reissue and revocation ----------------------------------------------------


def _add_card_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    card = commands.add_parser(
        "card", help="a household's ration card: show, reissue (lost card), revoke"
    )
    actions = card.add_subparsers(title="card commands", metavar="ACTION")
    for name, help_text, handler in (
        ("show", "show the household's current card and its history", _card_show),
        (
            "reissue",
            "issue a new card (lost, damaged): the old one is refused from now on",
            _card_reissue,
        ),
        (
            "revoke",
            "revoke the household's card: none is accepted until a new one is issued",
            _card_revoke,
        ),
    ):
        sub = actions.add_parser(name, help=help_text, description=help_text)
        sub.add_argument("--user", required=True, help="the staff account acting")
        sub.add_argument("--household", required=True, metavar="NUMBER")
        if name != "show":
            sub.add_argument("--reason", required=True)
        if name == "reissue":
            sub.add_argument("--out", metavar="CARD.pdf", help="also write the new card to print")
        sub.set_defaults(handler=handler)


def _card_household(args: argparse.Namespace, route: str):  # type: ignore[no-untyped-def]
    from edgecamp.distributions.queries import card_household

    user, scope = _acting(args.user, route)
    household = card_household(args.household, scope=scope)
    if household is None:
        raise _Refused(f"--household: no household {args.household} at your sites.")
    return user, household


def _card_show(args: argparse.Namespace) -> int:
    def work(user, scope) -> str:  # type: ignore[no-untyped-def]
        from edgecamp.distributions.queries import card_history

        _user, household = _card_household(args, "ration-card")
        history = card_history(household)
        if not history:
            return f"{household.number} holds its first card (card no. 1, active)."
        lines = [f"{household.number}: card no. {history[0].issue}, {history[0].status}."]
        for card in history:
            ended = (
                f", {card.status} {card.ended_at:%Y-%m-%d} ({card.end_reason})"
                if card.ended_at
                else ""
            )
            lines.append(f"  card {card.issue}: {card.issue_reason or 'first card'}{ended}")
        return "\n".join(lines)

    return _run_stock(args, "ration-card", work)


def _card_reissue(args: argparse.Namespace) -> int:
    def work(user, scope) -> str:  # type: ignore[no-untyped-def]
        from edgecamp.distributions import queries, services
        from edgecamp.distributions.pdf import Card, cards_pdf

        _user, household = _card_household(args, "ration-card-reissue")
        card = services.reissue_card(household.pk, args.reason, issued_by=user)
        summary = (
            f"Card no. {card.issue} issued to {household.number}; the earlier card is refused "
            "from now on."
        )
        if args.out:
            pdf = cards_pdf(
                [Card(household.number, queries.household_size_now(household), card.issue)],
                title=f"Ration card {household.number}",
                site_name=household.site.name,
            )
            with open(args.out, "wb") as out:
                out.write(pdf)
            summary += f" Wrote {args.out}."
        return summary

    return _run_stock(args, "ration-card-reissue", work)


def _card_revoke(args: argparse.Namespace) -> int:
    def work(user, scope) -> str:  # type: ignore[no-untyped-def]
        from edgecamp.distributions import services

        _user, household = _card_household(args, "ration-card-revoke")
        card = services.revoke_card(household.pk, args.reason, revoked_by=user)
        return (
            f"Card no. {card.issue} of {household.number} revoked: no card of the household "
            "is accepted until a new one is issued."
        )

    return _run_stock(args, "ration-card-revoke", work)


def _probability(text: str) -> float:
    value = float(text)
    if not 0.0 < value < 1.0:
        raise argparse.ArgumentTypeError("must be a probability between 0 and 1 (exclusive)")
    return value


def _dedupe(args: argparse.Namespace) -> int:
    # Framework-free: no Django needed to deduplicate a file.
    from edgecamp.linkage import LinkageInputError, dedupe_file
    from edgecamp.linkage.files import parse_mapping

    console = _console()
    try:
        mapping = parse_mapping(args.map)
        with _progress("Deduplicating") as report:
            summary = dedupe_file(
                args.input,
                args.out,
                pairs_out=args.pairs,
                threshold=args.threshold,
                mapping=mapping,
                progress=report,
                encoding=args.encoding,
            )
    except LinkageInputError as error:
        console.print(_red("Nothing written."), error)
        return 1
    if summary.unparsable_dates:
        console.print(
            _styled("Warning:", "yellow"),
            f"{summary.unparsable_dates} dates of birth could not be "
            f"read and were treated as missing (first: {summary.first_unparsable}); write "
            "them as YYYY-MM-DD or YYYYMMDD.",
        )
    console.print(
        f"Wrote {args.out}: {summary.records} records, {summary.clusters} people registered "
        f"more than once ({summary.duplicates} duplicate records), in "
        f"{summary.result.seconds:.1f} s.",
    )
    return 0


def _dedupe_registry(args: argparse.Namespace) -> int:
    _setup_django()
    from edgecamp.registry.duplicates import run_dedupe_job

    summary = run_dedupe_job()
    _console().print(
        f"{summary.individuals} active people compared: {summary.pairs} likely pairs, "
        f"{summary.proposed} new for review ({summary.skipped_open} already open, "
        f"{summary.skipped_not_same} marked not the same person)."
    )
    return 0


def _manage(args: argparse.Namespace) -> int:
    _setup_django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["edgecamp manage", *args.args])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
