"""The REST API (django-ninja) under /api/v1, with its OpenAPI schema at /api/v1/openapi.json
and interactive docs at /api/v1/docs.

Every route needs an API token (`Authorization: Bearer …`, no CSRF) or a signed-in session
(`django_auth`; unsafe methods also need the CSRF token), and a role the access policy
(accounts/policy.py) allows. Errors are JSON: 401 when not signed in, 403 when refused, 404
`{"detail"}`, and 422 `{"detail", "errors"}` with messages keyed by the dotted path of the
offending field, whether a value has the wrong type (caught while parsing) or breaks a
registration rule (the registration service); 409 with the same shape when an identity
document of the request belongs to a registered person already."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError
from ninja.security import django_auth

import edgecamp
from edgecamp.accounts.api_access import BearerToken, guard_operation
from edgecamp.accounts.routes import ApiOperation
from edgecamp.core.errors import Refused
from edgecamp.core.preconditions import Stale


def _docs_for_signed_in_users(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The docs page sends a visitor to the login page; openapi.json answers a JSON 401 like
    the API routes, rather than redirecting a program to an HTML form."""

    @login_not_required
    @wraps(view)
    def signed_in_only(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        if request.resolver_match is not None and request.resolver_match.url_name == "openapi-json":
            return _not_signed_in(request, AuthenticationError())
        return redirect_to_login(request.get_full_path())

    return signed_in_only


class _RegistryAPI(NinjaAPI):
    @property
    def urls(self) -> tuple[list[URLResolver | URLPattern], str, str]:
        patterns, app_name, namespace = super().urls
        for pattern in patterns:
            # LoginRequiredMiddleware would redirect anonymous API calls to the HTML login
            # page; let each operation's `django_auth` answer them with a JSON 401 instead.
            # Ninja flags each operation view csrf_exempt (its auth checks CSRF itself), which
            # tells them apart from the docs (own check above) and the API root (a 404).
            if isinstance(pattern, URLPattern) and getattr(pattern.callback, "csrf_exempt", False):
                login_not_required(pattern.callback)
        return patterns, app_name, namespace


api = _RegistryAPI(
    title="edgecamp API",
    version=edgecamp.__version__,
    description="Camp registry: sites, households and individuals. Authenticate with an API "
    "token (`Authorization: Bearer <token>`, created on the page “API tokens”; its scopes "
    "read, register and distribute limit what it may do), or sign in through the web login: "
    "the session cookie authenticates API calls, and POST requests also need the CSRF token "
    "in an X-CSRFToken header. Each role sees only its sites' people.",
    auth=[BearerToken(), django_auth],
    urls_namespace="api",
    docs_decorator=_docs_for_signed_in_users,
)
# Every operation passes the role policy (accounts/policy.py, API_OPERATIONS) first.
api.add_decorator(guard_operation, mode="view")


@api.exception_handler(AuthenticationError)
def _not_signed_in(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    detail = _("Not signed in: sign in through the web login; API calls use its session cookie.")
    return api.create_response(request, {"detail": detail}, status=401)


@api.exception_handler(Refused)
def _refused(request: HttpRequest, exc: Refused) -> HttpResponse:
    """Every refused write (core.errors): the subclass's status and sentence, and the field
    messages by dotted path."""
    body = {"detail": str(exc.detail), "errors": exc.errors, **exc.extra()}
    return api.create_response(request, body, status=exc.status_code)


@api.exception_handler(Stale)
def _stale(request: HttpRequest, exc: Stale) -> HttpResponse:
    """A conditional write whose If-Match no longer names the record (core.preconditions):
    412 with the record as it is now and its ETag, so the client can show both versions."""
    body = {"detail": str(exc.detail), "current": exc.current}
    response = api.create_response(request, body, status=exc.status_code)
    response["ETag"] = exc.etag
    return response


@api.exception_handler(ValidationError)
def _request_invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        path = _field_path(error["loc"])
        if error.get("type") in ("union_tag_invalid", "union_tag_not_found"):
            path = "type"  # a life event of no known `type` (events_api)
        errors.setdefault(path, []).append(error["msg"])
    detail = _("The request is not valid: correct the fields listed in “errors”.")
    return api.create_response(request, {"detail": detail, "errors": errors}, status=422)


def _field_path(loc: tuple[str | int, ...]) -> str:
    """("body", "payload", "members", 1, "date_of_birth") -> "members.1.date_of_birth", the
    same path the registration service uses; ("query", "page") -> "page"."""
    source, *rest = loc
    if source == "body":
        rest = rest[1:]  # the name of the view's body parameter means nothing to a client
        if rest and rest[0] in EVENT_TYPES:
            rest = rest[1:]  # the `type` a life event's body was read as (events_api)
    return ".".join(map(str, rest)) or "__all__"


# Routers register themselves here; imported last so they can import `api` if they need to.
from edgecamp.registry.api import router as registry_router  # noqa: E402
from edgecamp.registry.events_api import EVENT_TYPES  # noqa: E402
from edgecamp.registry.events_api import router as events_router  # noqa: E402
from edgecamp.shelters.api import router as shelters_router  # noqa: E402

api.add_router("/", shelters_router)
api.add_router("/", registry_router)
api.add_router("/", events_router)
from edgecamp.distributions.api import router as distributions_router  # noqa: E402
from edgecamp.stock.api import router as stock_router  # noqa: E402

api.add_router("/", stock_router)
api.add_router("/", distributions_router)
from edgecamp.protection.api import router as protection_router  # noqa: E402

api.add_router("/", protection_router)
from edgecamp.jobs.api import router as jobs_router  # noqa: E402
from edgecamp.verification.api import router as verification_router  # noqa: E402

api.add_router("/", verification_router)
api.add_router("/", jobs_router)


def api_operations() -> Iterator[ApiOperation]:
    """Every operation of the API with its policy key (`module.function`), for the policy
    check (tests/test_access_policy.py: every operation has exactly one policy entry)."""
    api.urls  # noqa: B018 - binds the routers
    for router in api._get_bound_routers():
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                url = "/api/v1" + re.sub(r"\{\w+\}", "1", path)
                for method in operation.methods:
                    func = operation.view_func
                    yield ApiOperation(f"{func.__module__}.{func.__name__}", method, url)
