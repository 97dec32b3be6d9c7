"""What part of the registry a signed-in user sees: which sites, and whether the
protection-sensitive records of those sites. Computed once per request from the staff profile
and passed to the shared queries (`edgecamp.registry.queries`), so the UI, the API and exports
filter alike."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from edgecamp.core.access import NOBODY, Role, Scope, scope_for


def scope_from_profile(user: Any) -> Scope:
    """The scope of a user: the staff profile's role and sites. A superuser without a profile
    is an administrator of every site (the account `edgecamp demo` and `createadmin` make)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return NOBODY
    cached = getattr(user, "_edgecamp_scope", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    from edgecamp.accounts.models import StaffProfile

    profile = StaffProfile.objects.filter(user=user).first()
    if profile is not None:
        scope = Scope(
            role=profile.role,
            all_sites=profile.all_sites,
            site_ids=frozenset(profile.sites.values_list("pk", flat=True)),
        )
    elif user.is_superuser:
        scope = Scope(role=Role.ADMINISTRATOR, all_sites=True)
    else:
        scope = NOBODY
    user._edgecamp_scope = scope
    return scope


def narrow_to_token(user: Any, token_scopes: Iterable[str]) -> None:
    """Limit the user's scope, for this request, to what the API token's scopes cover."""
    if "protect" not in token_scopes:
        user._edgecamp_scope = replace(scope_for(user), protect_scope=False)


def role_of(user: Any) -> str | None:
    return scope_for(user).role
