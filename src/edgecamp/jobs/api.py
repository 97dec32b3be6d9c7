"""`GET /api/v1/jobs` and `GET /api/v1/jobs/{id}`: the caller's jobs (managers and
administrators: every job of their sites), their state and progress, a failed job's error and
the download address of a result file."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Path, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from edgecamp.core.access import scope_for
from edgecamp.core.params import MAX_DB_INT
from edgecamp.core.schemas import Pages, Problem
from edgecamp.jobs import queries
from edgecamp.jobs.kinds import label_of
from edgecamp.jobs.models import Job

router = Router(tags=["jobs"])


class JobOut(Schema):
    id: int
    uuid: UUID
    kind: str
    kind_label: str
    state: str = Field(description="queued, running, succeeded or failed")
    done: int
    total: int | None
    percent: int | None = Field(description="done of total in per cent, when total is known")
    message: str
    error: str = Field(description="why a failed job failed, in plain words")
    started_by: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    result_name: str
    download_url: str | None = Field(description="the result file, for a job that made one")

    @staticmethod
    def resolve_kind_label(job: Job) -> str:
        return label_of(job.kind)

    @staticmethod
    def resolve_started_by(job: Job) -> str | None:
        return job.started_by.get_username() if job.started_by is not None else None

    @staticmethod
    def resolve_download_url(job: Job) -> str | None:
        if job.state != Job.State.SUCCEEDED or not job.result_file:
            return None
        return reverse("job-download", kwargs={"job_id": job.pk})


@router.get("/jobs", response=list[JobOut], summary="List background jobs")
@paginate(Pages)
def list_jobs(request: HttpRequest) -> QuerySet[Job]:
    return queries.visible_jobs(request.user, scope_for(request.user))


@router.get("/jobs/{job_id}", response={200: JobOut, 404: Problem}, summary="A background job")
def get_job(request: HttpRequest, job_id: int = Path(..., ge=1, le=MAX_DB_INT)) -> Job:
    job = queries.job_for(job_id, request.user, scope_for(request.user))
    if job is None:
        raise HttpError(404, _("No job has this number, or it is not yours to see."))
    return job
