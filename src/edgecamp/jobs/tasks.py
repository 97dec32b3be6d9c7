"""The one task every job runs through: it finds the job's kind, runs its work as the user who
started it (the audit log names them, through "job"), and records the outcome on the job."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.tasks import task
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from edgecamp.core import context as acting
from edgecamp.core.access import NOBODY, Scope, scope_for
from edgecamp.jobs.kinds import JobFailed, get_kind
from edgecamp.jobs.models import Job

log = logging.getLogger(__name__)


class JobRun:
    """What a job's work gets: its parameters, the scope it runs in, and how to report."""

    def __init__(self, job: Job) -> None:
        self.job = job
        self.params: dict[str, Any] = dict(job.params)

    @property
    def user(self) -> Any:
        return self.job.started_by

    @property
    def scope(self) -> Scope:
        return scope_for(self.job.started_by) if self.job.started_by is not None else NOBODY

    def progress(self, done: int, total: int | None = None, message: str = "") -> None:
        """Done so far (of total, when known), with what is being done; also a heartbeat."""
        fields: dict[str, Any] = {"done": max(0, done), "heartbeat_at": timezone.now()}
        if total is not None:
            fields["total"] = max(0, total)
        if message:
            fields["message"] = message[:300]
        # Bookkeeping, not a change to a record: left out of the audit log.
        with acting.unrecorded():
            Job.objects.filter(pk=self.job.pk).update(**fields)
        for name, value in fields.items():
            setattr(self.job, name, value)

    def save_result(self, name: str, content: bytes, content_type: str) -> None:
        """The file the job made, for its download link."""
        self.job.result_file.save(f"job-{self.job.uuid}-{name}", ContentFile(content), save=False)
        self.job.result_name = name
        self.job.result_type = content_type
        Job.objects.filter(pk=self.job.pk).update(
            result_file=self.job.result_file.name, result_name=name, result_type=content_type
        )


def _claim(job_id: int, task_id: str, worker_id: str) -> Job | None:
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.state != Job.State.QUEUED:
            return None  # failed by the reaper meanwhile, or run already
        now = timezone.now()
        job.state = Job.State.RUNNING
        job.started_at = job.heartbeat_at = now
        job.worker_id = worker_id
        job.save(update_fields=["state", "started_at", "heartbeat_at", "worker_id"])
    return job


def _finish(job: Job, *, error: str = "", message: str = "") -> None:
    fields: dict[str, Any] = {"finished_at": timezone.now()}
    if error:
        fields.update(state=Job.State.FAILED, error=error)
    else:
        fields.update(state=Job.State.SUCCEEDED, message=message[:300])
        if job.total is not None:
            fields["done"] = job.total
    with transaction.atomic():
        # Only a job still running is finished: the reaper may have failed it meanwhile.
        current = Job.objects.select_for_update().filter(pk=job.pk).first()
        if current is None or current.state != Job.State.RUNNING:
            return
        for name, value in fields.items():
            setattr(current, name, value)
        current.save(update_fields=list(fields))


@task(takes_context=True)
def run_job(context: Any, job_id: int) -> str:
    worker_ids = getattr(context.task_result, "worker_ids", None) or [""]
    job = _claim(job_id, str(context.task_result.id), worker_ids[-1])
    if job is None:
        return "not run"
    kind = get_kind(job.kind)
    if kind is None:
        _finish(job, error=_("This kind of job is no longer known to edgecamp."))
        return "failed"
    work = JobRun(job)
    try:
        with translation.override(job.language or settings.LANGUAGE_CODE):
            if job.started_by is not None:
                with acting.acting_as(job.started_by, "job"):
                    summary = kind.run(work)
            else:
                summary = kind.run(work)
    except JobFailed as failure:
        _finish(work.job, error=str(failure))
        return "failed"
    except Exception as error:
        # The traceback stays in the task's record (the admin), never in the log: a message
        # may name a registered person.
        log.warning("job %s (%s) failed: %s", job.pk, job.kind, type(error).__name__)
        _finish(
            work.job,
            error=_(
                "The job stopped on an unexpected error (%(error)s). Start it again; if it "
                "fails again, tell an administrator."
            )
            % {"error": type(error).__name__},
        )
        raise
    _finish(work.job, message=str(summary))
    return "succeeded"
