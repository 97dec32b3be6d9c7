"""The worker `edgecamp worker` runs: django-tasks-db's database worker, plus a heartbeat.

While the worker runs a job, a thread writes the job's `heartbeat_at` every `beat` seconds
(a quarter of the lease); between jobs and during them it also fails the jobs whose worker
stopped beating for a lease (`services.fail_stalled_jobs`): a worker killed mid-job (SIGKILL,
the machine switched off) leaves its job "running", and the next beat of any worker marks it
failed with a message saying to start it again."""

from __future__ import annotations

import logging
import threading
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker

from edgecamp.core import context
from edgecamp.jobs import services
from edgecamp.jobs.models import Job

log = logging.getLogger(__name__)


class JobWorker(Worker):
    def __init__(
        self,
        *,
        interval: float = 1.0,
        batch: bool = False,
        max_tasks: int | None = None,
        heartbeat: bool = True,
        worker_id: str | None = None,
    ) -> None:
        super().__init__(
            queue_names=["default"],
            interval=interval,
            batch=batch,
            backend_name="default",
            startup_delay=False,
            max_tasks=max_tasks,
            worker_id=worker_id or get_random_string(32),
            excluded_queue_names=[],
        )
        self.beat = max(0.2, settings.EDGECAMP_JOB_LEASE_SECONDS / 4)
        self._stop = threading.Event()
        self._current: str | None = None
        self._heart = threading.Thread(target=self._beat, name="job-heartbeat", daemon=True)
        self._heartbeat = heartbeat

    def run(self) -> None:
        if self._heartbeat:
            self._heart.start()
        try:
            super().run()
        finally:
            self._stop.set()

    def run_task(self, db_task_result: Any) -> None:
        self._current = str(db_task_result.id)
        try:
            super().run_task(db_task_result)
        finally:
            self._current = None

    def _beat(self) -> None:
        try:
            while not self._stop.wait(self.beat):
                try:
                    self.beat_once()
                except DatabaseError as error:  # a locked database: beat again later
                    log.warning("job heartbeat skipped: %s", error)
        finally:
            connection.close()

    def beat_once(self) -> None:
        current = self._current
        with context.unrecorded():
            if current is not None:
                Job.objects.filter(task_id=current, state=Job.State.RUNNING).update(
                    heartbeat_at=timezone.now()
                )
        failed = services.fail_stalled_jobs()
        if failed:
            log.warning("marked failed %d job(s) whose worker stopped: %s", len(failed), failed)
