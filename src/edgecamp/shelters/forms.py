"""Forms of the allocation pages: they parse what a manager chose into the plain inputs of
`services`; the rules live in the services."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from edgecamp.core.forms import TextField
from edgecamp.shelters.models import AllocationLine
from edgecamp.shelters.services import AllocationError, ProposalSettings


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
