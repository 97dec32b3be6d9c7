"""The access policy for the REST API, applied to every ninja operation (`guard_operations`),
and bearer-token authentication next to the session."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja.security import HttpBearer

from edgecamp.accounts import policy, tokens
from edgecamp.accounts.middleware import REFUSED_HEADER, refusal_message
from edgecamp.accounts.scope import narrow_to_token, role_of


def operation_key(view_func: Callable[..., Any]) -> str:
    return f"{view_func.__module__}.{view_func.__name__}"


def guard_operation(run: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A ninja "view" decorator: wraps `Operation.run`, so it runs before ninja's own
    authentication and parsing (a refused client learns nothing about the request's shape)."""
    key = operation_key(run.__self__.view_func)  # type: ignore[attr-defined]

    @wraps(run)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        refusal = check(request, key)
        return refusal if refusal is not None else run(request, *args, **kwargs)

    return guarded


def check(request: HttpRequest, key: str) -> HttpResponse | None:
    header = request.headers.get("Authorization", "")
    token = None
    if header.lower().startswith("bearer "):
        token = tokens.authenticate(header[7:].strip())
        if token is None:
            return _refused(
                401,
                _(
                    "The API token is not valid or was revoked: create a new one on the page "
                    "“API tokens” (/accounts/tokens/)."
                ),
            )
        request.user = token.user
        request.api_token = token  # type: ignore[attr-defined]
        narrow_to_token(token.user, token.scopes)
    access = policy.api_access(key)
    if access is None:
        return _refused(403, policy.undeclared_api(key))
    if access.public:
        return None
    if not request.user.is_authenticated:
        return None  # ninja's authentication answers with the JSON 401
    role = role_of(request.user)
    if not access.allows(role):
        return _refused(403, refusal_message(role, api=True))
    if token is not None and access.scope not in token.scopes:
        return _refused(
            403,
            _(
                "This token lacks the scope “%(scope)s” that this operation needs: create a "
                "token with it on the page “API tokens”."
            )
            % {"scope": access.scope},
        )
    return None


def _refused(status: int, detail: str) -> HttpResponse:
    response = JsonResponse({"detail": detail}, status=status)
    response[REFUSED_HEADER] = "sign-in" if status == 401 else "role"
    return response


class BearerToken(HttpBearer):
    """`Authorization: Bearer <token>`. Checked before the session, and without CSRF: a
    token is not sent by browsers on their own, so a forged cross-site request cannot carry
    it."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = getattr(request, "api_token", None) or tokens.authenticate(token)
        return found.user if found is not None else None
