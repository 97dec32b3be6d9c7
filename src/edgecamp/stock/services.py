"""Stock services, the one door callers use: every change of stock is a movement written
inside one transaction, with the (warehouse, item, lot) balance row locked while it is checked
and moved, so a balance never goes below zero however many desks write at once.

The work lives in three modules along its seams: `ledger` (receipts, transfers, losses, counts,
and the row-level steps under them), `issue` (taking stock out for a distribution) and
`pipeline` (pledges, shipments and their receipt). Public functions own their transaction.
`issue_stock` is the exception: it is the step the distribution services call inside their
own transaction, so a redemption and its stock movements commit together or not at all."""

from __future__ import annotations

from edgecamp.stock.issue import (
    IssueLine,
    IssuePlan,
    StockMoved,
    issue_stock,
    issue_stock_lines,
    plan_issue,
    take_planned_stock,
    write_issue_movements,
)
from edgecamp.stock.ledger import (
    CountInput,
    LossInput,
    ReceiptInput,
    SupplyError,
    TransferInput,
    adjust_to_count,
    receive_stock,
    record_loss,
    transfer_stock,
)
from edgecamp.stock.pipeline import (
    PledgeInput,
    PledgeLineInput,
    ReceivedLineInput,
    ShipmentInput,
    ShipmentLineInput,
    create_pledge,
    dispatch_shipment,
    receive_shipment,
)
from edgecamp.stock.quantities import plain

plain_quantity = plain

__all__ = [
    "CountInput",
    "IssueLine",
    "IssuePlan",
    "LossInput",
    "PledgeInput",
    "PledgeLineInput",
    "ReceiptInput",
    "ReceivedLineInput",
    "ShipmentInput",
    "ShipmentLineInput",
    "StockMoved",
    "SupplyError",
    "TransferInput",
    "adjust_to_count",
    "create_pledge",
    "dispatch_shipment",
    "issue_stock",
    "issue_stock_lines",
    "plain_quantity",
    "plan_issue",
    "receive_shipment",
    "receive_stock",
    "record_loss",
    "take_planned_stock",
    "transfer_stock",
    "write_issue_movements",
]
