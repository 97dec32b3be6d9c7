"""Supply pages: stock position, distribution cycles with coverage, ration cards and the
redemption desk. Thin views: parse the request, call `queries` or `services`, render. htmx
requests to the desk get only the desk panel; everything works without JavaScript too."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from edgecamp.core.access import scope_for
from edgecamp.core.htmx import is_htmx
from edgecamp.core.paging import page_of, page_url
from edgecamp.distributions import queries, services
from edgecamp.distributions.cards import card_code
from edgecamp.distributions.export import hxl_csv_response
from edgecamp.distributions.forms import (
    CardLookupForm,
    CardReasonForm,
    CycleForm,
    RedeemForm,
    ScanForm,
    apply_supply_errors,
)
from edgecamp.distributions.jobs import cards_by_job, cards_file_name, start_cards_job
from edgecamp.distributions.models import Cycle, RationCard
from edgecamp.distributions.pdf import Card, cards_pdf, ration_cards_pdf
from edgecamp.jobs.services import JobAlreadyRunning
from edgecamp.registry.models import Household
from edgecamp.stock import queries as stock_queries
from edgecamp.stock.services import SupplyError

SESSION_DESK = "distribution_desk"
CYCLES_PER_PAGE = 50
POSITION_ROWS_PER_PAGE = 100


def _cycle_or_404(cycle_id: int, request: HttpRequest) -> Cycle:
    """The cycle, if it is at one of the caller's sites: another site's answers 404 like a
    missing one."""
    cycle = queries.cycle_detail(cycle_id, scope=scope_for(request.user))
    if cycle is None:
        raise Http404(_("No distribution cycle has this id."))
    return cycle


@require_GET
def stock_position(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    rows = queries.stock_position(scope=scope)
    page = page_of(request, rows, POSITION_ROWS_PER_PAGE)
    return render(
        request,
        "distributions/stock_position.html",
        {
            "rows": page.object_list,
            "page": page,
            "page_url": page_url(request),
            "breaks": sum(row.pipeline_break for row in rows),
            "distributed": queries.distributed_by_item_and_site(scope),
            "warehouses": stock_queries.warehouses(scope=scope),
        },
    )


@require_GET
def cycle_list(request: HttpRequest) -> HttpResponse:
    page = page_of(request, queries.cycles(scope_for(request.user)), CYCLES_PER_PAGE)
    return render(
        request,
        "distributions/cycle_list.html",
        {"cycles": page.object_list, "page": page, "page_url": page_url(request)},
    )


@require_http_methods(["GET", "POST"])
def cycle_create(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    form = CycleForm(request.POST or None, scope=scope)
    if request.method == "POST" and form.is_valid():
        try:
            cycle = services.create_cycle(form.to_input(), scope=scope)
        except SupplyError as error:
            form.apply_errors(error)
        else:
            messages.success(
                request,
                _("Cycle “%(name)s” created as a draft. Start it to fix its list.")
                % {"name": cycle.name},
            )
            return redirect("cycle-detail", cycle_id=cycle.pk)
    return render(request, "distributions/cycle_form.html", {"form": form})


@require_GET
def cycle_detail(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = _cycle_or_404(cycle_id, request)
    context: dict[str, object] = {
        "cycle": cycle,
        "coverage": queries.coverage(cycle),
        "target_needs": queries.shown_target_needs(cycle, scope_for(request.user)),
        # Cards can be printed one block at a time (the desk of each block).
        "card_blocks": list(
            cycle.entitlements.exclude(household__shelter__isnull=True)
            .order_by("household__shelter__block__code")
            .values_list("household__shelter__block__code", flat=True)
            .distinct()
        ),
        # Above the threshold, the cards are made by a background job (buttons, not links).
        "cards_by_job": cards_by_job(cycle),
        # By their labels (the page said "active").
        "target_statuses": [
            Household.Status(status).label
            for status in cycle.target_statuses
            if status in Household.Status.values
        ],
    }
    if cycle.status == Cycle.Status.DRAFT:
        planned = queries.planned_requirement(cycle)
        context["planned"] = [(rule, planned.get(rule.item_id, 0)) for rule in cycle.rules.all()]
        # Warned before starting; the start asks for a reason then (services.start_cycle).
        context["shortfall"] = queries.stock_shortfall(cycle, planned)
    else:
        context["started_short"] = queries.recorded_shortfall(cycle)
    return render(request, "distributions/cycle_detail.html", context)


@require_POST
def cycle_start(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = _cycle_or_404(cycle_id, request)
    try:
        households = services.start_cycle(
            cycle.pk,
            started_by=request.user,
            shortfall_reason=request.POST.get("shortfall_reason", ""),
        )
    except SupplyError as error:
        for problems in error.errors.values():
            for problem in problems:
                messages.error(request, problem)
    else:
        messages.success(
            request,
            ngettext(
                "Cycle started: %(n)d household on its list.",
                "Cycle started: %(n)d households on its list.",
                households,
            )
            % {"n": households},
        )
    return redirect("cycle-detail", cycle_id=cycle.pk)


@require_http_methods(["GET", "POST"])
def cycle_cards(request: HttpRequest, cycle_id: int) -> HttpResponse:
    """The cycle's cards (one block's with `?block=`) as a PDF; above the settings' threshold
    of households a POST queues them as a background job (the cycle page's buttons) and a GET
    sends the reader back to the cycle page to do so."""
    cycle = _cycle_or_404(cycle_id, request)
    if cycle.status == Cycle.Status.DRAFT:
        messages.error(request, _("Start the cycle first: cards are printed for its fixed list."))
        return redirect("cycle-detail", cycle_id=cycle.pk)
    block = request.GET.get("block", "").strip()[:20] or None
    # ?photos=1: with the households' photos (personal data: the answer is never cached).
    photos = request.GET.get("photos", "") == "1"
    if cards_by_job(cycle, block):
        if request.method != "POST":
            messages.info(
                request,
                _(
                    "These cards are for more than %(limit)d households: they are made in the "
                    "background. Press “Make the ration cards (PDF)” to start."
                )
                % {"limit": settings.EDGECAMP_CARDS_JOB_ABOVE},
            )
            return redirect("cycle-detail", cycle_id=cycle.pk)
        try:
            job = start_cards_job(
                cycle, block, user=request.user, scope=scope_for(request.user), photos=photos
            )
        except JobAlreadyRunning as running:
            messages.info(request, _("These cards are being made already."))
            return redirect("job-detail", job_id=running.job.pk)
        messages.success(
            request,
            _("The cards are being made in the background; download them here when done."),
        )
        return redirect("job-detail", job_id=job.pk)
    response = HttpResponse(
        ration_cards_pdf(cycle, block=block, photos=photos), content_type="application/pdf"
    )
    response["Cache-Control"] = "private, no-store"
    response["Content-Disposition"] = f'attachment; filename="{cards_file_name(cycle, block)}"'
    return response


@require_GET
def cycle_export(request: HttpRequest, cycle_id: int) -> HttpResponse:
    return hxl_csv_response(_cycle_or_404(cycle_id, request))


@require_http_methods(["GET", "POST"])
def redemption_desk(request: HttpRequest, cycle_id: int) -> HttpResponse:
    """Scan or type → household summary and entitlement → confirm → handed out."""
    cycle = _cycle_or_404(cycle_id, request)
    desk = request.session.get(SESSION_DESK, "")
    context: dict[str, object] = {"cycle": cycle, "scan_form": ScanForm()}
    action = request.POST.get("action", "")
    if request.method == "POST" and action == "verify":
        scan_form = ScanForm(request.POST)
        context["scan_form"] = scan_form
        if scan_form.is_valid():
            try:
                entitlement = services.find_entitlement(cycle, scan_form.cleaned_data["code"])
            except SupplyError as error:
                apply_supply_errors(scan_form, error, {})
            else:
                summary = queries.entitlement_summary(entitlement)
                context["summary"] = summary
                if summary.redemption is None:
                    context["redeem_form"] = RedeemForm(
                        initial={"code": scan_form.cleaned_data["code"], "desk": desk}
                    )
    elif request.method == "POST" and action == "redeem":
        redeem_form = RedeemForm(request.POST)
        if redeem_form.is_valid():
            request.session[SESSION_DESK] = redeem_form.cleaned_data["desk"]
            try:
                outcome = services.redeem(
                    cycle.pk, redeem_form.to_input(), redeemed_by=request.user
                )
            except SupplyError as error:
                apply_supply_errors(redeem_form, error, {})
                _keep_summary(context, cycle, redeem_form)
                context["redeem_form"] = redeem_form
            else:
                summary = queries.entitlement_summary(outcome.redemption.entitlement)
                context["result"] = outcome
                context["summary"] = summary
        else:
            _keep_summary(context, cycle, redeem_form)
            context["redeem_form"] = redeem_form
    template = (
        "distributions/includes/desk_panel.html"
        if is_htmx(request)
        else ("distributions/desk.html")
    )
    response = render(request, template, context)
    response["Vary"] = "HX-Request"
    return response


def _keep_summary(context: dict[str, object], cycle: Cycle, form: RedeemForm) -> None:
    """Show the household again next to a form that needs correcting."""
    try:
        entitlement = services.find_entitlement(cycle, form.data.get("code", ""))
    except SupplyError:
        return
    context["summary"] = queries.entitlement_summary(entitlement)


# --- Ration cards: reissue and revocation ------------------------------------------------------


def _card_household_or_404(request: HttpRequest, number: str) -> Household:
    household = queries.card_household(number, scope=scope_for(request.user))
    if household is None:
        raise Http404(_("No household has this number at your sites."))
    return household


@require_GET
def ration_card(request: HttpRequest) -> HttpResponse:
    """Look a household's card up (number typed or card scanned), see its history, and
    reissue or revoke it."""
    lookup = CardLookupForm(request.GET or None)
    context: dict[str, object] = {"lookup": lookup}
    if request.GET and lookup.is_valid():
        household = queries.card_household(lookup.number(), scope=scope_for(request.user))
        if household is None:
            lookup.add_error("household", _("No household has this number at your sites."))
        else:
            context.update(_card_context(household))
    return render(request, "distributions/ration_card.html", context)


def _card_context(household: Household, **forms: object) -> dict[str, object]:
    history = queries.card_history(household)
    current = history[0] if history else RationCard(household=household, issue=1)
    return {
        "household": household,
        "history": history,
        "current": current,
        "current_code": card_code(household.number, current.issue),
        "reissue_form": forms.get("reissue_form", CardReasonForm(prefix="reissue")),
        "revoke_form": forms.get("revoke_form", CardReasonForm(prefix="revoke")),
    }


@require_POST
def ration_card_reissue(request: HttpRequest, number: str) -> HttpResponse:
    return _card_action(
        request,
        number,
        "reissue",
        lambda household, reason: services.reissue_card(
            household.pk, reason, issued_by=request.user
        ),
        _(
            "Card no. %(issue)d issued to %(number)s; the earlier card is refused from "
            "now on. Print the new card below."
        ),
    )


@require_POST
def ration_card_revoke(request: HttpRequest, number: str) -> HttpResponse:
    return _card_action(
        request,
        number,
        "revoke",
        lambda household, reason: services.revoke_card(
            household.pk, reason, revoked_by=request.user
        ),
        _(
            "Card no. %(issue)d of %(number)s revoked: no card of the household is "
            "accepted until a new one is issued."
        ),
    )


def _card_action(
    request: HttpRequest,
    number: str,
    prefix: str,
    act: Callable[[Household, str], RationCard],
    done: str,
) -> HttpResponse:
    """Reissue or revoke: the reason form named `prefix`, the service `act`, the `done`
    message (with %(issue)d and %(number)s); back to the card page, or the page again with
    the form's errors."""
    household = _card_household_or_404(request, number)
    form = CardReasonForm(request.POST, prefix=prefix)
    if form.is_valid():
        try:
            card = act(household, form.cleaned_data["reason"])
        except SupplyError as error:
            apply_supply_errors(form, error, {"household": "reason"})
        else:
            messages.success(request, done % {"issue": card.issue, "number": household.number})
            return redirect(f"{reverse('ration-card')}?household={household.number}")
    context = _card_context(household, **{f"{prefix}_form": form})
    return render(request, "distributions/ration_card.html", context, status=422)


@require_GET
def ration_card_pdf(request: HttpRequest, number: str) -> HttpResponse:
    """The household's current card, to print (e.g. after a reissue)."""
    household = _card_household_or_404(request, number)
    current = services.current_card(household)
    if current.status == RationCard.Status.REVOKED:
        messages.error(request, _("This household's card is revoked: issue a new card first."))
        return redirect(f"{reverse('ration-card')}?household={household.number}")
    pdf = cards_pdf(
        [Card(household.number, queries.household_size_now(household), current.issue)],
        title=_("Ration card %(number)s") % {"number": household.number},
        site_name=household.site.name,
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="ration-card-{household.number}-{current.issue}.pdf"'
    )
    return response
