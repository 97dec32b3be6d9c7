"""Who is acting right now, and through what: the current web or API request, or, outside a
request, the user a command or a background job acts as. The audit log reads it to say who made
each change; any layer may set it (a command acting as its `--user`, a job as whoever queued
it) without depending on the audit app."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import Any

from django.http import HttpRequest

_request: ContextVar[HttpRequest | None] = ContextVar("edgecamp_request", default=None)
_unrecorded: ContextVar[bool] = ContextVar("edgecamp_unrecorded", default=False)
# Outside a request: who is acting and through what (the command line names its --user).
_operator: ContextVar[tuple[Any, str] | None] = ContextVar("edgecamp_operator", default=None)


class RequestContextMiddleware:
    """Makes the current request (its user, whether web, API or admin) known while it runs."""

    def __init__(self, get_response: Callable[[HttpRequest], Any]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> Any:
        token = _request.set(request)
        try:
            return self.get_response(request)
        finally:
            _request.reset(token)


@contextlib.contextmanager
def unrecorded() -> Iterator[None]:
    """Bookkeeping writes that are not changes to records (a token's last use): the audit log
    leaves them out."""
    token = _unrecorded.set(True)
    try:
        yield
    finally:
        _unrecorded.reset(token)


def is_unrecorded() -> bool:
    return _unrecorded.get()


@contextlib.contextmanager
def acting_as(user: Any, source: str = "cli") -> Iterator[None]:
    """Writes outside a web request (a command, a job) made by `user` through `source`."""
    token = _operator.set((user, source))
    try:
        yield
    finally:
        _operator.reset(token)


def actor() -> tuple[int | None, str, str]:
    """(user id, username, source) of whoever is acting: `web`, `api` or `admin` for a
    request, the source given to `acting_as` outside one, else `system`."""
    request = _request.get()
    if request is None:
        operator = _operator.get()
        if operator is None:
            return None, "", "system"
        user, source = operator
        return user.pk, user.get_username(), source
    path = request.path
    source = "api" if path.startswith("/api/") else "admin" if path.startswith("/admin/") else "web"
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user.pk, user.get_username(), source
    return None, "", source
