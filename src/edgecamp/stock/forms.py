"""Forms of the stock pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from edgecamp.stock.models import Shipment
from edgecamp.stock.services import ReceivedLineInput, SupplyError


class ReceiveShipmentForm(forms.Form):
    """One row per manifest line: the quantity that arrived and, if it differs, why."""

    def __init__(self, shipment: Shipment, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.shipment = shipment
        self.lines = list(shipment.lines.all())
        for line in self.lines:
            self.fields[f"line_{line.pk}_received"] = forms.DecimalField(
                label=_("Received"),
                max_digits=14,
                decimal_places=3,
                min_value=0,
                initial=line.manifest_quantity,
            )
            self.fields[f"line_{line.pk}_reason"] = forms.CharField(
                label=_("Reason for a difference"), max_length=200, required=False
            )

    def rows(self) -> list[tuple[Any, forms.BoundField, forms.BoundField]]:
        return [
            (line, self[f"line_{line.pk}_received"], self[f"line_{line.pk}_reason"])
            for line in self.lines
        ]

    def to_input(self) -> list[ReceivedLineInput]:
        return [
            ReceivedLineInput(
                line_id=line.pk,
                received_quantity=self.cleaned_data[f"line_{line.pk}_received"],
                discrepancy_reason=self.cleaned_data[f"line_{line.pk}_reason"],
            )
            for line in self.lines
        ]

    def apply_errors(self, error: SupplyError) -> None:
        for path, messages in error.errors.items():
            parts = path.split(".")
            target = None
            if len(parts) == 3 and parts[0] == "lines" and parts[1].isdigit():
                index = int(parts[1])
                if index < len(self.lines):
                    suffix = "reason" if parts[2] == "discrepancy_reason" else "received"
                    target = f"line_{self.lines[index].pk}_{suffix}"
            for message in messages:
                self.add_error(target, message)
