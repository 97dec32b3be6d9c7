"""`edgecamp`: the one console command for everything a user runs.

Each subcommand parses its arguments, starts Django and calls a service; the work lives in the
apps and in the framework-free packages. One module per topic adds its commands to the parser;
`_base` holds what they share (argument types, the console, the one printer of a refusal) and
`_acting` the one way a command acts as the staff account named by `--user` (`run_as`).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from edgecamp.cli import (
    accounts,
    dedupe,
    demo,
    distributions,
    exports,
    management,
    server,
    shelters,
    stock,
)
from edgecamp.cli._base import Handler

__all__ = ["build_parser", "main"]


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    handler: Handler = args.handler
    try:
        return handler(args)
    except KeyboardInterrupt:
        return 130


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="edgecamp",
        description="Information system for camps and settlements of displaced people.",
    )
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")
    # In the order `edgecamp --help` has always listed them.
    demo.add_demo(commands)
    server.add_serve(commands)
    demo.add_generate(commands)
    accounts.add_createadmin(commands)
    shelters.add_allocation_commands(commands)
    distributions.add_cycle_commands(commands)
    dedupe.add_dedupe_commands(commands)
    stock.add_stock_commands(commands)
    distributions.add_card_commands(commands)
    exports.add_export_commands(commands)
    management.add_manage(commands)
    return parser
