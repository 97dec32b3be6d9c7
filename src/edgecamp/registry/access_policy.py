"""Access policy of the registry's merge and unmerge routes (merged into
`edgecamp.accounts.policy`). Reviewing duplicates is for camp managers and administrators, as
the review queue itself; the API's write operations need a token with the `register` scope."""

from edgecamp.accounts.policy import allow
from edgecamp.accounts.roles import MANAGEMENT

WEB_ROUTES = {
    "duplicate-compare": allow(MANAGEMENT),
    "duplicate-merge": allow(MANAGEMENT),
    "duplicate-unmerge": allow(MANAGEMENT),
}

API_OPERATIONS = {
    "edgecamp.registry.api.list_duplicate_candidates": allow(MANAGEMENT, scope="read"),
    "edgecamp.registry.api.merge_duplicate": allow(MANAGEMENT, scope="register"),
    "edgecamp.registry.api.mark_not_same": allow(MANAGEMENT, scope="register"),
    "edgecamp.registry.api.unmerge_duplicate": allow(MANAGEMENT, scope="register"),
}
