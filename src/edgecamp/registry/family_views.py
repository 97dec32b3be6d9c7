"""The review of a family registered twice: both households side by side with their members
paired, one action that merges them as a family, and undoing it (registry.family). Reached
from a pair of the queue whose two people are in two households."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from edgecamp.core.access import scope_for
from edgecamp.registry import family, merge
from edgecamp.registry.models import Individual


@dataclass(frozen=True)
class Choice:
    person: Individual
    score: float | None


@dataclass(frozen=True)
class PairRow:
    """A member of the second household and whom of the first it may be."""

    person: Individual
    field: str  # the select's name
    choices: list[Choice]
    proposed: int | None


def _review_or_404(request: HttpRequest, left: str, right: str) -> family.FamilyReview:
    try:
        return family.review(left, right, scope=scope_for(request.user))
    except merge.NotFound as missing:
        raise Http404(str(missing)) from missing


@require_GET
def family_review(request: HttpRequest, left: str, right: str) -> HttpResponse:
    try:
        found = _review_or_404(request, left, right)
    except family.FamilyMergeError as refused:
        messages.error(request, " ".join(m for ms in refused.errors.values() for m in ms))
        return redirect("duplicate-review")
    rows = [
        PairRow(
            person,
            f"pair_{person.pk}",
            [Choice(other, found.score(other.pk, person.pk)) for other in found.left_people],
            found.proposed.get(person.pk),
        )
        for person in found.right_people
    ]
    paired = set(found.proposed.values())
    return render(
        request,
        "registry/family_review.html",
        {
            "review": found,
            "rows": rows,
            "unpaired_left": [p for p in found.left_people if p.pk not in paired],
        },
    )


@require_POST
def family_merge(request: HttpRequest, left: str, right: str) -> HttpResponse:
    """One action: every pair merged, the others moved, the emptied household closed."""
    scope = scope_for(request.user)
    found = _review_or_404(request, left, right)
    kept = request.POST.get("kept", "")
    if kept not in (left, right):
        messages.error(request, _("Choose which household is kept."))
        return redirect("family-review", left=left, right=right)
    closed = right if kept == left else left
    pairs: list[tuple[int, int]] = []
    left_ids = {p.pk for p in found.left_people}
    for person in found.right_people:
        raw = request.POST.get(f"pair_{person.pk}", "")
        if not raw:
            continue  # not the same person as anyone of the first household
        try:
            other = int(raw)
        except ValueError:
            other = 0
        if other not in left_ids:
            messages.error(request, _("Choose a member of the first household, or nobody."))
            return redirect("family-review", left=left, right=right)
        pairs.append((person.pk, other) if kept == left else (other, person.pk))
    try:
        family.merge_households(
            family.FamilyMergeInput(
                kept=kept,
                closed=closed,
                pairs=pairs,
                version=request.POST.get("version", ""),
            ),
            scope=scope,
            merged_by=request.user,
        )
    except merge.NotFound as missing:
        raise Http404(str(missing)) from missing
    except family.FamilyMergeError as refused:
        for problems in refused.errors.values():
            for problem in problems:
                messages.error(request, problem)
        return redirect("family-review", left=left, right=right)
    messages.success(
        request,
        _(
            "Household %(closed)s merged into %(kept)s as one family and closed. The merge can "
            "be undone from the list below."
        )
        % {"closed": closed, "kept": kept},
    )
    return redirect("duplicate-review")


@require_POST
def family_unmerge(request: HttpRequest, family_id: int) -> HttpResponse:
    try:
        record = family.unmerge_family(
            family_id, scope=scope_for(request.user), undone_by=request.user
        )
    except merge.NotFound as missing:
        raise Http404(str(missing)) from missing
    except merge.MergeError as refused:
        messages.error(request, str(refused))
        return redirect("duplicate-review")
    messages.success(
        request,
        _("Family merge undone: households %(kept)s and %(closed)s are back as they were.")
        % {"kept": record.kept.number, "closed": record.household.number},
    )
    return redirect("duplicate-review")
