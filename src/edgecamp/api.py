"""The REST API (django-ninja) under /api/v1, with its OpenAPI schema at /api/v1/openapi.json
and interactive docs at /api/v1/docs."""

from ninja import NinjaAPI
from ninja.security import django_auth

import edgecamp

api = NinjaAPI(
    title="edgecamp API",
    version=edgecamp.__version__,
    description="Camp registry: sites, households and individuals.",
    auth=django_auth,
    urls_namespace="api",
)

# Routers register themselves here; imported last so they can import `api` if they need to.
from edgecamp.registry.api import router as registry_router  # noqa: E402
from edgecamp.shelters.api import router as shelters_router  # noqa: E402

api.add_router("/", shelters_router)
api.add_router("/", registry_router)
