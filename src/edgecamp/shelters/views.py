"""Shelter pages: sites with their occupancy, proposing an allocation plan, reviewing it and
confirming or discarding it. Thin views: parse the request, call `queries` or `services`,
render. The list of plan lines also answers htmx with just the fragment it swaps."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from edgecamp.core.access import scope_for
from edgecamp.core.htmx import is_htmx
from edgecamp.core.paging import page_of, page_url
from edgecamp.shelters import condition, queries, services
from edgecamp.shelters.forms import ConditionForm, LineFilterForm, ProposeForm, ShelterFilterForm
from edgecamp.shelters.models import AllocationLine, AllocationPlan, explanation_in_words
from edgecamp.sites import queries as site_queries
from edgecamp.sites.models import OUT_OF_USE, Shelter, ShelterStatusChange, Site

LINES_PER_PAGE = 50
SITES_PER_PAGE = 50
SHELTERS_PER_PAGE = 50
UNMET_LABELS = {
    services.UNMET_ACCESSIBLE: gettext_lazy("accessible shelter"),
    services.UNMET_FACILITIES: gettext_lazy("near facilities"),
    services.UNMET_OWN_SHELTER: gettext_lazy("own shelter"),
    services.UNMET_HOUSING: gettext_lazy("a shelter"),
}


def _site_or_404(code: str, request: HttpRequest) -> Site:
    """The site, if it is one of the caller's: another site answers 404 like a missing one."""
    site = site_queries.site_by_code(code, scope=scope_for(request.user))
    if site is None:
        raise Http404(_("No site has the code %(code)s.") % {"code": code})
    return site


def _plan_or_404(plan_id: int, request: HttpRequest) -> AllocationPlan:
    plan = queries.plan_detail(plan_id, scope=scope_for(request.user))
    if plan is None:
        raise Http404(_("No allocation plan has this id."))
    return plan


@require_GET
def site_list(request: HttpRequest) -> HttpResponse:
    page = page_of(request, queries.sites_with_occupancy(scope_for(request.user)), SITES_PER_PAGE)
    return render(
        request,
        "shelters/site_list.html",
        {"sites": page.object_list, "page": page, "page_url": page_url(request)},
    )


@require_http_methods(["GET", "POST"])
def site_allocation(request: HttpRequest, site_code: str) -> HttpResponse:
    """The site's plans, and the form that proposes a new one."""
    site = _site_or_404(site_code, request)
    form = ProposeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.propose_plan(site, form.to_settings(), by=request.user)
        except services.AllocationError as error:
            form.apply_errors(error)
        else:
            messages.success(
                request,
                _("Plan proposed. Review it, then confirm it: nothing has changed yet."),
            )
            return redirect("allocation-plan", plan_id=plan.pk)
    occupancy = queries.sites_with_occupancy().get(pk=site.pk)
    return render(
        request,
        "shelters/site_allocation.html",
        {"site": occupancy, "form": form, "plans": queries.plans_for_site(site)},
    )


@dataclass(frozen=True)
class LineRow:
    line: AllocationLine
    unmet: list[str]
    explanation: str


@require_GET
def plan_detail(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = _plan_or_404(plan_id, request)
    form = LineFilterForm(request.GET)
    lines = queries.plan_lines(plan, **form.filters())  # type: ignore[arg-type]
    page = page_of(request, lines, LINES_PER_PAGE)
    rows = [
        LineRow(
            line,
            [str(UNMET_LABELS.get(key, key)) for key in line.unmet_needs.split()],
            explanation_in_words(line),
        )
        for line in page.object_list
    ]
    context = {
        "plan": plan,
        "metrics": plan.metrics,
        "gap_percent": _percent(plan.metrics.get("gap")),
        "blocks": plan.blocks,
        "changes": queries.change_counts(plan),
        "form": form,
        "page": page,
        "rows": rows,
        "page_url": page_url(request),
    }
    if is_htmx(request):
        response = render(request, "shelters/includes/plan_lines.html", context)
    else:
        response = render(request, "shelters/plan_detail.html", context)
    # The same URL answers with a fragment or a page: caches must keep them apart.
    response["Vary"] = ", ".join(filter(None, [response.get("Vary"), "HX-Request"]))
    return response


def _percent(value: object) -> float | None:
    return round(float(value) * 100, 2) if isinstance(value, int | float) else None


@require_POST
def plan_confirm(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = _plan_or_404(plan_id, request)
    try:
        outcome = services.confirm_plan(plan, by=request.user)
    except services.PlanConflict as conflict:
        messages.error(request, str(conflict))
    else:
        messages.success(
            request,
            ngettext(
                "Plan confirmed: %(n)d household changed shelter.",
                "Plan confirmed: %(n)d households changed shelter.",
                outcome.changed,
            )
            % {"n": outcome.changed},
        )
    return redirect("allocation-plan", plan_id=plan.pk)


@require_POST
def plan_discard(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = _plan_or_404(plan_id, request)
    try:
        services.discard_plan(plan, by=request.user)
    except services.PlanConflict as conflict:
        messages.error(request, str(conflict))
        return redirect("allocation-plan", plan_id=plan.pk)
    messages.success(request, _("Plan discarded; nothing was changed."))
    return redirect("site-allocation", site_code=plan.site.code)


# --- The shelters of a site ---------------------------------------------------------------------


@dataclass(frozen=True)
class ShelterRow:
    shelter: Shelter
    per_person_m2: Decimal | None
    under_standard: bool
    crowded: bool
    out_of_use: bool
    households: list[str]
    latest: ShelterStatusChange | None


@require_GET
def site_shelters(request: HttpRequest, site_code: str) -> HttpResponse:
    """Blocks and shelters of a site: capacity, occupants, m² per person, status with its
    reason; filtered, paged; each household living in a shelter can be moved from its row."""
    site = _site_or_404(site_code, request)
    blocks = list(queries.site_blocks(site))
    form = ShelterFilterForm([block.code for block in blocks], request.GET)
    page = page_of(request, queries.site_shelters(site, form.filters()), SHELTERS_PER_PAGE)
    ids = [shelter.pk for shelter in page.object_list]
    living = queries.households_living_in(ids)
    latest = queries.latest_changes(ids)
    rows = [
        ShelterRow(
            shelter,
            queries.per_person_m2(shelter),
            queries.under_standard(shelter),
            shelter.occupants > shelter.capacity,
            shelter.status in OUT_OF_USE,
            living.get(shelter.pk, []),
            latest.get(shelter.pk),
        )
        for shelter in page.object_list
    ]
    return render(
        request,
        "shelters/site_shelters.html",
        {
            "site": site,
            "blocks": blocks,
            "form": form,
            "page": page,
            "rows": rows,
            "page_url": page_url(request),
            "standard": queries.space_standard(),
            "back": request.get_full_path(),
        },
    )


@require_http_methods(["GET", "POST"])
def shelter_status(request: HttpRequest, site_code: str, shelter_id: int) -> HttpResponse:
    """Mark a shelter damaged, under repair, decommissioned or habitable again, and its
    history."""
    site = _site_or_404(site_code, request)
    shelter = queries.shelter_of_site(site, shelter_id)
    if shelter is None:
        raise Http404(_("No shelter of this site has this id."))
    form = ConditionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            outcome = condition.change_condition(
                shelter.pk, form.to_input(), scope=scope_for(request.user), by=request.user
            )
        except condition.ShelterNotFound:
            raise Http404(_("No shelter of this site has this id.")) from None
        except condition.ConditionError as error:
            error.apply_to(form)
        else:
            messages.success(
                request,
                _("Shelter %(shelter)s marked %(status)s.")
                % {
                    "shelter": shelter.label,
                    "status": outcome.change.get_condition_display().lower(),
                },
            )
            if outcome.to_move:
                messages.warning(
                    request,
                    ngettext(
                        "Household %(numbers)s still lives there: move it with the Move "
                        "button on the shelter's row.",
                        "Households %(numbers)s still live there: move them with the Move "
                        "buttons on the shelter's row.",
                        len(outcome.to_move),
                    )
                    % {"numbers": ", ".join(outcome.to_move)},
                )
            back = reverse("site-shelters", args=[site.code])
            return redirect(f"{back}?block={shelter.block.code}")
    return render(
        request,
        "shelters/shelter_status.html",
        {
            "site": site,
            "shelter": shelter,
            "row": ShelterRow(
                shelter,
                queries.per_person_m2(shelter),
                queries.under_standard(shelter),
                shelter.occupants > shelter.capacity,
                shelter.status in OUT_OF_USE,
                queries.households_living_in([shelter.pk]).get(shelter.pk, []),
                None,
            ),
            "form": form,
            "history": queries.status_history(shelter),
            "standard": queries.space_standard(),
        },
    )
