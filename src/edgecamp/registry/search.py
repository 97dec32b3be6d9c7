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
from typing import Any

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.utils import timezone

from edgecamp.core.access import Scope
from edgecamp.core.dates import years_before
from edgecamp.linkage.normalise import document_key, name_tokens, phone_key, phonetic_key
from edgecamp.registry.models import Household, IdentityDocument, Individual
from edgecamp.registry.search_keys import PHONE_TAIL, compacted, document_key_of, phone_tail_of
from edgecamp.registry.text import fold
from edgecamp.registry.typed import slashed_date, typed_age

# A reader turns a scanned or typed code into a household number, or None if the text is not
# its code. `strict` (a desk acting on the code): a code that must not be accepted (a forged,
# replaced or revoked ration card) raises a core.errors.Refused saying why; not strict (the
# search), it is only looked up.
CodeReader = Callable[[str, bool], str | None]
_code_readers: list[CodeReader] = []

_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")


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
    # Household ids matched as typed (number, document, phone, date of birth or age, a name
    # as written) and by sound, each an indexed query; united, then the households read by
    # their primary key. (An OR of IN-subqueries made PostgreSQL scan every household.)
    exact: list[QuerySet[Any]] = []
    if number := household_number_of_code(text):
        exact.append(Household.objects.filter(number=number).values("pk"))
    if _has_digit(text):
        exact.append(Household.objects.filter(number__icontains=text).values("pk"))
        exact += [q for q in (_by_document(text), _by_phone(text)) if q is not None]
    # A name, a date of birth or an age, or a name with either ("Amina about 30": the same
    # person by both).
    name_part, born = _name_and_birth(text)
    words = [w for w in fold(name_part).split() if not _has_digit(w)]
    by_sound: QuerySet[Any] | None = None
    if words:
        typed = born(Individual.objects.all())
        for word in words:
            typed = typed.filter(search_text__contains=word)
        exact.append(typed.values("household_id"))
        keys = [phonetic_key(t) for word in words for t in name_tokens(word)]
        keys = [k for k in keys if k]
        if keys:
            sounded = born(Individual.objects.all())
            for key in keys:
                sounded = sounded.filter(name_keys__contains=f" {key} ")
            by_sound = sounded.values("household_id")
    elif born is not _anyone:
        exact.append(born(Individual.objects.all()).values("household_id"))
    if not exact:
        return households.none()
    exact_ids = _united(exact)
    if by_sound is None:
        matched = households.filter(pk__in=exact_ids).annotate(rank=Value(0))
    else:
        matched = households.filter(pk__in=_united([*exact, by_sound])).annotate(
            rank=Case(
                When(pk__in=exact_ids, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
    return matched.order_by("rank", "number")


People = Callable[[QuerySet[Individual]], QuerySet[Individual]]


def _anyone(people: QuerySet[Individual]) -> QuerySet[Individual]:
    return people


def _name_and_birth(text: str) -> tuple[str, People]:
    """The query split into its name words and a condition on the date of birth: the whole
    query, or its last one or two words, may be a date of birth or an age."""
    words = text.split()
    for cut in (0, max(len(words) - 2, 1), len(words) - 1):
        if cut >= len(words) or (cut == 0 and len(words) > 2):
            continue
        condition = _born(" ".join(words[cut:]))
        if condition is not None:
            return " ".join(words[:cut]), condition
    return text, _anyone


def _united(queries: list[QuerySet[Any]]) -> QuerySet[Any]:
    first, *rest = (q.order_by() for q in queries)
    return first.union(*rest) if rest else first


def _has_digit(text: str) -> bool:
    return any(ch.isdigit() for ch in text)


def _by_document(text: str) -> QuerySet[Any] | None:
    key = document_key(text)
    if len(key) < 3:
        return None
    holders = IdentityDocument.objects.annotate(key=document_key_of("number")).filter(key=key)
    return holders.values("individual__household_id")


def _by_phone(text: str) -> QuerySet[Any] | None:
    if any(ch.isalpha() for ch in text):
        return None
    digits = phone_key(text)
    if len(digits) < 6:
        return None
    phones = Household.objects.annotate(digits=compacted("phone"))
    if len(digits) >= PHONE_TAIL:
        phones = phones.annotate(tail=phone_tail_of("phone")).filter(tail=digits[-PHONE_TAIL:])
    return phones.filter(digits__endswith=digits).values("pk")


def _born(text: str) -> People | None:
    """The people whose date of birth `text` gives (a date), or whose age (an age)."""
    day = _date(text)
    if day is not None:
        return lambda people: people.filter(date_of_birth=day)
    years = typed_age(text)
    if years is None or years > 120:
        return None
    today = timezone.localdate()
    # Born between the day after (years + 1) years ago and today (years) years ago.
    latest = years_before(today, years)
    earliest = years_before(today, years + 1)
    return lambda people: people.filter(date_of_birth__gt=earliest, date_of_birth__lte=latest)


def _date(text: str) -> date | None:
    """A date of birth typed as ISO or with separators in the operation's order."""
    try:
        match = _ISO.match(text)
        if match is not None:
            return date(*(int(g) for g in match.groups()))
        return slashed_date(text)
    except ValueError:  # no such day
        return None
