"""Staff roles. A user holds one role, at one or more sites (or at every site)."""

from edgecamp.core.access import Role

ALL_ROLES = frozenset(Role)
# Everyone who works with registered people by name; partner viewers see aggregates only.
PERSONAL_DATA = ALL_ROLES - {Role.PARTNER_VIEWER}
REGISTRATION = frozenset({Role.ADMINISTRATOR, Role.CAMP_MANAGER, Role.REGISTRATION_CLERK})
SUPPLY = frozenset({Role.ADMINISTRATOR, Role.CAMP_MANAGER, Role.DISTRIBUTION_STAFF})
MANAGEMENT = frozenset({Role.ADMINISTRATOR, Role.CAMP_MANAGER})
# Who creates distribution cycles: managers, and protection officers, who alone may target a
# cycle by a protection-sensitive need (of their sites).
CYCLE_PLANNING = MANAGEMENT | {Role.PROTECTION_OFFICER}
ADMINISTRATION = frozenset({Role.ADMINISTRATOR})
# The audit log: managers read the entries of their sites, protection officers the entries
# about protection data of theirs (`edgecamp.audit.queries.visible_entries`).
AUDIT_READERS = MANAGEMENT | {Role.PROTECTION_OFFICER}

# API token scopes and the roles that may hold each: a token never grants more than its
# owner's role allows, and the policy table names the scope every API operation needs.
TOKEN_SCOPES: dict[str, frozenset[str]] = {
    "read": ALL_ROLES,
    "register": REGISTRATION,
    "distribute": SUPPLY | CYCLE_PLANNING,
    "protect": frozenset({Role.PROTECTION_OFFICER}),
}
