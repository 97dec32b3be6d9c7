"""Finding a household at the desk from whatever the person in front of the clerk can give:
a name however it is spelt, a phone number however it is written, a date of birth or an age,
a document number, a ration card (its number or its scanned QR code), part of the household
number. One search serves the household list page and `GET /api/v1/households?q=`.

Names are matched twice: every word as typed (a substring of the folded names and aliases,
`search_text`), or every word by its phonetic key (`name_keys`, the desk check's own spelling
rules from `edgecamp.linkage.normalise`: Kaltuma finds Kaltouma, Mohamed finds Mohammed).
Households matched as typed come first, then those matched by sound; within each, by number.

A higher app that prints household numbers in a code of its own (distributions: the ration
card's QR) registers a reader with `register_code_reader`; this module imports no app above
the registry.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Replace, Upper
from django.utils import timezone

from edgecamp.core.access import Scope
from edgecamp.linkage.normalise import document_key, name_tokens, phone_key, phonetic_key
from edgecamp.registry.models import Household, IdentityDocument, Individual
from edgecamp.registry.text import fold
from edgecamp.registry.typed import slashed_date, typed_age

# A reader turns a scanned or typed code into a household number, or None if the text is not
# its code. `strict` (a desk acting on the code): a code that must not be accepted (a forged,
# replaced or revoked ration card) raises a core.errors.Refused saying why; not strict (the
# search), it is only looked up.
CodeReader = Callable[[str, bool], str | None]
_code_readers: list[CodeReader] = []

_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")
# Characters people type inside phone and document numbers.
_SEPARATORS = (" ", "-", "(", ")", "+", "/", ".")


def register_code_reader(reader: CodeReader) -> None:
    """Called by an app above the registry that issues codes (distributions: ration cards) in
    its `ready()`: the household search and every desk (verification) read them here."""
    if reader not in _code_readers:
        _code_readers.append(reader)


def household_number_of_code(text: str, *, strict: bool = False) -> str | None:
    """The household number a scanned or typed code names, None when the text is no code
    (see CodeReader for `strict`)."""
    for reader in _code_readers:
        number = reader(text, strict)
        if number:
            return number
    return None


def search_households(
    households: QuerySet[Household], query: str, *, scope: Scope | None = None
) -> QuerySet[Household]:
    """The households of `households` (already kept to the user's sites) the query names,
    best matches first."""
    text = query.strip()
    exact = Q(pk__in=[])
    if number := household_number_of_code(text):
        exact |= Q(number=number)
    if _has_digit(text):
        exact |= Q(number__icontains=text)
        exact |= _by_document(text) | _by_phone(text) | _by_birth(text)
    words = (
        [] if typed_age(text) is not None else [w for w in fold(text).split() if not _has_digit(w)]
    )
    by_sound = Q(pk__in=[])
    if words:
        typed = Individual.objects.all()
        for word in words:
            typed = typed.filter(search_text__contains=word)
        exact |= _households_of(typed)
        keys = [phonetic_key(t) for word in words for t in name_tokens(word)]
        keys = [k for k in keys if k]
        if keys:
            sounded = Individual.objects.all()
            for key in keys:
                sounded = sounded.filter(name_keys__contains=f" {key} ")
            by_sound = _households_of(sounded)
    return (
        households.filter(exact | by_sound)
        .annotate(
            rank=Case(When(exact, then=Value(0)), default=Value(1), output_field=IntegerField())
        )
        .order_by("rank", "number")
    )


def _has_digit(text: str) -> bool:
    return any(ch.isdigit() for ch in text)


def _households_of(people: QuerySet[Individual]) -> Q:
    # IN (subquery), not EXISTS: OR-ed together, PostgreSQL runs each as one hashed subplan
    # served by its own index instead of probing per household.
    return Q(pk__in=people.values("household_id"))


def _compact(expression: object) -> object:
    for separator in _SEPARATORS:
        expression = Replace(expression, Value(separator), Value(""))  # type: ignore[arg-type]
    return expression


def _by_document(text: str) -> Q:
    key = document_key(text)
    if len(key) < 3:
        return Q(pk__in=[])
    holders = IdentityDocument.objects.annotate(key=Upper(_compact("number"))).filter(key=key)
    return Q(pk__in=holders.values("individual__household_id"))


def _by_phone(text: str) -> Q:
    if any(ch.isalpha() for ch in text):
        return Q(pk__in=[])
    digits = phone_key(text)
    if len(digits) < 6:
        return Q(pk__in=[])
    phones = Household.objects.annotate(digits=_compact("phone"))
    return Q(pk__in=phones.filter(digits__endswith=digits).values("pk"))


def _by_birth(text: str) -> Q:
    born = _date(text)
    if born is not None:
        return _households_of(Individual.objects.filter(date_of_birth=born))
    years = typed_age(text)
    if years is None or years > 120:
        return Q(pk__in=[])
    today = timezone.localdate()
    # Born between the day after (years + 1) years ago and today (years) years ago.
    latest = _years_before(today, years)
    earliest = _years_before(today, years + 1)
    return _households_of(
        Individual.objects.filter(date_of_birth__gt=earliest, date_of_birth__lte=latest)
    )


def _date(text: str) -> date | None:
    """A date of birth typed as ISO or with separators in the operation's order."""
    try:
        match = _ISO.match(text)
        if match is not None:
            return date(*(int(g) for g in match.groups()))
        return slashed_date(text)
    except ValueError:  # no such day
        return None


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)
