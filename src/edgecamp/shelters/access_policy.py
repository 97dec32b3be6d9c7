"""Who may use the shelter pages and API operations (merged into `edgecamp.accounts.policy`).
Allocation plans list households by name: managers only. The sites API gives counts, no
personal data: every role."""

from edgecamp.accounts.policy import allow
from edgecamp.accounts.roles import ALL_ROLES, MANAGEMENT

WEB_ROUTES = {
    "shelter-sites": allow(MANAGEMENT),
    "site-allocation": allow(MANAGEMENT),
    "allocation-plan": allow(MANAGEMENT),
    "allocation-plan-confirm": allow(MANAGEMENT),
    "allocation-plan-discard": allow(MANAGEMENT),
    # The shelters of a site name the households living in each (to move them): managers,
    # who alone mark a shelter damaged, under repair or decommissioned.
    "site-shelters": allow(MANAGEMENT),
    "shelter-status": allow(MANAGEMENT),
}

API_OPERATIONS = {
    "edgecamp.shelters.api.list_sites": allow(ALL_ROLES, scope="read"),
    "edgecamp.shelters.api.get_site": allow(ALL_ROLES, scope="read"),
    # Shelters with their occupants counted, no household named: every role, like the sites.
    "edgecamp.shelters.api.list_site_shelters": allow(ALL_ROLES, scope="read"),
    "edgecamp.shelters.api.change_shelter_status": allow(MANAGEMENT, scope="register"),
    "edgecamp.shelters.api.propose_plan": allow(MANAGEMENT, scope="register"),
    "edgecamp.shelters.api.get_plan": allow(MANAGEMENT, scope="read"),
    "edgecamp.shelters.api.list_plan_lines": allow(MANAGEMENT, scope="read"),
    "edgecamp.shelters.api.confirm_plan": allow(MANAGEMENT, scope="register"),
    "edgecamp.shelters.api.discard_plan": allow(MANAGEMENT, scope="register"),
}
