"""Sign-in throttling: after repeated failures a username, and separately a client address,
is locked for a while. Counted in the database so every server process and thread agrees."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from edgecamp.accounts.models import LoginThrottle


def _keys(username: str, request: HttpRequest | None) -> list[tuple[str, int]]:
    keys = [(f"user:{username.strip().lower()}", settings.EDGECAMP_LOGIN_MAX_FAILURES)]
    address = request.META.get("REMOTE_ADDR") if request is not None else None
    if address:
        keys.append((f"ip:{address}", settings.EDGECAMP_LOGIN_MAX_FAILURES_PER_ADDRESS))
    return keys


def locked_until(username: str, request: HttpRequest | None) -> datetime | None:
    now = timezone.now()
    locks = LoginThrottle.objects.filter(
        key__in=[key for key, _limit in _keys(username, request)], locked_until__gt=now
    ).values_list("locked_until", flat=True)
    return max(locks, default=None)


@transaction.atomic
def record_failure(username: str, request: HttpRequest | None) -> None:
    now = timezone.now()
    window = timedelta(minutes=settings.EDGECAMP_LOGIN_LOCK_MINUTES)
    for key, limit in _keys(username, request):
        throttle, _created = LoginThrottle.objects.select_for_update().get_or_create(key=key)
        if now - throttle.first_failure_at > window:
            # Failures long ago do not add up to a lock.
            throttle.failures, throttle.first_failure_at = 0, now
        throttle.failures += 1
        if throttle.failures >= limit:
            throttle.locked_until = now + window
        throttle.save()


def record_success(username: str) -> None:
    LoginThrottle.objects.filter(key=f"user:{username.strip().lower()}").delete()
