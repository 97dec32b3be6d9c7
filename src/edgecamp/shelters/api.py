"""Sites: where the camp's households live, with the size of each."""

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router
from ninja.errors import HttpError
from ninja.pagination import paginate

from edgecamp.registry import queries
from edgecamp.registry.schemas import Pages, Problem
from edgecamp.shelters.models import Site
from edgecamp.shelters.schemas import SiteDetail, SiteOut

router = Router(tags=["sites"])


@router.get("/sites", response=list[SiteOut], summary="List sites")
@paginate(Pages)
def list_sites(request: HttpRequest) -> QuerySet[Site]:
    """Sites by name, with their blocks, shelters and active households counted."""
    return queries.sites_with_counts()


@router.get("/sites/{site_id}", response={200: SiteDetail, 404: Problem}, summary="Get a site")
def get_site(request: HttpRequest, site_id: int) -> Site:
    """One site, with its active people counted as well."""
    site = queries.site_with_counts(site_id)
    if site is None:
        raise HttpError(
            404, _("No site has the id %(id)d; GET /api/v1/sites lists them.") % {"id": site_id}
        )
    return site
