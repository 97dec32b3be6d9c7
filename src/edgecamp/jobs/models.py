"""A background job as its user sees it. The queue itself (what the worker picks up) is
django-tasks-db's `DBTaskResult`; `task_id` links the two."""

from __future__ import annotations

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from edgecamp.core.models import PublicId


class JobFileStorage(FileSystemStorage):
    """Result files live in the data directory (EDGECAMP_JOB_FILES_DIR, read when used),
    never under a static URL: the jobs app's download view serves them, checking who asks."""

    @property  # type: ignore[override]
    def base_location(self) -> str:
        return str(settings.EDGECAMP_JOB_FILES_DIR)

    @property  # type: ignore[override]
    def location(self) -> str:
        return os.path.abspath(self.base_location)


def job_files() -> FileSystemStorage:
    return JobFileStorage()


class Job(PublicId, models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        SUCCEEDED = "succeeded", _("succeeded")
        FAILED = "failed", _("failed")

    LIVE = (State.QUEUED, State.RUNNING)

    kind = models.CharField(_("kind"), max_length=60)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    # The sites the job concerns (JobSite rows), or every site.
    all_sites = models.BooleanField(_("every site"), default=False)
    params = models.JSONField(_("parameters"), default=dict)
    # The language of the page that started it: its messages and files are in it.
    language = models.CharField(max_length=10, blank=True)
    # Two live jobs with one key are refused (one registry dedupe at a time).
    exclusive_key = models.CharField(max_length=120, blank=True, default="")
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    done = models.PositiveIntegerField(_("done"), default=0)
    total = models.PositiveIntegerField(_("total"), null=True, blank=True)
    message = models.CharField(_("message"), max_length=300, blank=True)
    error = models.TextField(_("error"), blank=True)
    result_file = models.FileField(
        _("result file"), storage=job_files, upload_to="", blank=True, max_length=200
    )
    result_name = models.CharField(max_length=200, blank=True)
    result_type = models.CharField(max_length=100, blank=True)
    task_id = models.CharField(max_length=64, blank=True, db_index=True)
    worker_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # Written by the running job's worker every few seconds (worker.JobWorker).
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        constraints = [
            models.UniqueConstraint(
                fields=["exclusive_key"],
                condition=Q(state__in=["queued", "running"]) & ~Q(exclusive_key=""),
                name="jobs_one_live_job_per_key",
            )
        ]
        indexes = [models.Index(fields=["state", "heartbeat_at"])]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.state})"

    @property
    def live(self) -> bool:
        return self.state in self.LIVE

    @property
    def percent(self) -> int | None:
        if not self.total:
            return None
        return min(100, round(100 * self.done / self.total))


class JobSite(models.Model):
    """A site the job concerns (by id: sites are a layer above jobs)."""

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="sites")
    site_id = models.PositiveBigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["job", "site_id"], name="jobs_jobsite_unique")
        ]

    def __str__(self) -> str:
        return f"job {self.job_id} at site {self.site_id}"
