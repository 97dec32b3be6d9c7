"""Who may look up, reissue and revoke ration cards (merged into `edgecamp.accounts.policy`).
A lost card is replaced at the help desk by distribution staff; revoking a household's card
(fraud, a household that left) is a manager's decision."""

from edgecamp.accounts.policy import allow
from edgecamp.accounts.roles import MANAGEMENT, SUPPLY

WEB_ROUTES = {
    "ration-card": allow(SUPPLY),
    "ration-card-reissue": allow(SUPPLY),
    "ration-card-revoke": allow(MANAGEMENT),
    "ration-card-pdf": allow(SUPPLY),
}

API_OPERATIONS = {
    "edgecamp.distributions.api.get_ration_card": allow(SUPPLY, scope="read"),
    "edgecamp.distributions.api.reissue_ration_card": allow(SUPPLY, scope="distribute"),
    "edgecamp.distributions.api.revoke_ration_card": allow(MANAGEMENT, scope="distribute"),
}
