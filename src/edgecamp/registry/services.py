"""Registry services: each public function is one transaction and either completes or writes
nothing. Entry points (form, API, CLI) build the plain input objects below, call a service and
render the result or the RegistrationError's field errors."""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, connection, transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from edgecamp.core import dates
from edgecamp.core.errors import Refused
from edgecamp.registry import life_events
from edgecamp.registry.codes import (
    DatePrecision,
    DocumentType,
    EventKind,
    EventReason,
    Relationship,
    Sex,
    SpecificNeed,
    is_known_language,
    is_known_nationality,
)
from edgecamp.registry.models import (
    Household,
    HouseholdNumberSequence,
    IdentityDocument,
    Individual,
    Membership,
    SpecificNeedRecord,
    status_data,
)
from edgecamp.registry.text import fold
from edgecamp.sites.models import OUT_OF_USE, Shelter, Site

log = logging.getLogger(__name__)

MAX_MEMBERS = 40
MAX_OTHER_NAMES = 10
MAX_DOCUMENTS = 20
# Each code once: more needs than codes is a request repeating them.
MAX_NEEDS = len(SpecificNeed.values)
OLDEST_PLAUSIBLE_BIRTH_YEAR = 1900
PHONE_PATTERN = re.compile(r"^\+?[0-9 ()\-]{6,24}$")


def too_many_members() -> str:
    return _("A household has at most %(max)d members; split larger groups.") % {"max": MAX_MEMBERS}


def too_many_other_names() -> str:
    return _("Record at most %(n)d other names, each under 100 characters.") % {
        "n": MAX_OTHER_NAMES
    }


def too_many_documents() -> str:
    return _("Record at most %(n)d identity documents per person.") % {"n": MAX_DOCUMENTS}


def too_many_needs() -> str:
    return _("Give each specific need once: at most %(n)d per person.") % {"n": MAX_NEEDS}


@dataclass(frozen=True)
class DocumentInput:
    type: str
    number: str
    issuing_country: str = ""
    expires_on: date | None = None


@dataclass(frozen=True)
class MemberInput:
    relationship: str
    sex: str
    given_name: str = ""
    family_name: str = ""
    other_names: Sequence[str] = ()
    names_unknown: bool = False
    # The names in the person's own script (Arabic...), beside the Latin ones above.
    given_name_local: str = ""
    family_name_local: str = ""
    date_of_birth: date | None = None
    date_of_birth_precision: str = DatePrecision.EXACT
    nationality: str = ""
    specific_needs: Sequence[str] = ()
    documents: Sequence[DocumentInput] = ()


@dataclass(frozen=True)
class HouseholdInput:
    site_id: int
    members: Sequence[MemberInput]
    place_of_origin: str = ""
    phone: str = ""
    language: str = ""
    registration_desk: str = ""
    registration_date: date | None = None
    shelter_id: int | None = None
    # Set when the clerk registers although the desk check found likely duplicates.
    duplicate_override_reason: str = ""


class RegistrationError(Refused):
    """Field errors keyed by a dotted path into the input: `phone`, `members`,
    `members.2.date_of_birth`, `members.0.documents.1.number`."""

    detail = gettext_lazy("Nothing was registered: correct the fields listed in “errors”.")


class DocumentAlreadyRegistered(RegistrationError):
    """An identity document of the input is already held by an active record: one document
    number, one person (the constraint `identity_document_active_once`)."""

    status_code = 409
    detail = gettext_lazy(
        "Nothing was registered: a document belongs to a registered person already."
    )


def register_household(
    data: HouseholdInput,
    *,
    registered_by: AbstractBaseUser | None = None,
    check_duplicates: Callable[[], None] | None = None,
) -> Household:
    """Validate and register a household with all its members in one transaction.

    `check_duplicates` (the desk check, raising to refuse) runs inside the transaction once
    the likely-duplicate locks of the members are held, so two desks registering the same
    person at the same moment are checked one after the other: the second sees the first.

    Raises RegistrationError (nothing written) when any field is invalid, its subclass
    DocumentAlreadyRegistered when a document belongs to a registered person already.
    """
    today = timezone.localdate()
    members = [_normalise_member(m) for m in data.members]
    errors = RegistrationError()
    site, shelter = _validate_household(data, members, today, errors)
    for index, member in enumerate(members):
        _validate_member(member, f"members.{index}", today, errors)
    if errors.errors:
        raise errors
    assert site is not None  # validated above

    with refusing_held_documents(list(enumerate(members))):
        household = _save_household(
            data, members, site, shelter, today, registered_by, check_duplicates
        )
    log.info("household registered with %d members at site %s", len(members), site.code)
    return household


def registration_problems(data: HouseholdInput) -> RegistrationError:
    """Every problem registration would find in `data`, without writing anything: a form whose
    own fields did not all parse (a date typed wrongly) still shows the others at once."""
    today = timezone.localdate()
    members = [_normalise_member(m) for m in data.members]
    errors = RegistrationError()
    _validate_household(data, members, today, errors)
    for index, member in enumerate(members):
        _validate_member(member, f"members.{index}", today, errors)
    return errors


def _save_household(
    data: HouseholdInput,
    members: list[MemberInput],
    site: Site,
    shelter: Shelter | None,
    today: date,
    registered_by: AbstractBaseUser | None,
    check_duplicates: Callable[[], None] | None,
) -> Household:
    with transaction.atomic():
        if check_duplicates is not None:
            lock_likely_duplicates(members)
            check_duplicates()
        check_documents_free(list(enumerate(members)))
        household = Household.objects.create(
            number=_next_household_number(),
            site=site,
            shelter=shelter,
            place_of_origin=data.place_of_origin.strip(),
            phone=data.phone.strip(),
            language=data.language.strip().lower(),
            registration_date=data.registration_date or today,
            registration_desk=data.registration_desk.strip(),
            duplicate_override_reason=data.duplicate_override_reason.strip()[:300],
            registered_by=registered_by if registered_by and registered_by.pk else None,
        )
        focal_point = None
        for member in members:
            individual = _create_member(household, member, household.registration_date)
            if member.relationship == Relationship.FOCAL_POINT:
                focal_point = individual
        household.focal_point = focal_point
        household.save(update_fields=["focal_point"])
        if shelter is not None:
            _mark_occupied_when_full(shelter)
        life_events.record(
            EventKind.REGISTRATION,
            household,
            occurred_on=household.registration_date,
            reason=EventReason.REGISTERED,
            data=status_data("", household.status),
            recorded_by=household.registered_by,
        )
    return household


def document_key(number: str) -> str:
    """A document number as compared: upper case, letters and digits only."""
    return "".join(ch for ch in number.upper() if ch.isalnum())


def duplicate_lock_keys(member: MemberInput) -> list[str]:
    """What two registrations of one person most likely share: the folded name (any word
    order) with the year of birth, and each identity document."""
    keys = [f"doc:{d.type}:{document_key(d.number)}" for d in member.documents]
    if not member.names_unknown:
        name = " ".join(sorted(fold(f"{member.given_name} {member.family_name}").split()))
        if name:
            born = member.date_of_birth.year if member.date_of_birth else ""
            keys.append(f"name:{name}:{born}")
    return keys


def lock_likely_duplicates(members: Sequence[MemberInput]) -> None:
    """Hold, until the transaction ends, a lock per duplicate key of `members`; call inside
    the registering transaction. PostgreSQL: transaction-level advisory locks, taken in one
    order so that two desks never wait for each other. SQLite needs none: its write
    transactions (BEGIN IMMEDIATE, settings.py) already run one at a time."""
    if connection.vendor != "postgresql":
        return
    ids = sorted({_lock_id(key) for member in members for key in duplicate_lock_keys(member)})
    with connection.cursor() as cursor:
        for lock_id in ids:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [lock_id])


def _lock_id(key: str) -> int:
    digest = hashlib.blake2b(f"edgecamp-registration:{key}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def check_documents_free(members: Sequence[tuple[int, MemberInput]]) -> None:
    """Raise DocumentAlreadyRegistered, naming each field, when an active record holds a
    document of `members` (row in the request, member); call inside the transaction."""
    held = _held_documents(members)
    if not held:
        return
    error = DocumentAlreadyRegistered()
    for (row, index), household in sorted(held.items()):
        error.add(
            f"members.{row}.documents.{index}.number",
            _(
                "This document is already registered to a person of household %(number)s: "
                "add the person to that household, or correct the number."
            )
            % {"number": household},
        )
    raise error


@contextmanager
def refusing_held_documents(members: Sequence[tuple[int, MemberInput]]) -> Iterator[None]:
    """Around a transaction saving `members`: a desk that saved one of their documents after
    `check_documents_free` (confirmed duplicates take no locks) makes the constraint refuse
    ours; say which document instead of failing."""
    try:
        yield
    except IntegrityError:
        check_documents_free(members)
        raise


def _held_documents(members: Sequence[tuple[int, MemberInput]]) -> dict[tuple[int, int], str]:
    wanted = {
        (doc.type, doc.number.strip()): (row, index)
        for row, member in members
        for index, doc in enumerate(member.documents)
    }
    if not wanted:
        return {}
    found = IdentityDocument.objects.filter(
        active=True, number__in={number for _type, number in wanted}
    ).values_list("type", "number", "individual__household__number")
    return {
        wanted[(type_, number)]: household
        for type_, number, household in found
        if (type_, number) in wanted
    }


def set_household_status(
    household: Household, status: str, *, reason: str, changed_by: AbstractBaseUser | None = None
) -> None:
    if status not in Household.Status.values:
        raise RegistrationError({"status": [_("Unknown household status “%s”.") % status]})
    _change_status(household, status, reason, changed_by)


def set_individual_status(
    individual: Individual,
    status: str,
    *,
    reason: str,
    changed_by: AbstractBaseUser | None = None,
) -> None:
    if status not in Individual.Status.values:
        raise RegistrationError({"status": [_("Unknown individual status “%s”.") % status]})
    _change_status(individual, status, reason, changed_by)


def _change_status(
    subject: Household | Individual,
    status: str,
    reason: str,
    changed_by: AbstractBaseUser | None,
) -> None:
    """Set the status under a row lock and record the change as a life event (one
    transaction); setting the status it already has records nothing. The clerk's `reason`
    is kept as the event's note."""
    with transaction.atomic():
        locked = type(subject).objects.select_for_update().get(pk=subject.pk)
        if locked.status == status:
            return
        if isinstance(locked, Individual):
            household, individuals = locked.household, [locked]
        else:
            household, individuals = locked, []
        life_events.record(
            EventKind.STATUS_CHANGE,
            household,
            individuals=individuals,
            note=reason,
            data=status_data(locked.status, status),
            recorded_by=changed_by,
        )
        locked.status = status
        locked.save(update_fields=["status", "updated_at"])
        subject.status = status


def move_individual(
    individual: Individual,
    to_household: Household,
    *,
    relationship: str,
    reason: str,
    on: date | None = None,
    recorded_by: AbstractBaseUser | None = None,
) -> None:
    """Close the person's current membership and open one in another household, recorded as
    a `join` event of that household."""
    if relationship not in Relationship.values:
        raise RegistrationError({"relationship": [_("Unknown relationship.")]})
    if to_household.pk == individual.household_id:
        raise RegistrationError({"household": [_("The person is already in this household.")]})
    day = on or timezone.localdate()
    with transaction.atomic():
        locked = Individual.objects.select_for_update().get(pk=individual.pk)
        Membership.objects.filter(individual=locked, ended_on__isnull=True).update(
            ended_on=day, reason=reason
        )
        Membership.objects.create(
            individual=locked,
            household=to_household,
            relationship=relationship,
            started_on=day,
            reason=reason,
        )
        Household.objects.filter(focal_point=locked).update(focal_point=None)
        life_events.record(
            EventKind.JOIN,
            to_household,
            individuals=[locked],
            occurred_on=day,
            note=reason,
            recorded_by=_user_or_none(recorded_by),
            data={
                "from_household": locked.household_id,
                "old_relationship": locked.relationship,
                "relationship": relationship,
            },
        )
        locked.household = to_household
        locked.relationship = relationship
        locked.save(update_fields=["household", "relationship", "updated_at"])
        individual.household = to_household
        individual.relationship = relationship


def format_household_number(prefix: str, value: int) -> str:
    return f"{prefix}-{value:06d}"


def reserve_household_numbers(count: int) -> list[str]:
    """Reserve `count` consecutive numbers (for bulk loads); call inside a transaction."""
    prefix = settings.EDGECAMP_HOUSEHOLD_PREFIX
    last = _advance_sequence(prefix, count)
    return [format_household_number(prefix, v) for v in range(last - count + 1, last + 1)]


def _next_household_number() -> str:
    prefix = settings.EDGECAMP_HOUSEHOLD_PREFIX
    return format_household_number(prefix, _advance_sequence(prefix, 1))


def _advance_sequence(prefix: str, count: int) -> int:
    # The UPDATE takes the row lock (PostgreSQL) or runs inside the IMMEDIATE write transaction
    # (SQLite), so the read that follows sees our own increment and nobody else's.
    for _attempt in range(2):
        updated = HouseholdNumberSequence.objects.filter(prefix=prefix).update(
            last_value=F("last_value") + count
        )
        if updated:
            return HouseholdNumberSequence.objects.get(prefix=prefix).last_value
        try:
            with transaction.atomic():
                HouseholdNumberSequence.objects.create(prefix=prefix, last_value=count)
            return count
        except IntegrityError:
            continue  # another desk created the row first: increment it instead
    raise RuntimeError("could not allocate a household number")


def _mark_occupied_when_full(shelter: Shelter) -> None:
    # Locked so two desks filling the last places of a hall agree on its status.
    locked = Shelter.objects.select_for_update().get(pk=shelter.pk)
    if locked.type == Shelter.Type.COLLECTIVE_HALL and _occupants(locked) < locked.capacity:
        return
    if locked.status == Shelter.Status.AVAILABLE:
        locked.status = Shelter.Status.OCCUPIED
        locked.save(update_fields=["status", "updated_at"])


def _user_or_none(user: AbstractBaseUser | None) -> AbstractBaseUser | None:
    return user if user is not None and user.pk else None


def normalise_member(member: MemberInput) -> MemberInput:
    """A member as registration stores it: names' spaces collapsed, a year-only date of birth
    on 1 January, codes upper case (corrections normalise the corrected person alike)."""
    return _normalise_member(member)


def validate_member(member: MemberInput, path: str, today: date, errors: RegistrationError) -> None:
    """Registration's rules for one person, each message under `path`.`field` (or `field`
    when `path` is empty)."""
    prefixed = RegistrationError()
    _validate_member(member, path or "_", today, prefixed)
    for key, messages in prefixed.errors.items():
        name = key if path else key.removeprefix("_.")
        for message in messages:
            errors.add(name, message)


def _normalise_member(member: MemberInput) -> MemberInput:
    dob = member.date_of_birth
    # Year-only dates are stored as 1 January of that year, the convention registries use.
    if dob is not None and member.date_of_birth_precision == DatePrecision.YEAR:
        dob = dob.replace(month=1, day=1)
    return MemberInput(
        relationship=member.relationship,
        sex=member.sex,
        given_name=" ".join(member.given_name.split()),
        family_name=" ".join(member.family_name.split()),
        other_names=tuple(" ".join(n.split()) for n in member.other_names if n.strip()),
        names_unknown=member.names_unknown,
        given_name_local=" ".join(member.given_name_local.split()),
        family_name_local=" ".join(member.family_name_local.split()),
        date_of_birth=dob,
        date_of_birth_precision=member.date_of_birth_precision,
        nationality=member.nationality.strip().upper(),
        specific_needs=tuple(dict.fromkeys(c.strip().upper() for c in member.specific_needs)),
        documents=tuple(member.documents),
    )


def _validate_household(
    data: HouseholdInput,
    members: list[MemberInput],
    today: date,
    errors: RegistrationError,
) -> tuple[Site | None, Shelter | None]:
    site = Site.objects.filter(pk=data.site_id).first()
    if site is None:
        errors.add("site", _("Choose a site that exists."))
    elif site.status == Site.Status.CLOSED:
        errors.add("site", _("Site %(site)s is closed; register at an open site.") % {"site": site})
    shelter = None
    if data.shelter_id is not None:
        shelter = Shelter.objects.select_related("block").filter(pk=data.shelter_id).first()
        if shelter is None:
            errors.add("shelter", _("Choose a shelter that exists, or leave it empty."))
        elif site is not None and shelter.block.site_id != site.pk:
            errors.add("shelter", _("This shelter is in another site."))
        elif shelter.status in OUT_OF_USE:
            errors.add(
                "shelter",
                _("This shelter is %(status)s; choose another one.")
                % {"status": shelter.get_status_display().lower()},
            )
        else:
            _validate_shelter_room(shelter, len(members), errors)
    validate_contact(data, errors)
    if data.registration_date is not None:
        if data.registration_date > today:
            errors.add("registration_date", _("The registration date cannot be in the future."))
        elif problem := dates.REGISTRATION.problem(data.registration_date, today):
            errors.add("registration_date", problem)
    if not members:
        errors.add("members", _("A household needs at least one member."))
    elif len(members) > MAX_MEMBERS:
        errors.add("members", too_many_members())
    else:
        focal_points = sum(m.relationship == Relationship.FOCAL_POINT for m in members)
        if focal_points != 1:
            errors.add(
                "members",
                _("Mark exactly one member as the focal point (found %(n)d).")
                % {"n": focal_points},
            )
    return site, shelter


def validate_contact(data: HouseholdInput, errors: RegistrationError) -> None:
    """The household's own facts a clerk types (phone, language, place of origin, desk), as
    registration and corrections (registry.corrections) check them."""
    if data.phone.strip() and not PHONE_PATTERN.match(data.phone.strip()):
        errors.add("phone", _("Enter a phone number of digits, optionally starting with +."))
    language = data.language.strip().lower()
    if language and not is_known_language(language):
        errors.add("language", _("Use an ISO 639 language code such as ar, fr or so."))
    if len(data.place_of_origin.strip()) > 120:
        errors.add("place_of_origin", _("Keep the place of origin under 120 characters."))
    if len(data.registration_desk.strip()) > 40:
        errors.add("registration_desk", _("Keep the desk name under 40 characters."))


def housed(shelter: Shelter) -> QuerySet[Household]:
    """The households a shelter houses. An inactive household keeps its place until it is
    verified as departed or relocated; a household closed by a merge has left it too."""
    return Household.objects.filter(shelter=shelter).exclude(
        status__in=[
            Household.Status.DEPARTED,
            Household.Status.RELOCATED,
            Household.Status.MERGED,
        ]
    )


def _occupants(shelter: Shelter) -> int:
    """The people living in a shelter: active members of the households it houses."""
    return Individual.objects.filter(
        household__in=housed(shelter), status=Individual.Status.ACTIVE
    ).count()


def _validate_shelter_room(shelter: Shelter, people: int, errors: RegistrationError) -> None:
    """Family tents and prefab units house one household; collective halls several, up to
    their capacity."""
    if shelter.type != Shelter.Type.COLLECTIVE_HALL and housed(shelter).exists():
        errors.add("shelter", _("This shelter already houses a household; choose a free one."))
        return
    occupants = _occupants(shelter)
    if occupants + people > shelter.capacity:
        errors.add(
            "shelter",
            _(
                "This shelter holds %(capacity)d people and %(occupants)d already live there; "
                "choose a larger or emptier one."
            )
            % {"capacity": shelter.capacity, "occupants": occupants},
        )


def _validate_member(
    member: MemberInput, path: str, today: date, errors: RegistrationError
) -> None:
    if not member.names_unknown and not (member.given_name or member.family_name):
        errors.add(
            f"{path}.given_name",
            _("Enter the person's name, or tick “names unknown” if it really is unknown."),
        )
    for name_field in ("given_name", "family_name", "given_name_local", "family_name_local"):
        if len(getattr(member, name_field)) > 100:
            errors.add(f"{path}.{name_field}", _("Keep names under 100 characters."))
    if len(member.other_names) > MAX_OTHER_NAMES or any(len(n) > 100 for n in member.other_names):
        errors.add(f"{path}.other_names", too_many_other_names())
    if member.sex not in Sex.values:
        errors.add(f"{path}.sex", _("Choose female, male, other or unknown."))
    if member.relationship not in Relationship.values:
        errors.add(f"{path}.relationship", _("Choose the relationship to the focal point."))
    if member.date_of_birth_precision not in DatePrecision.values:
        errors.add(f"{path}.date_of_birth_precision", _("Choose exact, year only or estimated."))
    if member.date_of_birth is not None:
        if member.date_of_birth > today:
            errors.add(f"{path}.date_of_birth", _("The date of birth cannot be in the future."))
        elif member.date_of_birth.year < OLDEST_PLAUSIBLE_BIRTH_YEAR:
            errors.add(
                f"{path}.date_of_birth",
                _("A birth before %(year)d is not plausible; estimate the year instead.")
                % {"year": OLDEST_PLAUSIBLE_BIRTH_YEAR},
            )
    if member.nationality and not is_known_nationality(member.nationality):
        errors.add(
            f"{path}.nationality",
            _(
                "Use an ISO 3166 three-letter code (e.g. SDN), "
                "XXA for stateless or XXX for unknown."
            ),
        )
    if len(member.specific_needs) > MAX_NEEDS:
        errors.add(f"{path}.specific_needs", too_many_needs())
    for code in member.specific_needs[:MAX_NEEDS]:
        if code not in SpecificNeed.values:
            errors.add(
                f"{path}.specific_needs",
                _("“%(code)s” is not a specific-needs code; use one of %(codes)s.")
                % {"code": code, "codes": ", ".join(SpecificNeed.values)},
            )
    if len(member.documents) > MAX_DOCUMENTS:
        errors.add(f"{path}.documents", too_many_documents())
    for index, document in enumerate(member.documents[:MAX_DOCUMENTS]):
        doc_path = f"{path}.documents.{index}"
        if document.type not in DocumentType.values:
            errors.add(f"{doc_path}.type", _("Choose a document type from the list."))
        if not document.number.strip():
            errors.add(f"{doc_path}.number", _("Enter the document number."))
        elif len(document.number.strip()) > 60:
            errors.add(f"{doc_path}.number", _("Keep document numbers under 60 characters."))
        country = document.issuing_country.strip().upper()
        if country and not is_known_nationality(country):
            errors.add(f"{doc_path}.issuing_country", _("Use an ISO 3166 three-letter code."))
        if document.expires_on is not None and (
            problem := dates.DOCUMENT_EXPIRY.problem(document.expires_on, today)
        ):
            errors.add(f"{doc_path}.expires_on", problem)


def _create_member(household: Household, member: MemberInput, started_on: date) -> Individual:
    individual = Individual(
        household=household,
        given_name=member.given_name,
        family_name=member.family_name,
        other_names=list(member.other_names),
        names_unknown=member.names_unknown,
        given_name_local=member.given_name_local,
        family_name_local=member.family_name_local,
        sex=member.sex,
        date_of_birth=member.date_of_birth,
        date_of_birth_precision=member.date_of_birth_precision,
        relationship=member.relationship,
        nationality=member.nationality,
    )
    individual.save()
    Membership.objects.create(
        individual=individual,
        household=household,
        relationship=member.relationship,
        started_on=started_on,
        reason="registered",
    )
    SpecificNeedRecord.objects.bulk_create(
        SpecificNeedRecord(individual=individual, code=code) for code in member.specific_needs
    )
    IdentityDocument.objects.bulk_create(
        IdentityDocument(
            individual=individual,
            type=doc.type,
            number=doc.number.strip(),
            issuing_country=doc.issuing_country.strip().upper(),
            expires_on=doc.expires_on,
        )
        for doc in member.documents
    )
    return individual
