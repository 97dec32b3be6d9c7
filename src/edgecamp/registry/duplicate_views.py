"""The review queue of likely duplicate registrations the dedupe job found."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from edgecamp.accounts.scope import scope_for
from edgecamp.registry import duplicates


@require_GET
def duplicate_review(request: HttpRequest) -> HttpResponse:
    candidates = duplicates.open_candidates(scope_for(request.user))
    return render(
        request,
        "registry/duplicate_review.html",
        {"candidates": candidates, "labels": duplicates.COMPARISON_LABELS},
    )


@require_POST
def duplicate_not_same(request: HttpRequest, candidate_id: int) -> HttpResponse:
    scope = scope_for(request.user)
    candidate = next((c for c in duplicates.open_candidates(scope) if c.pk == candidate_id), None)
    if candidate is None:
        raise Http404(_("No open duplicate candidate has this id at your sites."))
    duplicates.mark_not_same(candidate, decided_by=request.user)
    messages.success(
        request, _("Marked as different people; this pair will not be proposed again.")
    )
    return redirect("duplicate-review")
