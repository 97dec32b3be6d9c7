"""The correction pages linked from the household page: the household's facts, and one
person's. Thin views: parse the form, call `corrections`, render the refusal or the conflict.

No silent overwrite: the form carries the values it was drawn from (hidden `original`). When
the record changed meanwhile, the service refuses (EditConflict) and the page is drawn again
with, for each field that differs, the value saved meanwhile and the clerk's own, to choose
from (`choose-<field>`); the form is then drawn from the record as it is now, so saving again
works."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from edgecamp.audit.capture import record_sensitive_read
from edgecamp.core.access import scope_for
from edgecamp.registry import corrections, queries
from edgecamp.registry.codes import PROTECTION_SENSITIVE_NEEDS
from edgecamp.registry.correction_forms import HouseholdCorrectionForm, IndividualCorrectionForm
from edgecamp.registry.models import Household, Individual

THEIRS, MINE = "theirs", "mine"


@dataclass(frozen=True)
class ConflictRow:
    key: str
    label: str
    theirs: str
    mine: str
    # The choice drawn checked: the clerk's value if they changed the field, else theirs.
    chosen: str
    # Both values as the form holds them, sent back with the choice (no JavaScript needed).
    theirs_value: str
    mine_value: str


def _household(request: HttpRequest, number: str) -> Household:
    household = (
        queries.visible_households(scope_for(request.user))
        .select_related("site", "focal_point")
        .filter(number=number)
        .exclude(status=Household.Status.MERGED)
        .first()
    )
    if household is None:
        raise Http404(_("No household has the number %(number)s.") % {"number": number})
    return household


@require_http_methods(["GET", "POST"])
def household_correct(request: HttpRequest, number: str) -> HttpResponse:
    household = _household(request, number)
    scope = scope_for(request.user)
    if request.method != "POST":
        original = corrections.household_values(household)
        form = HouseholdCorrectionForm(
            initial={**original, "original": json.dumps(original)}, household=household
        )
        return _render(request, "registry/correct_household.html", form, household)
    form = HouseholdCorrectionForm(_chosen(request.POST), household=household)
    if form.is_valid():
        correction = form.to_correction()
        try:
            corrections.correct_household(
                household.pk, correction, scope=scope, corrected_by=request.user
            )
        except corrections.EditConflict as conflict:
            form, rows = _redrawn(
                request.POST, form, conflict, HouseholdCorrectionForm, household=household
            )
            return _render(
                request, "registry/correct_household.html", form, household, rows, conflict
            )
        except corrections.CorrectionError as error:
            error.apply_to(form)
        else:
            messages.success(request, _("Household %(number)s corrected.") % {"number": number})
            return redirect("household-detail", number=number)
    return _render(request, "registry/correct_household.html", form, household)


@require_http_methods(["GET", "POST"])
def individual_correct(request: HttpRequest, number: str, individual_id: int) -> HttpResponse:
    household = _household(request, number)
    scope = scope_for(request.user)
    individual = (
        household.members.filter(pk=individual_id).exclude(status=Individual.Status.MERGED).first()
    )
    if individual is None:
        raise Http404(
            _("This person is not a member of household %(number)s.") % {"number": number}
        )
    kwargs = {"individual": individual, "scope": scope}
    if request.method != "POST":
        original = corrections.individual_values(individual, scope)
        if set(original["specific_needs"].split(",")) & PROTECTION_SENSITIVE_NEEDS:
            record_sensitive_read(individual, "specific needs")
        initial: dict[str, Any] = {**original, "original": json.dumps(original)}
        initial["specific_needs"] = [c for c in original["specific_needs"].split(",") if c]
        initial["names_unknown"] = bool(original["names_unknown"])
        form = IndividualCorrectionForm(initial=initial, **kwargs)
        return _render(
            request, "registry/correct_individual.html", form, household, person=individual
        )
    form = IndividualCorrectionForm(_chosen(request.POST), **kwargs)
    if form.is_valid():
        correction = form.to_correction()
        try:
            corrections.correct_individual(
                individual.pk, correction, scope=scope, corrected_by=request.user
            )
        except corrections.EditConflict as conflict:
            form, rows = _redrawn(request.POST, form, conflict, IndividualCorrectionForm, **kwargs)
            return _render(
                request,
                "registry/correct_individual.html",
                form,
                household,
                rows,
                conflict,
                person=individual,
            )
        except corrections.CorrectionError as error:
            error.apply_to(form, form.error_fields(correction))
        else:
            messages.success(
                request,
                _("%(person)s corrected.") % {"person": str(individual)},
            )
            return redirect("household-detail", number=number)
    return _render(request, "registry/correct_individual.html", form, household, person=individual)


def _chosen(posted: QueryDict) -> QueryDict:
    """The posted form with each conflicting field's choice applied: `choose-<key>` says
    whose value to keep, `theirs-<key>` and `mine-<key>` carry both."""
    data = posted.copy()
    for name in posted:
        if not name.startswith("choose-"):
            continue
        key = name.removeprefix("choose-")
        value = posted.get(f"{THEIRS}-{key}" if posted.get(name) == THEIRS else f"{MINE}-{key}")
        if value is not None:
            _put(data, key, value)
    return data


def _put(data: QueryDict, key: str, value: str) -> None:
    if key == "specific_needs":
        data.setlist(key, [code for code in value.split(",") if code])
    elif key == "names_unknown":
        if value:
            data[key] = "on"
        else:
            data.pop(key, None)
    else:
        data[key] = value


def _redrawn(
    posted: QueryDict,
    form: Any,
    conflict: corrections.EditConflict,
    form_class: type[Any],
    **kwargs: Any,
) -> tuple[Any, list[ConflictRow]]:
    """The form again, drawn from the record as it is now (hidden `original`), holding the
    clerk's values where they changed a field and the saved value elsewhere."""
    mine = form.values()
    drawn = form.drawn()
    data = _chosen(posted)
    for name in [n for n in data if n.startswith(("choose-", "theirs-", "mine-"))]:
        data.pop(name)
    data["original"] = json.dumps(conflict.current)
    rows = []
    for key in conflict.differing:
        if key not in form.fields:
            continue
        theirs = conflict.current.get(key, "")
        changed_by_me = mine.get(key, "") != drawn.get(key, "")
        chosen = MINE if changed_by_me else THEIRS
        if theirs == mine.get(key, ""):
            continue  # both made the same change
        if not changed_by_me:
            _put(data, key, theirs)
        rows.append(
            ConflictRow(
                key=key,
                label=str(form.fields[key].label),
                theirs=_shown(form.fields[key], theirs),
                mine=_shown(form.fields[key], mine.get(key, "")),
                chosen=chosen,
                theirs_value=theirs,
                mine_value=mine.get(key, ""),
            )
        )
    redrawn = form_class(data, **kwargs)
    redrawn.is_valid()
    return redrawn, rows


def _shown(field: forms.Field, value: str) -> str:
    if not value:
        return "—"
    choices = dict(getattr(field, "choices", []) or [])
    if isinstance(field, forms.MultipleChoiceField):
        return ", ".join(str(choices.get(code, code)) for code in value.split(","))
    if isinstance(field, forms.BooleanField):
        return _("yes") if value else _("no")
    return str(choices.get(value, value)) if choices else value


def _render(
    request: HttpRequest,
    template: str,
    form: Any,
    household: Household,
    conflicts: list[ConflictRow] | None = None,
    conflict: corrections.EditConflict | None = None,
    *,
    person: Individual | None = None,
) -> HttpResponse:
    return render(
        request,
        template,
        {
            "form": form,
            "household": household,
            "person": person,
            "conflicts": conflicts or [],
            "conflicted": conflict is not None,
            "changed_by": conflict.changed_by if conflict else None,
            "THEIRS": THEIRS,
            "MINE": MINE,
        },
    )
