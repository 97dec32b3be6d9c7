"""The exports page and its downloads. Every download of personal data is audited (who, what,
how many rows), never with the data itself."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from edgecamp.audit.capture import record_export
from edgecamp.core.access import scope_for
from edgecamp.exports import population, registry
from edgecamp.exports.sheets import csv_lines, write_xlsx


@require_GET
def exports(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    return render(
        request,
        "exports/index.html",
        {"k": population.threshold(), "scope_protection": scope.protection},
    )


def _stamp() -> str:
    return timezone.localdate().isoformat()


def _csv(rows, name: str) -> StreamingHttpResponse:  # type: ignore[no-untyped-def]
    response = StreamingHttpResponse(csv_lines(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_GET
def households_csv(request: HttpRequest) -> StreamingHttpResponse:
    scope = scope_for(request.user)
    record_export("registry households CSV", scope)
    return _csv(registry.households(scope), f"edgecamp-households-{_stamp()}.csv")


@require_GET
def members_csv(request: HttpRequest) -> StreamingHttpResponse:
    scope = scope_for(request.user)
    record_export("registry members CSV", scope)
    return _csv(registry.members(scope), f"edgecamp-members-{_stamp()}.csv")


@require_GET
def registry_xlsx(request: HttpRequest) -> FileResponse:
    scope = scope_for(request.user)
    handle = tempfile.NamedTemporaryFile(suffix=".xlsx")  # noqa: SIM115 - the response closes it
    counts = write_xlsx(
        Path(handle.name),
        [
            (registry.SHEETS[0], registry.households(scope)),
            (registry.SHEETS[1], registry.members(scope)),
        ],
    )
    record_export("registry XLSX", scope, counts)
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename=f"edgecamp-registry-{_stamp()}.xlsx")


@require_GET
def population_csv(request: HttpRequest) -> StreamingHttpResponse:
    return _csv(population.rows(scope_for(request.user)), f"edgecamp-population-{_stamp()}.csv")


@require_GET
def population_xlsx(request: HttpRequest) -> FileResponse:
    handle = tempfile.NamedTemporaryFile(suffix=".xlsx")  # noqa: SIM115 - the response closes it
    write_xlsx(Path(handle.name), [("population", population.rows(scope_for(request.user)))])
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename=f"edgecamp-population-{_stamp()}.xlsx")
