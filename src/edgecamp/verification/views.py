"""Verification pages: the rounds (and opening one), the desk (find a household, mark its
members present or absent, confirm), closing a round after a confirmation page, and the
report with its CSV. Thin views: parse the request, call `queries` or `services`, render.
Everything works with the keyboard and without JavaScript."""

from __future__ import annotations

import io

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from edgecamp import csvio
from edgecamp.core.access import scope_for
from edgecamp.core.errors import Refused
from edgecamp.verification import queries, services
from edgecamp.verification.forms import (
    ConfirmForm,
    FindForm,
    NewMemberFormSet,
    OpenRoundForm,
    apply_new_member_errors,
    new_members_of,
)
from edgecamp.verification.models import Round

SESSION_DESK = "verification_desk"


def _round_or_404(request: HttpRequest, round_id: int) -> Round:
    found = queries.round_detail(round_id, scope=scope_for(request.user))
    if found is None:
        raise Http404(_("No verification round has this id."))
    return found


@require_GET
def round_list(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    return render(
        request,
        "verification/round_list.html",
        {"rounds": queries.rounds(scope), "form": OpenRoundForm(scope=scope)},
    )


@require_POST
def round_open(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    form = OpenRoundForm(request.POST, scope=scope)
    if form.is_valid():
        try:
            opened = services.open_round(form.to_input(), opened_by=request.user, scope=scope)
        except services.VerificationError as error:
            error.apply_to(form)
        else:
            messages.success(
                request,
                _("Round “%(name)s” is open: desks can confirm households.")
                % {"name": opened.name},
            )
            return redirect("verification-desk", round_id=opened.pk)
    return render(
        request,
        "verification/round_list.html",
        {"rounds": queries.rounds(scope), "form": form},
        status=422,
    )


@require_http_methods(["GET", "POST"])
def desk(request: HttpRequest, round_id: int) -> HttpResponse:
    """Find (by card code, number or name) → the household's members → confirm."""
    round_ = _round_or_404(request, round_id)
    scope = scope_for(request.user)
    context: dict[str, object] = {"round": round_, "find_form": FindForm()}
    if request.method == "POST":
        number = request.POST.get("household", "")
        household = queries.desk_household(round_, number, scope=scope)
        if household is None:
            raise Http404(_("No household of this site has this number."))
        form = ConfirmForm(request.POST, members=household.active_members)  # type: ignore[attr-defined]
        if "add_new_member" in request.POST:
            # One more row for a new person, without JavaScript: the same form again.
            data = request.POST.copy()
            total = f"{NEW_MEMBERS}-TOTAL_FORMS"
            data[total] = str(min(_int(data.get(total)) + 1, services.MAX_NEW_PEOPLE))
            context.update(
                household=household,
                confirm_form=ConfirmForm(data, members=household.active_members),  # type: ignore[attr-defined]
                new_members=NewMemberFormSet(data, prefix=NEW_MEMBERS),
            )
            return render(request, "verification/desk.html", context)
        # A client posting no new-person rows at all (no management form) records nobody new.
        posted_rows = f"{NEW_MEMBERS}-TOTAL_FORMS" in request.POST
        new_members = NewMemberFormSet(request.POST if posted_rows else None, prefix=NEW_MEMBERS)
        valid = form.is_valid()
        if (not posted_rows or new_members.is_valid()) and valid:
            request.session[SESSION_DESK] = form.cleaned_data["desk"]
            try:
                confirmation = services.confirm_household(
                    round_.pk,
                    form.to_input(new_members_of(new_members) if posted_rows else ()),
                    confirmed_by=request.user,
                    scope=scope,
                )
            except Refused as error:
                rest = apply_new_member_errors(error, new_members)
                rest.apply_to(form, renamed={"present": "__all__", "absent": "__all__"})
            else:
                messages.success(request, _confirmed_message(confirmation))
                return redirect("verification-desk", round_id=round_.pk)
        context.update(household=household, confirm_form=form, new_members=new_members)
        return render(request, "verification/desk.html", context, status=422)
    if "household" in request.GET:
        household = queries.desk_household(round_, request.GET["household"], scope=scope)
        if household is None:
            raise Http404(_("No household of this site has this number."))
        context["household"] = household
        if household.confirmation is None:  # type: ignore[attr-defined]
            context["confirm_form"] = ConfirmForm(
                initial={
                    "household": household.number,
                    "desk": request.session.get(SESSION_DESK, ""),
                },
                members=household.active_members,  # type: ignore[attr-defined]
            )
            context["new_members"] = NewMemberFormSet(prefix=NEW_MEMBERS)
    elif "q" in request.GET:
        find_form = FindForm(request.GET)
        context["find_form"] = find_form
        if find_form.is_valid():
            try:
                found = queries.find_households(round_, find_form.cleaned_data["q"], scope=scope)
            except Refused as error:
                error.apply_to(find_form, renamed={"code": "q"})
            else:
                if len(found) == 1:
                    url = reverse("verification-desk", args=[round_.pk])
                    return redirect(f"{url}?household={found[0].number}")
                context["results"] = found
    return render(request, "verification/desk.html", context)


NEW_MEMBERS = "new"


def _int(value: object) -> int:
    try:
        return int(str(value))
    except ValueError:
        return 0


def _confirmed_message(confirmation: object) -> str:
    household = confirmation.household  # type: ignore[attr-defined]
    if confirmation.reactivated:  # type: ignore[attr-defined]
        return _("Household %(number)s confirmed and set active again.") % {
            "number": household.number
        }
    return _("Household %(number)s confirmed.") % {"number": household.number}


@require_http_methods(["GET", "POST"])
def round_close(request: HttpRequest, round_id: int) -> HttpResponse:
    """A confirmation page saying how many households the close sets inactive, then the
    close."""
    round_ = _round_or_404(request, round_id)
    if request.method == "POST":
        try:
            outcome = services.close_round(
                round_.pk, closed_by=request.user, scope=scope_for(request.user)
            )
        except Refused as error:
            for problems in error.errors.values():
                for problem in problems:
                    messages.error(request, problem)
        else:
            messages.success(
                request,
                ngettext(
                    "Round closed: %(n)d household not seen was set inactive.",
                    "Round closed: %(n)d households not seen were set inactive.",
                    outcome.not_seen,
                )
                % {"n": outcome.not_seen},
            )
        return redirect("verification-report", round_id=round_.pk)
    return render(
        request,
        "verification/round_close.html",
        {"round": round_, "not_seen": queries.not_seen_yet(round_).count()}
        if round_.is_open
        else {"round": round_},
    )


@require_GET
def round_report(request: HttpRequest, round_id: int) -> HttpResponse:
    return render(
        request,
        "verification/round_report.html",
        {"report": queries.report(_round_or_404(request, round_id))},
    )


@require_GET
def round_report_csv(request: HttpRequest, round_id: int) -> HttpResponse:
    report = queries.report(_round_or_404(request, round_id))
    buffer = io.StringIO()
    # Block codes are typed by staff: csvio's writer keeps them from running as formulas.
    csvio.writer(buffer).writerows(queries.report_rows(report))
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="verification-round-{report.round.pk}.csv"'
    )
    return response
