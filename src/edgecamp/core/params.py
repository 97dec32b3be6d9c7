"""Query parameters parsed once: a page number or an id that no database column can hold
(`?page=99999999999999999999`) is treated as absent or refused, never passed to SQL."""

from __future__ import annotations

from collections.abc import Mapping

# The largest value of a 64-bit signed column: ids, counts, offsets.
MAX_DB_INT = 2**63 - 1
# More pages than any list will ever have, small enough that page x size stays a valid offset.
MAX_PAGE = 10**9


class BadParameter(ValueError):
    """A query parameter no page can answer (`?page=x`); core.errors_http answers it 400 with
    this message, which names the parameter and what it takes."""


def int_param(
    params: Mapping[str, str],
    name: str,
    *,
    minimum: int = 1,
    maximum: int = MAX_DB_INT,
) -> int | None:
    """`params[name]` as a whole number within [minimum, maximum], else None."""
    raw = str(params.get(name, "")).strip()
    if not raw.isascii() or not raw.isdigit() or len(raw) > len(str(maximum)):
        return None
    value = int(raw)
    return value if minimum <= value <= maximum else None


def page_param(params: Mapping[str, str], name: str = "page") -> int:
    """The page asked for: 1 unless `name` holds a plausible page number."""
    return int_param(params, name, maximum=MAX_PAGE) or 1
