"""What part of the registry a signed-in user sees: which sites, and whether the
protection-sensitive records of those sites. Computed once per request from the staff profile
and passed to the shared queries (`edgecamp.registry.queries`), so the UI, the API and exports
filter alike."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from django.db.models import Q

from edgecamp.accounts.roles import Role


@dataclass(frozen=True)
class Scope:
    role: str | None
    all_sites: bool = False
    site_ids: frozenset[int] = frozenset()
    # False for a request made with an API token that lacks the `protect` scope: the token
    # then reads what any other role reads, whoever holds it.
    protect_scope: bool = True

    @property
    def protection(self) -> bool:
        """Protection officers, and only they, read protection-sensitive records (of their
        sites). Administrators manage accounts and do not."""
        return self.role == Role.PROTECTION_OFFICER and self.protect_scope

    def includes(self, site_id: int | None) -> bool:
        return site_id is not None and (self.all_sites or site_id in self.site_ids)

    def sees_sensitive(self, site_id: int | None) -> bool:
        return self.protection and self.includes(site_id)

    def sites_q(self, site_path: str) -> Q:
        """A filter keeping the rows whose `site_path` is one of the scope's sites."""
        if self.all_sites:
            return Q()
        return Q(**{f"{site_path}__in": sorted(self.site_ids)})

    def sensitive_hidden_q(self, site_path: str, code_field: str = "code") -> Q:
        """Rows to exclude from specific-needs records: sensitive codes outside the sites
        where this user is a protection officer."""
        from edgecamp.registry.codes import PROTECTION_SENSITIVE_NEEDS

        sensitive = Q(**{f"{code_field}__in": sorted(PROTECTION_SENSITIVE_NEEDS)})
        if not self.protection:
            return sensitive
        if self.all_sites:
            return Q(pk__in=[])
        return sensitive & ~Q(**{f"{site_path}__in": sorted(self.site_ids)})


NOBODY = Scope(role=None)


def scope_for(user: Any) -> Scope:
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
