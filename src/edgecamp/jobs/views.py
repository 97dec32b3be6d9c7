"""The jobs page: the reader's jobs with their state and progress (htmx polls each live job's
row until it finishes), a failed job's error, and the download of a result file (checked like
the page, never a public URL)."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from edgecamp.core.access import scope_for
from edgecamp.core.htmx import is_htmx
from edgecamp.core.paging import page_of, page_url
from edgecamp.jobs import queries
from edgecamp.jobs.kinds import label_of
from edgecamp.jobs.models import Job

JOBS_PER_PAGE = 50


def _job_or_404(request: HttpRequest, job_id: int) -> Job:
    job = queries.job_for(job_id, request.user, scope_for(request.user))
    if job is None:
        raise Http404(_("No job has this number, or it is not yours to see."))
    return job


def _row(job: Job) -> tuple[Job, str]:
    return job, label_of(job.kind)


@require_GET
def job_list(request: HttpRequest) -> HttpResponse:
    page = page_of(
        request, queries.visible_jobs(request.user, scope_for(request.user)), JOBS_PER_PAGE
    )
    return render(
        request,
        "jobs/job_list.html",
        {
            "jobs": [_row(job) for job in page.object_list],
            "page": page,
            "page_url": page_url(request),
        },
    )


@require_GET
def job_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    """A job's row (what htmx polls) or, for a plain request, the job on its own page."""
    job, label = _row(_job_or_404(request, job_id))
    context = {"job": job, "label": label, "jobs": [(job, label)]}
    if is_htmx(request):
        return render(request, "jobs/includes/job_row.html", context)
    return render(request, "jobs/job_detail.html", context)


@require_GET
def job_download(request: HttpRequest, job_id: int) -> FileResponse:
    job = _job_or_404(request, job_id)
    if job.state != Job.State.SUCCEEDED or not job.result_file:
        raise Http404(_("This job has no file to download."))
    try:
        handle = job.result_file.open("rb")
    except FileNotFoundError as missing:
        raise Http404(_("The job's file is no longer kept: start the job again.")) from missing
    return FileResponse(
        handle,
        as_attachment=True,
        filename=job.result_name or "result",
        content_type=job.result_type or "application/octet-stream",
    )
