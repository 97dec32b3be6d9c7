from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from edgecamp.accounts import policy
from edgecamp.accounts.roles import Role
from edgecamp.accounts.scope import role_of


class _May:
    """`{% if may.household_register %}`: whether the user's role may open the page with this
    URL name (underscores for hyphens), from the same policy table the middleware enforces."""

    def __init__(self, role: str | None) -> None:
        self.role = role

    def __getitem__(self, name: str) -> bool:
        for candidate in (name, name.replace("_", "-")):
            access = policy.web_access(candidate)
            if access is not None:
                return access.allows(self.role)
        return False


def access(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    role = role_of(user) if user is not None else None
    return {"may": _May(role), "staff_role": Role(role).label if role else ""}
