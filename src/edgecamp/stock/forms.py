"""Forms of the stock pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from edgecamp.core.access import Scope
from edgecamp.core.forms import TextField
from edgecamp.partners.models import Organisation
from edgecamp.stock import queries
from edgecamp.stock.models import Item, Pledge, Shipment, Warehouse
from edgecamp.stock.quantities import quantity_form_field
from edgecamp.stock.services import (
    CountInput,
    LossInput,
    PledgeInput,
    PledgeLineInput,
    ReceiptInput,
    ReceivedLineInput,
    ShipmentInput,
    ShipmentLineInput,
    SupplyError,
    TransferInput,
)


class ReceiveShipmentForm(forms.Form):
    """One row per manifest line: the quantity that arrived and, if it differs, why."""

    def __init__(self, shipment: Shipment, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.shipment = shipment
        self.lines = list(shipment.lines.all())
        for line in self.lines:
            self.fields[f"line_{line.pk}_received"] = quantity_form_field(
                label=_("Received"),
                zero_allowed=True,
                initial=line.manifest_quantity,
                widget=forms.NumberInput(),
            )
            self.fields[f"line_{line.pk}_reason"] = TextField(
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


# --- Movements and the pipeline ------------------------------------------------------------------

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
PLEDGE_ROWS = 6
MANIFEST_ROWS = 8


class _ScopedForm(forms.Form):
    """A stock form whose warehouse (and pledge) choices keep to the user's sites: another
    site's warehouse is refused on its field, as one that does not exist."""

    warehouse_fields: tuple[str, ...] = ()
    # Service error path -> form field, for paths that are not already field names.
    error_fields: dict[str, str] = {}

    def __init__(self, *args: Any, scope: Scope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scope = scope
        for name in self.warehouse_fields:
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = queries.warehouses(scope=scope)

    def apply_errors(self, error: SupplyError) -> None:
        error.apply_to(self, renamed={path: self._field_for(path) for path in error.errors})

    def _field_for(self, path: str) -> str:
        return self.error_fields.get(path, path)


def _warehouse_field(label: str) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(label=label, queryset=Warehouse.objects.none())


def _item_field(required: bool = True) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=_("Item"), queryset=Item.objects.order_by("name"), required=required
    )


def _lot_field() -> TextField:
    return TextField(
        label=_("Lot code"),
        max_length=40,
        required=False,
        help_text=_("For food and medicine: the lot printed on the packaging."),
    )


class ReceiptForm(_ScopedForm):
    warehouse_fields = ("warehouse",)
    warehouse = _warehouse_field(_("Warehouse"))
    item = _item_field()
    quantity = quantity_form_field(label=_("Quantity"))
    lot_code = _lot_field()
    expires_on = forms.DateField(label=_("Expires on"), required=False, widget=DATE)
    reason = TextField(
        label=_("Source or note"),
        max_length=200,
        required=False,
        help_text=_("E.g. local purchase, returned from a site."),
    )

    def to_input(self) -> ReceiptInput:
        data = self.cleaned_data
        return ReceiptInput(
            warehouse_id=data["warehouse"].pk,
            item_id=data["item"].pk,
            quantity=data["quantity"],
            lot_code=data["lot_code"],
            expires_on=data["expires_on"],
            reason=data["reason"],
        )


class TransferForm(_ScopedForm):
    warehouse_fields = ("from_warehouse", "to_warehouse")
    from_warehouse = _warehouse_field(_("From warehouse"))
    to_warehouse = _warehouse_field(_("To warehouse"))
    item = _item_field()
    quantity = quantity_form_field(label=_("Quantity"))
    lot_code = _lot_field()
    reason = TextField(label=_("Reason"), max_length=200, required=False)

    def to_input(self) -> TransferInput:
        data = self.cleaned_data
        return TransferInput(
            from_warehouse_id=data["from_warehouse"].pk,
            to_warehouse_id=data["to_warehouse"].pk,
            item_id=data["item"].pk,
            quantity=data["quantity"],
            lot_code=data["lot_code"],
            reason=data["reason"],
        )


class LossForm(_ScopedForm):
    warehouse_fields = ("warehouse",)
    warehouse = _warehouse_field(_("Warehouse"))
    item = _item_field()
    quantity = quantity_form_field(label=_("Quantity lost or damaged"))
    lot_code = _lot_field()
    reason = TextField(
        label=_("Reason"),
        max_length=200,
        help_text=_("What happened: e.g. rain damage in store 2, theft reported to police."),
    )

    def to_input(self) -> LossInput:
        data = self.cleaned_data
        return LossInput(
            warehouse_id=data["warehouse"].pk,
            item_id=data["item"].pk,
            quantity=data["quantity"],
            reason=data["reason"],
            lot_code=data["lot_code"],
        )


class CountForm(_ScopedForm):
    warehouse_fields = ("warehouse",)
    warehouse = _warehouse_field(_("Warehouse"))
    item = _item_field()
    lot_code = _lot_field()
    counted_quantity = quantity_form_field(label=_("Quantity counted"), zero_allowed=True)
    reason = TextField(
        label=_("Reason for the difference"),
        max_length=200,
        help_text=_("Who counted, and why the count differs from the ledger."),
    )

    def to_input(self) -> CountInput:
        data = self.cleaned_data
        return CountInput(
            warehouse_id=data["warehouse"].pk,
            item_id=data["item"].pk,
            counted_quantity=data["counted_quantity"],
            reason=data["reason"],
            lot_code=data["lot_code"],
        )


class _LinesForm(_ScopedForm):
    """A header and a fixed number of line rows; empty rows are skipped, and
    `lines.2.quantity` from the service is put on the row it came from."""

    line_rows = 0
    line_names: tuple[str, ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._rows_used: list[int] = []
        for n in range(self.line_rows):
            for name, field in self.line_fields().items():
                self.fields[f"line_{n}_{name}"] = field

    def line_fields(self) -> dict[str, forms.Field]:
        raise NotImplementedError

    def header_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if not name.startswith("line_")]

    def line_table(self) -> list[list[forms.BoundField]]:
        return [
            [self[f"line_{n}_{name}"] for name in self.line_names] for n in range(self.line_rows)
        ]

    def line_labels(self) -> list[str]:
        first = self.line_fields()
        return [str(first[name].label) for name in self.line_names]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self._rows_used = [
            n
            for n in range(self.line_rows)
            if any(data.get(f"line_{n}_{name}") not in (None, "") for name in self.line_names)
        ]
        for n in self._rows_used:
            if data.get(f"line_{n}_item") is None and f"line_{n}_item" not in self.errors:
                self.add_error(f"line_{n}_item", _("Choose the item of this line."))
            if data.get(f"line_{n}_quantity") is None and f"line_{n}_quantity" not in self.errors:
                self.add_error(f"line_{n}_quantity", _("Enter the quantity of this line."))
        if not self._rows_used:
            self.add_error("line_0_item", _("Give at least one line."))
        return data

    def _field_for(self, path: str) -> str:
        parts = path.split(".")
        if parts[0] == "lines" and len(parts) == 3 and parts[1].isdigit():
            index = int(parts[1])
            if index < len(self._rows_used):
                return f"line_{self._rows_used[index]}_{parts[2]}"
        if path == "lines":
            return "line_0_item"
        return self.error_fields.get(path, path)

    def used_lines(self) -> list[dict[str, Any]]:
        return [
            {name: self.cleaned_data.get(f"line_{n}_{name}") for name in self.line_names}
            for n in self._rows_used
        ]


class PledgeForm(_LinesForm):
    warehouse_fields = ("destination",)
    line_rows = PLEDGE_ROWS
    line_names = ("item", "quantity")
    donor = forms.ModelChoiceField(label=_("Donor"), queryset=Organisation.objects.all())
    destination = _warehouse_field(_("Destination warehouse"))
    reference = TextField(label=_("Donor's reference"), max_length=60, required=False)
    pledged_on = forms.DateField(label=_("Pledged on"), widget=DATE)
    expected_by = forms.DateField(label=_("Expected by"), required=False, widget=DATE)

    def line_fields(self) -> dict[str, forms.Field]:
        return {
            "item": _item_field(required=False),
            "quantity": quantity_form_field(label=_("Quantity"), required=False),
        }

    def to_input(self) -> PledgeInput:
        data = self.cleaned_data
        return PledgeInput(
            donor_id=data["donor"].pk,
            destination_id=data["destination"].pk,
            pledged_on=data["pledged_on"],
            expected_by=data["expected_by"],
            reference=data["reference"],
            lines=[
                PledgeLineInput(item_id=line["item"].pk, quantity=line["quantity"])
                for line in self.used_lines()
            ],
        )


class DispatchForm(_LinesForm):
    """A shipment on its way, with its manifest, usually against a donor's pledge."""

    warehouse_fields = ("destination",)
    line_rows = MANIFEST_ROWS
    line_names = ("item", "quantity", "lot_code", "expires_on")
    pledge = forms.ModelChoiceField(
        label=_("Against pledge"),
        queryset=Pledge.objects.none(),
        required=False,
        help_text=_(
            "Choosing a pledge fills in its donor, warehouse and lines; leave it empty for a "
            "shipment nobody pledged."
        ),
        # With JavaScript, choosing a pledge reloads the form filled from it (?pledge=ID, as
        # the pledge list's links do without JavaScript).
        widget=forms.Select(
            attrs={
                "hx-get": reverse_lazy("shipment-dispatch"),
                "hx-trigger": "change",
                "hx-target": "#lines-form",
                "hx-select": "#lines-form",
                "hx-swap": "outerHTML",
            }
        ),
    )
    sender = forms.ModelChoiceField(label=_("Sender"), queryset=Organisation.objects.all())
    destination = _warehouse_field(_("Destination warehouse"))
    waybill = TextField(label=_("Waybill"), max_length=60)
    dispatched_on = forms.DateField(label=_("Dispatched on"), widget=DATE)
    expected_on = forms.DateField(label=_("Expected on"), required=False, widget=DATE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        pledge = self.fields["pledge"]
        assert isinstance(pledge, forms.ModelChoiceField)
        pledge.queryset = queries.pledges(self.scope).filter(
            status__in=[Pledge.Status.PLEDGED, Pledge.Status.IN_TRANSIT]
        )

    def line_fields(self) -> dict[str, forms.Field]:
        return {
            "item": _item_field(required=False),
            "quantity": quantity_form_field(label=_("Quantity on the manifest"), required=False),
            "lot_code": TextField(label=_("Lot code"), max_length=40, required=False),
            "expires_on": forms.DateField(label=_("Expires on"), required=False, widget=DATE),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        pledge = data.get("pledge")
        destination = data.get("destination")
        if (
            pledge is not None
            and destination is not None
            and pledge.destination_id != destination.pk
        ):
            self.add_error(
                "destination",
                _("Pledge %(pledge)s goes to %(warehouse)s: choose that warehouse.")
                % {"pledge": pledge, "warehouse": pledge.destination.name},
            )
        return data

    def to_input(self) -> ShipmentInput:
        data = self.cleaned_data
        return ShipmentInput(
            sender_id=data["sender"].pk,
            destination_id=data["destination"].pk,
            pledge_id=data["pledge"].pk if data["pledge"] else None,
            waybill=data["waybill"],
            dispatched_on=data["dispatched_on"],
            expected_on=data["expected_on"],
            lines=[
                ShipmentLineInput(
                    item_id=line["item"].pk,
                    quantity=line["quantity"],
                    lot_code=line["lot_code"] or "",
                    expires_on=line["expires_on"],
                )
                for line in self.used_lines()
            ],
        )
