"""HXL-tagged CSV of distributed quantities (open data: no personal data in it)."""

from __future__ import annotations

import io

from django.http import HttpResponse

from edgecamp import csvio
from edgecamp.core.access import Scope
from edgecamp.distributions import queries
from edgecamp.distributions.models import Cycle


def hxl_csv(cycle: Cycle | None = None, *, scope: Scope | None = None) -> str:
    """`scope` keeps an export of every cycle to the scope's sites; a single cycle is
    checked against the scope by the caller (404 before it gets here)."""
    buffer = io.StringIO()
    # Cycle, site and item names are typed by staff: csvio's writer keeps them from running as
    # spreadsheet formulas.
    csvio.writer(buffer).writerows(queries.hxl_rows(cycle, scope=scope))
    return buffer.getvalue()


def hxl_csv_response(cycle: Cycle | None = None, *, scope: Scope | None = None) -> HttpResponse:
    name = f"distributions-cycle-{cycle.pk}.csv" if cycle is not None else "distributions.csv"
    response = HttpResponse(hxl_csv(cycle, scope=scope), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
