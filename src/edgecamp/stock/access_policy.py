"""Who may use the stock pages and API operations (merged into `edgecamp.accounts.policy`):
the supply roles."""

from edgecamp.accounts.policy import allow
from edgecamp.accounts.roles import SUPPLY

WEB_ROUTES = {
    "warehouse-ledger": allow(SUPPLY),
    "shipment-list": allow(SUPPLY),
    "shipment-receive": allow(SUPPLY),
    "stock-receive": allow(SUPPLY),
    "stock-transfer": allow(SUPPLY),
    "stock-loss": allow(SUPPLY),
    "stock-count": allow(SUPPLY),
    "pledge-list": allow(SUPPLY),
    "pledge-create": allow(SUPPLY),
    "shipment-dispatch": allow(SUPPLY),
}

API_OPERATIONS = {
    "edgecamp.stock.api.list_items": allow(SUPPLY, scope="read"),
    "edgecamp.stock.api.list_warehouses": allow(SUPPLY, scope="read"),
    "edgecamp.stock.api.list_movements": allow(SUPPLY, scope="read"),
    "edgecamp.stock.api.list_pledges": allow(SUPPLY, scope="read"),
    "edgecamp.stock.api.list_shipments": allow(SUPPLY, scope="read"),
    "edgecamp.stock.api.post_receipt": allow(SUPPLY, scope="distribute"),
    "edgecamp.stock.api.post_transfer": allow(SUPPLY, scope="distribute"),
    "edgecamp.stock.api.post_loss": allow(SUPPLY, scope="distribute"),
    "edgecamp.stock.api.post_adjustment": allow(SUPPLY, scope="distribute"),
    "edgecamp.stock.api.post_pledge": allow(SUPPLY, scope="distribute"),
    "edgecamp.stock.api.post_shipment": allow(SUPPLY, scope="distribute"),
    "edgecamp.stock.api.receive_shipment": allow(SUPPLY, scope="distribute"),
}
