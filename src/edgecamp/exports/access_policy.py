"""Who may take data out. The registry, with names: managers of their sites, and protection
officers of theirs (they alone with protection-sensitive needs). Population figures carry no
personal data: everyone, partner viewers included."""

from edgecamp.accounts.policy import allow
from edgecamp.accounts.roles import ALL_ROLES, MANAGEMENT
from edgecamp.core.access import Role

REGISTRY_EXPORT = MANAGEMENT | {Role.PROTECTION_OFFICER}

WEB_ROUTES = {
    "exports": allow(ALL_ROLES),
    "export-registry-xlsx": allow(REGISTRY_EXPORT),
    "export-households-csv": allow(REGISTRY_EXPORT),
    "export-members-csv": allow(REGISTRY_EXPORT),
    "export-population-csv": allow(ALL_ROLES),
    "export-population-xlsx": allow(ALL_ROLES),
}
