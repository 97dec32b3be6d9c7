"""Every page and every API operation, requested for real by an anonymous visitor and by each of
the six roles, answers as the policy table (accounts/policy.py) declares. A route added without
a policy entry fails here with the line to add."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from edgecamp.accounts import policy
from edgecamp.accounts.middleware import REFUSED_HEADER
from edgecamp.accounts.roles import Role
from edgecamp.accounts.routes import web_routes
from edgecamp.api import api_operations

pytestmark = pytest.mark.django_db

WEB = sorted({(r.view_name or "", r.url) for r in web_routes()})
API = sorted({(op.key, op.method, op.url) for op in api_operations()})
ROLES = list(Role)


def test_every_route_is_declared():
    missing = [policy.undeclared_web(name) for name, _url in WEB if not policy.web_access(name)]
    missing += [policy.undeclared_api(key) for key, _m, _u in API if policy.api_access(key) is None]
    assert not missing, "\n".join(["Routes without an access policy:", *missing])


def test_the_walk_finds_pages_and_operations():
    names = {name for name, _url in WEB}
    assert {"dashboard", "household-detail", "audit-log", "login", "admin:index"} <= names
    assert ("edgecamp.registry.api.register_household", "POST", "/api/v1/households") in API


# One test per role (not per route): a signed-in client per route would cost more than the
# ~2,000 requests themselves. Each test lists every route that misbehaves.
@pytest.mark.parametrize("role", [None, *ROLES], ids=["anonymous", *ROLES])
def test_page_access_follows_the_policy(client_as, role):
    client = client_as(role)
    who = role or "anonymous"
    wrong = []
    for view_name, url in WEB:
        access = policy.web_access(view_name)
        if access is None:
            wrong.append(policy.undeclared_web(view_name))
            continue
        response = client.get(url)
        refused = response.get(REFUSED_HEADER)
        status = response.status_code
        if access.allows(role):
            # A view may still refuse for its own reasons (the admin's model permissions).
            if refused is not None or status == 401:
                wrong.append(f"{url} ({view_name}): refused ({status}), the policy allows {who}")
        elif role is None:
            # Sent to sign in, by Django's LoginRequiredMiddleware or by the policy; the
            # admin's views name their own login page.
            location = response.get("Location", "")
            if not (
                status == 401
                or (status == 302 and location.startswith(("/accounts/login/?", "/admin/login/")))
            ):
                wrong.append(f"{url} ({view_name}): {status}, not sent to sign in")
        elif status != 403 or refused != "role":
            wrong.append(f"{url} ({view_name}): {status}, the policy refuses {who}")
    assert not wrong, "\n".join([f"Pages where {who} is not treated as declared:", *wrong])


@pytest.mark.parametrize("role", [None, *ROLES], ids=["anonymous", *ROLES])
def test_api_access_follows_the_policy(client_as, role):
    client = client_as(role)
    who = role or "anonymous"
    wrong = []
    for key, method, url in API:
        access = policy.api_access(key)
        if access is None:
            wrong.append(policy.undeclared_api(key))
            continue
        response = client.generic(method, url, data=b"{}", content_type="application/json")
        status = response.status_code
        if access.allows(role):
            if response.get(REFUSED_HEADER) is not None or status in (401, 403):
                wrong.append(f"{method} {url} ({key}): {status}, the policy allows {who}")
        elif role is None:
            if status != 401:
                wrong.append(f"{method} {url} ({key}): {status}, not 401")
        elif status != 403 or response.get(REFUSED_HEADER) != "role":
            wrong.append(f"{method} {url} ({key}): {status}, the policy refuses {who}")
    assert not wrong, "\n".join([f"API operations where {who} is not as declared:", *wrong])


def test_a_user_without_a_role_is_refused_everywhere_but_public_pages(client):
    user = get_user_model().objects.create(username="nobody")
    client.force_login(user)
    assert client.get("/").status_code == 403
    assert "no role yet" in client.get("/").content.decode()
    assert client.get("/api/v1/households").status_code == 403
    assert client.get("/accounts/login/").status_code == 200


def test_an_undeclared_route_is_refused_with_how_to_fix_it(logged_in_client, monkeypatch):
    monkeypatch.delitem(policy.tables()[0], "dashboard")
    response = logged_in_client.get("/")
    assert response.status_code == 403
    assert "WEB_ROUTES" in response.content.decode()
    monkeypatch.delitem(policy.tables()[1], "edgecamp.registry.api.list_households")
    response = logged_in_client.get("/api/v1/households")
    assert response.status_code == 403
    assert "API_OPERATIONS" in response.json()["detail"]


def test_app_policy_modules_are_merged_and_must_not_repeat_entries(monkeypatch):
    import sys
    import types

    module = types.ModuleType("edgecamp.partners.access_policy")
    module.WEB_ROUTES = {"partner-page": policy.allow({Role.CAMP_MANAGER})}  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "edgecamp.partners.access_policy", module)
    policy.tables.cache_clear()
    try:
        assert policy.web_access("partner-page") == policy.allow({Role.CAMP_MANAGER})
        module.WEB_ROUTES = {"dashboard": policy.PUBLIC}  # type: ignore[attr-defined]
        policy.tables.cache_clear()
        with pytest.raises(ValueError, match="declares"):
            policy.tables()
    finally:
        monkeypatch.delitem(sys.modules, "edgecamp.partners.access_policy")
        policy.tables.cache_clear()
