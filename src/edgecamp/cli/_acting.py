"""Acting as a staff account: how every command that acts for someone (`--user`) does it.

`as_user(username, route)` finds the active account and lets it do what the page `route` does
(the roles come from the same access-policy entry as the page's, whatever the command); its
scope then limits every lookup to the account's sites. `run_as` is the whole frame of such a
command: Django set up, the account checked, the work run with the audit log naming the account
(through "cli"), and either the work's summary printed or, by the one printer, why nothing was
written.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from edgecamp.cli._base import (
    NOTHING_WRITTEN,
    CommandRefused,
    console,
    print_refusal,
    refusals,
    setup_django,
)


@dataclass(frozen=True)
class Acting:
    """Who a command acts as. Both are Django objects, `Any` to mypy (no django-stubs)."""

    user: Any  # the staff account (django.contrib.auth's user model)
    scope: Any  # its core.access.Scope: its role and the sites it sees


@dataclass(frozen=True)
class Done:
    """What a command's work ends with when it is not plainly success: a message (none if
    empty) and the exit code."""

    message: str
    code: int = 0


Work = Callable[[Acting], str | Done]


def as_user(username: str, route: str) -> Acting:
    """The active user named, with its scope, if its role may do what the page `route` does;
    else CommandRefused saying how to fix it."""
    from django.contrib.auth import get_user_model

    from edgecamp.accounts.policy import web_access
    from edgecamp.core.access import scope_for

    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandRefused(f"No active user is named “{username}”: check --user.")
    scope = scope_for(user)
    access = web_access(route)
    if access is None or not access.allows(scope.role):
        needed = ", ".join(sorted(access.roles)) if access is not None else "none"
        raise CommandRefused(
            f"{username} ({scope.role or 'no role'}) may not do this: it needs one of the "
            f"roles {needed} (set it in the admin, Staff profiles)."
        )
    return Acting(user, scope)


def run_as(
    args: argparse.Namespace,
    route: str,
    work: Work,
    *,
    headline: str | None = NOTHING_WRITTEN,
    lookup_headline: str | None = NOTHING_WRITTEN,
) -> int:
    """Run `work` as `--user` if it may do what the page `route` does; print its summary (exit
    0, or the `Done`'s code) or why nothing was written (exit 1).

    `headline` heads a service's refusal (`core.errors.Refused`, a file's problems);
    `lookup_headline` heads a `CommandRefused` (who or what the command names cannot be used;
    None prints the sentence alone, in red).
    """
    setup_django()
    from edgecamp.core.context import acting_as

    out = console()
    try:
        acting = as_user(args.user, route)
        # The audit log names this user, through "cli", for everything the command writes.
        with acting_as(acting.user, "cli"):
            done = work(acting)
    except CommandRefused as refusal:
        print_refusal(out, refusal, lookup_headline)
        return 1
    except refusals() as error:
        print_refusal(out, error, headline)
        return 1
    # The work is committed: printing cannot fail the command from here (edgecamp.terminal).
    if isinstance(done, str):
        done = Done(done)
    if done.message:
        out.print(done.message)
    return done.code
