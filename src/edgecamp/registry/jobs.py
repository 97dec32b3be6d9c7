"""The registry's background job: looking for duplicates in the whole registry (of the starting
manager's sites), the batch dedupe `edgecamp dedupe-registry` runs, started from the review
page. One runs at a time; its pairs land in the review queue."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from edgecamp.core.access import Scope
from edgecamp.jobs import services as job_services
from edgecamp.jobs.kinds import JobKind
from edgecamp.jobs.models import Job
from edgecamp.jobs.tasks import JobRun
from edgecamp.registry.duplicates import run_dedupe_job

DEDUPE_JOB = "registry-dedupe"


def _look_for_duplicates(run: JobRun) -> str:
    scope = run.scope
    summary = run_dedupe_job(scope=None if scope.all_sites else scope, progress=run.progress)
    return ngettext(
        "%(people)d people compared: %(new)d new pair for review.",
        "%(people)d people compared: %(new)d new pairs for review.",
        summary.proposed,
    ) % {"people": summary.individuals, "new": summary.proposed}


DEDUPE_KIND = JobKind(DEDUPE_JOB, _("Look for duplicates in the registry"), _look_for_duplicates)


def start_dedupe(user: Any, scope: Scope) -> Job:
    """Queue the registry-wide dedupe for `user`'s sites; refused (JobAlreadyRunning) while one
    is queued or running."""
    return job_services.start_job(DEDUPE_JOB, user=user, scope=scope, exclusive_key=DEDUPE_JOB)
