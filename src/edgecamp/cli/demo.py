"""`edgecamp demo` (a synthetic camp, its demo accounts, served) and `edgecamp generate` (a
synthetic camp only)."""

from __future__ import annotations

import argparse
import secrets
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from edgecamp.cli._base import _positive_int, console, migrate, progress, red, setup_django
from edgecamp.cli.accounts import create_admin, print_login
from edgecamp.cli.server import add_server_arguments, run_server
from edgecamp.cli.worker import start_worker_process, stop_worker_process
from edgecamp.terminal import Terminal, styled

if TYPE_CHECKING:
    from edgecamp.cli._base import Commands

DEMO_PEOPLE = 20_000
DEMO_SEED = 2026
DEMO_ADMIN = "admin"


def add_demo(commands: Commands) -> None:
    demo = commands.add_parser(
        "demo",
        help="migrate; on an empty database load a synthetic camp and its demo accounts; serve",
    )
    demo.add_argument("--people", type=_positive_int, default=DEMO_PEOPLE)
    demo.add_argument("--seed", type=int, default=DEMO_SEED)
    add_server_arguments(demo)
    demo.add_argument("--no-serve", action="store_true", help="set everything up, do not serve")
    demo.set_defaults(handler=_demo)


def add_generate(commands: Commands) -> None:
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


def _generate(args: argparse.Namespace) -> int:
    setup_django()
    migrate()
    from edgecamp.demo.camp import CampNotEmptyError, load_synthetic_camp

    try:
        with progress("Generating camp") as report:
            summary = load_synthetic_camp(
                people=args.people, seed=args.seed, progress=report, csv_path=args.csv
            )
    except CampNotEmptyError as refusal:
        console().print(red("Nothing loaded."), refusal)
        return 1
    console().print(f"Loaded {summary}")
    return 0


def _demo(args: argparse.Namespace) -> int:
    setup_django()
    out = console()
    with out.status("Preparing the database…"):
        migrate()
    from edgecamp.demo.activity import create_staff_accounts, load_demo_activity
    from edgecamp.demo.camp import camp_is_empty, load_synthetic_camp

    if not camp_is_empty():
        # A database in use: `make demo` must not become a way to reset, reopen or recreate
        # accounts, so nothing about them is touched.
        out.print(
            "The database already holds a camp; keeping it. No account was created or "
            "changed (no password reset, none reactivated): log in with your own account, or "
            "have an administrator create one with `edgecamp createadmin --username NAME`."
        )
    else:
        with progress("Generating a synthetic camp") as report:
            summary = load_synthetic_camp(people=args.people, seed=args.seed, progress=report)
        out.print(f"Loaded {summary}")
        # The demo camp's accounts: admin and one per role, all with one fresh password.
        password = secrets.token_urlsafe(12)
        admin_created = create_admin(DEMO_ADMIN, password=password) is not None
        accounts, kept = create_staff_accounts(password)
        with progress("Adding supply, distributions, duplicates, protection") as report:
            activity = load_demo_activity(seed=args.seed, progress=report)
        out.print(f"Added {activity}")
        out.print("\n", styled("edgecamp demo is ready.", "bold green"), sep="")
        _print_demo_accounts(out, password, admin_created, accounts)
        if not admin_created:
            kept.insert(0, DEMO_ADMIN)
        if kept:
            out.print(
                f"Existing accounts left unchanged (password, role, active or not): "
                f"{', '.join(kept)}."
            )
    if args.no_serve:
        return 0
    # The background jobs (the dedupe from the review page, a large cycle's cards) run in a
    # worker beside the server, stopped with it.
    worker = start_worker_process()
    try:
        return run_server(args.host, args.port, args.threads)
    finally:
        stop_worker_process(worker)


def _print_demo_accounts(
    out: Terminal, password: str, admin_created: bool, accounts: Sequence[Any]
) -> None:
    from rich.table import Table

    if admin_created:
        out.print("Log in with:")
        print_login(DEMO_ADMIN, password)
    elif accounts:
        out.print("  password:", styled(password, "bold"), " (shown once; keep it safe)")
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
    out.print(table)
