"""The access policy: which role may use which route. Enforcement (`middleware.py` for pages,
`api_access.py` for the REST API) and the test that walks every route
(`tests/test_access_policy.py`) read this one table, so what is declared is what happens.

Declaring a new route
---------------------
Web pages are keyed by their URL name (with its namespace: "admin:*" covers a namespace), API
operations by the dotted path of their view function (module + "." + function name). Each app
declares its own routes next to its code, in `edgecamp/<app>/access_policy.py`, holding
`WEB_ROUTES` and/or `API_OPERATIONS` dicts of this shape; they are merged here (this module
knows no app above it). The tables below hold the accounts pages, the API docs and the admin::

    from edgecamp.accounts.policy import allow
    from edgecamp.accounts.roles import SUPPLY

    WEB_ROUTES = {"shelter-allocation": allow(SUPPLY)}
    API_OPERATIONS = {"edgecamp.shelters.api.allocate": allow(SUPPLY, scope="distribute")}

A route without an entry is refused to everyone (403) and fails the policy test, which prints
the line to add. Row-level scoping (which sites' people) is not declared here: queries filter
by `edgecamp.core.access.scope_for(request.user)`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import import_module

from edgecamp.accounts.roles import (
    ADMINISTRATION,
    ALL_ROLES,
    AUDIT_READERS,
    TOKEN_SCOPES,
)


@dataclass(frozen=True)
class Access:
    roles: frozenset[str] = frozenset()
    # Open to anyone, signed in or not (the login page, the language switch).
    public: bool = False
    # API only: the token scope a bearer token needs (sessions are limited by role alone).
    scope: str | None = None

    def allows(self, role: str | None) -> bool:
        return self.public or (role is not None and role in self.roles)


PUBLIC = Access(public=True)


def allow(roles: Iterable[str], *, scope: str | None = None) -> Access:
    if scope is not None and scope not in TOKEN_SCOPES:
        raise ValueError(f"unknown token scope {scope!r}: use one of {sorted(TOKEN_SCOPES)}")
    return Access(roles=frozenset(roles), scope=scope)


WEB_ROUTES: dict[str, Access] = {
    # Accounts
    "login": PUBLIC,
    "logout": PUBLIC,
    "set_language": PUBLIC,
    "favicon": PUBLIC,
    "token-list": allow(ALL_ROLES),
    "token-revoke": allow(ALL_ROLES),
    "audit-log": allow(AUDIT_READERS),
    # API documentation (operations themselves are in API_OPERATIONS)
    "api:openapi-json": allow(ALL_ROLES),
    "api:openapi-view": allow(ALL_ROLES),
    "api:api-root": allow(ALL_ROLES),
    # Django admin: accounts and code lists; the records the services write are shown read-only.
    "admin:login": PUBLIC,
    "admin:*": allow(ADMINISTRATION),
}

# Every API operation belongs to an app and is declared in its access_policy.py.
API_OPERATIONS: dict[str, Access] = {}

POLICY_FILE = "src/edgecamp/accounts/policy.py"


@cache
def tables() -> tuple[dict[str, Access], dict[str, Access]]:
    """This module's tables merged with every `edgecamp.<app>.access_policy` module."""
    from django.apps import apps

    web, api = dict(WEB_ROUTES), dict(API_OPERATIONS)
    for config in apps.get_app_configs():
        if not config.name.startswith("edgecamp."):
            continue
        try:
            module = import_module(f"{config.name}.access_policy")
        except ModuleNotFoundError as missing:
            if missing.name != f"{config.name}.access_policy":
                raise
            continue
        for mine, theirs, label in (
            (web, getattr(module, "WEB_ROUTES", {}), "WEB_ROUTES"),
            (api, getattr(module, "API_OPERATIONS", {}), "API_OPERATIONS"),
        ):
            twice = mine.keys() & theirs.keys()
            if twice:
                raise ValueError(
                    f"{config.name}.access_policy.{label} declares {sorted(twice)} again: "
                    f"keep one entry, here or in {POLICY_FILE}"
                )
            mine.update(theirs)
    return web, api


def web_access(view_name: str | None) -> Access | None:
    if not view_name:
        return None
    web, _api = tables()
    if view_name in web:
        return web[view_name]
    namespace = view_name.rpartition(":")[0]
    return web.get(f"{namespace}:*") if namespace else None


def api_access(operation_key: str) -> Access | None:
    return tables()[1].get(operation_key)


def undeclared_web(view_name: str | None) -> str:
    return (
        f"No access policy for the page “{view_name or '(unnamed route)'}”: add "
        f'"{view_name}": allow(<roles>) to WEB_ROUTES in {POLICY_FILE} (or in the app\'s '
        "access_policy.py); an unnamed route needs name=… first."
    )


def undeclared_api(operation_key: str) -> str:
    return (
        f"No access policy for the API operation “{operation_key}”: add "
        f'"{operation_key}": allow(<roles>, scope="read"|"register"|"distribute") to '
        f"API_OPERATIONS in {POLICY_FILE} (or in the app's access_policy.py)."
    )
