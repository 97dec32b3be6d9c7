"""Access policy of the jobs pages and API (merged into `edgecamp.accounts.policy`). Everyone
who works with people by name may open the jobs page; what it lists is scoped in
`jobs.queries` (one's own jobs; managers and administrators every job of their sites), and a
result file is downloaded only from a job the reader sees. Starting a job is the page's that
offers it (the duplicate review, a cycle's cards), under that page's policy."""

# The policy tables are accounts' (this app sits beside it): reading them is the one import
# of accounts the layer contract allows the jobs app (pyproject.toml, ignore_imports).
from edgecamp.accounts.policy import allow
from edgecamp.accounts.roles import PERSONAL_DATA

WEB_ROUTES = {
    "job-list": allow(PERSONAL_DATA),
    "job-detail": allow(PERSONAL_DATA),
    "job-download": allow(PERSONAL_DATA),
}

API_OPERATIONS = {
    "edgecamp.jobs.api.list_jobs": allow(PERSONAL_DATA, scope="read"),
    "edgecamp.jobs.api.get_job": allow(PERSONAL_DATA, scope="read"),
}
