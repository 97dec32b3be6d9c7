"""The household page's life-event actions: one page per kind with its form (GET), recorded
through `events.record_event` (POST); a refusal comes back on the form, each message on its
field. Works without JavaScript; every control is a plain form control, usable by keyboard."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from edgecamp.core.access import scope_for
from edgecamp.registry import events, queries
from edgecamp.registry.event_forms import KINDS, EventForm
from edgecamp.registry.models import Household


@require_http_methods(["GET", "POST"])
def household_event(request: HttpRequest, number: str, kind: str) -> HttpResponse:
    scope = scope_for(request.user)
    household = queries.household_detail(number, scope=scope, with_events=False)
    if household is None or kind not in KINDS:
        raise Http404(_("No household has the number %(number)s.") % {"number": number})
    if household.status == Household.Status.MERGED:
        raise Http404(_("Household %(number)s was closed as a duplicate.") % {"number": number})
    initial = {"corrects": request.GET.get("corrects", "")}
    if request.method == "POST":
        form = EventForm(kind, household, scope, request.POST, initial=initial)
        if form.is_valid():
            try:
                event = events.record_event(
                    number, form.to_input(), scope=scope, recorded_by=request.user
                )
            except events.HouseholdNotFound:
                raise Http404(number) from None
            except events.EventError as error:
                form.apply(error)
            else:
                messages.success(
                    request,
                    _("%(event)s recorded for household %(number)s.")
                    % {"event": event.get_kind_display(), "number": number},
                )
                return redirect("household-detail", number=number)
    else:
        form = EventForm(kind, household, scope, initial=initial)
    return render(
        request,
        "registry/event_form.html",
        {"household": household, "form": form, "kind": kind, "title": KINDS[kind]},
    )
