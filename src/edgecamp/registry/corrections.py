"""Corrections: a household's or a person's recorded facts put right, with no silent overwrite.

Each service call is one transaction under a row lock on the household and its members (SQLite:
the write transaction itself, BEGIN IMMEDIATE), and writes a `LifeEvent` of kind `correction`
with who, when, why (a reason code of `CORRECTION_REASONS`, and a note) and, for each changed
field, the value before and after (`data["changes"]`: `[{"field", "before", "after"}]`). The
rules of a value are registration's own (`services.normalise_member`, `validate_member`,
`validate_contact`); a refusal names each field by its dotted path and writes nothing.

Where the values before and after go:

- Names, dates, codes, phone and the like are kept in the event's `data`. The audit log copies
  it; it holds the same values already, from the corrected row's own entry (every write is
  logged field by field), so the event adds no reader who could not read them before.
- A protection-sensitive specific need (codes.PROTECTION_SENSITIVE_NEEDS) added or closed is
  a second event, `data["protection"] = True`, with only those codes. Its audit entries (the
  event's and the row naming whom it concerns) are logged as sensitive (registry/apps.py: only
  the fact of the change), the household page's timeline shows it only to protection officers
  of the site (`visible_to`), and the API's representations never list events of that kind.
  Only a protection officer of the site may close one (the others do not see it); anybody who
  may register may record one, as at registration.

No silent overwrite: the caller passes a `precondition` run under the lock. The API's checks
the request's If-Match against the representation's ETag (core.preconditions); the web form's
compares the values the form was drawn from (`expected`, see `household_values` and
`individual_values`) with the record's now, and raises `EditConflict` naming each field that
differs, so the page can show both values.

A correction of a field the desk duplicate check compares (names, date of birth, sex,
documents, the household's phone and place of origin) stamps the people concerned
(`updated_at`), so the desk index of every process replaces their record at its next check
(duplicates.py), and, once the correction commits, queues each pair the corrected person now
makes with somebody for review (`duplicates.review_after_commit`: on the process's review
thread, so the answer does not wait for the desk check of every person concerned).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from edgecamp.core import context
from edgecamp.core.access import Scope
from edgecamp.core.errors import Refused
from edgecamp.registry import duplicates, life_events, queries
from edgecamp.registry.codes import (
    PROTECTION_SENSITIVE_NEEDS,
    DatePrecision,
    DocumentType,
    EventKind,
    EventReason,
    Relationship,
    Sex,
    SpecificNeed,
)
from edgecamp.registry.models import (
    Household,
    IdentityDocument,
    Individual,
    LifeEvent,
    Membership,
    SpecificNeedRecord,
)
from edgecamp.registry.services import (
    DocumentInput,
    HouseholdInput,
    MemberInput,
    RegistrationError,
    normalise_member,
    validate_contact,
    validate_member,
)

log = logging.getLogger(__name__)

CORRECTION_REASONS = (EventReason.DATA_ERROR, EventReason.NEW_INFORMATION, EventReason.OTHER)
HOUSEHOLD_FIELDS = ("phone", "language", "place_of_origin", "registration_desk", "focal_point")
INDIVIDUAL_FIELDS = (
    "given_name",
    "family_name",
    "given_name_local",
    "family_name_local",
    "other_names",
    "names_unknown",
    "sex",
    "date_of_birth",
    "date_of_birth_precision",
    "nationality",
    "relationship",
)
# What the desk duplicate check compares (duplicates._record).
_DESK_HOUSEHOLD_FIELDS = frozenset({"phone", "place_of_origin"})
_DESK_INDIVIDUAL_FIELDS = frozenset(
    {"given_name", "family_name", "sex", "date_of_birth", "date_of_birth_precision"}
)


class CorrectionError(Refused):
    """Field errors keyed by their path in the correction: `phone`, `date_of_birth`,
    `documents.1.number`, `specific_needs_closed`, `reason`."""

    detail = gettext_lazy("Nothing was corrected: correct the fields listed in “errors”.")


class RecordNotFound(CorrectionError):
    status_code = 404
    detail = gettext_lazy("Nothing was corrected: no such record at your sites.")


class DocumentHeld(CorrectionError):
    status_code = 409
    detail = gettext_lazy(
        "Nothing was corrected: a document belongs to another registered person already."
    )


class EditConflict(Exception):
    """The record changed since the form was drawn: nothing was written. `current` holds the
    record's values now (the form's keys), `differing` the keys whose value is not the one
    the form was drawn from, `changed_by` who last corrected it (if anybody)."""

    def __init__(
        self, current: dict[str, str], differing: list[str], changed_by: str | None
    ) -> None:
        super().__init__("the record changed meanwhile")
        self.current = current
        self.differing = differing
        self.changed_by = changed_by


@dataclass(frozen=True)
class HouseholdCorrection:
    """The fields to change (only those given: `values`, keys of HOUSEHOLD_FIELDS; the focal
    point as an individual id), and why."""

    reason: str
    note: str = ""
    values: Mapping[str, Any] = field(default_factory=dict)
    # When the focal point changes: how the previous one is related to the new one.
    previous_focal_point_relationship: str = ""
    # The web form's values as drawn (household_values); None: not from a form.
    expected: Mapping[str, str] | None = None


@dataclass(frozen=True)
class DocumentChange:
    """A document added (`id` None: type and number required), corrected (`id` and the
    fields given in `values`: type, number, issuing_country, expires_on) or withdrawn."""

    id: int | None = None
    values: Mapping[str, Any] = field(default_factory=dict)
    withdraw: bool = False
    # The API names a document by its public id instead.
    uuid: str | None = None


@dataclass(frozen=True)
class IndividualCorrection:
    reason: str
    note: str = ""
    values: Mapping[str, Any] = field(default_factory=dict)
    documents: Sequence[DocumentChange] = ()
    needs_added: Sequence[str] = ()
    needs_closed: Sequence[str] = ()
    expected: Mapping[str, str] | None = None


Precondition = Callable[[Any], None]


# --- The values a form is drawn from ----------------------------------------------------------


def household_values(household: Household) -> dict[str, str]:
    """The household's correctable fields as the web form shows them."""
    return {
        "phone": household.phone,
        "language": household.language,
        "place_of_origin": household.place_of_origin,
        "registration_desk": household.registration_desk,
        "focal_point": str(household.focal_point_id or ""),
    }


def individual_values(individual: Individual, scope: Scope | None) -> dict[str, str]:
    """The person's correctable fields as the web form shows them: the specific needs the
    scope may see, each document under `document-<id>-<field>`."""
    values = {
        "given_name": individual.given_name,
        "family_name": individual.family_name,
        "given_name_local": individual.given_name_local,
        "family_name_local": individual.family_name_local,
        "other_names": "\n".join(map(str, individual.other_names or [])),
        "names_unknown": "1" if individual.names_unknown else "",
        "sex": individual.sex,
        "date_of_birth": individual.date_of_birth.isoformat() if individual.date_of_birth else "",
        "date_of_birth_precision": individual.date_of_birth_precision,
        "nationality": individual.nationality,
        "relationship": individual.relationship,
        "specific_needs": ",".join(sorted(_visible_codes(individual, scope))),
    }
    for document in IdentityDocument.objects.filter(individual=individual, active=True).order_by(
        "id"
    ):
        prefix = f"document-{document.pk}-"
        values[prefix + "type"] = document.type
        values[prefix + "number"] = document.number
        values[prefix + "issuing_country"] = document.issuing_country
        values[prefix + "expires_on"] = (
            document.expires_on.isoformat() if document.expires_on else ""
        )
    return values


def _visible_codes(individual: Individual, scope: Scope | None) -> set[str]:
    codes = set(
        SpecificNeedRecord.objects.filter(individual=individual).values_list("code", flat=True)
    )
    if scope is not None and not scope.sees_sensitive(individual.household.site_id):
        codes -= PROTECTION_SENSITIVE_NEEDS
    return codes


def _check_expected(
    expected: Mapping[str, str] | None, current: dict[str, str], household: Household
) -> None:
    if expected is None:
        return
    keys = sorted(set(expected) | set(current))
    differing = [key for key in keys if expected.get(key, "") != current.get(key, "")]
    if differing:
        raise EditConflict(current, differing, last_corrected_by(household))


def last_corrected_by(household: Household) -> str | None:
    event = (
        LifeEvent.objects.filter(household=household)
        .exclude(data__has_key="protection")
        .select_related("recorded_by")
        .order_by("-recorded_at", "-id")
        .first()
    )
    if event is None or event.recorded_by is None:
        return None
    return str(event.recorded_by.get_username())


# --- Households --------------------------------------------------------------------------------


def correct_household(
    household_id: int,
    correction: HouseholdCorrection,
    *,
    scope: Scope | None,
    corrected_by: AbstractBaseUser | None = None,
    precondition: Precondition | None = None,
) -> Household:
    """Correct a household's phone, language, place of origin, desk or focal point."""
    errors = CorrectionError()
    _check_reason(correction.reason, correction.note, errors)
    unknown = set(correction.values) - set(HOUSEHOLD_FIELDS)
    for name in sorted(unknown):
        errors.add(name, _("This field cannot be corrected here."))
    with transaction.atomic():
        household = _locked_household(household_id, scope)
        if precondition is not None:
            precondition(household)
        _check_expected(correction.expected, household_values(household), household)
        new = _household_changes(household, correction, errors)
        if errors.errors:
            raise errors
        changes: list[dict[str, Any]] = []
        for name in ("phone", "language", "place_of_origin", "registration_desk"):
            if name in new and new[name] != getattr(household, name):
                changes.append(_change(name, getattr(household, name), new[name]))
                setattr(household, name, new[name])
        touched: list[Individual] = []
        focal = new.get("focal_point")
        if focal is not None and focal.pk != household.focal_point_id:
            touched = _change_focal_point(household, focal, correction, changes)
        if not changes:
            return household
        household.save(update_fields=[*_household_columns(changes), "updated_at"])
        life_events.record(
            EventKind.CORRECTION,
            household,
            individuals=touched,
            reason=correction.reason,
            note=correction.note,
            data={"correction": "household", "changes": changes},
            recorded_by=_user(corrected_by),
        )
        if any(c["field"] in _DESK_HOUSEHOLD_FIELDS for c in changes):
            members = Individual.objects.filter(household=household)
            with context.unrecorded():  # a stamp for the desk indexes, not a change of records
                members.update(updated_at=timezone.now())
            duplicates.review_after_commit(
                list(members.values_list("pk", flat=True)), corrected_by=_user(corrected_by)
            )
    log.info("household %s corrected: %s", household.number, [c["field"] for c in changes])
    return household


def _household_columns(changes: list[dict[str, Any]]) -> list[str]:
    return [c["field"] for c in changes if c["field"] in HOUSEHOLD_FIELDS]


def _household_changes(
    household: Household, correction: HouseholdCorrection, errors: CorrectionError
) -> dict[str, Any]:
    values = correction.values
    merged = HouseholdInput(
        site_id=household.site_id,
        members=(),
        phone=str(values.get("phone", household.phone) or "").strip(),
        language=str(values.get("language", household.language) or "").strip().lower(),
        place_of_origin=str(values.get("place_of_origin", household.place_of_origin) or "").strip(),
        registration_desk=str(
            values.get("registration_desk", household.registration_desk) or ""
        ).strip(),
    )
    contact = RegistrationError()
    validate_contact(merged, contact)
    for path, messages in contact.errors.items():
        if path in values:  # a value already stored is not the clerk's to fix now
            for message in messages:
                errors.add(path, message)
    new: dict[str, Any] = {
        name: getattr(merged, name)
        for name in ("phone", "language", "place_of_origin", "registration_desk")
        if name in values
    }
    if "focal_point" in values:
        new["focal_point"] = _new_focal_point(household, values["focal_point"], errors)
        if new["focal_point"] is None:
            del new["focal_point"]
        elif (
            new["focal_point"].pk != household.focal_point_id
            and household.focal_point_id is not None
        ):
            relationship = correction.previous_focal_point_relationship
            if relationship not in Relationship.values or relationship == Relationship.FOCAL_POINT:
                errors.add(
                    "previous_focal_point_relationship",
                    _("Choose how the previous focal point is related to the new one."),
                )
    return new


def _new_focal_point(
    household: Household, individual_id: Any, errors: CorrectionError
) -> Individual | None:
    try:
        pk = int(individual_id)
    except (TypeError, ValueError):
        pk = 0
    person = Individual.objects.filter(
        pk=pk, household=household, status=Individual.Status.ACTIVE
    ).first()
    if person is None:
        errors.add("focal_point", _("Choose an active member of this household."))
    return person


def _change_focal_point(
    household: Household,
    focal: Individual,
    correction: HouseholdCorrection,
    changes: list[dict[str, Any]],
) -> list[Individual]:
    """The new focal point takes the relationship `focal_point`; the previous one (if any) the
    relationship given; both in their current membership too."""
    touched = [focal]
    previous = household.focal_point
    changes.append(_change("focal_point", household.focal_point_id, focal.pk))
    if previous is not None:
        _set_relationship(previous, correction.previous_focal_point_relationship, changes)
        touched.insert(0, previous)
    _set_relationship(focal, Relationship.FOCAL_POINT, changes)
    household.focal_point = focal
    return touched


def _set_relationship(person: Individual, relationship: str, changes: list[dict[str, Any]]) -> None:
    if person.relationship == relationship:
        return
    changes.append(_change(f"members.{person.pk}.relationship", person.relationship, relationship))
    person.relationship = relationship
    person.save(update_fields=["relationship", "updated_at"])
    Membership.objects.filter(individual=person, ended_on__isnull=True).update(
        relationship=relationship
    )


# --- Individuals -------------------------------------------------------------------------------


def correct_individual(
    individual_id: int,
    correction: IndividualCorrection,
    *,
    scope: Scope | None,
    corrected_by: AbstractBaseUser | None = None,
    precondition: Precondition | None = None,
) -> Individual:
    """Correct a person's names, sex, date of birth, nationality, relationship, documents and
    specific needs (see the module's docstring for the protection-sensitive ones)."""
    errors = CorrectionError()
    _check_reason(correction.reason, correction.note, errors)
    for name in sorted(set(correction.values) - set(INDIVIDUAL_FIELDS)):
        errors.add(name, _("This field cannot be corrected here."))
    today = timezone.localdate()
    with transaction.atomic():
        household = _locked_household(_household_of(individual_id, scope), scope)
        person = Individual.objects.get(pk=individual_id)  # locked with the household's members
        if person.household_id != household.pk:
            # Moved to another household between the look-up and the lock: take that one's.
            household = _locked_household(person.household_id, scope)
        if precondition is not None:
            precondition(person)
        if correction.expected is not None:
            _check_expected(correction.expected, individual_values(person, scope), household)
        if person.status == Individual.Status.MERGED:
            errors.add(
                "__all__",
                _(
                    "This record was merged into another one: correct the record it was "
                    "merged into."
                ),
            )
        member = _corrected_member(person, correction.values, errors)
        documents = _document_plan(person, correction.documents, today, errors)
        added, closed, open_needs = _needs_plan(person, correction, scope, household, errors)
        rules = RegistrationError()
        validate_member(member, "", today, rules)
        for path, messages in rules.errors.items():
            for message in messages:
                errors.add(path, message)
        if errors.errors:
            raise errors
        changes = _apply_member(person, member)
        changes += _apply_documents(person, documents)
        ordinary_before = sorted(open_needs - PROTECTION_SENSITIVE_NEEDS)
        sensitive_before = sorted(open_needs & PROTECTION_SENSITIVE_NEEDS)
        _apply_needs(person, added, closed)
        after = (open_needs - set(closed)) | set(added)
        ordinary_after = sorted(after - PROTECTION_SENSITIVE_NEEDS)
        sensitive_after = sorted(after & PROTECTION_SENSITIVE_NEEDS)
        if ordinary_before != ordinary_after:
            changes.append(_change("specific_needs", ordinary_before, ordinary_after))
        sensitive_changes = (
            [_change("specific_needs", sensitive_before, sensitive_after)]
            if sensitive_before != sensitive_after
            else []
        )
        if not changes and not sensitive_changes:
            return person
        # Saved even when only documents or needs changed: the stamp tells the desk index
        # (and every reader of `updated_at`) that the person changed.
        person.save(update_fields=[*_member_columns(changes), "updated_at"])
        if "relationship" in {c["field"] for c in changes}:
            Membership.objects.filter(individual=person, ended_on__isnull=True).update(
                relationship=person.relationship
            )
        user = _user(corrected_by)
        if changes:
            life_events.record(
                EventKind.CORRECTION,
                household,
                individuals=[person],
                reason=correction.reason,
                note=correction.note,
                data={"correction": "individual", "individual": person.pk, "changes": changes},
                recorded_by=user,
            )
        if sensitive_changes:
            life_events.record(
                EventKind.CORRECTION,
                household,
                individuals=[person],
                reason=correction.reason,
                note=correction.note,
                data={
                    "correction": "individual",
                    "individual": person.pk,
                    "protection": True,
                    "changes": sensitive_changes,
                },
                recorded_by=user,
            )
        if any(
            c["field"] in _DESK_INDIVIDUAL_FIELDS or c["field"].startswith("documents.")
            for c in changes
        ):
            duplicates.review_after_commit([person.pk], corrected_by=user)
    log.info("individual %s corrected", person.pk)
    return person


def _household_of(individual_id: int, scope: Scope | None) -> int:
    people = Individual.objects.filter(pk=individual_id)
    if scope is not None:
        people = people.filter(scope.sites_q("household__site_id"))
    household_id = people.values_list("household_id", flat=True).first()
    if household_id is None:
        raise RecordNotFound({"id": [_("No individual has this id at your sites.")]})
    return int(household_id)


def _corrected_member(
    person: Individual, values: Mapping[str, Any], errors: CorrectionError
) -> MemberInput:
    def given(name: str) -> Any:
        return values[name] if name in values else getattr(person, name)

    other_names = given("other_names")
    if isinstance(other_names, str):
        other_names = [line for line in other_names.splitlines() if line.strip()]
    born = given("date_of_birth")
    if isinstance(born, str):
        born = _parse_day(born, "date_of_birth", errors)
    relationship = str(given("relationship") or "")
    if (
        "relationship" in values
        and relationship != person.relationship
        and Relationship.FOCAL_POINT in (relationship, person.relationship)
    ):
        errors.add(
            "relationship",
            _(
                "The focal point is changed on the household's correction page, where the "
                "previous focal point's relationship is chosen too."
            ),
        )
    names_unknown = given("names_unknown")
    member = MemberInput(
        relationship=relationship,
        sex=str(given("sex") or ""),
        given_name=str(given("given_name") or ""),
        family_name=str(given("family_name") or ""),
        given_name_local=str(given("given_name_local") or ""),
        family_name_local=str(given("family_name_local") or ""),
        other_names=tuple(str(n) for n in (other_names or ())),
        names_unknown=bool(names_unknown) and names_unknown not in ("0", "false"),
        date_of_birth=born,
        date_of_birth_precision=str(given("date_of_birth_precision") or ""),
        nationality=str(given("nationality") or ""),
    )
    return normalise_member(member)


def _apply_member(person: Individual, member: MemberInput) -> list[dict[str, Any]]:
    changes = []
    new_values = {
        "given_name": member.given_name,
        "family_name": member.family_name,
        "given_name_local": member.given_name_local,
        "family_name_local": member.family_name_local,
        "other_names": list(member.other_names),
        "names_unknown": member.names_unknown,
        "sex": member.sex,
        "date_of_birth": member.date_of_birth,
        "date_of_birth_precision": member.date_of_birth_precision,
        "nationality": member.nationality,
        "relationship": member.relationship,
    }
    for name, value in new_values.items():
        old = getattr(person, name)
        if name == "other_names":
            old = list(old or [])
        if old != value:
            changes.append(_change(name, _json(old), _json(value)))
            setattr(person, name, value)
    return changes


def _member_columns(changes: list[dict[str, Any]]) -> list[str]:
    return [c["field"] for c in changes if c["field"] in INDIVIDUAL_FIELDS]


@dataclass
class _PlannedDocument:
    record: IdentityDocument | None  # None: to add
    type: str
    number: str
    issuing_country: str
    expires_on: date | None
    withdraw: bool = False


_DOCUMENT_FIELDS = ("type", "number", "issuing_country", "expires_on")


def _document_plan(
    person: Individual,
    changes: Sequence[DocumentChange],
    today: date,
    errors: CorrectionError,
) -> list[_PlannedDocument]:
    held = {d.pk: d for d in IdentityDocument.objects.filter(individual=person, active=True)}
    by_uuid = {str(d.uuid): d for d in held.values()}
    plan: list[_PlannedDocument] = []
    checked: list[DocumentInput] = []
    for index, change in enumerate(changes):
        path = f"documents.{index}"
        for name in sorted(set(change.values) - set(_DOCUMENT_FIELDS)):
            errors.add(f"{path}.{name}", _("This field cannot be corrected here."))
        record = None
        if change.uuid is not None:
            record = by_uuid.get(change.uuid)
            if record is None:
                errors.add(f"{path}.uuid", _("This person holds no document with this id."))
                checked.append(DocumentInput(type=DocumentType.OTHER, number="-"))
                continue
        elif change.id is not None:
            record = held.get(change.id)
            if record is None:
                errors.add(f"{path}.id", _("This person holds no document with this id."))
                checked.append(DocumentInput(type=DocumentType.OTHER, number="-"))
                continue
        elif change.withdraw:
            errors.add(f"{path}.id", _("Say which document to withdraw (its id)."))

        def value(
            name: str,
            default: Any,
            record: IdentityDocument | None = record,
            given: Mapping[str, Any] = change.values,
        ) -> Any:
            if name in given:
                return given[name]
            return getattr(record, name) if record is not None else default

        expires = value("expires_on", None)
        if isinstance(expires, str):
            expires = _parse_day(expires, f"{path}.expires_on", errors)
        planned = _PlannedDocument(
            record=record,
            type=str(value("type", "") or ""),
            number=str(value("number", "") or "").strip(),
            issuing_country=str(value("issuing_country", "") or "").strip().upper(),
            expires_on=expires,
            withdraw=change.withdraw,
        )
        plan.append(planned)
        checked.append(
            DocumentInput(
                type=planned.type,
                number=planned.number,
                issuing_country=planned.issuing_country,
                expires_on=planned.expires_on,
            )
        )
    if checked:
        # The documents' own rules, by their index in the request.
        rules = RegistrationError()
        validate_member(
            MemberInput(
                relationship=Relationship.CHILD,
                sex=Sex.UNKNOWN,
                names_unknown=True,
                documents=checked,
            ),
            "",
            today,
            rules,
        )
        for path, messages in rules.errors.items():
            if path.startswith("documents."):
                for message in messages:
                    errors.add(path, message)
    _check_documents_free(person, plan, errors)
    return plan


def _check_documents_free(
    person: Individual, plan: list[_PlannedDocument], errors: CorrectionError
) -> None:
    wanted = {
        (p.type, p.number): index
        for index, p in enumerate(plan)
        if not p.withdraw
        and (p.record is None or (p.record.type, p.record.number) != (p.type, p.number))
    }
    if not wanted:
        return
    found = (
        IdentityDocument.objects.filter(active=True, number__in={n for _t, n in wanted})
        .exclude(individual=person)
        .values_list("type", "number", "individual__household__number")
    )
    for type_, number, household in found:
        if (type_, number) in wanted:
            errors.add(
                f"documents.{wanted[(type_, number)]}.number",
                _(
                    "This document is already registered to a person of household %(number)s: "
                    "correct the number, or review the two records as possible duplicates."
                )
                % {"number": household},
            )


def _apply_documents(person: Individual, plan: list[_PlannedDocument]) -> list[dict[str, Any]]:
    changes: list[dict[str, Any]] = []
    try:
        with transaction.atomic():
            for planned in plan:
                changes += _apply_document(person, planned)
    except IntegrityError as clash:
        # Another desk saved one of these numbers since the check: say which.
        error = DocumentHeld()
        _check_documents_free(person, plan, error)
        if error.errors:
            raise error from clash
        raise
    return changes


def _apply_document(person: Individual, planned: _PlannedDocument) -> list[dict[str, Any]]:
    record = planned.record
    if record is None:
        record = IdentityDocument.objects.create(
            individual=person,
            type=planned.type,
            number=planned.number,
            issuing_country=planned.issuing_country,
            expires_on=planned.expires_on,
        )
        return [_change(f"documents.{record.pk}", None, _document_json(record))]
    if planned.withdraw:
        before = _document_json(record)
        record.active = False
        record.save(update_fields=["active"])
        return [_change(f"documents.{record.pk}", before, None)]
    changes = []
    for name in _DOCUMENT_FIELDS:
        new = getattr(planned, name)
        if getattr(record, name) != new:
            changes.append(
                _change(f"documents.{record.pk}.{name}", _json(getattr(record, name)), _json(new))
            )
            setattr(record, name, new)
    if changes:
        record.save(update_fields=[c["field"].rsplit(".", 1)[1] for c in changes])
    return changes


def _document_json(document: IdentityDocument) -> dict[str, Any]:
    return {
        "type": document.type,
        "number": document.number,
        "issuing_country": document.issuing_country,
        "expires_on": _json(document.expires_on),
    }


def _needs_plan(
    person: Individual,
    correction: IndividualCorrection,
    scope: Scope | None,
    household: Household,
    errors: CorrectionError,
) -> tuple[list[str], list[str], set[str]]:
    """The needs to add and to close, and the person's needs now (every code)."""
    sees_sensitive = scope is None or scope.sees_sensitive(household.site_id)
    held = set(person.specific_needs.values_list("code", flat=True))
    added = list(dict.fromkeys(c.strip().upper() for c in correction.needs_added if c.strip()))
    closed = list(dict.fromkeys(c.strip().upper() for c in correction.needs_closed if c.strip()))
    for code in added:
        if code not in SpecificNeed.values:
            errors.add(
                "specific_needs_added",
                _("“%(code)s” is not a specific-needs code; use one of %(codes)s.")
                % {"code": code, "codes": ", ".join(SpecificNeed.values)},
            )
    for code in closed:
        visible = code not in PROTECTION_SENSITIVE_NEEDS or sees_sensitive
        if code not in held or not visible:
            # A sensitive need the user may not see is answered as if it were not there.
            errors.add(
                "specific_needs_closed",
                _("“%(code)s” is not among this person's specific needs.") % {"code": code},
            )
    if set(added) & set(closed):
        errors.add("specific_needs_added", _("A need cannot be added and closed at once."))
    return [c for c in added if c not in held], closed, held


def _apply_needs(person: Individual, added: list[str], closed: list[str]) -> None:
    if closed:
        for need in SpecificNeedRecord.objects.filter(individual=person, code__in=closed):
            need.delete()  # one by one: each deletion is audited (sensitive ones redacted)
    if added:
        SpecificNeedRecord.objects.bulk_create(
            SpecificNeedRecord(individual=person, code=code) for code in added
        )


# --- Shared -------------------------------------------------------------------------------------


def _locked_household(household_id: int, scope: Scope | None) -> Household:
    """The household under its row lock, its members locked first: the order life events
    (registry.events) and merges take them in, so that none of them deadlock."""
    list(
        Individual.objects.select_for_update()
        .filter(household_id=household_id)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    households = queries.visible_households(scope).select_for_update(of=("self",))
    household = households.filter(pk=household_id).first()
    if household is None:
        raise RecordNotFound({"number": [_("No household has this number at your sites.")]})
    if household.status == Household.Status.MERGED:
        raise CorrectionError(
            {
                "__all__": [
                    _(
                        "This household was closed by a merge: correct the household its "
                        "members were merged into."
                    )
                ]
            }
        )
    return household


def _check_reason(reason: str, note: str, errors: CorrectionError) -> None:
    if reason not in CORRECTION_REASONS:
        errors.add(
            "reason",
            _("Say why: %(codes)s.")
            % {"codes": ", ".join(str(r.value) for r in CORRECTION_REASONS)},
        )
    elif reason == EventReason.OTHER and not note.strip():
        errors.add("note", _("With the reason “other”, say in the note what happened."))
    if len(note.strip()) > 300:
        errors.add("note", _("Keep the note under 300 characters."))


def _parse_day(text: str, path: str, errors: CorrectionError) -> date | None:
    if not text.strip():
        return None
    try:
        day = parse_date(text.strip())
    except ValueError:
        day = None
    if day is None:
        errors.add(path, _("Enter the date as YYYY-MM-DD, or leave it empty."))
    return day


def _change(name: str, before: Any, after: Any) -> dict[str, Any]:
    return {"field": name, "before": before, "after": after}


def _json(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    return value


def _user(user: AbstractBaseUser | None) -> AbstractBaseUser | None:
    return user if user is not None and user.pk else None


# --- Reading -----------------------------------------------------------------------------------


def is_protection(event: LifeEvent) -> bool:
    return bool(event.data.get("protection"))


def visible_to(event: LifeEvent, scope: Scope | None, site_id: int) -> bool:
    """Whether the household page's timeline shows this event to the scope: a correction of a
    protection-sensitive need only to protection officers of the site."""
    return not is_protection(event) or scope is None or scope.sees_sensitive(site_id)


_FIELD_LABELS = {
    "phone": gettext_lazy("Phone"),
    "language": gettext_lazy("Language"),
    "place_of_origin": gettext_lazy("Place of origin"),
    "registration_desk": gettext_lazy("Registration desk"),
    "focal_point": gettext_lazy("Focal point"),
    "given_name": gettext_lazy("Given name"),
    "family_name": gettext_lazy("Family name"),
    "given_name_local": gettext_lazy("Given name in own script"),
    "family_name_local": gettext_lazy("Family name in own script"),
    "other_names": gettext_lazy("Other names"),
    "names_unknown": gettext_lazy("Names unknown"),
    "sex": gettext_lazy("Sex"),
    "date_of_birth": gettext_lazy("Date of birth"),
    "date_of_birth_precision": gettext_lazy("Precision of the date of birth"),
    "nationality": gettext_lazy("Nationality"),
    "relationship": gettext_lazy("Relationship"),
    "specific_needs": gettext_lazy("Specific needs"),
    "type": gettext_lazy("Document type"),
    "number": gettext_lazy("Document number"),
    "issuing_country": gettext_lazy("Issuing country"),
    "expires_on": gettext_lazy("Expires on"),
}


@dataclass(frozen=True)
class ReadableChange:
    label: str
    before: str
    after: str


def readable_changes(
    event: LifeEvent, people: Mapping[int, str] | None = None
) -> list[ReadableChange]:
    """A correction's changes as the timeline shows them: label, before, after."""
    if event.kind != EventKind.CORRECTION:
        return []
    people = people or {}
    rows = []
    for change in event.data.get("changes", []):
        name = str(change.get("field", ""))
        parts = name.split(".")
        before, after = change.get("before"), change.get("after")
        if parts[0] == "documents" and len(parts) == 2:
            label = _("Document")
        elif parts[0] == "documents":
            label = str(_FIELD_LABELS.get(parts[-1], parts[-1]))
        elif parts[0] == "members":
            person = people.get(int(parts[1]), "") if parts[1].isdigit() else ""
            label = (
                _("Relationship of %(person)s") % {"person": person}
                if person
                else str(_FIELD_LABELS["relationship"])
            )
        else:
            label = str(_FIELD_LABELS.get(name, name))
        if name == "focal_point":
            before = people.get(before, before) if isinstance(before, int) else before
            after = people.get(after, after) if isinstance(after, int) else after
        rows.append(ReadableChange(label, _display(parts[-1], before), _display(parts[-1], after)))
    return rows


def _display(name: str, value: Any) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        if name == "specific_needs":
            labels = dict(SpecificNeed.choices)
            return ", ".join(f"{c} {labels.get(c, '')}".strip() for c in value)
        return ", ".join(map(str, value))
    if isinstance(value, dict):
        types = dict(DocumentType.choices)
        return (
            f"{types.get(value.get('type'), value.get('type'))} {value.get('number', '')}".strip()
        )
    choices = {
        "sex": dict(Sex.choices),
        "relationship": dict(Relationship.choices),
        "date_of_birth_precision": dict(DatePrecision.choices),
        "type": dict(DocumentType.choices),
    }.get(name)
    if choices is not None and value in choices:
        return str(choices[value])
    return str(value)
