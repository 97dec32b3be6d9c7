from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from edgecamp.accounts import lockout


class LockoutModelBackend(ModelBackend):
    """Username and password, refused while the username or the address is locked, with every
    failure counted. Covers every login form (ours and the admin's)."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if username is None:
            username = kwargs.get("username")
        if username is None or password is None:
            return None
        if lockout.locked_until(username, request) is not None:
            # PermissionDenied stops Django trying other backends.
            raise PermissionDenied
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            lockout.record_failure(username, request)
        else:
            lockout.record_success(username)
        return user
