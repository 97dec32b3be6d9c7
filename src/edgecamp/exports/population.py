"""Population figures for partners (HDX): per site, active people in active households by sex
and the five age brackets, HXL-tagged, with no personal data.

Small cells are suppressed: a count from 1 to k-1 (k a setting, default 5) is shown as "<k",
since a cell of 1 or 2 in a small site can point at a person. Where a row (a site and a sex)
has exactly one suppressed cell, its total would give it back: the next smallest cell of that
row is suppressed too (secondary suppression). Totals of a site are shown as they are, for
they are large; a site whose total is under k is shown as "<k" throughout."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.utils import timezone

from edgecamp.core.access import Scope
from edgecamp.registry import queries
from edgecamp.registry.codes import AGE_BRACKETS

# HXL's sex attributes; "other" and "unknown" go into the total only.
SEXES = (("female", "f"), ("male", "m"))


def _tag_age(label: str) -> str:
    return "age" + label.replace("-", "_").replace("+", "plus")


def columns() -> list[tuple[str, str]]:
    cols = [
        ("site", "#loc+name"),
        ("site_code", "#loc+code"),
        ("households", "#population+hh+total"),
        ("people", "#population+total"),
    ]
    for sex, attribute in SEXES:
        for label, _low, _high in AGE_BRACKETS:
            cols.append((f"{sex}_{label}", f"#population+{attribute}+{_tag_age(label)}"))
        cols.append((f"{sex}_age_unknown", f"#population+{attribute}+age_unknown"))
    return cols


def threshold() -> int:
    return int(getattr(settings, "EDGECAMP_SMALL_CELL_K", 5))


def rows(
    scope: Scope | None, today: dt.date | None = None, k: int | None = None
) -> Iterator[list[Any]]:
    k = threshold() if k is None else k
    cols = columns()
    yield [name for name, _tag in cols]
    yield [tag for _name, tag in cols]
    day = today or timezone.localdate()
    codes = dict(_site_codes(scope))
    for site in queries.population_by_site(day, scope=scope):
        row: list[Any] = [site.site_name, codes.get(site.site_id, ""), site.households, site.total]
        if site.total < k:
            yield [*row[:2], *([f"<{k}"] * (len(cols) - 2))]
            continue
        for sex, _attribute in SEXES:
            by_age = site.counts.get(sex, {})
            cells = [by_age.get(label, 0) for label, _lo, _hi in AGE_BRACKETS]
            cells.append(by_age.get("unknown", 0))
            row += suppressed(cells, k)
        yield row


def suppressed(cells: list[int], k: int) -> list[int | str]:
    """`cells` with the counts from 1 to k-1 shown as "<k", and one more if only one was."""
    small = [i for i, n in enumerate(cells) if 0 < n < k]
    if len(small) == 1:
        others = [i for i, n in enumerate(cells) if n > 0 and i not in small]
        if others:
            small.append(min(others, key=lambda i: cells[i]))
    return [f"<{k}" if i in small else n for i, n in enumerate(cells)]


def _site_codes(scope: Scope | None) -> Iterator[tuple[int, str]]:
    from edgecamp.sites.queries import visible_sites

    yield from visible_sites(scope).values_list("pk", "code")
