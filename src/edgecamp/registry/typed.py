"""Dates of birth and ages as a desk types them, read alike by the registration form and the
household search: an age needs a word or sign saying so ("~30", "about 30", "30 years",
"30y"), so a bare number stays a year or a number; a date written with slashes, dots or dashes
(12/03/1988) is read in the operation's order (settings.EDGECAMP_DATES_DAY_FIRST)."""

from __future__ import annotations

import re
from datetime import date

from django.conf import settings

_AGE = re.compile(
    r"^(?:(?:about|approx\.?|around|~|age|aged|environ|vers|حوالي)\s*(\d{1,3})"
    r"|(\d{1,3})\s*(?:y|yrs?|years?(?: old)?|ans?|سنة|سنوات))$",
    re.IGNORECASE,
)
_SLASHED = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")


def typed_age(text: str) -> int | None:
    """The age in years the text gives, or None if it is not an age."""
    match = _AGE.match(text.strip())
    return int(match.group(1) or match.group(2)) if match else None


def slashed_date(text: str) -> date | None:
    """The date written with separators in the operation's order, None if the text is not
    written so; raises ValueError for one that is but names no day (31/02/1988)."""
    match = _SLASHED.match(text.strip())
    if match is None:
        return None
    first, second, year = (int(g) for g in match.groups())
    day, month = (first, second) if settings.EDGECAMP_DATES_DAY_FIRST else (second, first)
    return date(year, month, day)
