"""The household photo on the household page: taken or uploaded, replaced, removed, and
served to whoever may read the household (a household of another site is 404, as its page)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from edgecamp.core.access import scope_for
from edgecamp.registry import photos, queries
from edgecamp.registry.models import Household


class PhotoForm(forms.Form):
    photo = forms.FileField(
        label=gettext_lazy("Photo of the focal point"),
        required=False,
        widget=forms.FileInput(
            # On a tablet or phone, `capture` opens the camera; elsewhere a file is chosen.
            attrs={"accept": "image/jpeg,image/png", "capture": "user"}
        ),
        help_text=gettext_lazy("A JPEG or PNG; it is shrunk and its metadata removed."),
    )


def _household_or_404(request: HttpRequest, number: str) -> Household:
    household = queries.visible_households(scope_for(request.user)).filter(number=number).first()
    if household is None:
        raise Http404(_("No household has the number %(number)s.") % {"number": number})
    return household


@require_POST
def household_photo_upload(request: HttpRequest, number: str) -> HttpResponse:
    household = _household_or_404(request, number)
    upload = request.FILES.get("photo")
    try:
        photos.store_photo(
            household, upload.read() if upload is not None else b"", taken_by=request.user
        )
    except photos.PhotoRefused as refused:
        for message in refused.errors.get("photo", []):
            messages.error(request, message)
    else:
        messages.success(request, _("The photo is stored; it is printed on the ration cards."))
    return redirect("household-detail", number=household.number)


@require_POST
def household_photo_remove(request: HttpRequest, number: str) -> HttpResponse:
    household = _household_or_404(request, number)
    if photos.remove_photo(household):
        messages.success(request, _("The photo is removed."))
    return redirect("household-detail", number=household.number)


@require_GET
def household_photo(request: HttpRequest, number: str) -> HttpResponse:
    household = _household_or_404(request, number)
    photo = photos.photo_of(household)
    data = photos.photo_bytes(photo) if photo is not None else None
    if data is None:
        raise Http404(_("This household has no photo."))
    response = HttpResponse(data, content_type="image/jpeg")
    # Personal data: never kept by a shared cache or the browser's disk cache.
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
