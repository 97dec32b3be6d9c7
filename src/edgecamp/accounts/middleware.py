"""Enforces the access policy (policy.py) on every page, by the resolved URL name."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import gettext as _

from edgecamp.accounts import policy
from edgecamp.accounts.roles import Role
from edgecamp.accounts.scope import role_of

# Set on every refusal by the policy, so tests tell it apart from a view's own 403/404.
REFUSED_HEADER = "X-Edgecamp-Refused"


def is_api_operation(request: HttpRequest, view_func: Callable[..., Any]) -> bool:
    """API operations are checked per operation (one URL serves GET and POST) in api_access."""
    match = request.resolver_match
    return (
        match is not None
        and match.namespace == "api"
        and bool(getattr(view_func, "csrf_exempt", False))
    )


class AccessPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            # Pages with people's names must not be kept by a shared laptop's browser cache
            # (the back button after logging out) or by a proxy.
            if not response.has_header("Cache-Control"):
                add_never_cache_headers(response)
            else:
                patch_cache_control(response, private=True)
        return response

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        if request.resolver_match is None or is_api_operation(request, view_func):
            return None
        view_name = request.resolver_match.view_name
        access = policy.web_access(view_name)
        if access is None:
            return refuse(request, policy.undeclared_web(view_name))
        if access.public:
            return None
        if not request.user.is_authenticated:
            # Programs get JSON; the API's HTML docs page sends a person to the login page.
            if request.resolver_match.namespace == "api" and view_name != "api:openapi-view":
                detail = _(
                    "Not signed in: sign in through the web login; API calls use its session "
                    "cookie, or send an API token as “Authorization: Bearer …”."
                )
                response: HttpResponse = JsonResponse({"detail": detail}, status=401)
            else:
                response = redirect_to_login(request.get_full_path())
            response[REFUSED_HEADER] = "sign-in"
            return response
        role = role_of(request.user)
        if access.allows(role):
            return None
        return refuse(request, refusal_message(role))


def refusal_message(role: str | None, *, api: bool = False) -> str:
    if role is None:
        return _("Your account has no role yet: ask an administrator to give it a role and sites.")
    if api:
        message = _(
            "Your role (%(role)s) does not allow this operation. If your work needs it, ask a "
            "camp manager or an administrator."
        )
    else:
        message = _(
            "Your role (%(role)s) does not give access to this page. If your work needs it, "
            "ask a camp manager or an administrator."
        )
    return message % {"role": Role(role).label}


def refuse(request: HttpRequest, message: str) -> HttpResponse:
    if request.resolver_match is not None and request.resolver_match.namespace == "api":
        response: HttpResponse = JsonResponse({"detail": message}, status=403)
    else:
        response = render(request, "accounts/refused.html", {"message": message}, status=403)
    response[REFUSED_HEADER] = "role"
    return response
