"""Plausible date ranges, one per kind of date, so that a slip of the keyboard (0001-01-01,
2205 for 2025) is refused where it is typed instead of being stored and counted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class DateRange:
    """From `earliest` (or `years_back` years before today) to `years_ahead` years after
    today, both ends included."""

    years_back: int = 0
    years_ahead: int = 0
    earliest: date | None = None

    def bounds(self, today: date | None = None) -> tuple[date, date]:
        day = today or timezone.localdate()
        earliest = self.earliest or _years_from(day, -self.years_back)
        return earliest, _years_from(day, self.years_ahead)

    def problem(self, value: date, today: date | None = None) -> str | None:
        """None when `value` is plausible, else a message saying what is."""
        earliest, latest = self.bounds(today)
        if earliest <= value <= latest:
            return None
        if self.years_ahead == 0 and value > latest:
            return _("This date cannot be in the future.")
        return _("Enter a date between %(earliest)s and %(latest)s.") % {
            "earliest": date_format(earliest, "SHORT_DATE_FORMAT"),
            "latest": date_format(latest, "SHORT_DATE_FORMAT"),
        }


def _years_from(day: date, years: int) -> date:
    year = min(max(day.year + years, date.min.year), date.max.year)
    return (
        day.replace(year=year, day=28)
        if (day.month, day.day) == (2, 29)
        else day.replace(year=year)
    )


# Births: nobody alive was born before 1900.
BIRTH = DateRange(earliest=date(1900, 1, 1))
# Registrations: camps last decades, but a registration is never dated in the future.
REGISTRATION = DateRange(years_back=50)
# Identity documents: long-expired ones are still recorded; none is valid for 30 years.
DOCUMENT_EXPIRY = DateRange(years_back=50, years_ahead=30)
# Lots of food and medicine: expired ones are recorded to write them off.
LOT_EXPIRY = DateRange(years_back=10, years_ahead=20)
# Supply and distribution events (pledges, dispatches, expected arrivals, cycles).
OPERATION_EVENT = DateRange(years_back=10, years_ahead=5)
# Things that happened to a person (last seen, separated), reported years later.
LIFE_EVENT = DateRange(earliest=date(1900, 1, 1))
# Filters over records the system wrote (the audit log): any day up to a year ahead.
RECORD_FILTER = DateRange(earliest=date(2000, 1, 1), years_ahead=1)


def implausible(
    values: dict[str, tuple[date | None, DateRange]], today: date | None = None
) -> dict[str, str]:
    """The message for each field path whose date (if given) is outside its range."""
    problems = {}
    for path, (value, plausible) in values.items():
        if value is not None and (problem := plausible.problem(value, today)):
            problems[path] = problem
    return problems


def in_words(moment: date | datetime) -> str:
    """A day (or a moment, in local time) as a sentence gives it, in the active language:
    "19 Nov 2026", "19 nov. 2026", "19 نوفمبر 2026" (formats/<language>/formats.py). Never
    ISO inside a sentence: 2026-03-04 reads two ways to half the world."""
    if isinstance(moment, datetime):
        return date_format(timezone.localtime(moment), "DATETIME_FORMAT")
    return date_format(moment, "DATE_FORMAT")


def age_on(born: date | None, day: date) -> int | None:
    """Full years from `born` to `day` (None without a date of birth)."""
    if born is None:
        return None
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def years_before(day: date, years: int) -> date:
    """The same day `years` years earlier (28 February for a 29th in a common year)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a non-leap year
        return day.replace(year=day.year - years, day=28)
