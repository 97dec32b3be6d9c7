"""`edgecamp serve`: the web UI and the API, served by waitress."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from edgecamp.cli._base import (
    DEFAULT_HOST,
    DEFAULT_PORT,
    _positive_int,
    console,
    migrate,
    setup_django,
)
from edgecamp.terminal import styled

if TYPE_CHECKING:
    from edgecamp.cli._base import Commands


def add_serve(commands: Commands) -> None:
    serve = commands.add_parser("serve", help="serve the web UI and the API")
    add_server_arguments(serve)
    serve.set_defaults(handler=_serve)


def add_server_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default=DEFAULT_HOST)
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--threads", type=_positive_int, default=8)


def _serve(args: argparse.Namespace) -> int:
    setup_django()
    migrate()
    return run_server(args.host, args.port, args.threads)


def run_server(host: str, port: int, threads: int) -> int:
    from waitress import serve

    from edgecamp.wsgi import application

    shown_host = f"[{host}]" if ":" in host else host
    console().print(
        "\nServing edgecamp at",
        styled(f"http://{shown_host}:{port}/", "bold"),
        f" (API docs at http://{shown_host}:{port}/api/v1/docs). Ctrl+C stops.",
    )
    sys.stdout.flush()
    serve(application, host=host, port=port, threads=threads, ident="edgecamp")
    return 0
