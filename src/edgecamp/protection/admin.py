"""Deliberately empty: confidential notes and tracing requests are not in the Django admin.

The admin is for administrators, who are not protection officers and must not read protection
data (README, Roles and security). Protection officers work in the staff UI and the API, where
reads are scoped to their sites and audited; corrections go through them too."""
