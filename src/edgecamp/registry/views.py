from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from edgecamp.registry.queries import bracket_labels, population_by_site


def dashboard(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "registry/dashboard.html",
        {"sites": population_by_site(timezone.localdate()), "brackets": bracket_labels()},
    )
