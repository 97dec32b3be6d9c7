"""Reading protection records, shared by the UI and the API.

Only protection officers of the household's site read them (`Scope.sees_sensitive`); for
everyone else these queries return nothing, and the entry points answer 404 as for a household
they cannot see. Reads of actual records are recorded in the audit log as sensitive reads, here,
so no entry point can forget it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet

from edgecamp.audit.capture import record_sensitive_read
from edgecamp.core.access import Scope
from edgecamp.protection.models import IN_PROGRESS, ConfidentialNote, TracingRequest
from edgecamp.registry import queries as registry_queries
from edgecamp.registry.codes import EventKind
from edgecamp.registry.models import Household, Individual, LifeEvent

READ_HOUSEHOLD = "confidential notes and tracing requests"
READ_TRACING = "tracing request"


def protection_household(number: str, scope: Scope) -> Household | None:
    """The household, if this scope may read and write its protection records."""
    household = (
        registry_queries.visible_households(scope)
        .select_related("site")
        .filter(number=number)
        .first()
    )
    if household is None or not scope.sees_sensitive(household.site_id):
        return None
    return household


def visible_notes(scope: Scope) -> QuerySet[ConfidentialNote]:
    if not scope.protection:
        return ConfidentialNote.objects.none()
    return ConfidentialNote.objects.filter(scope.sites_q("household__site_id"))


def visible_tracing_requests(scope: Scope) -> QuerySet[TracingRequest]:
    if not scope.protection:
        return TracingRequest.objects.none()
    return TracingRequest.objects.filter(scope.sites_q("household__site_id"))


@dataclass(frozen=True)
class HouseholdProtection:
    notes: list[ConfidentialNote]
    tracing_requests: list[TracingRequest]


def read_household_protection(household: Household, scope: Scope) -> HouseholdProtection | None:
    """The household's notes and tracing requests, or None if the scope may not read them (then
    nothing at all is shown: not even whether there are any). Audited when there is any."""
    if not scope.sees_sensitive(household.site_id):
        return None
    notes = list(
        visible_notes(scope).filter(household=household).select_related("individual", "written_by")
    )
    tracing = list(
        visible_tracing_requests(scope)
        .filter(household=household)
        .select_related("requester", "opened_by", "found_event")
    )
    if notes or tracing:
        record_sensitive_read(household, READ_HOUSEHOLD)
    return HouseholdProtection(notes, tracing)


def tracing_request(request_id: int, scope: Scope) -> TracingRequest | None:
    """One tracing request (audited), or None outside the scope."""
    found = (
        visible_tracing_requests(scope)
        .select_related("household__site", "requester", "opened_by", "found_event")
        .filter(pk=request_id)
        .first()
    )
    if found is not None:
        record_sensitive_read(found, READ_TRACING)
    return found


def tracing_caseload(
    scope: Scope, *, status: str = "", site_id: int | None = None
) -> QuerySet[TracingRequest]:
    """Tracing requests of the scope's sites, newest first. Not audited yet: call
    `record_reads` with the page actually shown."""
    found = visible_tracing_requests(scope).select_related(
        "household__site", "requester", "found_event"
    )
    if status:
        found = found.filter(status=status)
    if site_id is not None:
        found = found.filter(household__site_id=site_id)
    return found.order_by("-opened_at", "-id")


def record_reads(requests: Iterable[TracingRequest]) -> None:
    for found in requests:
        record_sensitive_read(found, READ_TRACING)


def requests_in_progress_for(
    individual_ids: Iterable[int], scope: Scope
) -> dict[int, TracingRequest]:
    """The request in progress for each of these registered people sought, by person (the
    newest if several). Audited as read when there is any."""
    found: dict[int, TracingRequest] = {}
    for tracing in (
        visible_tracing_requests(scope)
        .filter(sought_individual_id__in=list(individual_ids), status__in=IN_PROGRESS)
        .select_related("household")
        .order_by("opened_at", "id")
    ):
        assert tracing.sought_individual_id is not None
        found[tracing.sought_individual_id] = tracing
    record_reads(found.values())
    return found


def missing_since(person: Individual) -> date | None:
    """The date of the person's (uncorrected) missing event, the latest."""
    return (
        LifeEvent.objects.filter(
            kind=EventKind.MISSING, individuals=person, corrections__isnull=True
        )
        .order_by("-occurred_on", "-recorded_at")
        .values_list("occurred_on", flat=True)
        .first()
    )
