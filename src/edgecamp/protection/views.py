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
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from edgecamp.core.access import Scope, scope_for
from edgecamp.core.paging import page_of, page_url
from edgecamp.protection import queries, services
from edgecamp.protection.forms import (
    NoteForm,
    TracingRequestForm,
    TracingStatusForm,
    prefilled_for,
)
from edgecamp.protection.models import TracingRequest
from edgecamp.registry.models import Household, Individual
from edgecamp.registry.panels import MemberAction

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
    request: HttpRequest,
    household: Household,
    form: Any,
    title: str,
    action: str,
    *,
    status: int = 422,
) -> HttpResponse:
    return render(
        request,
        "protection/form_page.html",
        {"household": household, "form": form, "title": title, "action": action},
        status=status,
    )


def _int(value: str | None) -> int:
    try:
        return int(value or "")
    except ValueError:
        return 0


def _request_url(found: TracingRequest) -> str:
    return reverse("household-detail", args=[found.household.number]) + f"#tracing-{found.pk}"


def tracing_actions(household: Household, scope: Scope) -> dict[int, list[MemberAction]] | None:
    """Beside the household page's members, for a protection officer of its site only: a
    member reported missing gets "open a tracing request" (prefilled with them), or a link to
    the request in progress for them, which says when they were reported found."""
    if not scope.sees_sensitive(household.site_id):
        return None
    members = list(household.members.all())
    in_progress = queries.requests_in_progress_for([m.pk for m in members], scope)
    actions: dict[int, list[MemberAction]] = {}
    for member in members:
        found = in_progress.get(member.pk)
        if found is not None:
            label = (
                _("Tracing request: reported found, review it")
                if found.found_event_id
                else _("Tracing request (%(status)s)")
                % {"status": found.get_status_display().lower()}
            )
            actions[member.pk] = [MemberAction(label, _request_url(found))]
        elif member.status == Individual.Status.MISSING:
            url = reverse("protection-tracing-add", args=[household.number])
            actions[member.pk] = [
                MemberAction(_("Open a tracing request"), f"{url}?sought={member.pk}")
            ]
    return actions


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


@require_http_methods(["GET", "POST"])
def tracing_add(request: HttpRequest, number: str) -> HttpResponse:
    """GET `?sought=<member id>`: the form prefilled for a member reported missing (or, when
    a request for them is in progress, that request on the household page); POST opens it."""
    household = _household(request, number)
    if request.method == "GET":
        person = household.members.filter(pk=_int(request.GET.get("sought"))).first()
        if person is None:
            return _back(household)
        existing = services.open_request_for(person.pk)
        if existing is not None:
            return redirect(_request_url(existing))
        form = TracingRequestForm(
            household=household,
            initial=prefilled_for(household, person, queries.missing_since(person)),
        )
        return _form_page(
            request,
            household,
            form,
            _("Open a tracing request"),
            reverse("protection-tracing-add", args=[household.number]),
            status=200,
        )
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
