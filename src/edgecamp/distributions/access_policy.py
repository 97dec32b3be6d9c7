"""Who may look up, reissue and revoke ration cards (merged into `edgecamp.accounts.policy`).
A lost card is replaced at the help desk by distribution staff; revoking a household's card
(fraud, a household that left) is a manager's decision."""

from edgecamp.accounts.policy import allow
from edgecamp.accounts.roles import CYCLE_PLANNING, MANAGEMENT, SUPPLY

WEB_ROUTES = {
    "stock-position": allow(SUPPLY),
    "cycle-list": allow(SUPPLY | CYCLE_PLANNING),
    "cycle-create": allow(CYCLE_PLANNING),
    "cycle-detail": allow(SUPPLY | CYCLE_PLANNING),
    "cycle-start": allow(MANAGEMENT),
    "cycle-cards": allow(SUPPLY),
    "cycle-export": allow(SUPPLY),
    "redemption-desk": allow(SUPPLY),
    "ration-card": allow(SUPPLY),
    "ration-card-reissue": allow(SUPPLY),
    "ration-card-revoke": allow(MANAGEMENT),
    "ration-card-pdf": allow(SUPPLY),
}

API_OPERATIONS = {
    "edgecamp.distributions.api.list_cycles": allow(SUPPLY | CYCLE_PLANNING, scope="read"),
    "edgecamp.distributions.api.get_cycle": allow(SUPPLY | CYCLE_PLANNING, scope="read"),
    "edgecamp.distributions.api.cycle_coverage": allow(SUPPLY, scope="read"),
    "edgecamp.distributions.api.stock_position": allow(SUPPLY, scope="read"),
    "edgecamp.distributions.api.cycle_hxl": allow(SUPPLY, scope="read"),
    "edgecamp.distributions.api.create_cycle": allow(CYCLE_PLANNING, scope="distribute"),
    "edgecamp.distributions.api.start_cycle": allow(MANAGEMENT, scope="distribute"),
    "edgecamp.distributions.api.verify_card": allow(SUPPLY, scope="distribute"),
    "edgecamp.distributions.api.redeem": allow(SUPPLY, scope="distribute"),
    "edgecamp.distributions.api.get_ration_card": allow(SUPPLY, scope="read"),
    "edgecamp.distributions.api.reissue_ration_card": allow(SUPPLY, scope="distribute"),
    "edgecamp.distributions.api.revoke_ration_card": allow(MANAGEMENT, scope="distribute"),
}
