from __future__ import annotations

from typing import TYPE_CHECKING

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from edgecamp.core.access import Scope


class SitesConfig(AppConfig):
    name = "edgecamp.sites"
    verbose_name = _("Sites and shelters")

    def ready(self) -> None:
        from edgecamp.audit import capture, queries

        # The audit log scopes its entries by site: a site's own entries are of that site.
        capture.SITE_MODELS.add("sites.site")
        # Its site filter lists the sites the reader sees.
        queries.provide_site_lister(_site_names)


def _site_names(scope: Scope) -> list[tuple[int, str]]:
    from edgecamp.sites.queries import all_sites

    return [(site.pk, site.name) for site in all_sites(scope=scope)]
