from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path
from django.views.i18n import set_language

from edgecamp.accounts.views import SignInView
from edgecamp.api import api


@login_not_required
def favicon(request: HttpRequest) -> HttpResponsePermanentRedirect:
    """Browsers ask for /favicon.ico whatever a page links (the admin's pages link none)."""
    return HttpResponsePermanentRedirect(static("edgecamp/favicon.svg"))


urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("accounts/login/", SignInView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Open to anonymous users too, so the login page can switch language.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("favicon.ico", favicon, name="favicon"),
    path("accounts/", include("edgecamp.accounts.urls")),
    path("audit/", include("edgecamp.audit.urls")),
    path("protection/", include("edgecamp.protection.urls")),
    path("supply/", include("edgecamp.stock.urls")),
    path("supply/", include("edgecamp.distributions.urls")),
    path("shelters/", include("edgecamp.shelters.urls")),
    path("verification/", include("edgecamp.verification.urls")),
    path("exports/", include("edgecamp.exports.urls")),
    path("", include("edgecamp.registry.urls")),
]
