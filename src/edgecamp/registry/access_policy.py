"""Access policy of the registry's pages and API operations (merged into
`edgecamp.accounts.policy`): people by name for every role but partner viewers, registration
for the registration roles. Reviewing duplicates is for camp managers and administrators, as
the review queue itself; the API's write operations need a token with the `register` scope."""

from edgecamp.accounts.policy import allow
from edgecamp.accounts.roles import ALL_ROLES, MANAGEMENT, PERSONAL_DATA, REGISTRATION
from edgecamp.core.access import Role

CORRECTION = REGISTRATION | {Role.PROTECTION_OFFICER}

WEB_ROUTES = {
    "dashboard": allow(ALL_ROLES),
    "household-list": allow(PERSONAL_DATA),
    "household-detail": allow(PERSONAL_DATA),
    "household-register": allow(REGISTRATION),
    "household-member-form": allow(REGISTRATION),
    "household-shelter-options": allow(REGISTRATION),
    "household-event": allow(REGISTRATION),
    "duplicate-review": allow(MANAGEMENT),
    "duplicate-not-same": allow(MANAGEMENT),
    "duplicate-dedupe-start": allow(MANAGEMENT),
    "duplicate-compare": allow(MANAGEMENT),
    "duplicate-merge": allow(MANAGEMENT),
    "duplicate-unmerge": allow(MANAGEMENT),
    "family-review": allow(MANAGEMENT),
    "family-merge": allow(MANAGEMENT),
    "family-unmerge": allow(MANAGEMENT),
    # Corrections: the registration roles; a person's also protection officers, who alone
    # close protection-sensitive needs (registry.corrections).
    "household-correct": allow(REGISTRATION),
    "individual-correct": allow(CORRECTION),
    # The focal point's photo for the ration card: taken by the registration roles, seen by
    # whoever reads the household.
    "household-photo": allow(PERSONAL_DATA),
    "household-photo-upload": allow(REGISTRATION),
    "household-photo-remove": allow(REGISTRATION),
}

API_OPERATIONS = {
    "edgecamp.registry.api.list_households": allow(PERSONAL_DATA, scope="read"),
    "edgecamp.registry.api.get_household": allow(PERSONAL_DATA, scope="read"),
    "edgecamp.registry.api.get_individual": allow(PERSONAL_DATA, scope="read"),
    "edgecamp.registry.api.register_household": allow(REGISTRATION, scope="register"),
    "edgecamp.registry.api.check_duplicates": allow(REGISTRATION, scope="register"),
    "edgecamp.registry.api.list_duplicate_candidates": allow(MANAGEMENT, scope="read"),
    "edgecamp.registry.api.merge_duplicate": allow(MANAGEMENT, scope="register"),
    "edgecamp.registry.api.mark_not_same": allow(MANAGEMENT, scope="register"),
    "edgecamp.registry.api.unmerge_duplicate": allow(MANAGEMENT, scope="register"),
    "edgecamp.registry.corrections_api.patch_household": allow(REGISTRATION, scope="register"),
    "edgecamp.registry.corrections_api.patch_individual": allow(CORRECTION, scope="register"),
    # Life events (events_api): recorded by the registration roles, read like households.
    "edgecamp.registry.events_api.record_event": allow(REGISTRATION, scope="register"),
    "edgecamp.registry.events_api.list_events": allow(PERSONAL_DATA, scope="read"),
}
