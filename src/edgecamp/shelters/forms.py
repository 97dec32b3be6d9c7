"""Forms of the allocation pages: they parse what a manager chose into the plain inputs of
`services`; the rules live in the services."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from edgecamp.core.forms import TextField
from edgecamp.shelters import queries
from edgecamp.shelters.condition import REASON_MAX, ConditionInput
from edgecamp.shelters.models import AllocationLine
from edgecamp.shelters.services import AllocationError, ProposalSettings
from edgecamp.sites.models import Condition


class ProposeForm(forms.Form):
    rebalance = forms.BooleanField(
        label=_("Rebalance: also move households that already have a shelter"),
        required=False,
    )
    space_standard = forms.DecimalField(
        label=_("Space standard (m² per person)"),
        initial=Decimal("3.5"),
        min_value=Decimal("0.5"),
        max_value=Decimal("50"),
        decimal_places=2,
        help_text=_("Sphere: 3.5 m²; 4.5 to 5.5 m² in cold climates or towns."),
    )
    emergency_minimum = forms.DecimalField(
        label=_("Emergency minimum (m² per person)"),
        initial=Decimal("2.5"),
        min_value=Decimal("0.5"),
        max_value=Decimal("50"),
        decimal_places=2,
        help_text=_("No shelter is filled more densely than this."),
    )

    def to_settings(self) -> ProposalSettings:
        data = self.cleaned_data
        return ProposalSettings(
            rebalance=data["rebalance"],
            space_standard_m2=data["space_standard"],
            emergency_minimum_m2=data["emergency_minimum"],
        )

    def apply_errors(self, error: AllocationError) -> None:
        error.apply_to(self)


class LineFilterForm(forms.Form):
    change = forms.ChoiceField(
        label=_("Change"),
        choices=[("", _("All")), *AllocationLine.Change.choices],
        required=False,
    )
    block = TextField(label=_("Block"), max_length=20, required=False)
    q = TextField(label=_("Household number"), max_length=20, required=False)
    unmet = forms.BooleanField(label=_("Only households with an unmet need"), required=False)

    def filters(self) -> dict[str, object]:
        self.is_valid()  # an unknown change drops that filter, not the others
        data = self.cleaned_data
        return {
            "change": data.get("change", ""),
            "block": data.get("block", ""),
            "query": data.get("q", ""),
            "unmet": data.get("unmet", False),
        }


class ShelterFilterForm(forms.Form):
    """The shelters page's filters; an unknown value drops that filter, not the others."""

    block = forms.ChoiceField(label=_("Block"), required=False)
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("All")), *Condition.choices], required=False
    )
    occupancy = forms.ChoiceField(
        label=_("Occupancy"),
        choices=[
            ("", _("All")),
            (queries.CROWDED, _("Crowded: more people than places")),
            (queries.FREE, _("Free: nobody lives there")),
        ],
        required=False,
    )
    under_standard = forms.BooleanField(label=_("Only under the space standard"), required=False)

    def __init__(self, blocks: list[str], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        block = self.fields["block"]
        assert isinstance(block, forms.ChoiceField)
        block.choices = [("", _("All")), *((code, code) for code in blocks)]

    def filters(self) -> queries.ShelterFilters:
        self.is_valid()
        data = self.cleaned_data
        return queries.ShelterFilters(
            block=data.get("block", ""),
            status=data.get("status", ""),
            occupancy=data.get("occupancy", ""),
            under_standard=bool(data.get("under_standard")),
        )


class ConditionForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=Condition.choices)
    reason = TextField(
        label=_("Reason"),
        max_length=REASON_MAX,
        help_text=_("What happened, e.g. “roof torn by the storm”."),
    )
    date = forms.DateField(
        label=_("Date"),
        initial=timezone.localdate,
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def to_input(self) -> ConditionInput:
        data = self.cleaned_data
        return ConditionInput(condition=data["status"], reason=data["reason"], on=data["date"])
