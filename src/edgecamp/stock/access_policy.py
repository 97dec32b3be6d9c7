"""Who may use the stock pages and API operations added with the stock forms (merged into
`edgecamp.accounts.policy`): the supply roles, like the rest of stock."""

from edgecamp.accounts.policy import allow
from edgecamp.accounts.roles import SUPPLY

WEB_ROUTES = {
    "stock-receive": allow(SUPPLY),
    "stock-transfer": allow(SUPPLY),
    "stock-loss": allow(SUPPLY),
    "stock-count": allow(SUPPLY),
    "pledge-list": allow(SUPPLY),
    "pledge-create": allow(SUPPLY),
    "shipment-dispatch": allow(SUPPLY),
}
