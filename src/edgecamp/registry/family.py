"""A family registered twice, merged as a family (issue 13, "Duplicates").

Review (`review`): the two households side by side, their members (active or missing) paired
on the match scores: the open duplicate candidates between them (the dedupe job, with its
household step) and, for pairs it did not queue, the desk check's probability, one code path
with the desk (`duplicates.pair_scores`). The proposed pairing is the one-to-one assignment
that maximises the total score (`linkage.pair_members`); the reviewer may change it and leave
a member unpaired.

Merge (`merge_households`), one transaction: every pair merges through the person merge
(`merge.merge_people`: names as aliases, documents and needs moved, a MergeRecord, life
events); the members of the household closed that have no pair move into the household kept
(a `join` event each, their relationship kept, a focal point becoming "other relative"); open
candidates across the two households that the pairing leaves out are decided "not the same
person" (remembered); the household closed is closed by its last merge (status MERGED, its
shelter released, an event). Everything is written down in a `FamilyMerge`.

Unmerge (`unmerge_family`), one transaction: the person merges are undone newest first (each
with its own safety checks; the first reopens the household closed, with its status and
shelter), the moved members go back with their relationship, the focal point is restored,
and the "not the same person" decisions made by the merge are withdrawn. Refused, with the
reason, when later changes make it unsafe; then nothing changes.

Locking: the two households in id order, then their members in id order, before any
candidate or merge row (the order the person merge keeps).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from edgecamp.core.access import Scope
from edgecamp.core.errors import Refused
from edgecamp.registry import duplicates, merge, services
from edgecamp.registry.codes import Relationship
from edgecamp.registry.models import (
    DuplicateCandidate,
    FamilyMerge,
    Household,
    Individual,
    NotSamePerson,
)

log = logging.getLogger(__name__)

# A pair scoring below this is not proposed (the reviewer may still pair it).
PROPOSE_FROM = 0.5
# The members a family merge pairs or moves; the dead and departed stay in their household's
# history.
PAIRED_STATUSES = (Individual.Status.ACTIVE, Individual.Status.MISSING)
MOVE_NOTE = "Registered twice: moved with the family merge"
BACK_NOTE = "Family merge undone"


class FamilyMergeError(Refused):
    status_code = 409
    detail = gettext_lazy("The two households were not merged: see “errors”.")


@dataclass(frozen=True)
class FamilyReview:
    left: Household
    right: Household
    left_people: list[Individual]
    right_people: list[Individual]
    # Match score of (left person id, right person id) where one is known.
    scores: dict[tuple[int, int], float]
    # The proposed pairing: right person id -> left person id.
    proposed: dict[int, int]
    version: str

    def score(self, left_id: int, right_id: int) -> float | None:
        return self.scores.get((left_id, right_id))


@dataclass(frozen=True)
class FamilyMergeInput:
    kept: str  # household numbers
    closed: str
    # (member of the household closed, member of the household kept): the same person.
    pairs: Sequence[tuple[int, int]] = field(default_factory=tuple)
    version: str = ""


# --- Reading ------------------------------------------------------------------------------------


def _households(scope: Scope) -> Any:
    return Household.objects.filter(scope.sites_q("site_id")).select_related("site", "shelter")


def _members(household: Household) -> list[Individual]:
    return list(
        household.members.filter(status__in=PAIRED_STATUSES)
        .prefetch_related("documents")
        .order_by("pk")
    )


def family_version(households: Sequence[Household], people: Sequence[Individual]) -> str:
    """Changes when either household or any of their members is edited: a merge is refused if
    the records changed after the reviewer saw them."""
    text = "|".join(
        [f"h{h.pk}:{h.updated_at.isoformat()}" for h in sorted(households, key=lambda h: h.pk)]
        + [f"i{p.pk}:{p.updated_at.isoformat()}" for p in sorted(people, key=lambda p: p.pk)]
    )
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def review(left_number: str, right_number: str, *, scope: Scope) -> FamilyReview:
    """Both households with their members paired. Raises merge.NotFound (not two households of
    the scope's sites) or FamilyMergeError (not two active households)."""
    from edgecamp.linkage import pair_members

    found = {h.number: h for h in _households(scope).filter(number__in=[left_number, right_number])}
    if left_number == right_number or len(found) != 2:
        raise merge.NotFound(_("No two households have these numbers at your sites."))
    left, right = found[left_number], found[right_number]
    for household in (left, right):
        if household.status != Household.Status.ACTIVE:
            raise FamilyMergeError(
                {
                    "__all__": [
                        _("Household %(number)s is %(status)s: only active households merge.")
                        % {"number": household.number, "status": household.get_status_display()}
                    ]
                }
            )
    left_people, right_people = _members(left), _members(right)
    scores = duplicates.pair_scores(left_people, right_people)
    matrix = [[scores.get((lp.pk, rp.pk), 0.0) for lp in left_people] for rp in right_people]
    proposed = {
        right_people[row].pk: left_people[column].pk
        for row, column in pair_members(matrix, PROPOSE_FROM)
    }
    return FamilyReview(
        left,
        right,
        left_people,
        right_people,
        scores,
        proposed,
        family_version([left, right], [*left_people, *right_people]),
    )


def family_merges(scope: Scope) -> Any:
    return (
        FamilyMerge.objects.filter(scope.sites_q("household__site"))
        .filter(scope.sites_q("kept__site"))
        .select_related("kept", "household", "merged_by", "undone_by")
    )


def family_merge_for(family_id: int, scope: Scope) -> FamilyMerge:
    record = family_merges(scope).filter(pk=family_id).first()
    if record is None:
        raise merge.NotFound(_("No family merge has this id at your sites."))
    return record


# --- Merge --------------------------------------------------------------------------------------


def merge_households(
    data: FamilyMergeInput, *, scope: Scope, merged_by: AbstractBaseUser | None = None
) -> FamilyMerge:
    """Merge household `data.closed` into `data.kept` as one family, in one transaction.
    Raises merge.NotFound or FamilyMergeError (nothing written)."""
    user = merged_by if merged_by is not None and merged_by.pk else None
    today = timezone.localdate()
    errors = FamilyMergeError()
    with transaction.atomic():
        households = {
            h.number: h
            for h in Household.objects.select_for_update()
            .filter(scope.sites_q("site_id"))
            .filter(number__in=[data.kept, data.closed])
            .order_by("pk")
        }
        if data.kept == data.closed or len(households) != 2:
            raise merge.NotFound(_("No two households have these numbers at your sites."))
        kept, closed = households[data.kept], households[data.closed]
        for household in (kept, closed):
            if household.status != Household.Status.ACTIVE:
                errors.add(
                    "__all__",
                    _("Household %(number)s is %(status)s: only active households merge.")
                    % {"number": household.number, "status": household.get_status_display()},
                )
        if errors.errors:
            raise errors
        people = {
            p.pk: p
            for p in Individual.objects.select_for_update()
            .filter(household__in=[kept, closed], status__in=PAIRED_STATUSES)
            .order_by("pk")
        }
        if data.version and data.version != family_version([kept, closed], people.values()):
            raise FamilyMergeError(
                {
                    "version": [
                        _("One of the two households changed since it was shown; review again.")
                    ]
                }
            )
        pairs = _checked_pairs(data.pairs, kept, closed, people, errors)
        if errors.errors:
            raise errors
        across = list(
            DuplicateCandidate.objects.select_for_update()
            .filter(status=DuplicateCandidate.Status.OPEN)
            .filter(
                Q(individual_l__household=kept, individual_r__household=closed)
                | Q(individual_l__household=closed, individual_r__household=kept)
            )
            .order_by("pk")
        )
        chosen = {tuple(sorted(pair)) for pair in pairs}
        by_pair = {(c.individual_l_id, c.individual_r_id): c for c in across}
        not_same = [c for c in across if (c.individual_l_id, c.individual_r_id) not in chosen]
        for candidate in not_same:
            duplicates.mark_not_same(candidate, decided_by=user)

        record = FamilyMerge(
            kept=kept, household=closed, focal_point=closed.focal_point, merged_by=user
        )
        paired_here = {closed_id for closed_id, _kept_id in pairs}
        for person in (p for p in people.values() if p.household_id == closed.pk):
            if person.pk in paired_here:
                continue
            record.moved.append({"individual": person.pk, "relationship": person.relationship})
            relationship = (
                Relationship.OTHER_RELATIVE
                if person.relationship == Relationship.FOCAL_POINT
                else person.relationship
            )
            services.move_individual(
                person,
                kept,
                relationship=relationship,
                reason=MOVE_NOTE,
                on=today,
                recorded_by=user,
            )
        for closed_id, kept_id in pairs:
            low, high = sorted((closed_id, kept_id))
            made = merge.merge_people(
                people[closed_id],
                people[kept_id],
                candidate=by_pair.get((low, high)),
                user=user,
                today=today,
            )
            record.merges.append(made.pk)
        closed.refresh_from_db()
        if closed.status != Household.Status.MERGED:
            # Members the merge neither pairs nor moves (none today) would keep it open.
            raise FamilyMergeError(
                {
                    "__all__": [
                        _("Household %(number)s still has members; pair or move them.")
                        % {"number": closed.number}
                    ]
                }
            )
        record.not_same = [c.pk for c in not_same]
        record.save()
    log.info(
        "family merge %d recorded (%d pairs, %d moved)", record.pk, len(pairs), len(record.moved)
    )
    return record


def _checked_pairs(
    pairs: Sequence[tuple[int, int]],
    kept: Household,
    closed: Household,
    people: dict[int, Individual],
    errors: FamilyMergeError,
) -> list[tuple[int, int]]:
    checked: list[tuple[int, int]] = []
    seen_closed: set[int] = set()
    seen_kept: set[int] = set()
    for index, (closed_id, kept_id) in enumerate(pairs):
        path = f"pairs.{index}"
        first, second = people.get(closed_id), people.get(kept_id)
        if first is None or first.household_id != closed.pk:
            errors.add(
                path, _("Pair a member of household %(number)s.") % {"number": closed.number}
            )
        elif second is None or second.household_id != kept.pk:
            errors.add(
                path,
                _("Pair them with a member of household %(number)s.") % {"number": kept.number},
            )
        elif closed_id in seen_closed or kept_id in seen_kept:
            errors.add(path, _("Each person is paired once at most: change one of the pairs."))
        else:
            seen_closed.add(closed_id)
            seen_kept.add(kept_id)
            checked.append((closed_id, kept_id))
    if not pairs:
        errors.add(
            "pairs",
            _("Pair at least one member: two households with nobody in common are not one family."),
        )
    return checked


# --- Unmerge ------------------------------------------------------------------------------------


def unmerge_family(
    family_id: int, *, scope: Scope, undone_by: AbstractBaseUser | None = None
) -> FamilyMerge:
    """Put both households back as they were, in one transaction. Raises merge.NotFound or
    merge.MergeError (why it would be unsafe; nothing changed)."""
    seen = family_merge_for(family_id, scope)
    user = undone_by if undone_by is not None and undone_by.pk else None
    with transaction.atomic():
        households = {
            h.pk: h
            for h in Household.objects.select_for_update()
            .filter(pk__in=[seen.kept_id, seen.household_id])
            .order_by("pk")
        }
        record = FamilyMerge.objects.select_for_update().get(pk=family_id)
        if record.state != FamilyMerge.State.MERGED:
            raise merge.MergeError(_("This family merge was already undone."))
        kept, closed = households[record.kept_id], households[record.household_id]
        for merge_id in reversed(record.merges):
            merge.unmerge(merge_id, scope=scope, undone_by=user)
        closed.refresh_from_db()
        for moved in record.moved:
            person = Individual.objects.select_for_update().get(pk=moved["individual"])
            if (
                person.household_id != kept.pk
                or not person.memberships.filter(household=kept, ended_on__isnull=True).exists()
            ):
                raise merge.MergeError(
                    _(
                        "A member moved by the family merge has left household %(number)s "
                        "since; undo that first."
                    )
                    % {"number": kept.number}
                )
            services.move_individual(
                person,
                closed,
                relationship=moved["relationship"],
                reason=BACK_NOTE,
                recorded_by=user,
            )
        closed.refresh_from_db()
        if record.focal_point_id is not None and closed.focal_point_id is None:
            closed.focal_point_id = record.focal_point_id
            closed.save(update_fields=["focal_point", "updated_at"])
        for candidate in DuplicateCandidate.objects.select_for_update().filter(
            pk__in=record.not_same, status=DuplicateCandidate.Status.NOT_SAME
        ):
            NotSamePerson.objects.filter(
                individual_l_id=candidate.individual_l_id,
                individual_r_id=candidate.individual_r_id,
            ).delete()
            if not DuplicateCandidate.objects.filter(
                status=DuplicateCandidate.Status.OPEN,
                individual_l_id=candidate.individual_l_id,
                individual_r_id=candidate.individual_r_id,
            ).exists():
                candidate.status = DuplicateCandidate.Status.OPEN
                candidate.decided_by = None
                candidate.decided_at = None
                candidate.save(update_fields=["status", "decided_by", "decided_at"])
        record.state = FamilyMerge.State.UNDONE
        record.undone_by = user
        record.undone_at = timezone.now()
        record.save(update_fields=["state", "undone_by", "undone_at"])
    log.info("family merge %d undone", record.pk)
    return record
