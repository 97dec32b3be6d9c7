"""What every command shares: argument types, Django start-up, the console, progress bars, and
the one printer of a refusal.

Django and the apps are imported inside the functions, not here: the framework-free commands
(`allocate-file`, `dedupe`) run without setting Django up, and `--help` stays fast. mypy sees the
apps as `Any` (they are not type-checked: no django-stubs); what the CLI gets from them is turned
into typed values where it is used.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from decimal import Decimal
from typing import TYPE_CHECKING

from edgecamp.terminal import Terminal, styled

if TYPE_CHECKING:
    from rich.text import Text

    # The object `add_subparsers()` returns; its class is private to argparse.
    Commands = argparse._SubParsersAction[argparse.ArgumentParser]

Handler = Callable[[argparse.Namespace], int]

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
NOTHING_WRITTEN = "Nothing written."


# --- Argument types (argparse names the function in its message: "invalid _positive_int value")


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


def add_encoding_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--encoding",
        metavar="NAME",
        help="the CSV files' text encoding, e.g. cp1252 (default: UTF-8, or UTF-16/UTF-8 as "
        "its byte-order mark says)",
    )


def add_user_argument(parser: argparse.ArgumentParser, help_text: str | None = None) -> None:
    parser.add_argument(
        "--user",
        required=True,
        help=help_text or "the staff account acting (its role and sites apply)",
    )


# --- Django ------------------------------------------------------------------------------------


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "edgecamp.settings")
    import django

    django.setup()


def migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


# --- Printing ----------------------------------------------------------------------------------


def console(*, stderr: bool = True) -> Terminal:
    # Every message goes through edgecamp.terminal: values are never markup, and a failure to
    # print never fails a command whose work is committed.
    return Terminal(stderr=stderr)


def red(text: str) -> Text:
    return styled(text, "red")


@contextmanager
def progress(description: str) -> Iterator[Callable[[str, int, int], None]]:
    """A rich progress bar; yields a callback `report(step, done, total)`."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console(),
        transient=False,
    ) as bar:
        task = bar.add_task(description, total=None)

        def report(step: str, done: int, total: int) -> None:
            bar.update(task, description=f"{description}: {step}", completed=done, total=total)

        yield report


# --- Refusals ----------------------------------------------------------------------------------


class CommandRefused(Exception):
    """The command cannot run as asked (an unknown user, warehouse, item, cycle; a role that may
    not do it): nothing was written. `hint` says where to look."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message


# The option a service's field path was given by, where the path is not already its name.
FLAGS: Mapping[str, str] = {
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
    "cycle": "--cycle",
    "code": "--code",
    "space_standard": "--space-standard",
    "emergency_minimum": "--emergency-minimum",
    "status": "--status",
    "date": "--date",
}


def refusals() -> tuple[type[Exception], ...]:
    """The errors after which a command has written nothing and says why (Django set up)."""
    from edgecamp.core.errors import Refused
    from edgecamp.stock.files import FileError

    return (CommandRefused, Refused, FileError)


def print_refusal(out: Terminal, error: Exception, headline: str | None = NOTHING_WRITTEN) -> None:
    """Print why a command wrote nothing (one of `refusals()`), the same way for every command:

    - `CommandRefused`: the headline and the sentence on one line (without a headline, the
      sentence itself in red), then the hint;
    - a file's problems (`stock.files.FileError`): one line per problem, named by its line;
    - `core.errors.Refused`, the base of every service's error: one line per message, named by
      the option it concerns (`--quantity: …`); a problem with the request as a whole unnamed.
    """
    from edgecamp.core.errors import ALL, Refused
    from edgecamp.stock.files import FileError

    if isinstance(error, CommandRefused):
        hint = [error.hint] if error.hint else []
        if headline is None:
            out.print(red(error.message), *hint)
        else:
            out.print(red(headline), error.message, *hint)
    elif isinstance(error, FileError):
        out.print(red(headline or NOTHING_WRITTEN), "Fix the file and run again:")
        for problem in error.problems:
            out.print(f"  {error.path}: {problem}")
    elif isinstance(error, Refused):
        out.print(red(headline or NOTHING_WRITTEN))
        for path, messages in error.errors.items():
            for message in messages:
                if path == ALL:
                    out.print(f"  {message}")
                else:
                    out.print(f"  {FLAGS.get(path, path)}: {message}")
    else:
        raise error  # not a refusal: not ours to explain
