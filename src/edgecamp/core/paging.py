"""Pages of the staff pages' long lists, the same way on every page: `?page=N`, a bounded page
size, and one include (`templates/includes/pagination.html`) for the links.

A page past the last one shows the last one (a bookmark of a list that got shorter still
works); a `page` that is not a page number at all (`x`, `0`, `99999999999999999999`) is
refused with a 400 that says what the parameter takes (core.errors_http), never passed to
SQL as an offset no column holds."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _

from edgecamp.core.params import MAX_PAGE, BadParameter, int_param

# No page lists more rows than this, whatever a view asks: a page stays one screenful of work.
MAX_PER_PAGE = 100


def page_of(
    request: HttpRequest,
    items: QuerySet[Any] | Sequence[Any],
    per_page: int,
    *,
    name: str = "page",
) -> Page[Any]:
    """The page of `items` that `request.GET[name]` asks for (the first when not given)."""
    paginator = Paginator(items, min(per_page, MAX_PER_PAGE))
    number = page_number(request, name)
    return paginator.page(min(number, paginator.num_pages))


def page_number(request: HttpRequest, name: str = "page") -> int:
    raw = request.GET.get(name, "").strip()
    if not raw:
        return 1
    number = int_param({name: raw}, name, maximum=MAX_PAGE)
    if number is None:
        raise BadParameter(
            _("There is no page “%(page)s”: %(name)s takes a page number from 1 to %(max)s.")
            % {"page": raw[:40], "name": name, "max": f"{MAX_PAGE:,}"}
        )
    return number


def page_url(request: HttpRequest, name: str = "page") -> str:
    """The list's address with its other parameters, ready for `name=N` to be appended."""
    params = request.GET.copy()
    params.pop(name, None)
    return f"{request.path}?{params.urlencode()}{'&' if params else ''}"
