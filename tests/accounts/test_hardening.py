"""Sign-in lockout, idle timeout, cookie flags, CSP, no caching of personal pages, API tokens."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client, override_settings
from django.utils import timezone

from edgecamp.accounts.models import ApiToken, LoginThrottle
from tests.accounts.factories import make_user
from tests.registry.factories import make_household
from tests.sites.factories import make_site

pytestmark = pytest.mark.django_db
PASSWORD = "pw-for-tests-9"


def _log_in(client, username, password=PASSWORD, address="10.0.0.1"):
    return client.post(
        "/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address
    )


def test_five_failures_lock_the_username_with_a_clear_message(client):
    make_user("clerk", role="registration_clerk", all_sites=True)
    for _ in range(5):
        assert "correct username" in _log_in(client, "clerk", "wrong").content.decode()
    # Even the right password is refused while locked, from any address.
    response = _log_in(client, "clerk", address="10.0.0.2")
    assert response.status_code == 200
    assert "locked for 15 more minutes" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # An administrator unlocks (admin action "Unlock" deletes the counters).
    LoginThrottle.objects.all().delete()
    assert _log_in(client, "clerk").status_code == 302


def test_many_failures_from_one_address_lock_the_address(client):
    make_user("clerk", role="registration_clerk", all_sites=True)
    with override_settings(EDGECAMP_LOGIN_MAX_FAILURES_PER_ADDRESS=3):
        for name in ("a", "b", "c"):
            _log_in(client, name, "wrong")
        assert "locked" in _log_in(client, "clerk").content.decode()
        assert _log_in(client, "clerk", address="10.0.0.9").status_code == 302


def test_old_failures_expire(client):
    make_user("clerk", role="registration_clerk", all_sites=True)
    for _ in range(4):
        _log_in(client, "clerk", "wrong")
    LoginThrottle.objects.update(first_failure_at=timezone.now() - timedelta(hours=1))
    _log_in(client, "clerk", "wrong")
    assert _log_in(client, "clerk").status_code == 302


def test_the_admin_login_is_locked_too(client):
    make_user("boss", superuser=True)
    for _ in range(5):
        client.post("/admin/login/", {"username": "boss", "password": "wrong"})
    response = client.post("/admin/login/", {"username": "boss", "password": PASSWORD})
    assert "locked" in response.content.decode()


def test_idle_sessions_expire_after_the_configured_minutes(logged_in_client):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST
    assert logged_in_client.get("/").status_code == 200
    session = Session.objects.get()
    left = session.expire_date - timezone.now()
    assert timedelta(minutes=29) < left <= timedelta(minutes=30)
    # Thirty idle minutes later the session is gone.
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = logged_in_client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_cookie_flags(client, admin_user):
    response = client.post("/accounts/login/", {"username": "manager", "password": PASSWORD})
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session["httponly"]
    assert session["samesite"] == "Lax"
    csrf = client.get("/accounts/login/").cookies[settings.CSRF_COOKIE_NAME]
    assert csrf["samesite"] == "Lax"
    with override_settings(SESSION_COOKIE_SECURE=True, CSRF_COOKIE_SECURE=True):
        secure = Client().post("/accounts/login/", {"username": "manager", "password": PASSWORD})
        assert secure.cookies[settings.SESSION_COOKIE_NAME]["secure"]


def test_every_form_carries_a_csrf_token_and_posts_need_it(admin_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    html = client.get("/households/new/").content.decode()
    assert html.count("csrfmiddlewaretoken") >= html.count('method="post"')
    assert client.post("/households/new/", {}).status_code == 403
    assert client.post("/accounts/tokens/", {"name": "x", "scopes": ["read"]}).status_code == 403


def test_csp_without_unsafe_inline_on_pages_and_the_admin(logged_in_client):
    for url in ("/", "/admin/", "/accounts/login/"):
        policy = logged_in_client.get(url)["Content-Security-Policy"]
        assert "script-src 'self'" in policy
        assert "unsafe-inline" not in policy


def test_pages_with_personal_data_are_not_cached(logged_in_client):
    household = make_household(make_site())
    response = logged_in_client.get(f"/households/{household.number}/")
    assert "no-store" in response["Cache-Control"]


def test_api_tokens_are_hashed_scoped_revocable_and_need_no_csrf(client):
    site = make_site()
    household = make_household(site)
    user = make_user("desk", role="registration_clerk", sites=[site])
    client.force_login(user)
    page = client.post("/accounts/tokens/", {"name": "tablet", "scopes": ["read"]})
    secret = page.context["secret"]
    assert secret.startswith("ec_")
    assert secret in page.content.decode()
    stored = ApiToken.objects.get()
    assert secret not in (stored.key_hash, stored.prefix)
    assert len(stored.key_hash) == 64
    # Shown once: the list no longer holds it.
    assert secret not in client.get("/accounts/tokens/").content.decode()

    api = Client(enforce_csrf_checks=True)
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    assert api.get(f"/api/v1/households/{household.number}", **bearer).status_code == 200
    # The token lacks "register": refused, though the clerk's role could register.
    payload = {"site": site.pk, "members": []}
    refused = api.post("/api/v1/households", payload, content_type="application/json", **bearer)
    assert refused.status_code == 403
    assert "register" in refused.json()["detail"]

    client.post(f"/accounts/tokens/{stored.pk}/revoke/")
    assert api.get("/api/v1/households", **bearer).status_code == 401
    assert api.get("/api/v1/households", HTTP_AUTHORIZATION="Bearer ec_nonsense").status_code == 401


def test_a_register_token_writes_without_csrf(client):
    site = make_site()
    user = make_user("desk", role="registration_clerk", sites=[site])
    client.force_login(user)
    secret = client.post(
        "/accounts/tokens/", {"name": "tablet", "scopes": ["read", "register"]}
    ).context["secret"]
    payload = {
        "site": site.pk,
        "members": [
            {"relationship": "focal_point", "sex": "male", "given_name": "Adam", "family_name": "Y"}
        ],
    }
    response = Client(enforce_csrf_checks=True).post(
        "/api/v1/households",
        payload,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert response.status_code == 201


def test_a_role_cannot_grant_scopes_beyond_it(client):
    client.force_login(make_user("viewer", role="partner_viewer", all_sites=True))
    response = client.post("/accounts/tokens/", {"name": "x", "scopes": ["register"]})
    assert ApiToken.objects.count() == 0
    assert response.status_code == 200


@pytest.mark.real_password_hashing
@pytest.mark.django_db
def test_passwords_are_stored_with_argon2():
    """The tests hash with MD5 for speed (conftest.py); the application itself uses Argon2."""
    user = make_user("hashed-for-real", password="a long passphrase for the camp")
    assert user.password.startswith("argon2$")
    assert user.check_password("a long passphrase for the camp")
