"""`edgecamp createadmin`: an administrator with a random password, shown once."""

from __future__ import annotations

import argparse
import secrets
from typing import TYPE_CHECKING

from edgecamp.cli._base import console, migrate, red, setup_django
from edgecamp.terminal import styled

if TYPE_CHECKING:
    from edgecamp.cli._base import Commands


def add_createadmin(commands: Commands) -> None:
    createadmin = commands.add_parser(
        "createadmin", help="create an administrator and print a random password"
    )
    createadmin.add_argument("--username", default="admin")
    createadmin.add_argument("--email", default="")
    createadmin.set_defaults(handler=_createadmin)


def _createadmin(args: argparse.Namespace) -> int:
    setup_django()
    migrate()
    password = create_admin(args.username, args.email)
    if password is None:
        console().print(
            red(f"A user named “{args.username}” already exists."),
            "Choose another "
            "--username, or reset its password with `edgecamp manage changepassword "
            f"{args.username}`.",
        )
        return 1
    print_login(args.username, password)
    return 0


def create_admin(username: str, email: str = "", password: str | None = None) -> str | None:
    """The new administrator's password, or None (and nothing changed) if the name is taken."""
    from django.contrib.auth import get_user_model

    user_model = get_user_model()
    if user_model.objects.filter(username=username).exists():
        return None
    password = password or secrets.token_urlsafe(12)
    user_model.objects.create_superuser(username=username, email=email, password=password)
    return password


def print_login(username: str, password: str) -> None:
    out = console()
    out.print("  username:", styled(username, "bold"))
    out.print("  password:", styled(password, "bold"), " (shown once; keep it safe)")
