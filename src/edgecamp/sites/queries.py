"""The one place that lists sites and their shelters, for every app above. Entry points pass the
user's `scope` (`edgecamp.core.access.scope_for`) to keep to their sites; `scope` None is
unrestricted, for internal callers only. Figures about who lives at a site (households, people)
are the registry's: `edgecamp.registry.queries.sites_with_counts`."""

from __future__ import annotations

from django.db.models import QuerySet

from edgecamp.core.access import Scope
from edgecamp.sites.models import Shelter, Site


def visible_sites(scope: Scope | None) -> QuerySet[Site]:
    if scope is None:
        return Site.objects.all()
    return Site.objects.filter(scope.sites_q("pk"))


def all_sites(*, scope: Scope | None = None) -> QuerySet[Site]:
    return visible_sites(scope).order_by("name")


def sites_open_for_registration(*, scope: Scope | None = None) -> QuerySet[Site]:
    return visible_sites(scope).exclude(status=Site.Status.CLOSED).order_by("name")


def site_by_code(code: str, *, scope: Scope | None = None) -> Site | None:
    return visible_sites(scope).filter(code=code).first()


def available_shelters(site_id: int) -> QuerySet[Shelter]:
    return (
        Shelter.objects.filter(block__site_id=site_id, status=Shelter.Status.AVAILABLE)
        .select_related("block")
        .order_by("block__code", "code")
    )
