"""Protection records: protection officers only (and only of their sites: the queries scope
them). Administrators and managers are deliberately absent (README, Roles and security).

Reads and writes through the API need the token scope "protect", which only protection officers
hold: a `read` token of a protection officer reads what any other role reads."""

from edgecamp.accounts.policy import allow
from edgecamp.accounts.roles import Role

PROTECTION = [Role.PROTECTION_OFFICER]

WEB_ROUTES = {
    "protection-tracing-list": allow(PROTECTION),
    "protection-tracing-status": allow(PROTECTION),
    "protection-note-add": allow(PROTECTION),
    "protection-tracing-add": allow(PROTECTION),
}

API_OPERATIONS = {
    "edgecamp.protection.api.get_household_protection": allow(PROTECTION, scope="protect"),
    "edgecamp.protection.api.list_tracing_requests": allow(PROTECTION, scope="protect"),
    "edgecamp.protection.api.add_note": allow(PROTECTION, scope="protect"),
    "edgecamp.protection.api.open_tracing_request": allow(PROTECTION, scope="protect"),
    "edgecamp.protection.api.set_tracing_status": allow(PROTECTION, scope="protect"),
}
