"""Duplicate registrations: the desk check (is the person about to be registered already in the
registry?) and the review queue the dedupe job fills. Both use only the public API of
`edgecamp.linkage`.

The desk check keeps one `linkage.DeskIndex` over every active individual of the active
households of all sites, per process, and brings it up to date before each check: individuals
saved since the last check are added, and an indexed individual saved again (a correction, a
status change) replaces its old version (`DeskIndex.replace`; no rebuild, which takes about
3 s for the 20 000-person demo; a check takes about 20 ms, most of it the query for
individuals saved since). A correction of a household's phone or place of origin touches its
members' `updated_at` (registry.corrections), so every process's index takes it at its next
check too. Matches are
then filtered against the database, so people of sites outside the caller's scope, and people
no longer active, never come out. The engine estimates its model on the registry itself; a
registry too small to learn from (fewer than `BACKGROUND_BELOW` people) is padded with the
reference population frozen in `edgecamp.linkage.background` (synthetic people, part of the
model, not the demo's generator), whose records are never returned: for the desk, its index is
built once per process and copied, the registry's people added to the copy.

Evidence holds only what `linkage` compares (names, date of birth, sex, phone, place of origin,
household, document number): specific needs are never fed to it, so never shown.
"""

from __future__ import annotations

import copy
import dataclasses
import logging
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from edgecamp.core.access import Scope
from edgecamp.registry.models import (
    DuplicateCandidate,
    Household,
    IdentityDocument,
    Individual,
    NotSamePerson,
)
from edgecamp.registry.services import (
    HouseholdInput,
    MemberInput,
    document_key,
    register_household,
)

log = logging.getLogger(__name__)

# A match at least this likely stops the registration until the clerk confirms.
DESK_THRESHOLD = 0.8
# Pairs at least this likely go to the review queue.
REVIEW_THRESHOLD = 0.8
# Below this many people the model is estimated with a synthetic population alongside.
BACKGROUND_BELOW = 5_000
_BACKGROUND_PREFIX = "syn:"
# Longer than any registering transaction lasts between stamping its rows and committing.
COMMIT_LAG = timedelta(seconds=30)
_DATE_PRECISIONS = frozenset({"exact", "year", "estimated"})

COMPARISON_LABELS = {
    "given_name": _("given name"),
    "family_name": _("family name"),
    "date_of_birth": _("date of birth"),
    "sex": _("sex"),
    "phone": _("phone"),
    "place_of_origin": _("place of origin"),
    "document_number": _("document number"),
    "household": _("household"),
    "name_frequency": _("how common the names are"),
}


# How each field compared, in the reviewer's words (the engine's levels, linkage.COMPARISONS).
_NAME_WORDS = {
    "exact": _("same"),
    "phonetic": _("sounds the same"),
    "reordered": _("same words, another order"),
    "close": _("spelt nearly the same"),
    "first_word": _("same first word"),
    "different": _("different"),
}
_SAME_OR_NOT = {"same": _("same"), "different": _("different")}
LEVEL_WORDS: dict[str, dict[str, Any]] = {
    "given_name": _NAME_WORDS,
    "family_name": _NAME_WORDS,
    "date_of_birth": {
        "exact": _("same"),
        "day_month_swap": _("day and month swapped"),
        "one_part": _("one part differs"),
        "same_year": _("same year"),
        "within_2_years": _("within two years"),
        "different": _("different"),
    },
    "sex": _SAME_OR_NOT,
    "phone": {**_SAME_OR_NOT, "close": _("one digit apart")},
    "place_of_origin": {**_SAME_OR_NOT, "close": _("spelt nearly the same")},
    "document_number": {**_SAME_OR_NOT, "one_slip": _("one digit mistyped or two swapped")},
    "household": {
        "members_match": _("other members match"),
        "one_member_matches": _("one other member matches"),
        "no_member_matches": _("no other member matches"),
        "same_household": _("same household (two people)"),
    },
    # The engine's term-frequency adjustment: a common name agreeing counts for less.
    "name_frequency": {"adjusted": _("weighed by how common they are in the registry")},
}


def evidence_in_words(evidence: Iterable[dict[str, Any]]) -> list[str]:
    """Each compared field and how it compared: “given name: sounds the same”."""
    return [
        f"{COMPARISON_LABELS.get(e['comparison'], e['comparison'])}: {level_words(e)}"
        for e in evidence
    ]


def level_words(evidence: dict[str, Any]) -> str:
    """How one field compared, in words (the engine's level code if it has none)."""
    return str(
        LEVEL_WORDS.get(evidence["comparison"], {}).get(evidence["level"], evidence["level"])
    )


# Probability bands of the review queue's filter: (code, label, lowest, highest).
SCORE_BANDS = (
    ("certain", _("99 % and more"), 0.99, None),
    ("high", _("95 to 99 %"), 0.95, 0.99),
    ("review", _("below 95 %"), None, 0.95),
)
CANDIDATE_ORDERS = {
    "score": ("-probability", "pk"),
    "score_low": ("probability", "pk"),
    "newest": ("-pk",),
    "oldest": ("pk",),
}


@dataclass(frozen=True)
class PossibleMatch:
    individual: Individual
    household_number: str
    probability: float
    # One dict per compared field with a value on both sides: comparison, level, weight.
    evidence: tuple[dict[str, Any], ...]

    @property
    def agreed(self) -> list[str]:
        """Labels of the fields that counted for the match."""
        return [
            str(COMPARISON_LABELS.get(e["comparison"], e["comparison"]))
            for e in self.evidence
            if e["weight"] > 0
        ]


def evidence_dicts(evidence: Iterable[Any]) -> tuple[dict[str, Any], ...]:
    return tuple(
        {"comparison": e.comparison, "level": e.level, "weight": round(float(e.weight), 2)}
        for e in evidence
        if e.level != "missing"
    )


# --- Desk check ---------------------------------------------------------------------------------


def likely_matches(
    member: MemberInput,
    *,
    scope: Scope,
    limit: int = 5,
    phone: str = "",
    place_of_origin: str = "",
    min_probability: float = DESK_THRESHOLD,
) -> list[PossibleMatch]:
    """Active individuals of the scope's sites most likely to be `member`, best first."""
    if member.names_unknown or not (member.given_name.strip() or member.family_name.strip()):
        return []
    from edgecamp.linkage import Record

    person = Record(
        record_id="desk:query",
        given_name=member.given_name,
        family_name=member.family_name,
        sex=member.sex,
        date_of_birth=member.date_of_birth,
        dob_precision=_precision(member.date_of_birth, member.date_of_birth_precision),
        place_of_origin=place_of_origin,
        phone=phone,
        document_number=member.documents[0].number if member.documents else "",
    )
    found = [
        m
        for m in _DESK.check(person)
        if m.probability >= min_probability and not m.record_id.startswith(_BACKGROUND_PREFIX)
    ]
    if not found:
        return []
    ids = [int(m.record_id) for m in found]
    people = {
        i.pk: i
        for i in Individual.objects.filter(
            pk__in=ids, status=Individual.Status.ACTIVE, household__status=Household.Status.ACTIVE
        )
        .filter(scope.sites_q("household__site"))
        .select_related("household")
    }
    matches = []
    for m in found:
        individual = people.get(int(m.record_id))
        if individual is None:
            continue
        matches.append(
            PossibleMatch(
                individual=individual,
                household_number=individual.household.number,
                probability=m.probability,
                evidence=evidence_dicts(m.evidence),
            )
        )
    return matches[:limit]


def household_matches(data: HouseholdInput, *, scope: Scope) -> list[list[PossibleMatch]]:
    """`likely_matches` of each member of a household about to be registered."""
    return [
        likely_matches(member, scope=scope, phone=data.phone, place_of_origin=data.place_of_origin)
        for member in data.members
    ]


def pair_scores(
    left: Sequence[Individual], right: Sequence[Individual]
) -> dict[tuple[int, int], float]:
    """How likely each person of `left` is each person of `right` (two households of a family
    registered twice): the open candidate's probability where the dedupe job queued the pair,
    else the desk check's, whichever is higher; pairs neither finds are left out."""
    left_ids = {p.pk for p in left}
    right_ids = {p.pk for p in right}
    everybody = left_ids | right_ids
    scores: dict[tuple[int, int], float] = {}

    def keep(left_id: int, right_id: int, probability: float) -> None:
        key = (left_id, right_id)
        scores[key] = max(scores.get(key, 0.0), float(probability))

    for low, high, probability in DuplicateCandidate.objects.filter(
        status=DuplicateCandidate.Status.OPEN,
        individual_l__in=everybody,
        individual_r__in=everybody,
    ).values_list("individual_l_id", "individual_r_id", "probability"):
        if low in left_ids and high in right_ids:
            keep(low, high, probability)
        elif high in left_ids and low in right_ids:
            keep(high, low, probability)
    rows = list(_individual_rows(Individual.objects.filter(pk__in=right_ids)))
    documents = _first_documents([row["id"] for row in rows])
    for row in rows:
        # As the desk asks: the person alone, not as a member of their household.
        person = dataclasses.replace(_record(row, documents), household_ref="")
        for match in _DESK.check(person):
            if match.record_id.isdigit() and int(match.record_id) in left_ids:
                keep(int(match.record_id), row["id"], match.probability)
    return scores


class PossibleDuplicates(Exception):
    """The desk check found likely matches (`found`, per member) or rows typed twice
    (`repeated`): nothing was registered."""

    def __init__(self, found: list[list[PossibleMatch]], repeated: list[tuple[int, int]]) -> None:
        super().__init__("possible duplicates")
        self.found = found
        self.repeated = repeated


def register_unless_duplicate(
    data: HouseholdInput, *, scope: Scope, registered_by: AbstractBaseUser | None = None
) -> Household:
    """Register `data` unless the desk check finds likely duplicates (PossibleDuplicates).
    With `duplicate_override_reason` the clerk has seen the matches: no check.

    The check runs twice: before the transaction, so that a likely duplicate is answered
    without waiting for anybody, and again inside it under the members' duplicate locks
    (services.lock_likely_duplicates), so that of two identical registrations sent at the
    same moment the second sees the first."""
    if data.duplicate_override_reason.strip():
        return register_household(data, registered_by=registered_by)

    def refuse_duplicates() -> None:
        found = household_matches(data, scope=scope)
        repeated = repeated_members(data.members)
        if any(found) or repeated:
            raise PossibleDuplicates(found, repeated)

    refuse_duplicates()
    return register_household(data, registered_by=registered_by, check_duplicates=refuse_duplicates)


def repeated_members(members: Sequence[MemberInput]) -> list[tuple[int, int]]:
    """Pairs of rows (from 0, first < second) of one submission that look like the same person
    typed twice: the same identity document, or the same name (word order, case, accents and
    one slip of the keyboard aside), the same sex and a compatible date of birth. Phonetic
    spelling variants are not enough here: Hassan and Hussein born the same day are twins."""
    from rapidfuzz.distance import Levenshtein

    from edgecamp.linkage import name_tokens

    keys = []
    for member in members:
        name = " ".join(sorted(name_tokens(f"{member.given_name} {member.family_name}")))
        documents = {
            (d.type, document_key(d.number)) for d in member.documents if document_key(d.number)
        }
        keys.append(("" if member.names_unknown else name, documents))
    pairs = []
    for second in range(len(members)):
        for first in range(second):
            (name_a, docs_a), (name_b, docs_b) = keys[first], keys[second]
            a, b = members[first], members[second]
            alike = bool(name_a and name_b) and (
                name_a == name_b
                or (
                    min(len(name_a), len(name_b)) >= 8 and Levenshtein.distance(name_a, name_b) <= 1
                )
            )
            same_person = bool(docs_a & docs_b) or (
                alike and (a.sex == b.sex or "unknown" in (a.sex, b.sex)) and _same_birth(a, b)
            )
            if same_person:
                pairs.append((first, second))
                break  # one earlier row is enough to flag this one
    return pairs


def _same_birth(a: MemberInput, b: MemberInput) -> bool:
    if a.date_of_birth is None or b.date_of_birth is None:
        return True
    da, db = a.date_of_birth, b.date_of_birth
    if da == db or (da.year == db.year and (da.month, da.day) == (db.day, db.month)):
        return True
    rough = {"year", "estimated"}
    return da.year == db.year and bool(
        rough & {a.date_of_birth_precision, b.date_of_birth_precision}
    )


def reset_desk_index() -> None:
    """Forget the cached index (tests; after a bulk load)."""
    _DESK.reset()


class _DeskCache:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        self._index: Any = None
        self._known: dict[int, datetime] = {}
        self._mark: datetime | None = None
        self._max_id = 0

    def check(self, person: Any) -> list[Any]:
        with self._lock:
            self._refresh()
            return list(self._index.check(person, top=50))

    def check_corrected(self, rows: list[dict[str, Any]], records: list[Any]) -> list[list[Any]]:
        """Take the corrected people's `rows` into the index at once (replacing their old
        version, without reading what else changed since: the next check does), then check
        each of `records` (the active ones' records) against it."""
        with self._lock:
            if self._index is None or self._mark is None:
                self._build()
            else:
                by_id = {record.record_id: record for record in records}
                for row in rows:
                    self._known[row["id"]] = row["updated_at"]
                    self._index.remove(str(row["id"]))
                    if str(row["id"]) in by_id:
                        self._index.add(by_id[str(row["id"])])
            return [list(self._index.check(record, top=50)) for record in records]

    def _refresh(self) -> None:
        if self._index is None or self._mark is None:
            self._build()
            return
        # Strictly after the mark, or at the mark and new: bulk loads give thousands of rows
        # one timestamp, and re-reading them on every check would cost a second. Rows of
        # the last COMMIT_LAG are read again (known ones skipped): a registration stamps
        # its rows before it commits, so they can become visible after a later one's.
        start = min(self._mark, timezone.now() - COMMIT_LAG)
        since = Q(updated_at__gt=start) | Q(updated_at=self._mark, id__gt=self._max_id)
        changed = list(_individual_rows(Individual.objects.filter(since)))
        # New people, and people saved again since they were indexed (a correction, a status
        # change): the latter replace their old version.
        saved = [row for row in changed if self._known.get(row["id"]) != row["updated_at"]]
        if not saved:
            return
        documents = _first_documents([row["id"] for row in saved])
        for row in saved:
            self._known[row["id"]] = row["updated_at"]
            self._mark = max(self._mark, row["updated_at"])
            self._max_id = max(self._max_id, row["id"])
            self._index.remove(str(row["id"]))
            if _is_active(row):
                self._index.add(_record(row, documents))

    def _build(self) -> None:
        from edgecamp.linkage import DeskIndex

        started = time.perf_counter()
        rows = list(_individual_rows(Individual.objects.all()))
        documents = _first_documents([row["id"] for row in rows if _is_active(row)])
        records = [_record(row, documents) for row in rows if _is_active(row)]
        if len(records) < BACKGROUND_BELOW:
            # Too few people to estimate a model on: start from a copy of the synthetic
            # population's index (built once per process) and add the registry to it.
            index = copy.deepcopy(_background_index())
            for record in records:
                index.add(record)
            self._index = index
        else:
            self._index = DeskIndex.build(records)
        self._known = {row["id"]: row["updated_at"] for row in rows}
        self._mark = max(self._known.values(), default=timezone.now())
        self._max_id = max(self._known, default=0)
        log.info(
            "desk index built over %d records in %.2f s",
            len(records),
            time.perf_counter() - started,
        )


_DESK = _DeskCache()


# --- Review queue -------------------------------------------------------------------------------


@dataclass(frozen=True)
class DedupeJobSummary:
    individuals: int
    pairs: int
    proposed: int
    skipped_not_same: int
    skipped_open: int


# The dedupe job's steps as its progress shows them: reading, the engine's five, queueing.
DEDUPE_STEPS = (
    _("Reading the registry"),
    _("Preparing names and dates"),
    _("Grouping likely pairs"),
    _("Comparing pairs"),
    _("Estimating the model"),
    _("Grouping people"),
    _("Adding pairs to the review queue"),
)


def run_dedupe_job(
    scope: Scope | None = None, progress: Callable[[int, int, str], None] | None = None
) -> DedupeJobSummary:
    """Score every active individual (of the scope's sites) against every other and put each
    pair likely to be one person into the review queue, except pairs a reviewer marked as not
    the same person and pairs already open. `progress(done, total, message)` hears each step
    (a background job's progress bar)."""
    from edgecamp.linkage import link

    steps = len(DEDUPE_STEPS)

    def report(step: int) -> None:
        if progress is not None:
            progress(step, steps, str(DEDUPE_STEPS[step]))

    def engine_step(_words: str, done: int, _total: int) -> None:
        report(min(1 + done, steps - 2))

    report(0)
    individuals = Individual.objects.all()
    if scope is not None:
        individuals = individuals.filter(scope.sites_q("household__site"))
    rows = [row for row in _individual_rows(individuals) if _is_active(row)]
    documents = _first_documents([row["id"] for row in rows])
    records = [_record(row, documents) for row in rows]
    if len(records) < BACKGROUND_BELOW:
        records += _background_records()
    if len(records) < 2:
        return DedupeJobSummary(len(rows), 0, 0, 0, 0)
    result = link(records, review_threshold=REVIEW_THRESHOLD, progress=engine_step)
    report(steps - 1)
    pairs = {}
    for pair in result.pairs:
        if pair.record_id_l.startswith(_BACKGROUND_PREFIX) or pair.record_id_r.startswith(
            _BACKGROUND_PREFIX
        ):
            continue
        key = tuple(sorted((int(pair.record_id_l), int(pair.record_id_r))))
        if key[0] != key[1] and key not in pairs:
            pairs[key] = pair
    not_same = set(NotSamePerson.objects.values_list("individual_l_id", "individual_r_id"))
    open_ = set(
        DuplicateCandidate.objects.filter(status=DuplicateCandidate.Status.OPEN).values_list(
            "individual_l_id", "individual_r_id"
        )
    )
    new = []
    for key, pair in pairs.items():
        if key in not_same or key in open_:
            continue
        new.append(
            DuplicateCandidate(
                individual_l_id=key[0],
                individual_r_id=key[1],
                probability=pair.probability,
                evidence=list(evidence_dicts(pair.evidence)),
            )
        )
    with transaction.atomic():
        DuplicateCandidate.objects.bulk_create(new)
    skipped_not_same = sum(key in not_same for key in pairs)
    summary = DedupeJobSummary(
        individuals=len(rows),
        pairs=len(pairs),
        proposed=len(new),
        skipped_not_same=skipped_not_same,
        skipped_open=sum(key in open_ and key not in not_same for key in pairs),
    )
    log.info("dedupe job: %s", summary)
    return summary


def queue_likely_pairs(individual_ids: Sequence[int]) -> list[DuplicateCandidate]:
    """Put into the review queue each pair a corrected person now makes with somebody of the
    registry (probability at least REVIEW_THRESHOLD, as the dedupe job), except pairs judged
    not the same and pairs already open; call inside the correcting transaction, after the
    change is written: the desk index takes the corrected record first (`DeskIndex.replace`),
    so the check sees it."""
    every = list(_individual_rows(Individual.objects.filter(pk__in=list(individual_ids))))
    rows = [row for row in every if _is_active(row)]
    if not rows:
        _DESK.check_corrected(every, [])  # no longer active: out of the index
        return []
    documents = _first_documents([row["id"] for row in rows])
    records = [_record(row, documents) for row in rows]
    pairs: dict[tuple[int, int], Any] = {}
    for row, found in zip(rows, _DESK.check_corrected(rows, records), strict=True):
        for match in found:
            if match.probability < REVIEW_THRESHOLD or match.record_id.startswith(
                _BACKGROUND_PREFIX
            ):
                continue
            other = int(match.record_id)
            key = (min(row["id"], other), max(row["id"], other))
            if key[0] != key[1] and key not in pairs:
                pairs[key] = match
    if not pairs:
        return []
    active_ids = set(
        Individual.objects.filter(
            pk__in={pk for key in pairs for pk in key},
            status=Individual.Status.ACTIVE,
            household__status=Household.Status.ACTIVE,
        ).values_list("pk", flat=True)
    )
    known = _decided_or_open(list(pairs))
    new = [
        DuplicateCandidate(
            individual_l_id=key[0],
            individual_r_id=key[1],
            probability=match.probability,
            evidence=list(evidence_dicts(match.evidence)),
        )
        for key, match in pairs.items()
        if key not in known and set(key) <= active_ids
    ]
    DuplicateCandidate.objects.bulk_create(new)
    return new


# --- The review check of a correction, after its commit ------------------------------------------


class _ReviewWorker:
    """One thread per process running, in the order queued, the review checks corrections
    leave for after their commit: the desk check of every corrected person costs tens of
    milliseconds at 1M people (a household's phone: each member), which the correction's
    answer then does not wait for. Each job has its own transaction and connection."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._executor: ThreadPoolExecutor | None = None
        self._last: Future[None] | None = None

    def submit(self, job: Callable[[], None]) -> None:
        with self._lock:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="review")
            self._last = self._executor.submit(self._run, job)

    def drain(self, timeout: float = 60) -> None:
        """Wait for the jobs queued so far (tests, and a process about to exit)."""
        with self._lock:
            last = self._last
        if last is not None:
            wait([last], timeout=timeout)

    @staticmethod
    def _run(job: Callable[[], None]) -> None:
        from django.db import connection

        try:
            job()
        except Exception:
            # The pair reaches the queue at the next dedupe job instead; no identifier logged.
            log.exception("review check after a correction failed")
        finally:
            connection.close()


REVIEW_WORKER = _ReviewWorker()
# How a committed correction's review check runs: on the worker thread; the tests run it in
# their own thread and transaction (tests/conftest.py), the worker having no view of them.
run_review: Callable[[Callable[[], None]], None] = REVIEW_WORKER.submit


def review_after_commit(
    individual_ids: Sequence[int], *, corrected_by: AbstractBaseUser | None = None
) -> None:
    """Once the correcting transaction commits, queue for review each pair the corrected
    people now make with somebody (`queue_likely_pairs`), in a transaction of its own, in the
    name of `corrected_by` (through the way the correction came: web, api, cli)."""
    from edgecamp.core import context

    ids = list(individual_ids)
    source = context.actor()[2]

    def job() -> None:
        acting = context.acting_as(corrected_by, source) if corrected_by else nullcontext()
        with acting, transaction.atomic():
            queue_likely_pairs(ids)

    transaction.on_commit(lambda: run_review(job))


def _decided_or_open(keys: Sequence[tuple[int, int]]) -> set[tuple[int, int]]:
    ids = {pk for key in keys for pk in key}
    not_same = NotSamePerson.objects.filter(individual_l__in=ids, individual_r__in=ids)
    open_ = DuplicateCandidate.objects.filter(
        status=DuplicateCandidate.Status.OPEN, individual_l__in=ids, individual_r__in=ids
    )
    return {
        *not_same.values_list("individual_l_id", "individual_r_id"),
        *open_.values_list("individual_l_id", "individual_r_id"),
    }


def open_candidates(scope: Scope) -> QuerySet[DuplicateCandidate]:
    """Open candidates whose two people are both in the scope's sites."""
    return candidates(scope)


def candidates(
    scope: Scope,
    *,
    status: str = DuplicateCandidate.Status.OPEN,
    site_id: int | None = None,
    band: str = "",
    order: str = "score",
) -> QuerySet[DuplicateCandidate]:
    """The review queue: candidates of one status whose two people are both in the scope's
    sites (and at `site_id`, if given), within a probability band, in an order of
    CANDIDATE_ORDERS."""
    found = (
        DuplicateCandidate.objects.filter(status=status)
        .filter(scope.sites_q("individual_l__household__site"))
        .filter(scope.sites_q("individual_r__household__site"))
        .select_related("individual_l__household", "individual_r__household")
    )
    if site_id is not None:
        found = found.filter(individual_l__household__site_id=site_id)
    for code, _label, lowest, highest in SCORE_BANDS:
        if band == code:
            if lowest is not None:
                found = found.filter(probability__gte=lowest)
            if highest is not None:
                found = found.filter(probability__lt=highest)
    return found.order_by(*CANDIDATE_ORDERS.get(order, CANDIDATE_ORDERS["score"]))


def mark_not_same(
    candidate: DuplicateCandidate, *, decided_by: AbstractBaseUser | None = None
) -> None:
    """Close the candidate and remember that its two people are different (callers that take
    requests go through `merge.not_same`, which locks and checks the candidate is open)."""
    user = decided_by if decided_by is not None and decided_by.pk else None
    with transaction.atomic():
        NotSamePerson.objects.get_or_create(
            individual_l_id=candidate.individual_l_id,
            individual_r_id=candidate.individual_r_id,
            defaults={"decided_by": user},
        )
        candidate.status = DuplicateCandidate.Status.NOT_SAME
        candidate.decided_by = user
        candidate.decided_at = timezone.now()
        candidate.save(update_fields=["status", "decided_by", "decided_at"])


# --- Records ------------------------------------------------------------------------------------


def _individual_rows(queryset: Any) -> Iterable[dict[str, Any]]:
    return queryset.values(
        "id",
        "updated_at",
        "status",
        "given_name",
        "family_name",
        "sex",
        "date_of_birth",
        "date_of_birth_precision",
        "household_id",
        "household__status",
        "household__phone",
        "household__place_of_origin",
    ).order_by()


def _is_active(row: dict[str, Any]) -> bool:
    return (
        row["status"] == Individual.Status.ACTIVE
        and row["household__status"] == Household.Status.ACTIVE
    )


def _first_documents(ids: Sequence[int]) -> dict[int, str]:
    documents: dict[int, str] = {}
    if not ids:
        return documents
    # An active document first: a withdrawn one (registry.corrections) only when none is left.
    query = IdentityDocument.objects.order_by("-active", "id").values_list(
        "individual_id", "number"
    )
    if len(ids) < 500:
        query = query.filter(individual_id__in=ids)
    for individual_id, number in query:
        documents.setdefault(individual_id, number)
    return documents


def _record(row: dict[str, Any], documents: dict[int, str]) -> Any:
    from edgecamp.linkage import Record

    return Record(
        record_id=str(row["id"]),
        given_name=row["given_name"],
        family_name=row["family_name"],
        sex=row["sex"],
        date_of_birth=row["date_of_birth"],
        dob_precision=_precision(row["date_of_birth"], row["date_of_birth_precision"]),
        place_of_origin=row["household__place_of_origin"],
        phone=row["household__phone"],
        household_ref=f"h{row['household_id']}",
        document_number=documents.get(row["id"], ""),
    )


def _precision(born: date | None, precision: str) -> str:
    return precision if born is not None and precision in _DATE_PRECISIONS else ""


@cache
def _background_index() -> Any:
    from edgecamp.linkage import DeskIndex

    return DeskIndex.build(list(_background_records()))


def _background_records() -> tuple[Any, ...]:
    from edgecamp.linkage.background import background_records

    return background_records(_BACKGROUND_PREFIX)
