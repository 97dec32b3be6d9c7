"""Writing protection records. Each function validates everything first and writes in one
transaction; bad input raises ProtectionError naming every offending field. Callers check the
scope first (`queries.protection_household`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from edgecamp.core import dates
from edgecamp.core.errors import Refused
from edgecamp.protection.models import IN_PROGRESS, ConfidentialNote, TracingRequest
from edgecamp.registry.codes import Sex
from edgecamp.registry.models import Household, Individual, LifeEvent

MAX_NOTE = 4000
MAX_AGE = 120


class ProtectionError(Refused):
    """Field errors of a note or a tracing request; nothing was written."""


@dataclass(frozen=True)
class TracingInput:
    requester_id: int | None
    sought_given_name: str
    relationship: str
    sought_family_name: str = ""
    sought_sex: str = ""
    sought_age: int | None = None
    last_seen_place: str = ""
    last_seen_on: date | None = None
    # A member of the household reported missing, when the person sought is registered.
    sought_individual_id: int | None = None


def add_note(
    household: Household, *, text: str, individual_id: int | None = None, written_by: Any
) -> ConfidentialNote:
    errors: dict[str, list[str]] = {}
    text = text.strip()
    if not text:
        errors["text"] = [_("Write the note: it is empty.")]
    elif len(text) > MAX_NOTE:
        errors["text"] = [
            _("Keep the note under %(max)d characters; it has %(n)d.")
            % {"max": MAX_NOTE, "n": len(text)}
        ]
    if individual_id is not None and not _member(household, individual_id):
        errors["individual"] = [_("Choose a member of this household, or nobody.")]
    if errors:
        raise ProtectionError(errors)
    with transaction.atomic():
        return ConfidentialNote.objects.create(
            household=household, individual_id=individual_id, text=text, written_by=written_by
        )


def open_tracing_request(
    household: Household, data: TracingInput, *, opened_by: Any
) -> TracingRequest:
    errors: dict[str, list[str]] = {}
    if data.requester_id is None or not _member(household, data.requester_id):
        errors["requester"] = [_("Choose the member of this household who is asking.")]
    if not data.sought_given_name.strip() and not data.sought_family_name.strip():
        errors["sought_given_name"] = [
            _("Give at least one name of the person sought (a nickname will do).")
        ]
    if not data.relationship.strip():
        errors["relationship"] = [_("Say how the person sought is related to the requester.")]
    if data.sought_sex and data.sought_sex not in Sex.values:
        errors["sought_sex"] = [_("Choose one of the listed values, or leave it empty.")]
    if data.sought_age is not None and not 0 <= data.sought_age <= MAX_AGE:
        errors["sought_age"] = [_("Give an age between 0 and %(max)d.") % {"max": MAX_AGE}]
    if data.last_seen_on is not None and data.last_seen_on > timezone.localdate():
        errors["last_seen_on"] = [_("The date last seen cannot be in the future.")]
    elif problem := dates.LIFE_EVENT.problem(data.last_seen_on or timezone.localdate()):
        errors["last_seen_on"] = [problem]
    if data.sought_individual_id is not None:
        if data.sought_individual_id == data.requester_id or not _member(
            household, data.sought_individual_id
        ):
            errors["sought_individual_id"] = [
                _("The person sought must be another member of this household, or nobody.")
            ]
        elif open_request_for(data.sought_individual_id) is not None:
            errors["sought_individual_id"] = [
                _("A tracing request for this person is open already: follow that one.")
            ]
    if errors:
        raise ProtectionError(errors)
    with transaction.atomic():
        return TracingRequest.objects.create(
            household=household,
            sought_individual_id=data.sought_individual_id,
            requester_id=data.requester_id,
            sought_given_name=data.sought_given_name.strip(),
            sought_family_name=data.sought_family_name.strip(),
            sought_sex=data.sought_sex,
            sought_age=data.sought_age,
            relationship=data.relationship.strip(),
            last_seen_place=data.last_seen_place.strip(),
            last_seen_on=data.last_seen_on,
            opened_by=opened_by,
        )


def set_tracing_status(request: TracingRequest, status: str) -> TracingRequest:
    if status not in TracingRequest.Status.values:
        raise ProtectionError(
            {"status": [_("Choose one of: %(values)s.") % {"values": ", ".join(_labels())}]}
        )
    with transaction.atomic():
        request.status = status
        request.save(update_fields=["status", "updated_at"])
    return request


def open_request_for(individual_id: int) -> TracingRequest | None:
    """The request still in progress for a registered person sought, if any."""
    return (
        TracingRequest.objects.filter(sought_individual_id=individual_id, status__in=IN_PROGRESS)
        .order_by("-opened_at", "-id")
        .first()
    )


def note_found(event: LifeEvent, person: Individual) -> None:
    """registry.events' found hook: the requests in progress for the person found note the
    event (inside its transaction), for the officer to review; their status is the
    officer's to change (sharing what is known needs the person's consent)."""
    TracingRequest.objects.filter(
        sought_individual=person, status__in=IN_PROGRESS, found_event__isnull=True
    ).update(found_event=event)


def _labels() -> list[str]:
    return [str(label) for label in TracingRequest.Status.labels]


def _member(household: Household, individual_id: int) -> bool:
    return Individual.objects.filter(pk=individual_id, household=household).exists()
