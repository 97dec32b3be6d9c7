"""Protection casework in the staff UI: the section of the household page (for protection
officers of the site only), its forms, and the caseload of tracing requests. A household or
request outside the officer's sites answers 404, as if it did not exist."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from edgecamp.core.access import Scope, scope_for
from edgecamp.core.paging import page_of, page_url
from edgecamp.protection import queries, services
from edgecamp.protection.forms import (
    NoteForm,
    TracingRequestForm,
    TracingStatusForm,
)
from edgecamp.protection.models import TracingRequest
from edgecamp.registry.models import Household

REQUESTS_PER_PAGE = 50


def household_section(household: Household, scope: Scope) -> dict[str, Any] | None:
    """The context of the household page's protection section, or None (show nothing) for
    anyone but a protection officer of the household's site. Reading it is audited."""
    found = queries.read_household_protection(household, scope)
    if found is None:
        return None
    return {
        "notes": found.notes,
        "tracing_requests": found.tracing_requests,
        "note_form": NoteForm(household=household),
        "tracing_form": TracingRequestForm(household=household),
        "status_choices": TracingRequest.Status.choices,
    }


def _household(request: HttpRequest, number: str) -> Household:
    household = queries.protection_household(number, scope_for(request.user))
    if household is None:
        raise Http404(_("No household has the number %(number)s.") % {"number": number})
    return household


def _back(household: Household) -> HttpResponse:
    return redirect(reverse("household-detail", args=[household.number]) + "#protection")


def _form_page(
    request: HttpRequest, household: Household, form: Any, title: str, action: str
) -> HttpResponse:
    return render(
        request,
        "protection/form_page.html",
        {"household": household, "form": form, "title": title, "action": action},
        status=422,
    )


@require_POST
def note_add(request: HttpRequest, number: str) -> HttpResponse:
    household = _household(request, number)
    form = NoteForm(request.POST, household=household)
    if form.is_valid():
        try:
            services.add_note(
                household,
                text=form.cleaned_data["text"],
                individual_id=form.cleaned_data.get("individual"),
                written_by=request.user,
            )
        except services.ProtectionError as error:
            error.apply_to(form)
        else:
            messages.success(request, _("Confidential note saved."))
            return _back(household)
    return _form_page(
        request,
        household,
        form,
        _("Add a confidential note"),
        reverse("protection-note-add", args=[household.number]),
    )


@require_POST
def tracing_add(request: HttpRequest, number: str) -> HttpResponse:
    household = _household(request, number)
    form = TracingRequestForm(request.POST, household=household)
    if form.is_valid():
        try:
            services.open_tracing_request(household, form.to_input(), opened_by=request.user)
        except services.ProtectionError as error:
            error.apply_to(form)
        else:
            messages.success(request, _("Tracing request opened."))
            return _back(household)
    return _form_page(
        request,
        household,
        form,
        _("Open a tracing request"),
        reverse("protection-tracing-add", args=[household.number]),
    )


@require_POST
def tracing_status(request: HttpRequest, request_id: int) -> HttpResponse:
    found = queries.tracing_request(request_id, scope_for(request.user))
    if found is None:
        raise Http404(_("No tracing request has this id at your sites."))
    form = TracingStatusForm(request.POST)
    if form.is_valid():
        services.set_tracing_status(found, form.cleaned_data["status"])
        messages.success(request, _("Tracing request status changed."))
        return _back(found.household)
    return _form_page(
        request,
        found.household,
        form,
        _("Change the status of a tracing request"),
        reverse("protection-tracing-status", args=[found.pk]),
    )


@require_GET
def tracing_list(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    status = request.GET.get("status", "")
    if status not in TracingRequest.Status.values:
        status = ""
    page = page_of(request, queries.tracing_caseload(scope, status=status), REQUESTS_PER_PAGE)
    queries.record_reads(page.object_list)
    return render(
        request,
        "protection/tracing_list.html",
        {
            "page": page,
            "page_url": page_url(request),
            "status": status,
            "status_choices": TracingRequest.Status.choices,
        },
    )
