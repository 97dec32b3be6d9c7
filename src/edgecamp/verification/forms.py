"""Forms of the verification pages: they parse what a manager or a desk clerk typed into the
services' inputs; the services' errors are put back on the fields."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from edgecamp.core.access import Scope
from edgecamp.core.errors import Refused
from edgecamp.core.forms import TextField
from edgecamp.registry.codes import DatePrecision, Relationship, Sex
from edgecamp.registry.forms import BirthDateField
from edgecamp.registry.models import Individual
from edgecamp.registry.services import MemberInput
from edgecamp.registry.typed import typed_age
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
        label=_("Other new people (counted only)"),
        min_value=0,
        max_value=MAX_NEW_PEOPLE,
        initial=0,
        help_text=_(
            "New people whose details nobody can give now; record the others by name below."
        ),
    )
    duplicate_reason = TextField(
        label=_("Why a new person is not the likely match"),
        max_length=300,
        required=False,
        help_text=_("Only when the desk check says a new person looks like someone else."),
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

    def to_input(self, new_members: Sequence[MemberInput] = ()) -> ConfirmInput:
        data = self.cleaned_data
        marks = {member.pk: data[f"member_{member.pk}"] for member in self.members}
        return ConfirmInput(
            household_number=data["household"],
            present=tuple(pk for pk, mark in marks.items() if mark == PRESENT),
            absent=tuple(pk for pk, mark in marks.items() if mark == ABSENT),
            new_people=data["new_people"],
            note=data["note"],
            desk=data["desk"],
            new_members=tuple(new_members),
            duplicate_reason=data["duplicate_reason"],
        )


class NewMemberForm(forms.Form):
    """A person found living with the household: as a desk can tell them (names may be
    unknown; a date of birth, a year or an age)."""

    given_name = TextField(label=_("Given name"), required=False, max_length=100)
    family_name = TextField(label=_("Family name"), required=False, max_length=100)
    names_unknown = forms.BooleanField(label=_("Names unknown"), required=False)
    sex = forms.ChoiceField(label=_("Sex"), choices=[("", "—"), *Sex.choices])
    date_of_birth = BirthDateField(
        label=_("Date of birth or age"),
        required=False,
        help_text=_("YYYY-MM-DD or DD/MM/YYYY, just the year, or an age (about 30)."),
    )
    relationship = forms.ChoiceField(
        label=_("Relationship to focal point"),
        choices=[("", "—"), *Relationship.choices],
    )

    def to_input(self) -> MemberInput:
        data = self.cleaned_data
        raw = str(self.data.get(self.add_prefix("date_of_birth"), "")).strip()
        precision = DatePrecision.EXACT
        if typed_age(raw) is not None:
            precision = DatePrecision.ESTIMATED
        elif raw.isdigit() and len(raw) == 4:
            precision = DatePrecision.YEAR
        return MemberInput(
            relationship=data["relationship"],
            sex=data["sex"],
            given_name=data["given_name"],
            family_name=data["family_name"],
            names_unknown=data["names_unknown"],
            date_of_birth=data["date_of_birth"],
            date_of_birth_precision=precision,
        )


NewMemberFormSet = forms.formset_factory(NewMemberForm, extra=1, max_num=MAX_NEW_PEOPLE)


def new_members_of(formset: forms.BaseFormSet) -> list[MemberInput]:  # type: ignore[type-arg]
    """The rows filled in (an untouched row is no new person)."""
    return [form.to_input() for form in formset.forms if form.has_changed()]


def apply_new_member_errors(error: Refused, formset: forms.BaseFormSet) -> Refused:  # type: ignore[type-arg]
    """Put the service's `new_members.<row>[.<field>]` messages on the formset's rows (the
    rows filled in, in order) and return the rest."""
    filled = [form for form in formset.forms if form.has_changed()]
    rest = type(error)()
    for path, messages in error.errors.items():
        parts = path.split(".")
        if parts[0] == "new_members" and len(parts) > 1 and parts[1].isdigit():
            row = int(parts[1])
            field = parts[2] if len(parts) > 2 else None
            if row < len(filled):
                form = filled[row]
                for message in messages:
                    form.add_error(field if field in form.fields else None, message)
                continue
        for message in messages:
            rest.add(path, message)
    return rest
