"""Who may use verification rounds (merged into `edgecamp.accounts.policy`). Managers open and
close a round (the close sets households inactive); registration desks (clerks and managers
of the site) confirm households and follow the report."""

from edgecamp.accounts.policy import allow
from edgecamp.accounts.roles import MANAGEMENT, REGISTRATION

WEB_ROUTES = {
    "verification-rounds": allow(REGISTRATION),
    "verification-round-open": allow(MANAGEMENT),
    "verification-desk": allow(REGISTRATION),
    "verification-round-close": allow(MANAGEMENT),
    "verification-report": allow(REGISTRATION),
    "verification-report-csv": allow(REGISTRATION),
}

API_OPERATIONS = {
    "edgecamp.verification.api.list_rounds": allow(REGISTRATION, scope="read"),
    "edgecamp.verification.api.open_round": allow(MANAGEMENT, scope="register"),
    "edgecamp.verification.api.confirm_household": allow(REGISTRATION, scope="register"),
    "edgecamp.verification.api.close_round": allow(MANAGEMENT, scope="register"),
    "edgecamp.verification.api.round_report": allow(REGISTRATION, scope="read"),
}
