"""Starting jobs and failing the ones a dead worker left running. Each service owns its
transaction; the task is queued in the same one, so a refused job has queued nothing."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from edgecamp.core.access import Scope
from edgecamp.core.dates import in_words
from edgecamp.core.errors import ALL, Refused
from edgecamp.jobs.kinds import get_kind
from edgecamp.jobs.models import Job, JobSite


class JobRefused(Refused):
    status_code = 409
    detail = gettext_lazy("The job was not started: see “errors”.")


class JobAlreadyRunning(JobRefused):
    def __init__(self, job: Job) -> None:
        super().__init__(
            {
                ALL: [
                    _(
                        "A job of this kind is already %(state)s (started %(when)s): wait for "
                        "it to finish, and follow it on the jobs page."
                    )
                    % {
                        "state": job.get_state_display(),
                        "when": in_words(job.created_at),
                    }
                ]
            }
        )
        self.job = job


def start_job(
    kind: str,
    *,
    user: Any,
    scope: Scope,
    params: dict[str, Any] | None = None,
    site_ids: Iterable[int] | None = None,
    exclusive_key: str = "",
) -> Job:
    """Queue a job of `kind` for `user`. It concerns `site_ids` (default: the scope's sites, or
    every site for a scope of every site). With an `exclusive_key`, a job with the same key
    still queued or running refuses this one (JobAlreadyRunning)."""
    from edgecamp.jobs.tasks import run_job

    if get_kind(kind) is None:
        raise JobRefused({"kind": [_("No kind of job is named “%(kind)s”.") % {"kind": kind}]})
    if site_ids is None:
        all_sites, sites = scope.all_sites, set() if scope.all_sites else set(scope.site_ids)
    else:
        all_sites, sites = False, set(site_ids)
    with transaction.atomic():
        if exclusive_key:
            live = Job.objects.filter(exclusive_key=exclusive_key, state__in=Job.LIVE).first()
            if live is not None:
                raise JobAlreadyRunning(live)
        try:
            with transaction.atomic():
                job = Job.objects.create(
                    kind=kind,
                    started_by=user if getattr(user, "pk", None) else None,
                    all_sites=all_sites,
                    params=params or {},
                    exclusive_key=exclusive_key,
                    language=translation.get_language() or "",
                )
        except IntegrityError:
            # Another request queued one between the check and the insert.
            live = Job.objects.filter(exclusive_key=exclusive_key, state__in=Job.LIVE).first()
            if live is None:
                raise
            raise JobAlreadyRunning(live) from None
        JobSite.objects.bulk_create([JobSite(job=job, site_id=site) for site in sorted(sites)])
        result = run_job.enqueue(job.pk)
        job.task_id = str(result.id)
        job.save(update_fields=["task_id"])
    return job


def lease() -> timedelta:
    return timedelta(seconds=settings.EDGECAMP_JOB_LEASE_SECONDS)


def fail_stalled_jobs(now: Any = None) -> list[int]:
    """Mark failed every running job whose worker has not beaten for a lease (killed, or its
    machine stopped), and its task with it, so that nothing stays "running" forever. Returns
    the jobs failed."""
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    failed = []
    with transaction.atomic():
        stalled = Job.objects.select_for_update().filter(
            state=Job.State.RUNNING, heartbeat_at__lt=now - lease()
        )
        for job in stalled:
            job.state = Job.State.FAILED
            job.finished_at = now
            job.error = _(
                "The worker running this job stopped before it finished (it was stopped or "
                "crashed). Nothing it had not finished was kept; start the job again."
            )
            job.save(update_fields=["state", "finished_at", "error"])
            failed.append(job.pk)
            if job.task_id:
                DBTaskResult.objects.filter(pk=job.task_id, status="RUNNING").update(
                    status="FAILED",
                    finished_at=now,
                    exception_class_path="edgecamp.jobs.worker.WorkerLost",
                    traceback="The worker stopped sending heartbeats.",
                )
    return failed
