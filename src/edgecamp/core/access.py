"""Who may see what, in the words every layer uses: the staff roles, and a user's `Scope`
(role, sites, whether protection-sensitive records). The accounts app computes a user's scope
from the staff profile and provides it here at start-up (`provide_scopes`), so that the apps
beside it (the audit log) and above it filter by scope without importing accounts."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", _("Administrator")
    CAMP_MANAGER = "camp_manager", _("Camp manager")
    REGISTRATION_CLERK = "registration_clerk", _("Registration clerk")
    DISTRIBUTION_STAFF = "distribution_staff", _("Distribution staff")
    PROTECTION_OFFICER = "protection_officer", _("Protection officer")
    PARTNER_VIEWER = "partner_viewer", _("Partner viewer")


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

    def sensitive_hidden_q(
        self, site_path: str, sensitive_codes: Iterable[str], code_field: str = "code"
    ) -> Q:
        """Rows to exclude from coded records (specific needs): the `sensitive_codes` outside
        the sites where this user is a protection officer."""
        sensitive = Q(**{f"{code_field}__in": sorted(sensitive_codes)})
        if not self.protection:
            return sensitive
        if self.all_sites:
            return Q(pk__in=[])
        return sensitive & ~Q(**{f"{site_path}__in": sorted(self.site_ids)})


NOBODY = Scope(role=None)


NOBODY = Scope(role=None)

_provider: Callable[[Any], Scope] | None = None


def provide_scopes(provider: Callable[[Any], Scope]) -> None:
    """Called once by the accounts app: how a user's scope is found."""
    global _provider
    _provider = provider


def scope_for(user: Any) -> Scope:
    """The scope of a user (its role and sites); NOBODY for an anonymous or inactive one."""
    if _provider is None:
        raise ImproperlyConfigured("edgecamp.accounts provides scopes; it is not installed.")
    return _provider(user)
