# ruff: noqa: S608 - the close's SQL is built from table names and constants, never from input
"""Verification services: open a round, confirm a household in person, close the round. Each
is one transaction and either completes or writes nothing; errors are `VerificationError`
field errors (core.errors.Refused).

Concurrency. Confirming locks the round row, then the household row; closing locks the round
row, then (by its UPDATE) the households. So a confirmation and the close never interleave: a
desk confirming while the manager closes waits, then finds the round closed (and its household
confirmed late, set active again, if the close made it inactive). SQLite's write transactions
(BEGIN IMMEDIATE) run one at a time anyway.

The close is set-based: one INSERT … SELECT writes the round's "not seen" rows, one writes
their life events, one UPDATE sets the households inactive (the site-count triggers follow it
row by row, inside the same statement), whatever the number of households."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from edgecamp.audit import capture
from edgecamp.core.access import Scope
from edgecamp.core.dates import in_words
from edgecamp.core.errors import Refused
from edgecamp.registry import life_events
from edgecamp.registry.codes import EventKind, EventReason
from edgecamp.registry.models import Household, Individual, LifeEvent, status_data
from edgecamp.sites.models import Site
from edgecamp.sites.queries import visible_sites
from edgecamp.verification import queries
from edgecamp.verification.models import Confirmation, NotSeen, Round

log = logging.getLogger(__name__)

MAX_NEW_PEOPLE = 40
# Households a confirmation may concern: the others left the camp (or were merged) and come
# back through a return, not through a verification desk.
CONFIRMABLE = (Household.Status.ACTIVE, Household.Status.INACTIVE)


class VerificationError(Refused):
    detail = gettext_lazy("Nothing was recorded: correct the fields listed in “errors”.")


class RoundConflict(VerificationError):
    """The round or the household is no longer in the state the request assumed."""

    status_code = 409
    detail = gettext_lazy("Nothing was recorded: the round has moved on (see “errors”).")


@dataclass(frozen=True)
class OpenInput:
    site_id: int
    name: str = ""


@dataclass(frozen=True)
class ConfirmInput:
    household_number: str
    # Ids of the household's active members: every one of them present or absent.
    present: Sequence[int]
    absent: Sequence[int] = ()
    # People living with the household the registry does not know yet (a baby, a relative who
    # joined): counted here, registered through the household page.
    new_people: int = 0
    note: str = ""
    desk: str = ""


def _user(user: AbstractBaseUser | None) -> AbstractBaseUser | None:
    return user if user is not None and user.pk else None


def open_round(
    data: OpenInput, *, opened_by: AbstractBaseUser | None = None, scope: Scope | None = None
) -> Round:
    """Open a verification round for a site: at most one open round per site."""
    site = visible_sites(scope).filter(pk=data.site_id).first()
    if site is None:
        raise VerificationError({"site": [_("Choose one of your sites.")]})
    name = data.name.strip() or _("Verification %(site)s %(date)s") % {
        "site": site.code,
        "date": timezone.localdate().isoformat(),
    }
    if len(name) > 120:
        raise VerificationError({"name": [_("Keep the name under 120 characters.")]})
    try:
        with transaction.atomic():
            # The site row serialises two managers opening a round for it at once.
            Site.objects.select_for_update().get(pk=site.pk)
            _refuse_open_round(site)
            created = Round.objects.create(
                site=site, name=name, opened_at=timezone.now(), opened_by=_user(opened_by)
            )
    except IntegrityError:
        # The constraint is the backstop should the row lock ever be bypassed.
        _refuse_open_round(site)
        raise
    log.info("verification round %s opened at site %s", created.pk, site.code)
    return created


def _refuse_open_round(site: Site) -> None:
    current = Round.objects.filter(site=site, status=Round.Status.OPEN).first()
    if current is not None:
        raise RoundConflict(
            {
                "site": [
                    _(
                        "Round “%(name)s” is already open at this site since %(date)s: confirm "
                        "households in it, or close it before opening another."
                    )
                    % {"name": current.name, "date": in_words(current.opened_at.date())}
                ]
            }
        )


def confirm_household(
    round_id: int,
    data: ConfirmInput,
    *,
    confirmed_by: AbstractBaseUser | None = None,
    scope: Scope | None = None,
) -> Confirmation:
    """Record that a household was seen in person: its members present and absent, the new
    people found, as a verification life event. A household the registry holds inactive (not
    seen in an earlier round, or in this one after its close) is set active again, with the
    status change in the same event. In a closed round only the households its close set
    inactive can still be confirmed (they came late)."""
    errors = VerificationError()
    note = data.note.strip()
    if len(note) > 300:
        errors.add("note", _("Keep the note under 300 characters."))
    if len(data.desk.strip()) > 40:
        errors.add("desk", _("Keep the desk name under 40 characters."))
    if not 0 <= data.new_people <= MAX_NEW_PEOPLE:
        errors.add(
            "new_people",
            _("Count between 0 and %(max)d new people.") % {"max": MAX_NEW_PEOPLE},
        )
    if errors.errors:
        raise errors
    with transaction.atomic():
        locked_round = _visible_rounds(scope).filter(pk=round_id).first()
        if locked_round is None:
            raise VerificationError({"round": [_("No verification round has this id.")]})
        household = (
            Household.objects.select_for_update()
            .filter(site_id=locked_round.site_id, number__iexact=data.household_number.strip())
            .first()
        )
        if household is None:
            raise VerificationError(
                {
                    "household": [
                        _("No household of %(site)s has the number %(number)s.")
                        % {"site": locked_round.site.name, "number": data.household_number}
                    ]
                }
            )
        _check_confirmable(locked_round, household)
        present, absent = _check_members(household, data)
        late = not locked_round.is_open
        reactivated = household.status == Household.Status.INACTIVE
        details: dict[str, object] = {
            "round": locked_round.pk,
            "present": present,
            "absent": absent,
            "new_people": data.new_people,
        }
        if late:
            details["late"] = True
        if reactivated:
            details.update(status_data(household.status, Household.Status.ACTIVE))
        event = life_events.record(
            EventKind.VERIFICATION,
            household,
            reason=EventReason.REACTIVATED if reactivated else EventReason.VERIFIED_IN_PERSON,
            note=note,
            data=details,
            recorded_by=confirmed_by,
        )
        if reactivated:
            household.status = Household.Status.ACTIVE
            household.save(update_fields=["status", "updated_at"])
        return Confirmation.objects.create(
            round=locked_round,
            household=household,
            confirmed_at=event.recorded_at,
            confirmed_by=_user(confirmed_by),
            desk=data.desk.strip(),
            present=len(present),
            absent=len(absent),
            new_people=data.new_people,
            changed=bool(absent) or data.new_people > 0 or reactivated,
            reactivated=reactivated,
            late=late,
            event=event,
        )


def _check_confirmable(round_: Round, household: Household) -> None:
    earlier = (
        Confirmation.objects.select_related("confirmed_by")
        .filter(round=round_, household=household)
        .first()
    )
    if earlier is not None:
        by = earlier.confirmed_by.get_username() if earlier.confirmed_by else "—"
        raise RoundConflict(
            {
                "household": [
                    _(
                        "Household %(number)s was confirmed in this round already, on "
                        "%(when)s by %(by)s: nothing more to do."
                    )
                    % {
                        "number": household.number,
                        "when": in_words(earlier.confirmed_at),
                        "by": by,
                    }
                ]
            }
        )
    if household.status not in CONFIRMABLE:
        raise VerificationError(
            {
                "household": [
                    _(
                        "Household %(number)s is %(status)s: record its return on the "
                        "household page first, then confirm it."
                    )
                    % {
                        "number": household.number,
                        "status": household.get_status_display().lower(),
                    }
                ]
            }
        )
    if (
        not round_.is_open
        and not NotSeen.objects.filter(round=round_, household=household).exists()
    ):
        raise RoundConflict(
            {
                "round": [
                    _(
                        "Round “%(name)s” is closed; only households it set inactive can "
                        "still be confirmed in it. Open a new round to verify the others."
                    )
                    % {"name": round_.name}
                ]
            }
        )


def _check_members(household: Household, data: ConfirmInput) -> tuple[list[int], list[int]]:
    """Every active member present or absent, once; at least one present."""
    members = set(
        Individual.objects.filter(household=household, status=Individual.Status.ACTIVE).values_list(
            "pk", flat=True
        )
    )
    present, absent = sorted(set(data.present)), sorted(set(data.absent))
    errors = VerificationError()
    if set(present) & set(absent):
        errors.add("absent", _("A member is either present or absent, not both."))
    strangers = (set(present) | set(absent)) - members
    if strangers:
        errors.add(
            "present",
            _("Only the household's active members can be marked (not: %(ids)s).")
            % {"ids": ", ".join(map(str, sorted(strangers)))},
        )
    missing = members - set(present) - set(absent)
    if missing:
        errors.add(
            "present",
            _("Mark every member present or absent (missing: %(ids)s).")
            % {"ids": ", ".join(map(str, sorted(missing)))},
        )
    if not present and not errors.errors:
        errors.add(
            "present",
            _(
                "Nobody present: a household is confirmed in person, when at least one of its "
                "members comes to the desk."
            ),
        )
    if errors.errors:
        raise errors
    return present, absent


@dataclass(frozen=True)
class CloseOutcome:
    round: Round
    verified: int
    not_seen: int


def close_round(
    round_id: int, *, closed_by: AbstractBaseUser | None = None, scope: Scope | None = None
) -> CloseOutcome:
    """Close an open round: every active household of the site that no desk confirmed in it,
    and that was registered before it opened, is set inactive, each with a verification event
    (reason not seen). Nothing is deleted; a later confirmation (late in this round, or in the
    next one) or a return sets the household active again."""
    with transaction.atomic():
        locked = _visible_rounds(scope).filter(pk=round_id).first()
        if locked is None:
            raise VerificationError({"round": [_("No verification round has this id.")]})
        if not locked.is_open:
            raise RoundConflict(
                {
                    "round": [
                        _("Round “%(name)s” was closed on %(date)s already.")
                        % {"name": locked.name, "date": _day(locked.closed_at)}
                    ]
                }
            )
        now = timezone.now()
        not_seen = _write_not_seen(locked, now, _user(closed_by))
        if not_seen:
            Household.objects.filter(
                pk__in=NotSeen.objects.filter(round=locked).values("household_id")
            ).update(status=Household.Status.INACTIVE, updated_at=now)
            capture.record_bulk_load(
                f"verification round {locked.pk} closed: {not_seen} households not seen",
                {"verification.notseen": not_seen, "registry.lifeevent": not_seen},
            )
        verified = Confirmation.objects.filter(round=locked).count()
        locked.status = Round.Status.CLOSED
        locked.closed_at = now
        locked.closed_by = _user(closed_by)
        locked.seen_count = verified
        locked.not_seen_count = not_seen
        locked.save(
            update_fields=["status", "closed_at", "closed_by", "seen_count", "not_seen_count"]
        )
    log.info("verification round %s closed: %d not seen", locked.pk, not_seen)
    return CloseOutcome(locked, verified, not_seen)


def _write_not_seen(round_: Round, now: object, user: AbstractBaseUser | None) -> int:
    """The round's not-seen rows and their life events, in two INSERT … SELECT statements."""
    ops = connection.ops
    not_seen = NotSeen._meta.db_table
    events = LifeEvent._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO {not_seen} (round_id, household_id)
                SELECT %s, h.id FROM {Household._meta.db_table} h
                WHERE h.site_id = %s AND h.status = %s AND h.created_at < %s
                AND NOT EXISTS (
                    SELECT 1 FROM {Confirmation._meta.db_table} c
                    WHERE c.round_id = %s AND c.household_id = h.id
                )""",
            [
                round_.pk,
                round_.site_id,
                Household.Status.ACTIVE,
                ops.adapt_datetimefield_value(round_.opened_at),
                round_.pk,
            ],
        )
        count = cursor.rowcount
        if not count:
            return 0
        details = json.dumps(
            {"round": round_.pk, **status_data(Household.Status.ACTIVE, Household.Status.INACTIVE)}
        )
        postgres = connection.vendor == "postgresql"
        cursor.execute(
            f"""INSERT INTO {events} (uuid, kind, household_id, occurred_on,
                    occurred_on_precision, recorded_at, recorded_by_id, reason, note, data,
                    corrects_id)
                SELECT {_PG_UUID if postgres else _SQLITE_UUID}, %s, n.household_id, %s, %s,
                    %s, %s, %s, '', {"%s::jsonb" if postgres else "%s"}, NULL
                FROM {not_seen} n WHERE n.round_id = %s ORDER BY n.household_id""",
            [
                EventKind.VERIFICATION,
                ops.adapt_datefield_value(timezone.localdate()),
                "exact",
                ops.adapt_datetimefield_value(now),
                user.pk if user is not None else None,
                EventReason.NOT_SEEN_IN_VERIFICATION,
                details,
                round_.pk,
            ],
        )
    return count


_PG_UUID = "gen_random_uuid()"
# Django keeps a UUID on SQLite as 32 hex digits; version 4, variant 8-b (core.dbguards).
_SQLITE_UUID = (
    "lower(hex(randomblob(6)) || '4' || substr(hex(randomblob(2)), 2) || "
    "substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) || "
    "hex(randomblob(6)))"
)


def _visible_rounds(scope: Scope | None) -> QuerySet[Round]:
    # Locks only the round's row (`of`), not its site's: opening a round locks the site.
    return queries.visible_rounds(scope).select_for_update(of=("self",))


def _day(moment: object) -> str:
    return moment.date().isoformat() if hasattr(moment, "date") else "—"
