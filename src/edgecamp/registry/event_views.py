"""The household page's life-event actions: one page per kind with its form (GET), recorded
through `events.record_event` (POST); a refusal comes back on the form, each message on its
field. Works without JavaScript; every control is a plain form control, usable by keyboard."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
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
    # Links from other pages prefill the form: the shelters page's Move gives the reason and
    # where to come back to.
    initial = {
        "corrects": request.GET.get("corrects", ""),
        "reason": request.GET.get("reason", ""),
    }
    back = _safe_next(request)
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
                return redirect(back) if back else redirect("household-detail", number=number)
    else:
        form = EventForm(kind, household, scope, initial=initial)
    return render(
        request,
        "registry/event_form.html",
        {
            "household": household,
            "form": form,
            "kind": kind,
            "title": KINDS[kind],
            "next": back,
        },
    )


def _safe_next(request: HttpRequest) -> str:
    """`next` when it is a path of this site (never another host: no open redirect)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""
