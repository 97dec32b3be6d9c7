"""Forms of the verification pages: they parse what a manager or a desk clerk typed into the
services' inputs; the services' errors are put back on the fields."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from edgecamp.core.access import Scope
from edgecamp.core.forms import TextField
from edgecamp.registry.models import Individual
from edgecamp.sites.models import Site
from edgecamp.verification.services import MAX_NEW_PEOPLE, ConfirmInput, OpenInput

PRESENT, ABSENT = "present", "absent"


class OpenRoundForm(forms.Form):
    site = forms.ModelChoiceField(label=_("Site"), queryset=Site.objects.all())
    name = TextField(
        label=_("Name"),
        max_length=120,
        required=False,
        help_text=_("E.g. “Verification March”; left empty, the site and today's date."),
    )

    def __init__(self, *args: Any, scope: Scope | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if scope is not None:
            site_field = self.fields["site"]
            assert isinstance(site_field, forms.ModelChoiceField)
            site_field.queryset = Site.objects.filter(scope.sites_q("pk"))

    def to_input(self) -> OpenInput:
        return OpenInput(site_id=self.cleaned_data["site"].pk, name=self.cleaned_data["name"])


class FindForm(forms.Form):
    q = TextField(
        label=_("Household number, name or card code"),
        max_length=120,
        help_text=_("Scan the ration card's QR code, or type the number or a member's name."),
        widget=forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "off", "spellcheck": "false"}
        ),
    )


class ConfirmForm(forms.Form):
    """One present / absent choice per active member, present by default."""

    household = TextField(max_length=20, widget=forms.HiddenInput)
    new_people = forms.IntegerField(
        label=_("New people found"),
        min_value=0,
        max_value=MAX_NEW_PEOPLE,
        initial=0,
        help_text=_(
            "People living with the household whom the registry does not know (a newborn, a "
            "relative who joined): register them on the household page afterwards."
        ),
    )
    note = TextField(label=_("Note"), max_length=300, required=False)
    desk = TextField(label=_("Desk"), max_length=40, required=False)

    def __init__(self, *args: Any, members: Sequence[Individual] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.members = list(members)
        for member in self.members:
            self.fields[f"member_{member.pk}"] = forms.ChoiceField(
                label=str(member),
                choices=[(PRESENT, _("Present")), (ABSENT, _("Absent"))],
                initial=PRESENT,
                widget=forms.RadioSelect,
            )

    def member_fields(self) -> list[tuple[Individual, forms.BoundField]]:
        return [(member, self[f"member_{member.pk}"]) for member in self.members]

    def to_input(self) -> ConfirmInput:
        data = self.cleaned_data
        marks = {member.pk: data[f"member_{member.pk}"] for member in self.members}
        return ConfirmInput(
            household_number=data["household"],
            present=tuple(pk for pk, mark in marks.items() if mark == PRESENT),
            absent=tuple(pk for pk, mark in marks.items() if mark == ABSENT),
            new_people=data["new_people"],
            note=data["note"],
            desk=data["desk"],
        )
