"""Failures that are not the server's fault answered as such, in one place: a request
carrying characters no database stores, a number no column holds, a database busy for longer
than the wait. Without this they were 500 pages, HTML even to API clients.

`RequestFailureMiddleware` refuses bad characters before any view runs and maps the failure
classes raised by views to a clear 4xx, or to a 503 with Retry-After when the database stayed
locked: JSON `{"detail"}` for API clients, a page for people."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import DataError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from edgecamp.core.params import BadParameter

log = logging.getLogger(__name__)

# The API lives under this path (edgecamp/urls.py); its clients read JSON, not pages.
API_PATH_PREFIX = "/api/"
# Seconds a client should wait before trying again after the database stayed locked.
RETRY_AFTER_SECONDS = 30
# PostgreSQL states of a busy database: lock not available, serialization failure, deadlock,
# statement cancelled by a timeout.
_BUSY_STATES = frozenset({"55P03", "40001", "40P01", "57014"})
# PostgreSQL states of a value out of what a column holds: numeric or date out of range,
# NUL or characters the encoding cannot hold.
_OUT_OF_RANGE_STATES = frozenset({"22003", "22008", "22P05", "22021"})


@dataclass(frozen=True)
class Failure:
    status: int
    detail: str
    retry_after: int | None = None


def failure_for(exc: BaseException) -> Failure | None:
    """The answer to an exception of a known class, or None for a real server error."""
    if isinstance(exc, OperationalError) and _is_busy(exc):
        return Failure(
            503,
            _("The database is busy with other work; nothing was changed. Try again in a minute."),
            RETRY_AFTER_SECONDS,
        )
    if isinstance(exc, BadParameter):
        return Failure(400, str(exc))
    if isinstance(exc, RequestDataTooBig):
        return Failure(
            413,
            _(
                "The request is larger than %(size)s; nothing was changed. Send less at a "
                "time (a pledge or a manifest takes at most 500 lines)."
            )
            % {"size": f"{settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 1_000_000:.1f} MB"},
        )
    if isinstance(exc, OverflowError) or (
        isinstance(exc, DataError) and _sqlstate(exc) in _OUT_OF_RANGE_STATES
    ):
        return Failure(400, _("A number or date in the request is out of range; correct it."))
    if isinstance(exc, ValueError) and "NUL" in str(exc):
        return _bad_characters()
    return None


def _bad_characters() -> Failure:
    return Failure(
        400, _("The request holds characters that cannot be stored (such as NUL); remove them.")
    )


def _sqlstate(exc: BaseException) -> str:
    return str(getattr(exc.__cause__, "sqlstate", "") or "")


def _is_busy(exc: OperationalError) -> bool:
    message = str(exc).lower()
    return (
        "database is locked" in message
        or "table is locked" in message
        or (_sqlstate(exc) in _BUSY_STATES)
    )


def wants_json(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PATH_PREFIX) or (
        request.content_type == "application/json"
    )


def failure_response(request: HttpRequest, failure: Failure) -> HttpResponse:
    response: HttpResponse
    if wants_json(request):
        response = JsonResponse({"detail": failure.detail}, status=failure.status)
    else:
        response = render(request, "error.html", {"detail": failure.detail}, status=failure.status)
    if failure.retry_after is not None:
        response["Retry-After"] = str(failure.retry_after)
    return response


def _unstorable(values: Iterable[str]) -> bool:
    return any("\x00" in v or any("\ud800" <= ch <= "\udfff" for ch in v) for v in values)


class RequestFailureMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        texts = [request.path_info, *request.GET.keys(), *request.GET.values()]
        # Form posts only: reading a multipart body here would consume uploads, and JSON
        # bodies are cleaned by the API's input schemas (core.schemas).
        if request.content_type == "application/x-www-form-urlencoded":
            texts += [*request.POST.keys(), *request.POST.values()]
        if _unstorable(texts):
            return failure_response(request, _bad_characters())
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        failure = failure_for(exc)
        if failure is None:
            return None
        log.warning("request answered %d: %s", failure.status, type(exc).__name__)
        return failure_response(request, failure)
