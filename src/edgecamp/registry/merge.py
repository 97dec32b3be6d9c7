"""Merging duplicate registrations, undoing a merge, and linking a registration at the desk to
a household already registered.

Merge (`merge_candidate`): a reviewer picks which of a candidate pair survives. The other
record's names become aliases of the survivor; its documents and specific needs move to the
survivor unless the survivor already has them; its open membership closes, its membership
history moves to the survivor, and it takes the terminal status MERGED with `merged_into`
pointing to the survivor. A merged record counts
nowhere (lists, search, the dashboard, the desk index, distributions: they all keep to ACTIVE
people) but stays readable from its household's page and the audit log. If its household is
left without an active member, the household is closed (status MERGED, shelter released).
Everything changed is written down in a `MergeRecord`; `unmerge` puts it back, refusing when
later edits make that unsafe.

Locking: each operation locks the two people (in id order) before any candidate or merge row,
so two reviewers never deadlock; the second of two merges of one pair finds the candidate
decided and is refused.

Desk link (`link_to_household`): the clerk says that the household being registered is one the
registry already holds. Members already there (a desk-check match in that household) are
skipped; the others are added to it.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from edgecamp.core.access import Scope
from edgecamp.registry import life_events
from edgecamp.registry.codes import EventKind, EventReason, Relationship
from edgecamp.registry.models import (
    DuplicateCandidate,
    Household,
    IdentityDocument,
    Individual,
    Membership,
    MergeRecord,
    NotSamePerson,
    SpecificNeedRecord,
    status_data,
)
from edgecamp.registry.services import document_key, housed
from edgecamp.registry.text import fold
from edgecamp.sites.models import Shelter

log = logging.getLogger(__name__)


class MergeError(Exception):
    """The merge or unmerge was refused; the message says why (shown to the reviewer)."""


class NotFound(Exception):
    """No such candidate or merge among the people of the caller's sites."""


# --- Reading ------------------------------------------------------------------------------------


def scoped_candidates(scope: Scope) -> Any:
    """Candidates (any status) whose two people are both in the scope's sites."""
    return (
        DuplicateCandidate.objects.filter(scope.sites_q("individual_l__household__site"))
        .filter(scope.sites_q("individual_r__household__site"))
        .select_related(
            "individual_l__household__site",
            "individual_r__household__site",
            "decided_by",
        )
    )


def candidate_for(candidate_id: int, scope: Scope) -> DuplicateCandidate:
    candidate = scoped_candidates(scope).filter(pk=candidate_id).first()
    if candidate is None:
        raise NotFound(_("No duplicate candidate has this id at your sites."))
    return candidate


def scoped_merges(scope: Scope) -> Any:
    return (
        MergeRecord.objects.filter(scope.sites_q("individual__household__site"))
        .filter(scope.sites_q("survivor__household__site"))
        .select_related("individual__household", "survivor__household", "merged_by", "undone_by")
    )


def merge_for(merge_id: int, scope: Scope) -> MergeRecord:
    record = scoped_merges(scope).filter(pk=merge_id).first()
    if record is None:
        raise NotFound(_("No merge has this id at your sites."))
    return record


def pair_version(left: Individual, right: Individual) -> str:
    """A token that changes when either record is edited: a reviewer's decision is refused if
    the records changed after they were shown."""
    text = f"{left.pk}:{left.updated_at.isoformat()}|{right.pk}:{right.updated_at.isoformat()}"
    return hashlib.sha256(text.encode()).hexdigest()[:16]


# --- Merge --------------------------------------------------------------------------------------


def merge_candidate(
    candidate_id: int,
    survivor_id: int,
    *,
    scope: Scope,
    merged_by: AbstractBaseUser | None = None,
    version: str = "",
) -> MergeRecord:
    """Merge the candidate's other person into `survivor_id` (one of its two people), in one
    transaction. Raises NotFound (not at the caller's sites) or MergeError (refused)."""
    seen = candidate_for(candidate_id, scope)
    pair = (seen.individual_l_id, seen.individual_r_id)
    if survivor_id not in pair:
        raise MergeError(
            _(
                "The record to keep must be one of the pair's two people (the pair may have "
                "changed since it was shown: open it again)."
            )
        )
    user = _user_or_none(merged_by)
    today = timezone.localdate()
    with transaction.atomic():
        people = _lock_people(pair, scope)
        candidate = DuplicateCandidate.objects.select_for_update().get(pk=candidate_id)
        if candidate.status != DuplicateCandidate.Status.OPEN:
            raise MergeError(
                _("This pair was already decided (%(status)s); nothing was changed.")
                % {"status": candidate.get_status_display().lower()}
            )
        if (candidate.individual_l_id, candidate.individual_r_id) != pair:
            raise MergeError(_("This pair changed since it was shown; open it again."))
        survivor = people[survivor_id]
        merged = people[pair[0] if survivor_id == pair[1] else pair[1]]
        if version and version != pair_version(people[pair[0]], people[pair[1]]):
            raise MergeError(
                _("One of the two records was edited since the pair was shown; check it again.")
            )
        for person in (survivor, merged):
            if person.status == Individual.Status.MERGED:
                raise MergeError(_("One of the two records was already merged into another."))

        record = merge_people(merged, survivor, candidate=candidate, user=user, today=today)
    log.info("merge %d recorded", record.pk)
    return record


def merge_people(
    merged: Individual,
    survivor: Individual,
    *,
    candidate: DuplicateCandidate | None,
    user: AbstractBaseUser | None,
    today: date,
) -> MergeRecord:
    """The merge itself, inside the caller's transaction with both people locked and checked
    (`merge_candidate` for one pair, `family.merge_households` for every pair of a family)."""
    record = MergeRecord(
        individual=merged,
        survivor=survivor,
        candidate=candidate,
        individual_old_status=merged.status,
        merged_by=user,
    )
    # Names become aliases; documents and needs move unless the survivor has them.
    record.aliases_added = _new_aliases(survivor, merged)
    if record.aliases_added:
        survivor.other_names = [*(survivor.other_names or []), *record.aliases_added]
        survivor.save(update_fields=["other_names", "updated_at"])
    record.document_ids = _movable_documents(survivor, merged)
    IdentityDocument.objects.filter(pk__in=record.document_ids).update(individual=survivor)
    record.need_ids = _movable_needs(survivor, merged)
    SpecificNeedRecord.objects.filter(pk__in=record.need_ids).update(individual=survivor)

    # The merged record leaves its household and takes the terminal status.
    record.membership = merged.memberships.filter(ended_on__isnull=True).first()
    if record.membership is not None:
        record.membership.ended_on = max(today, record.membership.started_on)
        record.membership.save(update_fields=["ended_on"])
    # Its membership history (all closed now) moves to the survivor.
    record.membership_ids = list(merged.memberships.values_list("pk", flat=True))
    Membership.objects.filter(pk__in=record.membership_ids).update(individual=survivor)
    merged_old_status = merged.status
    merged.status = Individual.Status.MERGED
    merged.merged_into = survivor
    merged.save(update_fields=["status", "merged_into", "updated_at"])
    household = Household.objects.select_for_update().get(pk=merged.household_id)
    if household.focal_point_id == merged.pk:
        # The same person typed twice into one household: the survivor takes over.
        same_household = survivor.household_id == household.pk
        record.focal_point_cleared = True
        household.focal_point = survivor if same_household else None
        household.save(update_fields=["focal_point", "updated_at"])
    still_active = household.members.filter(status=Individual.Status.ACTIVE).exists()
    if not still_active and household.status != Household.Status.MERGED:
        record.household_closed = household
        record.household_old_status = household.status
        record.household_old_shelter = household.shelter
        household.status = Household.Status.MERGED
        household.shelter = None
        household.save(update_fields=["status", "shelter", "updated_at"])

    if candidate is not None:
        candidate.status = DuplicateCandidate.Status.MERGED
        candidate.decided_by = user
        candidate.decided_at = timezone.now()
        candidate.save(update_fields=["status", "decided_by", "decided_at"])
    record.candidates = _repoint_candidates(
        merged, survivor, exclude=candidate.pk if candidate is not None else None
    )
    record.save()
    details = {"merge": record.pk, "survivor": survivor.pk}
    life_events.record(
        EventKind.MERGE,
        household,
        individuals=[merged],
        reason=EventReason.MERGED,
        data=status_data(merged_old_status, Individual.Status.MERGED, **details),
        recorded_by=user,
    )
    if record.household_closed_id is not None:
        life_events.record(
            EventKind.MERGE,
            household,
            reason=EventReason.ALL_MEMBERS_MERGED,
            data=status_data(record.household_old_status, Household.Status.MERGED, **details),
            recorded_by=user,
        )
    return record


def _lock_people(pair: Sequence[int], scope: Scope) -> dict[int, Individual]:
    people = {
        p.pk: p
        for p in Individual.objects.select_for_update()
        .filter(pk__in=pair)
        .filter(scope.sites_q("household__site"))
        .order_by("pk")
    }
    if len(people) != len(set(pair)):
        raise NotFound(_("No duplicate candidate has this id at your sites."))
    return people


def _new_aliases(survivor: Individual, merged: Individual) -> list[str]:
    known = {fold(name) for name in (survivor.full_name, *(survivor.other_names or []))}
    added = []
    for name in (merged.full_name, *(merged.other_names or [])):
        key = fold(str(name))
        if name and key and key not in known:
            known.add(key)
            added.append(str(name))
    return added


def _document_key(document: IdentityDocument) -> tuple[str, str]:
    return document.type, document_key(document.number)


def _movable_documents(survivor: Individual, merged: Individual) -> list[int]:
    held = {_document_key(d) for d in survivor.documents.all()}
    moved = []
    for document in merged.documents.order_by("pk"):
        key = _document_key(document)
        if key not in held:
            held.add(key)
            moved.append(document.pk)
    return moved


def _movable_needs(survivor: Individual, merged: Individual) -> list[int]:
    held = set(survivor.specific_needs.values_list("code", flat=True))
    return [
        pk
        for pk, code in merged.specific_needs.order_by("pk").values_list("pk", "code")
        if code not in held
    ]


def _repoint_candidates(
    merged: Individual, survivor: Individual, *, exclude: int | None
) -> list[dict[str, Any]]:
    """Other open candidates of the merged record now concern the survivor: re-point each to
    (survivor, other person), or close it when that pair is already open or judged different."""
    others = list(
        DuplicateCandidate.objects.select_for_update()
        .filter(Q(individual_l=merged) | Q(individual_r=merged))
        .filter(status=DuplicateCandidate.Status.OPEN)
        .exclude(pk=exclude)
        .order_by("pk")
    )
    if not others:
        return []
    open_pairs = set(
        DuplicateCandidate.objects.filter(status=DuplicateCandidate.Status.OPEN)
        .filter(Q(individual_l=survivor) | Q(individual_r=survivor))
        .values_list("individual_l_id", "individual_r_id")
    )
    different = set(
        NotSamePerson.objects.filter(
            Q(individual_l=survivor) | Q(individual_r=survivor)
        ).values_list("individual_l_id", "individual_r_id")
    )
    changes = []
    for candidate in others:
        change = {
            "id": candidate.pk,
            "individual_l": candidate.individual_l_id,
            "individual_r": candidate.individual_r_id,
        }
        other = (
            candidate.individual_r_id
            if candidate.individual_l_id == merged.pk
            else candidate.individual_l_id
        )
        low, high = sorted((other, survivor.pk))
        if other == survivor.pk or (low, high) in open_pairs or (low, high) in different:
            candidate.status = DuplicateCandidate.Status.CLOSED
            candidate.decided_at = timezone.now()
            candidate.save(update_fields=["status", "decided_at"])
            change["action"] = "closed"
        else:
            candidate.individual_l_id, candidate.individual_r_id = low, high
            candidate.save(update_fields=["individual_l", "individual_r"])
            open_pairs.add((low, high))
            change["action"] = "repointed"
        changes.append(change)
    return changes


# --- Unmerge ------------------------------------------------------------------------------------


def unmerge(
    merge_id: int, *, scope: Scope, undone_by: AbstractBaseUser | None = None
) -> MergeRecord:
    """Put back what the merge changed, in one transaction. Raises NotFound or MergeError
    (with the reason it would be unsafe)."""
    seen = merge_for(merge_id, scope)
    user = _user_or_none(undone_by)
    with transaction.atomic():
        people = _lock_people((seen.individual_id, seen.survivor_id), scope)
        record = MergeRecord.objects.select_for_update().get(pk=merge_id)
        merged, survivor = people[record.individual_id], people[record.survivor_id]
        _check_unmerge_is_safe(record, merged, survivor)

        if record.aliases_added:
            names = list(survivor.other_names or [])
            for alias in record.aliases_added:
                if alias in names:
                    names.remove(alias)
            survivor.other_names = names
            survivor.save(update_fields=["other_names", "updated_at"])
        IdentityDocument.objects.filter(pk__in=record.document_ids).update(individual=merged)
        SpecificNeedRecord.objects.filter(pk__in=record.need_ids).update(individual=merged)

        household = Household.objects.select_for_update().get(pk=merged.household_id)
        if record.household_closed_id is not None:
            life_events.record(
                EventKind.UNMERGE,
                household,
                reason=EventReason.MERGE_UNDONE,
                data=status_data(household.status, record.household_old_status, merge=record.pk),
                recorded_by=user,
            )
            household.status = record.household_old_status
            household.shelter_id = record.household_old_shelter_id
            household.save(update_fields=["status", "shelter", "updated_at"])
        # Unless somebody chose another focal point since.
        if record.focal_point_cleared and household.focal_point_id in (None, survivor.pk):
            household.focal_point = merged
            household.save(update_fields=["focal_point", "updated_at"])
        # History back first, then the closed membership reopens (one open membership each).
        Membership.objects.filter(pk__in=record.membership_ids).update(individual=merged)
        if record.membership is not None:
            record.membership.refresh_from_db()
            record.membership.ended_on = None
            record.membership.save(update_fields=["ended_on"])
        life_events.record(
            EventKind.UNMERGE,
            household,
            individuals=[merged],
            reason=EventReason.MERGE_UNDONE,
            data=status_data(merged.status, record.individual_old_status, merge=record.pk),
            recorded_by=user,
        )
        merged.status = record.individual_old_status
        merged.merged_into = None
        merged.save(update_fields=["status", "merged_into", "updated_at"])

        _restore_candidates(record)
        record.state = MergeRecord.State.UNDONE
        record.undone_by = user
        record.undone_at = timezone.now()
        record.save(update_fields=["state", "undone_by", "undone_at"])
    log.info("merge %d undone", record.pk)
    return record


def _check_unmerge_is_safe(record: MergeRecord, merged: Individual, survivor: Individual) -> None:
    if record.state != MergeRecord.State.MERGED:
        raise MergeError(_("This merge was already undone."))
    if merged.status != Individual.Status.MERGED or merged.merged_into_id != survivor.pk:
        raise MergeError(_("The merged record was changed since the merge; undo it by hand."))
    later = (
        MergeRecord.objects.filter(state=MergeRecord.State.MERGED, pk__gt=record.pk)
        .filter(
            Q(individual__in=[merged, survivor]) | Q(survivor__in=[merged, survivor]),
        )
        .exists()
    )
    if later or survivor.status == Individual.Status.MERGED:
        raise MergeError(
            _("A later merge involves one of these records; undo the later merge first.")
        )
    moved_documents = IdentityDocument.objects.filter(
        pk__in=record.document_ids, individual=survivor
    ).count()
    if moved_documents != len(record.document_ids):
        raise MergeError(
            _("A document moved by the merge was deleted or moved since; it cannot be put back.")
        )
    needs = SpecificNeedRecord.objects.filter(pk__in=record.need_ids, individual=survivor)
    if needs.count() != len(record.need_ids):
        raise MergeError(
            _("A specific need moved by the merge was removed since; it cannot be put back.")
        )
    moved = Membership.objects.filter(pk__in=record.membership_ids, individual=survivor)
    if moved.count() != len(record.membership_ids):
        raise MergeError(_("A household membership moved by the merge was changed since."))
    if record.membership_id is not None:
        membership = record.membership
        if membership is None or membership.ended_on is None:
            raise MergeError(_("The household membership closed by the merge was changed since."))
        if merged.memberships.filter(ended_on__isnull=True).exists():
            raise MergeError(_("The merged record belongs to a household again; undo by hand."))
    if record.household_closed_id is not None:
        household = Household.objects.get(pk=record.household_closed_id)
        if household.status != Household.Status.MERGED:
            raise MergeError(
                _("Household %(number)s changed status since the merge; check it first.")
                % {"number": household.number}
            )
        _check_shelter_is_free(record, household)


def _check_shelter_is_free(record: MergeRecord, household: Household) -> None:
    shelter = record.household_old_shelter
    if shelter is None or shelter.type == Shelter.Type.COLLECTIVE_HALL:
        return
    if housed(shelter).exclude(pk=household.pk).exists():
        raise MergeError(
            _(
                "Household %(number)s lived in shelter %(shelter)s, which now houses another "
                "household; move one of them first."
            )
            % {"number": household.number, "shelter": shelter.code}
        )


def _restore_candidates(record: MergeRecord) -> None:
    if record.candidate_id is not None:
        DuplicateCandidate.objects.filter(
            pk=record.candidate_id, status=DuplicateCandidate.Status.MERGED
        ).update(status=DuplicateCandidate.Status.OPEN, decided_by=None, decided_at=None)
    for change in record.candidates:
        candidate = DuplicateCandidate.objects.select_for_update().filter(pk=change["id"]).first()
        if candidate is None:
            continue
        original = (change["individual_l"], change["individual_r"])
        open_again = DuplicateCandidate.objects.filter(
            status=DuplicateCandidate.Status.OPEN,
            individual_l_id=original[0],
            individual_r_id=original[1],
        ).exclude(pk=candidate.pk)
        if open_again.exists():
            continue
        if change["action"] == "repointed" and candidate.status == DuplicateCandidate.Status.OPEN:
            candidate.individual_l_id, candidate.individual_r_id = original
            candidate.save(update_fields=["individual_l", "individual_r"])
        elif change["action"] == "closed" and candidate.status == DuplicateCandidate.Status.CLOSED:
            candidate.status = DuplicateCandidate.Status.OPEN
            candidate.decided_at = None
            candidate.save(update_fields=["status", "decided_at"])


# --- Not the same person ------------------------------------------------------------------------


def not_same(
    candidate_id: int, *, scope: Scope, decided_by: AbstractBaseUser | None = None
) -> DuplicateCandidate:
    """Close an open candidate as two different people (remembered)."""
    from edgecamp.registry.duplicates import mark_not_same

    seen = candidate_for(candidate_id, scope)
    with transaction.atomic():
        _lock_people((seen.individual_l_id, seen.individual_r_id), scope)
        candidate = DuplicateCandidate.objects.select_for_update().get(pk=candidate_id)
        if candidate.status != DuplicateCandidate.Status.OPEN:
            raise MergeError(
                _("This pair was already decided (%(status)s); nothing was changed.")
                % {"status": candidate.get_status_display().lower()}
            )
        mark_not_same(candidate, decided_by=decided_by)
    return candidate


# --- Desk link ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class LinkResult:
    household: Household
    added: list[Individual]
    # Rows (from 0) of members already in the household, left out.
    skipped: list[int]


def _user_or_none(user: AbstractBaseUser | None) -> AbstractBaseUser | None:
    return user if user is not None and user.pk else None


def link_to_household(
    data: Any,
    number: str,
    *,
    scope: Scope,
    registered_by: AbstractBaseUser | None = None,
) -> LinkResult:
    """The household being registered (`data`, a services.HouseholdInput) is household
    `number`: add the members not already in it, in one transaction. A member is already in
    it when the desk check matches them to one of its people. Raises
    services.RegistrationError with the field or row at fault."""
    from edgecamp.registry import duplicates, services

    errors = services.RegistrationError()
    household = (
        Household.objects.filter(scope.sites_q("site_id"))
        .filter(number=number, status=Household.Status.ACTIVE)
        .select_related("focal_point")
        .first()
    )
    if household is None:
        raise services.RegistrationError(
            {"link_to": [_("Choose an active household of your sites to link to.")]}
        )
    today = timezone.localdate()
    members = [services._normalise_member(m) for m in data.members]
    found = duplicates.household_matches(data, scope=scope)
    skipped, to_add = [], []
    for index, (member, matches) in enumerate(zip(members, found, strict=True)):
        if any(m.individual.household_id == household.pk for m in matches):
            skipped.append(index)
        elif matches:
            errors.add(
                f"members.{index}",
                _(
                    "Member %(row)d also looks like a person of household %(other)s: register "
                    "them separately, or save as new with a reason."
                )
                % {"row": index + 1, "other": matches[0].household_number},
            )
        else:
            to_add.append((index, member))
    if not skipped:
        errors.add(
            "link_to",
            _("Nobody you are registering matches a person of %(number)s.") % {"number": number},
        )
    for first, second in duplicates.repeated_members(members):
        errors.add(
            f"members.{second}",
            _("Members %(a)d and %(b)d look like the same person typed twice: remove one row.")
            % {"a": first + 1, "b": second + 1},
        )
    focal = household.focal_point
    has_focal_point = focal is not None and focal.status == Individual.Status.ACTIVE
    for index, member in to_add:
        services._validate_member(member, f"members.{index}", today, errors)
        if member.relationship == Relationship.FOCAL_POINT and has_focal_point:
            errors.add(
                f"members.{index}.relationship",
                _(
                    "Household %(number)s already has a focal point; give member %(row)d their "
                    "relationship to that person."
                )
                % {"number": number, "row": index + 1},
            )
    active = household.members.filter(status=Individual.Status.ACTIVE).count()
    if active + len(to_add) > services.MAX_MEMBERS:
        errors.add(
            "members",
            _("A household has at most %(max)d members; split larger groups.")
            % {"max": services.MAX_MEMBERS},
        )
    if errors.errors:
        raise errors
    added = []
    with services.refusing_held_documents(to_add), transaction.atomic():
        locked = Household.objects.select_for_update().get(pk=household.pk)
        if locked.status != Household.Status.ACTIVE:
            raise services.RegistrationError(
                {"link_to": [_("This household is no longer active.")]}
            )
        services.check_documents_free(to_add)
        for _index, member in to_add:
            individual = services._create_member(locked, member, today)
            added.append(individual)
            if member.relationship == Relationship.FOCAL_POINT:
                locked.focal_point = individual
                locked.save(update_fields=["focal_point", "updated_at"])
        if added:
            life_events.record(
                EventKind.REGISTRATION,
                locked,
                individuals=added,
                reason=EventReason.ADDED_AT_DESK,
                recorded_by=registered_by,
            )
    log.info("%d members added to a household at the desk", len(added))
    return LinkResult(household=household, added=added, skipped=skipped)


# --- New members found at a desk -------------------------------------------------------------


def add_found_members(
    household: Household,
    members: Sequence[Any],
    *,
    scope: Scope,
    recorded_by: AbstractBaseUser | None = None,
    path: str = "new_members",
    reason: str = EventReason.FOUND_IN_VERIFICATION,
    details: dict[str, Any] | None = None,
    duplicate_reason: str = "",
) -> list[Individual]:
    """Register `members` (services.MemberInput) found living with `household` as its new
    members, with one registration life event, inside the caller's transaction (the caller
    has locked the household row). Each is checked as at registration (names or "unknown",
    sex, a plausible date of birth, a relationship to the focal point but not a second focal
    point) and against the desk duplicate check: a likely match elsewhere is refused unless
    `duplicate_reason` says why they are different people, and a match in this household is
    someone to mark present instead. Errors name `path.<row>.<field>`; nothing is written."""
    from edgecamp.registry import duplicates, services

    errors = services.RegistrationError()
    today = timezone.localdate()
    people = [services._normalise_member(m) for m in members]
    focal = household.focal_point
    has_focal_point = focal is not None and focal.status == Individual.Status.ACTIVE
    for index, member in enumerate(people):
        row = f"{path}.{index}"
        services._validate_member(member, row, today, errors)
        if not member.relationship:
            errors.add(f"{row}.relationship", _("Choose the relationship to the focal point."))
        elif member.relationship == Relationship.FOCAL_POINT and has_focal_point:
            errors.add(
                f"{row}.relationship",
                _(
                    "Household %(number)s already has a focal point; give their relationship "
                    "to that person."
                )
                % {"number": household.number},
            )
    for first, second in duplicates.repeated_members(people):
        errors.add(
            f"{path}.{second}",
            _("New people %(a)d and %(b)d look like the same person typed twice: remove one.")
            % {"a": first + 1, "b": second + 1},
        )
    active = household.members.filter(status=Individual.Status.ACTIVE).count()
    if active + len(people) > services.MAX_MEMBERS:
        errors.add(
            path,
            _("A household has at most %(max)d members; split larger groups.")
            % {"max": services.MAX_MEMBERS},
        )
    if errors.errors:
        raise errors
    services.lock_likely_duplicates(people)
    for index, member in enumerate(people):
        matches = duplicates.likely_matches(
            member, scope=scope, phone=household.phone, place_of_origin=household.place_of_origin
        )
        here = [m for m in matches if m.individual.household_id == household.pk]
        if here:
            errors.add(
                f"{path}.{index}",
                _("This looks like %(person)s, a member already: mark them present instead.")
                % {"person": here[0].individual},
            )
        elif matches and not duplicate_reason.strip():
            errors.add(
                f"{path}.{index}",
                _(
                    "This looks like a person of household %(other)s: record a join from "
                    "there, or say why they are a different person."
                )
                % {"other": matches[0].household_number},
            )
    if errors.errors:
        raise errors
    rows = [(index, member) for index, member in enumerate(people)]
    services.check_documents_free(rows)
    added = []
    for member in people:
        individual = services._create_member(household, member, today)
        added.append(individual)
        if member.relationship == Relationship.FOCAL_POINT:
            household.focal_point = individual
            household.save(update_fields=["focal_point", "updated_at"])
    life_events.record(
        EventKind.REGISTRATION,
        household,
        individuals=added,
        reason=reason,
        # Why they are not the likely matches, in the clerk's words.
        note=duplicate_reason,
        data=dict(details or {}),
        recorded_by=recorded_by,
    )
    log.info("%d new members found with a household", len(added))
    return added
