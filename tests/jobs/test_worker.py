"""The worker: its loop runs queued jobs, its heartbeat keeps a running job alive, and a worker
killed mid-job (SIGKILL, in a real subprocess of `edgecamp worker`) leaves a job that the next
worker marks failed once the lease has passed, then goes on with the queue."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from edgecamp.core.access import Role, scope_for
from edgecamp.jobs import services
from edgecamp.jobs.models import Job
from edgecamp.jobs.worker import JobWorker
from tests.accounts.factories import make_user

ROOT = Path(__file__).resolve().parents[2]


def _start(user, **params):
    return services.start_job("test-steps", user=user, scope=scope_for(user), params=params)


@pytest.mark.django_db(transaction=True)
def test_the_worker_loop_runs_the_queue_then_stops_in_batch_mode():
    user = make_user("boss", role=Role.CAMP_MANAGER, all_sites=True)
    first, second = _start(user, steps=2), _start(user, steps=5)
    JobWorker(batch=True, heartbeat=False, interval=0).run()
    assert [(job.state, job.done, job.total) for job in Job.objects.order_by("pk")] == [
        (Job.State.SUCCEEDED, 2, 2),
        (Job.State.SUCCEEDED, 5, 5),
    ]
    assert first.pk < second.pk


@pytest.mark.django_db
def test_a_heartbeat_keeps_the_running_job_alive_and_fails_stalled_ones(settings):
    settings.EDGECAMP_JOB_LEASE_SECONDS = 30
    user = make_user("boss", role=Role.CAMP_MANAGER, all_sites=True)
    mine, orphan = _start(user), _start(user)
    old = timezone.now() - timedelta(seconds=31)
    Job.objects.filter(pk__in=[mine.pk, orphan.pk]).update(
        state=Job.State.RUNNING, heartbeat_at=old
    )
    worker = JobWorker(heartbeat=False)
    worker._current = mine.task_id  # the job this worker is running
    worker.beat_once()
    mine.refresh_from_db()
    orphan.refresh_from_db()
    assert mine.state == Job.State.RUNNING
    assert mine.heartbeat_at > old
    assert orphan.state == Job.State.FAILED


def _database_for_subprocesses(tmp_path: Path) -> dict[str, str]:
    """The environment a worker subprocess needs to use the test's database: PostgreSQL's test
    database itself; SQLite's in-memory one copied to a file (its data directory)."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["EDGECAMP_DATA_DIR"] = str(tmp_path)
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(tmp_path / "edgecamp.sqlite3") as target:
            connection.connection.backup(target)
    else:
        s = connection.settings_dict
        password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
        env["DATABASE_URL"] = (
            f"postgres://{s['USER']}{password}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}"
            f"/{s['NAME']}"
        )
    return env


def _state(tmp_path: Path, job_id: int) -> tuple[str, int, str]:
    if connection.vendor == "sqlite":
        with sqlite3.connect(tmp_path / "edgecamp.sqlite3") as db:
            return db.execute(
                "select state, done, error from jobs_job where id = ?", [job_id]
            ).fetchone()
    job = Job.objects.get(pk=job_id)
    return job.state, job.done, job.error


def _wait_for(check, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def _worker(env: dict[str, str]) -> subprocess.Popen[str]:
    # `edgecamp worker`, with the tests' kinds of job registered first.
    code = (
        "import tests.jobs.kinds; from edgecamp.cli import main; "
        "raise SystemExit(main(['worker', '--interval', '0.2']))"
    )
    return subprocess.Popen(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


@pytest.mark.django_db(transaction=True)
def test_a_job_of_a_worker_killed_mid_job_is_failed_by_the_next_worker(tmp_path):
    user = make_user("boss", role=Role.CAMP_MANAGER, all_sites=True)
    slow = _start(user, steps=1000, sleep=0.05)
    after = _start(user, steps=3)
    env = _database_for_subprocesses(tmp_path)
    env["EDGECAMP_JOB_LEASE_SECONDS"] = "2"

    first = _worker(env)
    try:
        _wait_for(
            lambda: (lambda s: s[0] == "running" and s[1] >= 3)(_state(tmp_path, slow.pk)),
            60,
            "the slow job to run",
        )
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    finally:
        if first.poll() is None:
            first.kill()
        first.communicate()
    # Killed outright: nothing marked the job, it still says running.
    state, done, _error = _state(tmp_path, slow.pk)
    assert state == "running"
    assert 3 <= done < 1000

    second = _worker(env)
    try:
        state, _done, error = _wait_for(
            lambda: (lambda s: s if s[0] == "failed" else None)(_state(tmp_path, slow.pk)),
            60,
            "the killed worker's job to be failed",
        )
        assert "stopped before it finished" in error
        # The new worker goes on with the queue.
        _wait_for(lambda: _state(tmp_path, after.pk)[0] == "succeeded", 60, "the next job to run")
        second.send_signal(signal.SIGTERM)
        assert second.wait(timeout=20) == 0
    finally:
        if second.poll() is None:
            second.kill()
        output = second.communicate()[0]
    assert "marked failed 1 job(s)" in output


@pytest.mark.django_db(transaction=True)
def test_the_demo_worker_process_runs_jobs_and_stops_with_sigterm(tmp_path):
    """What `edgecamp demo` starts beside the server and stops with it."""
    from edgecamp.cli.worker import start_worker_process, stop_worker_process

    user = make_user("boss", role=Role.CAMP_MANAGER, all_sites=True)
    # A real kind (the registry dedupe, of an empty registry): the demo's worker registers
    # only the apps' kinds.
    from edgecamp.registry.jobs import start_dedupe

    job = start_dedupe(user, scope_for(user))
    env = _database_for_subprocesses(tmp_path)
    process = start_worker_process(env)
    try:
        _wait_for(lambda: _state(tmp_path, job.pk)[0] == "succeeded", 60, "the job to run")
    finally:
        stop_worker_process(process, timeout=20)
    assert process.returncode == 0
