"""The access policy: which role may use which route. Enforcement (`middleware.py` for pages,
`api_access.py` for the REST API) and the test that walks every route
(`tests/test_access_policy.py`) read this one table, so what is declared is what happens.

Declaring a new route
---------------------
Web pages are keyed by their URL name (with its namespace: "admin:*" covers a namespace), API
operations by the dotted path of their view function (module + "." + function name). Either add
a line below, or, to keep an app's policy next to its code, create `edgecamp/<app>/access_policy.py`
holding `WEB_ROUTES` and/or `API_OPERATIONS` dicts of the same shape; they are merged here::

    from edgecamp.accounts.policy import allow
    from edgecamp.accounts.roles import SUPPLY

    WEB_ROUTES = {"shelter-allocation": allow(SUPPLY)}
    API_OPERATIONS = {"edgecamp.shelters.api.allocate": allow(SUPPLY, scope="distribute")}

A route without an entry is refused to everyone (403) and fails the policy test, which prints
the line to add. Row-level scoping (which sites' people) is not declared here: queries filter
by `edgecamp.accounts.scope.scope_for(request.user)`.
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
    CYCLE_PLANNING,
    MANAGEMENT,
    PERSONAL_DATA,
    REGISTRATION,
    SUPPLY,
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
    "token-list": allow(ALL_ROLES),
    "token-revoke": allow(ALL_ROLES),
    "audit-log": allow(AUDIT_READERS),
    # Registry
    "dashboard": allow(ALL_ROLES),
    "household-list": allow(PERSONAL_DATA),
    "household-detail": allow(PERSONAL_DATA),
    "household-register": allow(REGISTRATION),
    "household-member-form": allow(REGISTRATION),
    "household-shelter-options": allow(REGISTRATION),
    "duplicate-review": allow(MANAGEMENT),
    "duplicate-not-same": allow(MANAGEMENT),
    # Supply
    "warehouse-ledger": allow(SUPPLY),
    "shipment-list": allow(SUPPLY),
    "shipment-receive": allow(SUPPLY),
    "stock-position": allow(SUPPLY),
    "cycle-list": allow(SUPPLY | CYCLE_PLANNING),
    "cycle-create": allow(CYCLE_PLANNING),
    "cycle-detail": allow(SUPPLY | CYCLE_PLANNING),
    "cycle-start": allow(MANAGEMENT),
    "cycle-cards": allow(SUPPLY),
    "cycle-export": allow(SUPPLY),
    "redemption-desk": allow(SUPPLY),
    # Shelter allocation (plans list households by name)
    "shelter-sites": allow(MANAGEMENT),
    "site-allocation": allow(MANAGEMENT),
    "allocation-plan": allow(MANAGEMENT),
    "allocation-plan-confirm": allow(MANAGEMENT),
    "allocation-plan-discard": allow(MANAGEMENT),
    # API documentation (operations themselves are in API_OPERATIONS)
    "api:openapi-json": allow(ALL_ROLES),
    "api:openapi-view": allow(ALL_ROLES),
    "api:api-root": allow(ALL_ROLES),
    # Django admin: accounts, code lists, corrections. The admin checks model permissions too.
    "admin:login": PUBLIC,
    "admin:*": allow(ADMINISTRATION),
}

API_OPERATIONS: dict[str, Access] = {
    # Sites: counts only, no personal data
    "edgecamp.shelters.api.list_sites": allow(ALL_ROLES, scope="read"),
    "edgecamp.shelters.api.get_site": allow(ALL_ROLES, scope="read"),
    # Shelter allocation
    "edgecamp.shelters.api.propose_plan": allow(MANAGEMENT, scope="register"),
    "edgecamp.shelters.api.get_plan": allow(MANAGEMENT, scope="read"),
    "edgecamp.shelters.api.list_plan_lines": allow(MANAGEMENT, scope="read"),
    "edgecamp.shelters.api.confirm_plan": allow(MANAGEMENT, scope="register"),
    "edgecamp.shelters.api.discard_plan": allow(MANAGEMENT, scope="register"),
    # Registry
    "edgecamp.registry.api.list_households": allow(PERSONAL_DATA, scope="read"),
    "edgecamp.registry.api.get_household": allow(PERSONAL_DATA, scope="read"),
    "edgecamp.registry.api.get_individual": allow(PERSONAL_DATA, scope="read"),
    "edgecamp.registry.api.register_household": allow(REGISTRATION, scope="register"),
    "edgecamp.registry.api.check_duplicates": allow(REGISTRATION, scope="register"),
    # Stock
    "edgecamp.stock.api.list_items": allow(SUPPLY, scope="read"),
    "edgecamp.stock.api.list_warehouses": allow(SUPPLY, scope="read"),
    "edgecamp.stock.api.list_movements": allow(SUPPLY, scope="read"),
    "edgecamp.stock.api.list_pledges": allow(SUPPLY, scope="read"),
    "edgecamp.stock.api.list_shipments": allow(SUPPLY, scope="read"),
    "edgecamp.stock.api.post_receipt": allow(SUPPLY, scope="distribute"),
    "edgecamp.stock.api.post_transfer": allow(SUPPLY, scope="distribute"),
    "edgecamp.stock.api.post_loss": allow(SUPPLY, scope="distribute"),
    "edgecamp.stock.api.post_adjustment": allow(SUPPLY, scope="distribute"),
    "edgecamp.stock.api.post_pledge": allow(SUPPLY, scope="distribute"),
    "edgecamp.stock.api.post_shipment": allow(SUPPLY, scope="distribute"),
    "edgecamp.stock.api.receive_shipment": allow(SUPPLY, scope="distribute"),
    # Distributions
    "edgecamp.distributions.api.list_cycles": allow(SUPPLY | CYCLE_PLANNING, scope="read"),
    "edgecamp.distributions.api.get_cycle": allow(SUPPLY | CYCLE_PLANNING, scope="read"),
    "edgecamp.distributions.api.cycle_coverage": allow(SUPPLY, scope="read"),
    "edgecamp.distributions.api.stock_position": allow(SUPPLY, scope="read"),
    "edgecamp.distributions.api.cycle_hxl": allow(SUPPLY, scope="read"),
    "edgecamp.distributions.api.create_cycle": allow(CYCLE_PLANNING, scope="distribute"),
    "edgecamp.distributions.api.start_cycle": allow(MANAGEMENT, scope="distribute"),
    "edgecamp.distributions.api.verify_card": allow(SUPPLY, scope="distribute"),
    "edgecamp.distributions.api.redeem": allow(SUPPLY, scope="distribute"),
}

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
