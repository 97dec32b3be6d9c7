"""`edgecamp worker`: runs the background jobs (edgecamp.jobs) queued in the database, one at a
time, until stopped (Ctrl+C or SIGTERM lets the current job finish first)."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import subprocess
import sys
from typing import TYPE_CHECKING

from edgecamp.cli._base import _positive_int, _positive_number, console, setup_django

if TYPE_CHECKING:
    from edgecamp.cli._base import Commands


def add_worker(commands: Commands) -> None:
    worker = commands.add_parser("worker", help="run the background jobs queued in the database")
    worker.add_argument(
        "--interval", type=_positive_number, default=1.0, metavar="SECONDS",
        help="how often to look for a new job when idle (default 1 s)",
    )  # fmt: skip
    worker.add_argument("--batch", action="store_true", help="run the jobs queued now, then stop")
    worker.add_argument(
        "--max-jobs", type=_positive_int, default=None, metavar="N", help="stop after N jobs"
    )
    worker.set_defaults(handler=_worker)


def _worker(args: argparse.Namespace) -> int:
    setup_django()
    from edgecamp.jobs.worker import JobWorker

    logging.getLogger("django_tasks_db").setLevel(logging.INFO)
    worker = JobWorker(interval=args.interval, batch=args.batch, max_tasks=args.max_jobs)
    worker.configure_signals()
    console().print("edgecamp worker: running background jobs. Ctrl+C stops.")
    sys.stdout.flush()
    try:
        worker.run()
    except SystemExit as stop:
        return stop.code if isinstance(stop.code, int) else 0
    return 0


def start_worker_process(env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    """A worker beside the server (`edgecamp demo`), in its own process, with the same data
    directory and database (this process's environment unless `env` is given)."""
    command = [sys.executable, "-m", "edgecamp.cli", "worker"]
    return subprocess.Popen(command, env=env if env is not None else dict(os.environ))  # noqa: S603


def stop_worker_process(process: subprocess.Popen[bytes], timeout: float = 15.0) -> None:
    """SIGTERM (the worker finishes its current job), then SIGKILL if it does not stop; a job
    it was running is then marked failed by the next worker's heartbeat."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
