"""Shelter pages: sites with their occupancy, proposing an allocation plan, reviewing it and
confirming or discarding it. Thin views: parse the request, call `queries` or `services`,
render. The list of plan lines also answers htmx with just the fragment it swaps."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from edgecamp.core.access import scope_for
from edgecamp.core.htmx import is_htmx
from edgecamp.core.paging import page_of, page_url
from edgecamp.shelters import queries, services
from edgecamp.shelters.forms import LineFilterForm, ProposeForm
from edgecamp.shelters.models import AllocationLine, AllocationPlan, explanation_in_words
from edgecamp.sites import queries as site_queries
from edgecamp.sites.models import Site

LINES_PER_PAGE = 50
SITES_PER_PAGE = 50
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
