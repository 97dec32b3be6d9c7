"""Code lists of the registry: UNHCR specific-needs categories, relationships, documents.

Codes are stored, labels are translated at display time.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SpecificNeed(models.TextChoices):
    WR = "WR", _("Woman at risk")
    CR = "CR", _("Child at risk")
    SC = "SC", _("Unaccompanied or separated child")
    ER = "ER", _("Older person at risk")
    DS = "DS", _("Disability")
    SM = "SM", _("Serious medical condition")
    SV = "SV", _("SGBV")
    TR = "TR", _("Torture")
    LP = "LP", _("Legal and physical protection needs")
    SP = "SP", _("Single parent")
    FU = "FU", _("Family unity")


# Visible only to protection staff of the site (shared/DOMAIN.md).
PROTECTION_SENSITIVE_NEEDS = frozenset({"SV", "TR", "CR", "SC", "LP"})


class Relationship(models.TextChoices):
    FOCAL_POINT = "focal_point", _("Focal point")
    SPOUSE = "spouse", _("Spouse")
    CHILD = "child", _("Child")
    STEPCHILD = "stepchild", _("Stepchild")
    FOSTER_CHILD = "foster_child", _("Foster child")
    GRANDCHILD = "grandchild", _("Grandchild")
    PARENT = "parent", _("Parent")
    SIBLING = "sibling", _("Sibling")
    GRANDPARENT = "grandparent", _("Grandparent")
    OTHER_RELATIVE = "other_relative", _("Other relative")
    NON_RELATIVE = "non_relative", _("Not related")


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other")
    UNKNOWN = "unknown", _("Unknown")


class DatePrecision(models.TextChoices):
    EXACT = "exact", _("Exact")
    YEAR = "year", _("Year only")
    ESTIMATED = "estimated", _("Estimated")


class EventKind(models.TextChoices):
    """What a life event (registry.models.LifeEvent) records, each kind with its own `data`
    (see LifeEvent)."""

    REGISTRATION = "registration", _("Registration")
    STATUS_CHANGE = "status_change", _("Status change")
    # A member moved to another existing household (marriage, services.move_individual).
    JOIN = "join", _("Joined from another household")
    MERGE = "merge", _("Duplicate merged")
    UNMERGE = "unmerge", _("Merge undone")
    BIRTH = "birth", _("Birth")
    DEATH = "death", _("Death")
    MISSING = "missing", _("Missing")
    FOUND = "found", _("Found")
    DEPARTURE = "departure", _("Departure")
    RETURN = "return", _("Return")
    # To another shelter of the same site.
    MOVE = "move", _("Move to another shelter")
    # To another site; the household keeps its number.
    RELOCATION = "relocation", _("Relocation to another site")
    # Part of a household becomes a new household with its own number and focal point.
    SPLIT = "split", _("Household split")
    FOCAL_POINT_CHANGE = "focal_point_change", _("Focal point change")
    CORRECTION = "correction", _("Correction")
    VERIFICATION = "verification", _("Verification")


class EventReason(models.TextChoices):
    """Why, as a code; a clerk's own words go in the event's note."""

    REGISTERED = "registered", _("Registered")
    ADDED_AT_DESK = "added_at_desk", _("Added at the desk to a registered household")
    MERGED = "merged", _("Registered twice: merged into the other registration")
    ALL_MEMBERS_MERGED = "all_members_merged", _("Every member merged into another registration")
    MERGE_UNDONE = "merge_undone", _("Merge undone")
    # Departures (UNHCR's durable solutions and movements).
    VOLUNTARY_REPATRIATION = "voluntary_repatriation", _("Voluntary repatriation")
    RESETTLEMENT = "resettlement", _("Resettlement to a third country")
    ONWARD_MOVEMENT = "onward_movement", _("Onward movement")
    SPONTANEOUS_DEPARTURE = "spontaneous_departure", _("Spontaneous departure")
    TRANSFER_TO_ANOTHER_CAMP = "transfer_to_another_camp", _("Transfer to another camp")
    # Joins and splits.
    MARRIAGE = "marriage", _("Marriage")
    FAMILY_REUNIFICATION = "family_reunification", _("Family reunification")
    NEW_HOUSEHOLD = "new_household", _("Forms a household of its own")
    # Returns, moves and relocations.
    RETURNED = "returned", _("Returned to the camp")
    REACTIVATED = "reactivated", _("Seen again: reactivated")
    SHELTER_TOO_SMALL = "shelter_too_small", _("Shelter too small for the household")
    SHELTER_DAMAGED = "shelter_damaged", _("Shelter damaged")
    PROTECTION_NEED = "protection_need", _("Protection or safety")
    SITE_CLOSURE = "site_closure", _("Site closing or decongestion")
    HOUSEHOLD_REQUEST = "household_request", _("At the household's request")
    # Focal point changes.
    FOCAL_POINT_DIED = "focal_point_died", _("The focal point died")
    FOCAL_POINT_LEFT = "focal_point_left", _("The focal point left the household")
    FOCAL_POINT_CHOSEN = "focal_point_chosen", _("The household chose another focal point")
    # Corrections and verification.
    DATA_ERROR = "data_error", _("Recorded wrongly")
    NEW_INFORMATION = "new_information", _("New information or document")
    EVENT_RECORDED_WRONGLY = "event_recorded_wrongly", _("Event recorded by mistake")
    VERIFIED_IN_PERSON = "verified_in_person", _("Confirmed in person")
    FOUND_IN_VERIFICATION = (
        "found_in_verification",
        _("Found living with the household at a verification"),
    )
    NOT_SEEN_IN_VERIFICATION = "not_seen_in_verification", _("Not seen in a verification round")
    OTHER = "other", _("Other (see the note)")


class DocumentType(models.TextChoices):
    NATIONAL_ID = "national_id", _("National identity card")
    PASSPORT = "passport", _("Passport")
    BIRTH_CERTIFICATE = "birth_certificate", _("Birth certificate")
    FAMILY_BOOK = "family_book", _("Family book")
    PROOF_OF_REGISTRATION = "proof_of_registration", _("Proof of registration")
    OTHER = "other", _("Other document")


# ICAO codes for the cases ISO 3166 has no country for.
EXTRA_NATIONALITIES = {"XXA": _("Stateless"), "XXX": _("Unknown / unspecified")}


def nationality_choices(language: str | None = None) -> list[tuple[str, str]]:
    """(ISO 3166 alpha-3 code, country name) for every country, the names in `language` (from
    pycountry's own translations of ISO 3166; English where it has none), sorted in that
    language, after Stateless and Unknown."""
    import gettext

    import pycountry

    translate = gettext.translation(
        "iso3166-1", pycountry.LOCALES_DIR, languages=[language or "en"], fallback=True
    ).gettext
    countries = sorted(
        ((c.alpha_3, translate(c.name)) for c in pycountry.countries),
        key=lambda c: c[1].casefold(),
    )
    return [*((code, str(label)) for code, label in EXTRA_NATIONALITIES.items()), *countries]


def is_known_nationality(code: str) -> bool:
    import pycountry

    return code in EXTRA_NATIONALITIES or pycountry.countries.get(alpha_3=code) is not None


def is_known_language(code: str) -> bool:
    """ISO 639-1 (two letters) or 639-3 (three letters) language code."""
    import pycountry

    if len(code) == 2:
        return pycountry.languages.get(alpha_2=code) is not None
    return len(code) == 3 and pycountry.languages.get(alpha_3=code) is not None


# Sex-and-age disaggregation brackets (UNHCR): (label, min age, max age inclusive or None).
AGE_BRACKETS: list[tuple[str, int, int | None]] = [
    ("0-4", 0, 4),
    ("5-11", 5, 11),
    ("12-17", 12, 17),
    ("18-59", 18, 59),
    ("60+", 60, None),
]
