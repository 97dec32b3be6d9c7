"""The review queue of likely duplicate registrations the dedupe job found: the list, a pair
side by side, merge (choosing the record that survives), not the same person, and undoing a
merge. Reviewers only see and touch pairs whose two people are at their sites."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from edgecamp.audit.capture import record_sensitive_read
from edgecamp.core.access import Scope, scope_for
from edgecamp.core.paging import page_of, page_url
from edgecamp.jobs.queries import live_jobs
from edgecamp.jobs.services import JobRefused
from edgecamp.registry import duplicates, family, merge, queries
from edgecamp.registry.jobs import DEDUPE_JOB, start_dedupe
from edgecamp.registry.models import DuplicateCandidate, FamilyMerge, Individual, MergeRecord
from edgecamp.sites.queries import visible_sites

RECENT_MERGES = 20
CANDIDATES_PER_PAGE = 50


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        choices=DuplicateCandidate.Status.choices,
        required=False,
    )
    site = forms.TypedChoiceField(
        label=gettext_lazy("Site"), coerce=int, empty_value=None, required=False
    )
    band = forms.ChoiceField(label=gettext_lazy("Probability"), required=False)
    order = forms.ChoiceField(
        label=gettext_lazy("Order"),
        required=False,
        choices=[
            ("score", gettext_lazy("most likely first")),
            ("score_low", gettext_lazy("least likely first")),
            ("newest", gettext_lazy("newest first")),
            ("oldest", gettext_lazy("oldest first")),
        ],
    )

    def __init__(self, *args: object, scope: Scope, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["site"].choices = [  # type: ignore[attr-defined]
            ("", gettext_lazy("all my sites")),
            *visible_sites(scope).values_list("pk", "name"),
        ]
        self.fields["band"].choices = [  # type: ignore[attr-defined]
            ("", gettext_lazy("any")),
            *((code, label) for code, label, _low, _high in duplicates.SCORE_BANDS),
        ]


@require_GET
def duplicate_review(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    form = QueueFilterForm(request.GET or None, scope=scope)
    wanted = form.cleaned_data if form.is_valid() else {}
    found = duplicates.candidates(
        scope,
        status=wanted.get("status") or DuplicateCandidate.Status.OPEN,
        site_id=wanted.get("site"),
        band=wanted.get("band") or "",
        order=wanted.get("order") or "score",
    )
    page = page_of(request, found, CANDIDATES_PER_PAGE)
    recent = list(merge.scoped_merges(scope).filter(state=MergeRecord.State.MERGED)[:RECENT_MERGES])
    return render(
        request,
        "registry/duplicate_review.html",
        {
            "form": form,
            "candidates": [
                (candidate, duplicates.evidence_in_words(candidate.evidence))
                for candidate in page.object_list
            ],
            "page": page,
            "page_url": page_url(request),
            "merges": recent,
            "dedupe_job": live_jobs(DEDUPE_JOB, request.user, scope).first(),
            "family_merges": family.family_merges(scope).filter(state=FamilyMerge.State.MERGED)[
                :RECENT_MERGES
            ],
        },
    )


@require_POST
def duplicate_dedupe_start(request: HttpRequest) -> HttpResponse:
    """Start the registry-wide dedupe in the background (one at a time)."""
    try:
        job = start_dedupe(request.user, scope_for(request.user))
    except JobRefused as refused:
        for problems in refused.errors.values():
            for problem in problems:
                messages.error(request, problem)
    else:
        messages.success(
            request,
            _(
                "Looking for duplicates in the background (job %(number)d): follow it on the "
                "jobs page; the pairs it finds appear here when it is done."
            )
            % {"number": job.pk},
        )
    return redirect("duplicate-review")


@dataclass(frozen=True)
class EvidenceRow:
    label: str
    level: str
    weight: float


@require_GET
def duplicate_compare(request: HttpRequest, candidate_id: int) -> HttpResponse:
    """The two records side by side, with the evidence, and the decision forms."""
    scope = scope_for(request.user)
    try:
        candidate = merge.candidate_for(candidate_id, scope)
    except merge.NotFound as missing:
        raise Http404(str(missing)) from missing
    left = _person(candidate.individual_l_id, scope)
    right = _person(candidate.individual_r_id, scope)
    if queries.has_sensitive_needs([left, right]):
        for person in (left, right):
            record_sensitive_read(person, "specific needs")
    merges = MergeRecord.objects.filter(candidate=candidate).select_related(
        "merged_by", "undone_by"
    )
    return render(
        request,
        "registry/duplicate_compare.html",
        {
            "candidate": candidate,
            "people": [left, right],
            "version": merge.pair_version(left, right),
            "evidence": [
                EvidenceRow(
                    str(duplicates.COMPARISON_LABELS.get(e["comparison"], e["comparison"])),
                    str(
                        duplicates.LEVEL_WORDS.get(e["comparison"], {}).get(e["level"], e["level"])
                    ),
                    e["weight"],
                )
                for e in candidate.evidence
            ],
            "is_open": candidate.status == DuplicateCandidate.Status.OPEN,
            "merges": merges,
        },
    )


def _person(individual_id: int, scope: Scope) -> Individual:
    person = queries.individual_detail(individual_id, scope=scope)
    if person is None:
        raise Http404(_("No duplicate candidate has this id at your sites."))
    return person


@require_POST
def duplicate_merge(request: HttpRequest, candidate_id: int) -> HttpResponse:
    scope = scope_for(request.user)
    try:
        survivor_id = int(request.POST.get("survivor", ""))
    except ValueError:
        messages.error(request, _("Choose which record to keep."))
        return redirect("duplicate-compare", candidate_id=candidate_id)
    try:
        record = merge.merge_candidate(
            candidate_id,
            survivor_id,
            scope=scope,
            merged_by=request.user,
            version=request.POST.get("version", ""),
        )
    except merge.NotFound as missing:
        raise Http404(str(missing)) from missing
    except merge.MergeError as refused:
        messages.error(request, str(refused))
        return redirect("duplicate-compare", candidate_id=candidate_id)
    text = _("Merged: the duplicate record now points to the one kept in household %(number)s.")
    messages.success(request, text % {"number": record.survivor.household.number})
    return redirect("duplicate-compare", candidate_id=candidate_id)


@require_POST
def duplicate_not_same(request: HttpRequest, candidate_id: int) -> HttpResponse:
    try:
        merge.not_same(candidate_id, scope=scope_for(request.user), decided_by=request.user)
    except merge.NotFound as missing:
        raise Http404(_("No open duplicate candidate has this id at your sites.")) from missing
    except merge.MergeError as refused:
        messages.error(request, str(refused))
        return redirect("duplicate-review")
    messages.success(
        request, _("Marked as different people; this pair will not be proposed again.")
    )
    return redirect("duplicate-review")


@require_POST
def duplicate_unmerge(request: HttpRequest, merge_id: int) -> HttpResponse:
    scope = scope_for(request.user)
    try:
        record = merge.unmerge(merge_id, scope=scope, undone_by=request.user)
    except merge.NotFound as missing:
        raise Http404(str(missing)) from missing
    except merge.MergeError as refused:
        messages.error(request, str(refused))
        return redirect("duplicate-review")
    messages.success(request, _("Merge undone: both records are back as they were."))
    if record.candidate_id is not None:
        return redirect("duplicate-compare", candidate_id=record.candidate_id)
    return redirect("duplicate-review")
