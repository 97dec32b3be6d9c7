"""Forms of the protection section of the household page. They parse and check types; the
rules (membership, dates) are the services', whose errors `Refused.apply_to` puts on the fields."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from edgecamp.core.forms import TextField
from edgecamp.protection.models import TracingRequest
from edgecamp.protection.services import MAX_AGE, MAX_NOTE, TracingInput
from edgecamp.registry.codes import Sex
from edgecamp.registry.models import Household, Individual


def _member_choices(household: Household, empty: str) -> list[tuple[str, str]]:
    members = household.members.order_by("pk")
    return [("", empty)] + [(str(m.pk), str(m)) for m in members]


class NoteForm(forms.Form):
    prefix = "note"
    individual = forms.TypedChoiceField(
        label=_("About"), required=False, coerce=int, empty_value=None, choices=()
    )
    text = TextField(
        label=_("Confidential note"),
        max_length=MAX_NOTE,
        multiline=True,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: object, household: Household, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["individual"].choices = _member_choices(household, str(_("The household")))


class TracingRequestForm(forms.Form):
    prefix = "tracing"
    requester = forms.TypedChoiceField(label=_("Requested by"), coerce=int, choices=())
    sought_given_name = TextField(
        label=_("Given name of the person sought"), max_length=100, required=False
    )
    sought_family_name = TextField(
        label=_("Family name of the person sought"), max_length=100, required=False
    )
    sought_sex = forms.ChoiceField(
        label=_("Sex"), required=False, choices=[("", _("Unknown")), *Sex.choices]
    )
    sought_age = forms.IntegerField(
        label=_("Age (estimated)"), required=False, min_value=0, max_value=MAX_AGE
    )
    relationship = TextField(
        label=_("Relationship to the requester"),
        max_length=60,
        help_text=_("e.g. son, sister, husband"),
    )
    last_seen_place = TextField(label=_("Place last seen"), max_length=200, required=False)
    last_seen_on = forms.DateField(
        label=_("Date last seen"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    # The member reported missing the request is for (prefilled from the household page).
    sought_individual_id = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: object, household: Household, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["requester"].choices = _member_choices(household, "—")

    def to_input(self) -> TracingInput:
        data = self.cleaned_data
        return TracingInput(
            requester_id=data.get("requester"),
            sought_given_name=data.get("sought_given_name", ""),
            sought_family_name=data.get("sought_family_name", ""),
            sought_sex=data.get("sought_sex", ""),
            sought_age=data.get("sought_age"),
            relationship=data.get("relationship", ""),
            last_seen_place=data.get("last_seen_place", ""),
            last_seen_on=data.get("last_seen_on"),
            sought_individual_id=data.get("sought_individual_id"),
        )


class TracingStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=TracingRequest.Status.choices)


def prefilled_for(household: Household, person: Individual, missing_since: date | None) -> dict:
    """The tracing form's initial values for a member reported missing."""
    requester = household.focal_point_id if household.focal_point_id != person.pk else None
    return {
        "sought_individual_id": person.pk,
        "sought_given_name": person.given_name,
        "sought_family_name": person.family_name,
        "sought_sex": person.sex if person.sex in ("female", "male", "other") else "",
        "sought_age": person.age_on(timezone.localdate()),
        "last_seen_on": missing_since,
        "requester": requester,
    }
