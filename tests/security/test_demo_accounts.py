"""`edgecamp demo` (`make demo`) run on a database in use must not become an account-recovery
tool: it reset admin's password, reactivated a deactivated account and recreated a deleted one,
all with one printed password. Now it touches no existing account, ever, and creates the demo
accounts only in the run that creates the demo camp."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model

from edgecamp.cli import main
from edgecamp.demo import activity as demo_extras
from edgecamp.demo import camp as demo_data
from tests.accounts.factories import make_user
from tests.sites.factories import make_site

pytestmark = pytest.mark.django_db

OWN_PASSWORD = "their-own-pw-31"


def _accounts_in_use():
    admin = make_user("admin", superuser=True, password=OWN_PASSWORD)
    protection = make_user("protection", role="protection_officer", password=OWN_PASSWORD)
    protection.is_active = False
    protection.save(update_fields=["is_active"])
    return admin, protection


def _user(username: str):
    return get_user_model().objects.get(username=username)


def test_demo_on_a_camp_in_use_touches_no_account(capsys):
    make_site(name="Real Camp", code="real")
    _accounts_in_use()
    users_before = list(get_user_model().objects.order_by("pk").values())

    assert main(["demo", "--no-serve"]) == 0

    assert _user("admin").check_password(OWN_PASSWORD)
    assert not _user("protection").is_active
    assert not get_user_model().objects.filter(username="partner").exists()
    assert list(get_user_model().objects.order_by("pk").values()) == users_before
    err = capsys.readouterr().err
    assert "keeping it" in err
    assert "No account was created or changed" in err
    assert "password:" not in err


def test_demo_creating_its_camp_leaves_existing_accounts_as_they_are(monkeypatch, capsys):
    # An empty camp but accounts already there (an installation prepared by hand): the demo
    # creates only the accounts that are missing and names the ones it left alone.
    admin, _protection = _accounts_in_use()
    monkeypatch.setattr(
        demo_data, "load_synthetic_camp", lambda **_kw: make_site(name="Demo", code="demo")
    )
    monkeypatch.setattr(demo_extras, "load_demo_activity", lambda **_kw: "demo activity")

    assert main(["demo", "--no-serve"]) == 0

    assert _user("admin").password == admin.password
    assert not _user("protection").is_active
    assert _user("protection").check_password(OWN_PASSWORD)
    err = " ".join(capsys.readouterr().err.split())
    assert "left unchanged (password, role, active or not): admin, protection" in err
    assert "username: admin" not in err
    # The missing ones were created, with the password printed once.
    password = re.search(r"password: (\S+)", err).group(1)
    partner = _user("partner")
    assert partner.is_active
    assert partner.check_password(password)
    assert partner.staff_profile.role == "partner_viewer"
