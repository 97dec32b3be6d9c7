"""Forms of the distribution pages: they parse what a clerk typed into the services' inputs;
the services check the rules and their errors are put back on the fields here."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from edgecamp.core.access import Scope
from edgecamp.core.forms import TextField
from edgecamp.distributions.models import EntitlementRule, Redemption
from edgecamp.distributions.services import CycleInput, RedeemInput, RuleInput
from edgecamp.partners.models import Organisation
from edgecamp.registry.codes import PROTECTION_SENSITIVE_NEEDS, SpecificNeed
from edgecamp.registry.models import Household
from edgecamp.sites.models import Site
from edgecamp.stock.models import Item, Warehouse
from edgecamp.stock.quantities import quantity_form_field
from edgecamp.stock.services import SupplyError
from edgecamp.verification.models import Round as VerificationRound

RULE_ROWS = 3
NOT_YOUR_SITE = _(
    "You do not work at this site: choose one of your sites, or ask an administrator to add "
    "this site to your account."
)
_BAND = re.compile(r"^\s*(\d+)\s*(?:-\s*(\d+)|(\+))?\s*:\s*(\d+(?:\.\d+)?)\s*$")


class ScanForm(forms.Form):
    code = TextField(
        label=_("Card code"),
        max_length=120,
        help_text=_("Scan the QR code, or type the code printed under it."),
        widget=forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "off", "spellcheck": "false"}
        ),
    )


class RedeemForm(forms.Form):
    code = TextField(max_length=120, widget=forms.HiddenInput)
    collector = forms.ChoiceField(
        label=_("Collected by"),
        choices=Redemption.Collector.choices,
        initial=Redemption.Collector.FOCAL_POINT,
        widget=forms.RadioSelect,
    )
    proxy_name = TextField(label=_("Name of the proxy"), max_length=120, required=False)
    proxy_relationship = TextField(
        label=_("Relationship to the household"),
        max_length=60,
        required=False,
        help_text=_("For a proxy: e.g. sister, neighbour."),
    )
    desk = TextField(label=_("Distribution point"), max_length=40, required=False)

    def to_input(self) -> RedeemInput:
        data = self.cleaned_data
        return RedeemInput(
            code=data["code"],
            collector=data["collector"],
            proxy_name=data["proxy_name"],
            proxy_relationship=data["proxy_relationship"],
            desk=data["desk"],
        )


class CycleForm(forms.Form):
    name = TextField(label=_("Name"), max_length=120)
    site = forms.ModelChoiceField(label=_("Site"), queryset=Site.objects.all())
    warehouse = forms.ModelChoiceField(
        label=_("Issuing warehouse"), queryset=Warehouse.objects.select_related("site")
    )
    organisation = forms.ModelChoiceField(
        label=_("Distributing organisation"), queryset=Organisation.objects.all(), required=False
    )
    starts_on = forms.DateField(
        label=_("Starts on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(
        label=_("Ends on"),
        help_text=_("The last day the ration covers."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    target_statuses = forms.MultipleChoiceField(
        label=_("Household statuses served"),
        choices=Household.Status.choices,
        initial=[Household.Status.ACTIVE],
        widget=forms.CheckboxSelectMultiple,
    )
    target_needs = forms.MultipleChoiceField(
        label=_("Only households with one of these specific needs"),
        choices=SpecificNeed.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    card_boxes = forms.IntegerField(label=_("Boxes on the ration card"), initial=12)
    requires_verification = forms.BooleanField(
        label=_("Only households verified in person"),
        required=False,
        help_text=_(
            "A household collects only if a verification desk confirmed it: in the round "
            "chosen below, or else in the site's open round (or its latest closed one)."
        ),
    )
    verification_round = forms.ModelChoiceField(
        label=_("Verification round"),
        queryset=VerificationRound.objects.select_related("site"),
        required=False,
    )

    def __init__(self, *args: Any, scope: Scope | None = None, **kwargs: Any) -> None:
        """`scope` limits the sites and warehouses offered (and accepted) to the user's."""
        super().__init__(*args, **kwargs)
        if scope is not None:
            site_field = self.fields["site"]
            warehouse_field = self.fields["warehouse"]
            assert isinstance(site_field, forms.ModelChoiceField)
            assert isinstance(warehouse_field, forms.ModelChoiceField)
            site_field.queryset = Site.objects.filter(scope.sites_q("pk"))
            round_field = self.fields["verification_round"]
            assert isinstance(round_field, forms.ModelChoiceField)
            round_field.queryset = VerificationRound.objects.select_related("site").filter(
                scope.sites_q("site_id")
            )
            warehouse_field.queryset = Warehouse.objects.select_related("site").filter(
                scope.sites_q("site_id")
            )
            if not scope.protection:
                # Only protection officers target by a protection-sensitive need (the service
                # checks the site too).
                needs_field = self.fields["target_needs"]
                assert isinstance(needs_field, forms.MultipleChoiceField)
                needs_field.choices = [
                    (code, label)
                    for code, label in SpecificNeed.choices
                    if code not in PROTECTION_SENSITIVE_NEEDS
                ]
        for n in range(RULE_ROWS):
            self.fields[f"rule_{n}_item"] = forms.ModelChoiceField(
                label=_("Item"), queryset=Item.objects.all(), required=n == 0
            )
            self.fields[f"rule_{n}_basis"] = forms.ChoiceField(
                label=_("Basis"), choices=EntitlementRule.Basis.choices, required=False
            )
            self.fields[f"rule_{n}_quantity"] = quantity_form_field(
                label=_("Quantity"), required=False, widget=forms.NumberInput()
            )
            self.fields[f"rule_{n}_bands"] = TextField(
                label=_("Size bands"),
                required=False,
                help_text=_("For size bands: “1-3:1; 4-6:2; 7+:3” (size range: quantity)."),
            )
            self.fields[f"rule_{n}_cap"] = quantity_form_field(
                label=_("Cap"), required=False, widget=forms.NumberInput()
            )

    def rule_rows(self) -> list[list[forms.BoundField]]:
        names = ("item", "basis", "quantity", "bands", "cap")
        return [[self[f"rule_{n}_{name}"] for name in names] for n in range(RULE_ROWS)]

    def main_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.base_fields if not name.startswith("rule_")]

    def to_input(self) -> CycleInput:
        data = self.cleaned_data
        rules = []
        self._rows_used: list[int] = []
        for n in range(RULE_ROWS):
            item = data.get(f"rule_{n}_item")
            if item is None:
                continue
            self._rows_used.append(n)
            rules.append(
                RuleInput(
                    item_id=item.pk,
                    basis=data.get(f"rule_{n}_basis") or "",
                    quantity=data.get(f"rule_{n}_quantity"),
                    size_bands=_parse_bands(data.get(f"rule_{n}_bands") or ""),
                    cap=data.get(f"rule_{n}_cap"),
                )
            )
        return CycleInput(
            name=data["name"],
            site_id=data["site"].pk,
            warehouse_id=data["warehouse"].pk,
            organisation_id=data["organisation"].pk if data["organisation"] else None,
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            target_statuses=tuple(data["target_statuses"]),
            target_needs=tuple(data["target_needs"]),
            card_boxes=data["card_boxes"],
            requires_verification=data["requires_verification"],
            verification_round_id=(
                data["verification_round"].pk if data["verification_round"] else None
            ),
            rules=rules,
        )

    def apply_errors(self, error: SupplyError) -> None:
        """`rules.1.quantity` is the second rule given, wherever its row is on the form."""
        rows = getattr(self, "_rows_used", [])
        renamed: dict[str, str] = {}
        for path in error.errors:
            match = re.match(r"^rules\.(\d+)\.(\w+)$", path)
            if match is not None and int(match.group(1)) < len(rows):
                name = "bands" if match.group(2) == "size_bands" else match.group(2)
                renamed[path] = f"rule_{rows[int(match.group(1))]}_{name}"
        renamed["rules"] = "rule_0_item"
        apply_supply_errors(self, error, renamed)


def _parse_bands(text: str) -> list[dict[str, object]]:
    bands: list[dict[str, object]] = []
    for part in filter(None, (p.strip() for p in text.split(";"))):
        match = _BAND.match(part)
        if match is None:
            # Left for the service to explain, under the rule's field.
            bands.append({"min": part})
            continue
        low, high, open_ended, quantity = match.groups()
        bands.append(
            {
                "min": int(low),
                "max": None if open_ended else int(high or low),
                "quantity": str(Decimal(quantity)),
            }
        )
    return bands


def apply_supply_errors(form: forms.Form, error: SupplyError, fields: dict[str, str]) -> None:
    """Put the service's errors on the form's fields: a path renamed in `fields`, or a path
    that is itself a field name; the rest become form-wide errors."""
    error.apply_to(form, renamed=fields)


class CardLookupForm(forms.Form):
    household = TextField(
        label=_("Household number or card code"),
        max_length=120,
        help_text=_("Type the household number (EDG-000123) or scan the household's card."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def number(self) -> str:
        """The household number, also from a scanned card (even a replaced one)."""
        from edgecamp.distributions.cards import InvalidCard, read_card

        text = self.cleaned_data["household"].strip()
        try:
            return read_card(text).number
        except InvalidCard:
            return text


class CardReasonForm(forms.Form):
    reason = TextField(
        label=_("Reason"),
        max_length=200,
        help_text=_("E.g. lost at the market, torn, stolen; kept with the card's history."),
    )
