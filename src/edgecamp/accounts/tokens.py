"""API tokens: created with a random secret shown once, stored as a SHA-256 hash, revocable."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from edgecamp.accounts.models import ApiToken
from edgecamp.accounts.roles import TOKEN_SCOPES
from edgecamp.accounts.scope import role_of
from edgecamp.core.context import unrecorded
from edgecamp.core.errors import Refused

# Marks a string as an edgecamp token (and lets secret scanners recognise leaked ones).
TOKEN_PREFIX = "ec_"  # noqa: S105 - a fixed prefix, not a secret


class TokenError(Refused):
    """The token cannot be created as asked (name, scopes); none was created."""


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def scopes_for(user: Any) -> list[str]:
    """The scopes this user's role may put on a token."""
    role = role_of(user)
    return [scope for scope, roles in TOKEN_SCOPES.items() if role in roles]


@transaction.atomic
def create_token(user: Any, name: str, scopes: Iterable[str]) -> tuple[ApiToken, str]:
    """Returns the token and its secret; the secret is not stored and cannot be shown again."""
    wanted = sorted(set(scopes))
    allowed = scopes_for(user)
    errors: dict[str, list[str]] = {}
    if not name.strip():
        errors["name"] = [_("Give the token a name, e.g. the program or device that uses it.")]
    if not wanted:
        errors["scopes"] = [_("Choose at least one scope.")]
    elif not_allowed := [s for s in wanted if s not in allowed]:
        errors["scopes"] = [
            _("Your role cannot grant these scopes: %(scopes)s.")
            % {"scopes": ", ".join(not_allowed)}
        ]
    if errors:
        raise TokenError(errors)
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name.strip(),
        key_hash=_hash(secret),
        prefix=secret[:10],
        scopes=wanted,
    )
    return token, secret


@transaction.atomic
def revoke_token(user: Any, token_id: int) -> bool:
    token = ApiToken.objects.filter(pk=token_id, user=user, revoked_at__isnull=True).first()
    if token is None:
        return False
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    return True


def authenticate(secret: str) -> ApiToken | None:
    """The active token with this secret, with its user, or None."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=_hash(secret), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is not None:
        now = timezone.now()
        # Once a minute is precise enough and keeps reads from writing on every call.
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
            with unrecorded():
                ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def user_tokens(user: Any) -> list[ApiToken]:
    return list(ApiToken.objects.filter(user=user))
