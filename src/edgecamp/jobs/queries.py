"""Which jobs a user sees: their own; managers and administrators every job within their
sites (a job of every site only to those of every site)."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from edgecamp.core.access import Role, Scope
from edgecamp.jobs.models import Job, JobSite

# Who sees every job of their sites, not only their own (accounts.roles.MANAGEMENT: the jobs
# app sits beside accounts and does not import it).
OVERSEERS = frozenset({Role.ADMINISTRATOR, Role.CAMP_MANAGER})


def visible_jobs(user: Any, scope: Scope) -> QuerySet[Job]:
    jobs = Job.objects.select_related("started_by")
    own = Q(started_by=user) if getattr(user, "pk", None) else Q(pk__in=[])
    if scope.role not in OVERSEERS:
        return jobs.filter(own)
    if scope.all_sites:
        return jobs
    outside = JobSite.objects.filter(job=OuterRef("pk")).exclude(site_id__in=scope.site_ids)
    some = JobSite.objects.filter(job=OuterRef("pk"))
    within = Q(all_sites=False) & ~Exists(outside) & Exists(some)
    return jobs.filter(own | within)


def job_for(job_id: int, user: Any, scope: Scope) -> Job | None:
    return visible_jobs(user, scope).filter(pk=job_id).first()


def live_jobs(kind: str, user: Any, scope: Scope) -> QuerySet[Job]:
    return visible_jobs(user, scope).filter(kind=kind, state__in=Job.LIVE)
