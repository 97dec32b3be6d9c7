"""`edgecamp manage`: any Django management command."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from edgecamp.cli._base import setup_django

if TYPE_CHECKING:
    from edgecamp.cli._base import Commands


def add_manage(commands: Commands) -> None:
    manage = commands.add_parser(
        "manage", help="run a Django management command (e.g. `edgecamp manage migrate`)"
    )
    manage.add_argument("args", nargs=argparse.REMAINDER)
    manage.set_defaults(handler=_manage)


def _manage(args: argparse.Namespace) -> int:
    setup_django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["edgecamp manage", *args.args])
    return 0
