"""The stock API's shapes. Quantities are sent as numbers or decimal strings ("12.5") and
read back as numbers; the stock services check them, so every mistake comes back at once
under its field path."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from ninja import Field, Schema

from edgecamp.core.schemas import PUBLIC_ID, CleanInput
from edgecamp.stock import queries, services
from edgecamp.stock.models import Item, Movement, Pledge, Shipment, Warehouse
from edgecamp.stock.quantities import MAX_LINES

# --- Input -------------------------------------------------------------------------------------


class ReceiptIn(CleanInput):
    warehouse: int
    item: int
    quantity: Decimal
    lot_code: str = Field("", description="Required for items that track expiry.")
    expires_on: date | None = None
    reason: str = ""

    def to_input(self) -> services.ReceiptInput:
        return services.ReceiptInput(
            warehouse_id=self.warehouse,
            item_id=self.item,
            quantity=self.quantity,
            lot_code=self.lot_code,
            expires_on=self.expires_on,
            reason=self.reason,
        )


class TransferIn(CleanInput):
    from_warehouse: int
    to_warehouse: int
    item: int
    quantity: Decimal
    lot_code: str = ""
    reason: str = ""

    def to_input(self) -> services.TransferInput:
        return services.TransferInput(
            from_warehouse_id=self.from_warehouse,
            to_warehouse_id=self.to_warehouse,
            item_id=self.item,
            quantity=self.quantity,
            lot_code=self.lot_code,
            reason=self.reason,
        )


class LossIn(CleanInput):
    warehouse: int
    item: int
    quantity: Decimal
    reason: str = Field(description="What was lost or damaged, and how.")
    lot_code: str = ""

    def to_input(self) -> services.LossInput:
        return services.LossInput(
            warehouse_id=self.warehouse,
            item_id=self.item,
            quantity=self.quantity,
            reason=self.reason,
            lot_code=self.lot_code,
        )


class CountIn(CleanInput):
    warehouse: int
    item: int
    counted_quantity: Decimal
    reason: str = Field(description="Why the count differs from the ledger.")
    lot_code: str = ""

    def to_input(self) -> services.CountInput:
        return services.CountInput(
            warehouse_id=self.warehouse,
            item_id=self.item,
            counted_quantity=self.counted_quantity,
            reason=self.reason,
            lot_code=self.lot_code,
        )


class PledgeLineIn(CleanInput):
    item: int
    quantity: Decimal


class PledgeIn(CleanInput):
    donor: int = Field(description="Id of the donor (partner organisation).")
    destination: int = Field(description="Id of the receiving warehouse.")
    pledged_on: date
    expected_by: date | None = None
    reference: str = ""
    lines: list[PledgeLineIn] = Field(max_length=MAX_LINES)

    def to_input(self) -> services.PledgeInput:
        return services.PledgeInput(
            donor_id=self.donor,
            destination_id=self.destination,
            pledged_on=self.pledged_on,
            expected_by=self.expected_by,
            reference=self.reference,
            lines=[services.PledgeLineInput(line.item, line.quantity) for line in self.lines],
        )


class ShipmentLineIn(CleanInput):
    item: int
    quantity: Decimal = Field(description="Quantity on the manifest.")
    lot_code: str = ""
    expires_on: date | None = None


class ShipmentIn(CleanInput):
    sender: int = Field(description="Id of the sending partner organisation.")
    destination: int = Field(description="Id of the receiving warehouse.")
    pledge: int | None = None
    waybill: str
    dispatched_on: date
    expected_on: date | None = None
    lines: list[ShipmentLineIn] = Field(max_length=MAX_LINES)

    def to_input(self) -> services.ShipmentInput:
        return services.ShipmentInput(
            sender_id=self.sender,
            destination_id=self.destination,
            pledge_id=self.pledge,
            waybill=self.waybill,
            dispatched_on=self.dispatched_on,
            expected_on=self.expected_on,
            lines=[
                services.ShipmentLineInput(
                    item_id=line.item,
                    quantity=line.quantity,
                    lot_code=line.lot_code,
                    expires_on=line.expires_on,
                )
                for line in self.lines
            ],
        )


class ReceivedLineIn(CleanInput):
    line: int = Field(description="Id of the manifest line.")
    received_quantity: Decimal
    discrepancy_reason: str = Field("", description="Required when it differs from the manifest.")


class ReceiveIn(CleanInput):
    lines: list[ReceivedLineIn] = Field(max_length=MAX_LINES)

    def to_input(self) -> list[services.ReceivedLineInput]:
        return [
            services.ReceivedLineInput(
                line_id=line.line,
                received_quantity=line.received_quantity,
                discrepancy_reason=line.discrepancy_reason,
            )
            for line in self.lines
        ]


# --- Output ------------------------------------------------------------------------------------


class ItemOut(Schema):
    id: int
    uuid: UUID = Field(description=PUBLIC_ID)
    code: str
    name: str
    unit: str = Field(json_schema_extra={"enum": list(Item.Unit.values)})
    category: str = Field(json_schema_extra={"enum": list(Item.Category.values)})
    tracks_expiry: bool
    components: list[dict[str, object]] = Field(description="For kits: what one kit holds.")

    @staticmethod
    def resolve_components(item: Item) -> list[dict[str, object]]:
        return [
            {"item": c.component.code, "quantity": float(c.quantity)} for c in item.components.all()
        ]


class WarehouseOut(Schema):
    id: int
    uuid: UUID = Field(description=PUBLIC_ID)
    code: str
    name: str
    site: int = Field(description="Id of the site the warehouse serves.")

    @staticmethod
    def resolve_site(warehouse: Warehouse) -> int:
        return warehouse.site_id


class MovementOut(Schema):
    id: int
    kind: str = Field(json_schema_extra={"enum": list(Movement.Kind.values)})
    warehouse: str
    item: str
    lot: str | None
    quantity: float = Field(description="Positive into the warehouse, negative out of it.")
    reason: str
    reference: str
    occurred_at: datetime

    @staticmethod
    def resolve_warehouse(movement: Movement) -> str:
        return movement.warehouse.code

    @staticmethod
    def resolve_item(movement: Movement) -> str:
        return movement.item.code

    @staticmethod
    def resolve_lot(movement: Movement) -> str | None:
        return movement.lot.code if movement.lot is not None else None


class AdjustmentOut(Schema):
    movement: MovementOut | None = Field(description="Empty when the count matched the ledger.")


class LineOut(Schema):
    id: int
    item: str
    quantity: float

    @staticmethod
    def resolve_item(line: object) -> str:
        return line.item.code  # type: ignore[attr-defined,no-any-return]


class PledgeOut(Schema):
    id: int
    uuid: UUID = Field(description=PUBLIC_ID)
    donor: str
    destination: str
    reference: str
    pledged_on: date
    expected_by: date | None
    status: str = Field(json_schema_extra={"enum": list(Pledge.Status.values)})
    line_count: int = Field(description="How many lines the pledge has.")
    lines: list[LineOut] = Field(description=f"Its lines, the first {MAX_LINES} of them.")

    @staticmethod
    def resolve_donor(pledge: Pledge) -> str:
        return pledge.donor.name

    @staticmethod
    def resolve_destination(pledge: Pledge) -> str:
        return pledge.destination.code

    @staticmethod
    def resolve_line_count(pledge: Pledge) -> int:
        return queries.line_count(pledge)

    @staticmethod
    def resolve_lines(pledge: Pledge) -> list[object]:
        return queries.first_lines(pledge, MAX_LINES)  # type: ignore[return-value]


class ShipmentLineOut(Schema):
    id: int
    item: str
    manifest_quantity: float
    lot_code: str
    expires_on: date | None
    received_quantity: float | None
    discrepancy: float | None = Field(description="Received minus manifest.")
    discrepancy_reason: str

    @staticmethod
    def resolve_item(line: object) -> str:
        return line.item.code  # type: ignore[attr-defined,no-any-return]


class ShipmentOut(Schema):
    id: int
    uuid: UUID = Field(description=PUBLIC_ID)
    waybill: str
    sender: str
    destination: str
    pledge: int | None
    dispatched_on: date
    expected_on: date | None
    status: str = Field(json_schema_extra={"enum": list(Shipment.Status.values)})
    received_at: datetime | None
    lines: list[ShipmentLineOut]

    @staticmethod
    def resolve_sender(shipment: Shipment) -> str:
        return shipment.sender.name

    @staticmethod
    def resolve_destination(shipment: Shipment) -> str:
        return shipment.destination.code

    @staticmethod
    def resolve_pledge(shipment: Shipment) -> int | None:
        return shipment.pledge_id

    @staticmethod
    def resolve_lines(shipment: Shipment) -> list[object]:
        return list(shipment.lines.all())
