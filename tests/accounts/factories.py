"""Factories for staff users and their profiles."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model

from edgecamp.accounts.models import StaffProfile
from edgecamp.sites.models import Site


def make_user(
    username: str = "clerk",
    *,
    superuser: bool = False,
    password: str = "pw-for-tests-9",
    role: str | None = None,
    sites: Iterable[Site] = (),
    all_sites: bool = False,
):
    """A user; with `role`, a staff profile at `sites` (or every site). A superuser without a
    role is an administrator of every site."""
    model = get_user_model()
    if superuser:
        user = model.objects.create_superuser(username=username, password=password)
    else:
        user = model.objects.create_user(username=username, password=password)
    if role is not None:
        profile = StaffProfile.objects.create(user=user, role=role, all_sites=all_sites)
        profile.sites.set(list(sites))
    return user
