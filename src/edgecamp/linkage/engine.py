"""`link`: deduplicate one registry (or link two) end to end — normalise, block, compare,
estimate, score, cluster."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import polars as pl

from edgecamp.linkage._table import (
    Codes,
    Ints,
    Table,
    Vocabularies,
    build_table,
    concat_tables,
    distinct,
    distinct_inverse,
    frame_from_records,
)
from edgecamp.linkage.blocking import (
    DEFAULT_MAX_BLOCK,
    RULES,
    candidate_pairs,
    household_pairs,
    pairs_within_blocks,
    rule_keys,
)
from edgecamp.linkage.cluster import cluster
from edgecamp.linkage.compare import Levels, compare
from edgecamp.linkage.estimate import (
    Floats,
    estimate_u,
    expectation_maximisation,
    global_prior,
    match_weights,
    parameters,
    pattern_codes,
    pattern_weights,
    probability,
    start_m,
)
from edgecamp.linkage.households import UNRECOGNISABLE, household_posterior
from edgecamp.linkage.model import (
    COMPARISON_INDEX,
    COMPARISONS,
    HOUSEHOLD,
    SAME_HOUSEHOLD,
    Evidence,
    LinkageInputError,
    Pair,
    Parameters,
    Record,
    Result,
)

Progress = Callable[[str, int, int], None]
RecordsInput = Iterable[Record | Mapping[str, object]] | pl.DataFrame

DEFAULT_THRESHOLD = 0.9
DEFAULT_REVIEW_THRESHOLD = 0.5
# Pairs inside one cluster must all score at least this (protection against chaining).
DEFAULT_MIN_PAIRWISE = 0.05
# A pair counts as support for its households' other members above this probability.
_SUPPORT = 0.5
# Term-frequency adjustment is bounded: a name seen once is strong, not infinite, evidence.
_TF_LIMIT = 6.0
_TF_LEVELS = 5  # phonetic and exact
_PLACE = COMPARISON_INDEX["place_of_origin"]
_SAME_PLACE = COMPARISONS[_PLACE].levels.index("same")
_DOCUMENT = COMPARISON_INDEX["document_number"]
_SAME_DOCUMENT = COMPARISONS[_DOCUMENT].levels.index("same")
_STEPS = 6


@dataclass
class Model:
    """What scoring needs besides the records: parameters and term frequencies."""

    parameters: Parameters
    given_tf: Floats  # per Vocabulary.key code: share of records with that given-name key
    family_tf: Floats
    given_base: float  # Σ share²: the chance two random records agree
    family_base: float
    # Names are not spread evenly over places of origin (each community has its own pool of
    # names): for two records from the same place, a name's frequency there.
    given_in_place: PlaceShares | None = None
    family_in_place: PlaceShares | None = None

    def tf_adjustment(
        self, levels: Levels, key_given: Codes, key_family: Codes, place: Codes | None = None
    ) -> Floats:
        given, family = self.tf_parts(levels, key_given, key_family, place)
        total: Floats = given + family
        return total

    def tf_parts(
        self, levels: Levels, key_given: Codes, key_family: Codes, place: Codes | None = None
    ) -> tuple[Floats, Floats]:
        """The term-frequency bits of the given name and of the family name."""
        parts = []
        same_place = (
            levels[:, _PLACE] == _SAME_PLACE
            if place is not None
            else np.zeros(len(levels), dtype=np.bool_)
        )
        for k, keys, tf, base, in_place in (
            (COMPARISON_INDEX["given_name"], key_given, self.given_tf, self.given_base,
             self.given_in_place),
            (COMPARISON_INDEX["family_name"], key_family, self.family_tf, self.family_base,
             self.family_in_place),
        ):  # fmt: skip
            adjustment = np.zeros(len(levels))
            agree = np.flatnonzero(levels[:, k] >= _TF_LEVELS)
            share = tf[np.minimum(keys[agree], len(tf) - 1)]
            bases = np.full(len(agree), base)
            if in_place is not None and place is not None:
                local = agree[same_place[agree]]
                where = same_place[agree]
                share[where], bases[where] = in_place.share(
                    place[local], keys[local], share[where], base
                )
            # A key never seen in training (a desk check's new spelling) is rare: floor it.
            share = np.maximum(share, 1.0 / max(len(tf), 1) / 1000)
            adjustment[agree] = np.clip(np.log2(bases / share), -_TF_LIMIT, _TF_LIMIT)
            parts.append(adjustment)
        return parts[0], parts[1]

    def weights(
        self, levels: Levels, table_l: Table, l: Ints, *, person_only: bool = False
    ) -> Floats:
        return match_weights(
            levels,
            self.parameters,
            self.tf_adjustment(
                levels, table_l.given_key[l], table_l.family_key[l], table_l.place_key[l]
            ),
            person_only=person_only,
        )


# A place needs this many records with the name part before its own frequencies are used.
_MIN_PLACE_RECORDS = 200


@dataclass
class PlaceShares:
    """The share of each name key among the records of one place of origin."""

    codes: Ints  # sorted place_key * size + name key
    shares: Floats
    place_records: Floats  # per place key
    place_base: Floats  # per place key: Σ share²
    size: int

    @classmethod
    def of(cls, place: Codes, keys: Codes, size: int) -> PlaceShares:
        present = (place != 0) & (keys != 0)
        codes = place[present].astype(np.int64) * size + keys[present]
        distinct, inverse = distinct_inverse(codes)
        counts = np.bincount(inverse, minlength=len(distinct)).astype(np.float64)
        place_records = np.bincount(place[present], minlength=size).astype(np.float64)
        shares = counts / np.maximum(place_records[distinct // size], 1.0)
        place_base = np.bincount(distinct // size, weights=shares**2, minlength=size)
        return cls(distinct, shares, place_records, place_base, size)

    def share(
        self, place: Codes, keys: Codes, default: Floats, default_base: float
    ) -> tuple[Floats, Floats]:
        """The share of `keys` among their place's records and the place's Σ share² (the
        chance two of its records agree); the defaults where the place has too few records
        (or is not known)."""
        known = np.minimum(place, len(self.place_records) - 1)
        enough = (place < len(self.place_records)) & (
            self.place_records[known] >= _MIN_PLACE_RECORDS
        )
        codes = place.astype(np.int64) * self.size + keys
        where = np.minimum(np.searchsorted(self.codes, codes), max(len(self.codes) - 1, 0))
        found = self.codes[where] == codes if len(self.codes) else np.zeros(len(codes), np.bool_)
        found &= keys < self.size  # a desk check's new spelling has a code past the table's
        # A name not seen in the place (a new spelling at the desk) counts as seen once there.
        once = 1.0 / np.maximum(self.place_records[known], 1.0)
        local = np.where(found, self.shares[where] if len(self.shares) else 0.0, once)
        return np.where(enough, local, default), np.where(
            enough, self.place_base[known], default_base
        )


def term_frequencies(keys: Codes, size: int) -> tuple[Floats, float]:
    counts = np.bincount(keys, minlength=size).astype(np.float64)
    counts[0] = 0.0
    total = counts.sum()
    if total == 0:
        return np.zeros(size), 1.0
    shares = counts / total
    return shares, float((shares**2).sum())


def records_frame(records: RecordsInput) -> pl.DataFrame:
    if isinstance(records, pl.DataFrame):
        return records
    return frame_from_records(
        [r if isinstance(r, Record) else Record.from_mapping(r) for r in records]
    )


def link(
    records: RecordsInput,
    *,
    other: RecordsInput | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    review_threshold: float = DEFAULT_REVIEW_THRESHOLD,
    min_pairwise: float = DEFAULT_MIN_PAIRWISE,
    max_block: int = DEFAULT_MAX_BLOCK,
    progress: Progress | None = None,
) -> Result:
    """Find the records that are the same person.

    `records`: Record objects, dicts with Record's field names, or a polars DataFrame with
    those columns (date_of_birth a Date column). With `other`, link the two lists instead: only
    pairs across them are compared and a cluster holds at most one record of each.
    Pairs scoring `threshold` or more are linked; pairs scoring `review_threshold` or more are
    returned with their evidence (for a review queue). Raises LinkageInputError.
    """
    if not 0.0 < threshold < 1.0 or not 0.0 < review_threshold < 1.0:
        raise LinkageInputError("threshold and review_threshold are probabilities in (0, 1).")
    started = time.perf_counter()
    report = progress or (lambda step, done, total: None)
    report("normalising", 0, _STEPS)
    vocabularies = Vocabularies()
    table = build_table(records_frame(records), vocabularies, source=0)
    link_mode = other is not None
    if other is not None:
        table = concat_tables([table, build_table(records_frame(other), vocabularies, 1)])
    report("blocking", 1, _STEPS)
    l, r = candidate_pairs(table, max_block=max_block, cross_source_only=link_mode)
    report(f"comparing {len(l):,} candidate pairs", 2, _STEPS)
    levels = compare(table, l, table, r, vocabularies)
    report("estimating m and u", 3, _STEPS)
    model = train(table, l, r, levels, vocabularies, max_block=max_block)
    report("clustering", 4, _STEPS)
    weights = model.weights(levels, table, l)
    scores = probability(weights)
    household_support = (
        _HouseholdSupport.of(table, l, r, scores) if _has_households(table) else None
    )
    if household_support is not None and not link_mode:
        # A family registered again: one member recognised for sure is enough to compare
        # every member of the two households (a child whose name and age were both written
        # differently has no other way in).
        l, r, levels, weights, scores = _expand_households(
            table, l, r, levels, weights, scores, model, household_support, vocabularies
        )
        extra = _household_scores(
            table,
            l,
            r,
            levels,
            weights,
            scores,
            model,
            household_support,
            vocabularies,
            min(threshold, review_threshold),
        )
        # One array at a time, so only one of them is ever held twice.
        l = np.concatenate((l, extra[0]))
        r = np.concatenate((r, extra[1]))
        levels = np.concatenate((levels, extra[2]))
        weights = np.concatenate((weights, extra[3]))
        scores = np.concatenate((scores, extra[4]))
        del extra

    def weights_for_check(pair_levels: Levels, pl_: Ints) -> Floats:
        # The pair's own evidence, without the prior: inside a component the records are
        # already linked through others, so what counts is whether their evidence is against
        # it. With households, relatives are among the candidates and share surname, phone and
        # origin: that agreement is the family's, so only the person-level evidence counts.
        if household_support is not None:
            return model.weights(pair_levels, table, pl_, person_only=True)
        return model.weights(pair_levels, table, pl_) - model.parameters.prior_weight

    def score_pairs(pl_: Ints, pr_: Ints) -> Floats:
        """Scores for the chaining check. Two records with the same identity document number
        count as supported whatever else they disagree on (it is the document of one person;
        a cluster built along other edges is not split between them)."""
        pair_levels = compare(table, pl_, table, pr_, vocabularies)
        if household_support is not None:
            household_support.apply(pair_levels, pl_, pr_, None)
        scored = probability(weights_for_check(pair_levels, pl_))
        return np.where(pair_levels[:, _DOCUMENT] == _SAME_DOCUMENT, 1.0, scored)

    labels = cluster(
        len(table),
        l,
        r,
        scores,
        threshold=threshold,
        min_pairwise=min_pairwise,
        score_pairs=score_pairs,
        group=table.source if link_mode else None,
    )
    report("collecting pairs", 5, _STEPS)
    pairs = _pairs(table, l, r, levels, weights, scores, labels, model, review_threshold)
    report("done", _STEPS, _STEPS)
    return Result(
        record_ids=tuple(table.record_ids),
        cluster_ids=tuple((labels + 1).tolist()),
        pairs=pairs,
        parameters=model.parameters,
        candidate_pairs=len(l),
        seconds=time.perf_counter() - started,
    )


# Training sessions, as in Splink: EM on the pairs of one blocking rule estimates m of the
# comparisons that rule does not block on (the blocked ones agree by construction).
# EM sessions: the pairs of one blocking rule, the comparisons whose m they estimate, and
# whether the non-matches there are family members (same phone across two households: mostly a
# family registered twice, where the wrong pairs are brothers and sisters). There, u of the
# person-level comparisons comes from pairs of one household (known to be two people), not
# from random pairs, or EM takes "same family" for "same person".
_SESSIONS = (
    # Only when the records carry document numbers (no pairs otherwise).
    (
        "document",
        ("given_name", "family_name", "date_of_birth", "sex", "phone", "place_of_origin"),
        False,
    ),
    ("phone", ("given_name", "family_name", "date_of_birth", "sex"), True),
    ("names_and_year", ("phone", "place_of_origin", "document_number"), False),
    ("date_and_sex", ("given_name", "family_name"), False),
)
_PERSON_LEVEL = ("given_name", "family_name", "date_of_birth", "sex")
_SESSION_PAIRS = 1_000_000
_MIN_SESSION_PAIRS = 50


def train(
    table: Table,
    l: Ints,
    r: Ints,
    levels: Levels,
    vocabularies: Vocabularies,
    *,
    max_block: int = DEFAULT_MAX_BLOCK,
) -> Model:
    """Estimate the model; fills the household levels of `levels` (the candidate pairs'
    levels) in place, since the members' evidence needs a first model without it."""
    size = len(vocabularies.key.strings)
    given_tf, given_base = term_frequencies(table.given_key, size)
    family_tf, family_base = term_frequencies(table.family_key, size)
    random_l, random_r, total_pairs = _random_pairs(table)
    random_levels = compare(table, random_l, table, random_r, vocabularies)
    u = estimate_u(random_levels)
    m = start_m()
    sums = [np.zeros_like(row) for row in m]
    estimated = [0] * len(COMPARISONS)
    iterations, converged = 0, True
    keys = dict(zip((rule.name for rule in RULES), rule_keys(table), strict=True))
    caps = {rule.name: rule.cap(max_block) for rule in RULES}
    rng = np.random.default_rng(_SEED)
    same_household = levels[:, HOUSEHOLD] == SAME_HOUSEHOLD
    family_u = estimate_u(levels[same_household]) if same_household.sum() >= 100 else u
    for rule, learnt, within_families in _SESSIONS:
        session_l, session_r = pairs_within_blocks(keys[rule], caps[rule])
        if table.source.any():
            keep = table.source[session_l] != table.source[session_r]
            session_l, session_r = session_l[keep], session_r[keep]
        if len(session_l) > _SESSION_PAIRS:
            chosen = rng.choice(len(session_l), _SESSION_PAIRS, replace=False)
            session_l, session_r = session_l[chosen], session_r[chosen]
        if len(session_l) < _MIN_SESSION_PAIRS:
            continue  # the rule's fields are blank in these records: nothing to learn from
        session_levels = compare(table, session_l, table, session_r, vocabularies)
        # A comparison blank in every pair of the session learns nothing there.
        present = (session_levels != 0).any(axis=0)
        update = tuple(c.name in learnt and bool(present[k]) for k, c in enumerate(COMPARISONS))
        session_u = u
        if within_families:
            session_u = [
                family_u[k] if c.name in _PERSON_LEVEL else u[k] for k, c in enumerate(COMPARISONS)
            ]
        session_m, _, steps, done = expectation_maximisation(
            session_levels, session_u, update=update
        )
        iterations, converged = iterations + steps, converged and done
        for k, on in enumerate(update):
            if on:
                sums[k] += session_m[k]
                estimated[k] += 1
    m = [sums[k] / estimated[k] if estimated[k] else m[k] for k in range(len(COMPARISONS))]
    prior = global_prior(levels, m, u, total_pairs)
    # The random pairs hold a few matches (prior times 400 000 of them): take them out of u by
    # their posterior, then the prior again with that u.
    first = parameters(m, u, prior, iterations, converged)
    random_match = probability(match_weights(random_levels, first))
    u = estimate_u(random_levels, 1.0 - random_match)
    prior = global_prior(levels, m, u, total_pairs)
    model = Model(
        parameters(m, u, prior, iterations, converged), given_tf, family_tf, given_base,
        family_base, PlaceShares.of(table.place_key, table.given_key, size),
        PlaceShares.of(table.place_key, table.family_key, size),
    )  # fmt: skip
    if not _has_households(table):
        return model
    scores = probability(model.weights(levels, table, l))
    support = _HouseholdSupport.of(table, l, r, scores)
    support.apply(levels, l, r, scores)
    support.apply(random_levels, random_l, random_r, None)
    u = estimate_u(random_levels, 1.0 - random_match)
    # Pairs across two households with matching members are too rare for 400 000 random
    # pairs (u would be the sample's floor, the same at every registry size): count them.
    counted = support.pairs_per_level() / max(support.pairs_with_others(), 1.0)
    u[HOUSEHOLD] = np.where(counted > 0, np.maximum(counted, 1e-15), u[HOUSEHOLD])
    only_household = tuple(k == HOUSEHOLD for k in range(len(COMPARISONS)))
    m, _, steps, done = expectation_maximisation(levels, u, m, update=only_household)
    prior = global_prior(levels, m, u, total_pairs)
    model.parameters = parameters(m, u, prior, iterations + steps, converged and done)
    return model


_RANDOM_PAIRS = 400_000
_SEED = 20261124


def _random_pairs(table: Table) -> tuple[Ints, Ints, float]:
    """Random pairs for u (deterministic), and how many pairs there are in all."""
    rng = np.random.default_rng(_SEED)
    n = len(table)
    sources = table.source
    if sources.any():
        left, right = np.flatnonzero(sources == 0), np.flatnonzero(sources == 1)
        total = float(len(left)) * float(len(right))
        l = left[rng.integers(0, len(left), _RANDOM_PAIRS)]
        r = right[rng.integers(0, len(right), _RANDOM_PAIRS)]
    else:
        total = n * (n - 1) / 2.0
        l = rng.integers(0, n, _RANDOM_PAIRS)
        r = rng.integers(0, n, _RANDOM_PAIRS)
        keep = l != r
        l, r = l[keep], r[keep]
    return l.astype(np.int64), r.astype(np.int64), total


# Two households are compared member by member when one pair across them scores this, or
# two pairs score _SUPPORT (a family registered again).
_SURE = 0.99


def _expand_households(
    table: Table,
    l: Ints,
    r: Ints,
    levels: Levels,
    weights: Floats,
    scores: Floats,
    model: Model,
    support: _HouseholdSupport,
    vocabularies: Vocabularies,
) -> tuple[Ints, Ints, Levels, Floats, Floats]:
    sure, supported = scores >= _SURE, scores >= _SUPPORT
    n = np.int64(len(table))
    sure_l, sure_r = household_pairs(table, l[sure], r[sure], min_shared=1)
    shared_l, shared_r = household_pairs(table, l[supported], r[supported], min_shared=2)
    family = distinct(np.concatenate((sure_l * n + sure_r, shared_l * n + shared_r)))
    family_l, family_r = family // n, family % n
    # A binary search in the sorted candidate codes (already in order from candidate_pairs),
    # not np.isin, whose hash path takes tens of seconds on millions of codes.
    known = np.sort(l * n + r, kind="stable")
    where = np.minimum(np.searchsorted(known, family), max(len(known) - 1, 0))
    new = known[where] != family if len(known) else np.ones(len(family), dtype=np.bool_)
    family_l, family_r = family_l[new], family_r[new]
    if not len(family_l):
        return l, r, levels, weights, scores
    family_levels = compare(table, family_l, table, family_r, vocabularies)
    support.apply(family_levels, family_l, family_r, None)
    family_weights = model.weights(family_levels, table, family_l)
    return (
        np.concatenate((l, family_l)),
        np.concatenate((r, family_r)),
        np.concatenate((levels, family_levels)),
        np.concatenate((weights, family_weights)),
        np.concatenate((scores, probability(family_weights))),
    )


# A member pair's own evidence, and what the family shares (counted once per household pair:
# relatives in two households share surname, phone and origin).
_MEMBER = tuple(
    c.name in ("given_name", "date_of_birth", "sex", "document_number") for c in COMPARISONS
)
_SURNAME = tuple(c.name == "family_name" for c in COMPARISONS)
_FAMILY = tuple(c.name in ("family_name", "phone", "place_of_origin") for c in COMPARISONS)


class _HouseholdWeights:
    """A member pair's own evidence (given name, date of birth, sex, document, and a surname
    that disagrees) and what the family shares (surname, phone, origin: the strongest
    agreement and every disagreement), without the prior; by one table of every pattern."""

    def __init__(self, model: Model) -> None:
        self.model = model
        params = model.parameters
        self.member = pattern_weights(params, _MEMBER, person_only=True)
        self.surname = pattern_weights(params, _SURNAME) - params.prior_weight
        self.family = pattern_weights(params, _FAMILY) - params.prior_weight

    def bound(self, levels: Levels) -> Floats:
        """An upper bound of the member evidence without looking at name frequencies."""
        given = levels[:, COMPARISON_INDEX["given_name"]] >= _TF_LEVELS
        bounded: Floats = self.member[pattern_codes(levels)] + np.where(given, _TF_LIMIT, 0.0)
        return bounded

    def __call__(self, levels: Levels, table: Table, l: Ints) -> tuple[Floats, Floats]:
        codes = pattern_codes(levels)
        given, family = self.model.tf_parts(
            levels, table.given_key[l], table.family_key[l], table.place_key[l]
        )
        member = self.member[codes] + given + np.minimum(self.surname[codes] + family, 0.0)
        shared = self.family[codes] + family
        return member, shared


def _household_codes(table: Table, l: Ints, r: Ints, sizes: Ints) -> tuple[Ints, Ints]:
    """Per pair: a code of its two households and whether the pair takes part in household
    evidence (two different households, up to the size `household_pairs` expands, in one
    source)."""
    household = table.household.astype(np.int64)
    h_l, h_r = household[l], household[r]
    eligible = (
        (h_l != 0)
        & (h_r != 0)
        & (h_l != h_r)
        & (table.source[l] == table.source[r])
        & (sizes[h_l] <= _MAX_HOUSEHOLD)
        & (sizes[h_r] <= _MAX_HOUSEHOLD)
    )
    width = np.int64(len(sizes))
    codes: Ints = np.minimum(h_l, h_r) * width + np.maximum(h_l, h_r)
    return codes, eligible


_MAX_HOUSEHOLD = 15
_NO_MEMBER = COMPARISONS[HOUSEHOLD].levels.index("no_member_matches")


def _household_scores(
    table: Table,
    l: Ints,
    r: Ints,
    levels: Levels,
    weights: Floats,
    scores: Floats,
    model: Model,
    support: _HouseholdSupport,
    vocabularies: Vocabularies,
    keep: float,
) -> tuple[Ints, Ints, Levels, Floats, Floats]:
    """Scores of pairs across two households from the households' posterior of being one
    family registered twice (see `households`): `weights` and `scores` of the candidate pairs
    are updated in place; returns the pairs of their members that were not candidates and
    now score `keep` or more."""
    empty = np.zeros(0, dtype=np.int64)
    nothing = (empty, empty, levels[:0], np.zeros(0), np.zeros(0))
    sizes = np.bincount(table.household.astype(np.int64)).astype(np.int64)
    sizes[0] = 0
    evidence = _HouseholdWeights(model)
    household = table.household.astype(np.int64)
    n = np.int64(len(table))
    # Two households are compared member by member when the candidate pairs across them
    # already make it plausible that they are one family twice: with each member's best
    # evidence for a match (counted once per member) and the family's agreement once, the
    # pair prior is reached (even odds). In slices, to keep memory flat at a million people.
    found: list[tuple[Ints, Ints, Floats, Floats]] = []
    for start in range(0, len(l), _SLICE):
        part_l, part_r = l[start : start + _SLICE], r[start : start + _SLICE]
        codes, eligible = _household_codes(table, part_l, part_r, sizes)
        index = np.flatnonzero(eligible)
        part_levels = levels[start : start + _SLICE][index]
        possible = evidence.bound(part_levels) > 0.0
        index, part_levels = index[possible], part_levels[possible]
        member, family = evidence(part_levels, table, part_l[index])
        positive = member > 0.0
        index = index[positive]
        first = np.where(household[part_l[index]] < household[part_r[index]],
                         part_l[index], part_r[index])  # fmt: skip
        found.append((codes[index], first, member[positive], family[positive]))
    if not found or not sum(len(f[0]) for f in found):
        return nothing
    codes = np.concatenate([f[0] for f in found])
    group_codes, group = distinct_inverse(codes)
    member_codes, member_group = distinct_inverse(group * n + np.concatenate([f[1] for f in found]))
    best_member = np.full(len(member_codes), -np.inf)
    np.maximum.at(best_member, member_group, np.concatenate([f[2] for f in found]))
    best = np.bincount(member_codes // n, weights=best_member, minlength=len(group_codes))
    shared = np.full(len(group_codes), -np.inf)
    np.maximum.at(shared, group, np.concatenate([f[3] for f in found]))
    del found, codes, group, member_codes, member_group, best_member
    selected = group_codes[best + shared + model.parameters.prior_weight >= 0.0]
    if not len(selected):
        return nothing
    known = np.concatenate([
        start + np.flatnonzero(eligible & _in_sorted(codes, selected))
        for start in range(0, len(l), _SLICE)
        for codes, eligible in [
            _household_codes(table, l[start : start + _SLICE], r[start : start + _SLICE], sizes)
        ]
    ])  # fmt: skip
    cross_l, cross_r = household_pairs(
        table, l[known], r[known], min_shared=1, max_household=_MAX_HOUSEHOLD
    )
    # Candidates among them are the known pairs (same households, within the size limit).
    new = ~_in_sorted(cross_l * n + cross_r, np.sort(l[known] * n + r[known]))
    cross_l, cross_r = cross_l[new], cross_r[new]
    cross_levels = compare(table, cross_l, table, cross_r, vocabularies)
    support.apply(cross_levels, cross_l, cross_r, None)
    pair_l, pair_r = np.concatenate((l[known], cross_l)), np.concatenate((r[known], cross_r))
    pair_levels = np.concatenate((levels[known], cross_levels))
    member, family = evidence(pair_levels, table, pair_l)
    # If the households are not one family twice, their other members are not this person's
    # family either: the pair is scored as one whose households share no member.
    column = pair_levels[:, HOUSEHOLD]
    column[column > _NO_MEMBER] = _NO_MEMBER
    alone = probability(model.weights(pair_levels, table, pair_l))
    group, posterior, matched = household_posterior(table, pair_l, pair_r, member, family)
    # Under S, a matched pair is the member's counterpart unless that record is unrecognisable.
    counterpart = 1.0 / (1.0 + UNRECOGNISABLE / (1.0 - UNRECOGNISABLE) * np.exp2(-member))
    same = posterior[group]
    combined = same * np.where(matched, counterpart, 0.0) + (1.0 - same) * alone
    clipped = np.clip(combined, 1e-300, 1.0 - 1e-16)
    combined_weights = np.log2(clipped / (1.0 - clipped))
    scores[known] = combined[: len(known)]
    weights[known] = combined_weights[: len(known)]
    kept = np.flatnonzero(combined[len(known) :] >= keep)
    return (
        cross_l[kept],
        cross_r[kept],
        cross_levels[kept],
        combined_weights[len(known) :][kept],
        combined[len(known) :][kept],
    )


_SLICE = 1 << 21


def _in_sorted(codes: Ints, sorted_codes: Ints) -> npt.NDArray[np.bool_]:
    if not len(sorted_codes):
        return np.zeros(len(codes), dtype=np.bool_)
    where = np.minimum(np.searchsorted(sorted_codes, codes), len(sorted_codes) - 1)
    found: npt.NDArray[np.bool_] = sorted_codes[where] == codes
    return found


def _has_households(table: Table) -> bool:
    return bool(np.any(table.household != 0))


@dataclass
class _HouseholdSupport:
    """How many pairs across two households are supported (probability ≥ 0.5 without the
    household comparison): a family registered twice matches member by member."""

    table: Table
    sizes: Ints
    household_pairs: Ints  # sorted codes of household pairs
    counts: Ints

    @classmethod
    def of(cls, table: Table, l: Ints, r: Ints, scores: Floats) -> _HouseholdSupport:
        sizes = np.bincount(table.household).astype(np.int64)
        supported = scores >= _SUPPORT
        codes = cls._codes(table, l[supported], r[supported], len(sizes))
        distinct, counts = np.unique(codes, return_counts=True)
        return cls(table, sizes, distinct, counts.astype(np.int64))

    @staticmethod
    def _codes(table: Table, l: Ints, r: Ints, households: int) -> Ints:
        a = table.household[l].astype(np.int64) * 2 + table.source[l]
        b = table.household[r].astype(np.int64) * 2 + table.source[r]
        codes: Ints = np.minimum(a, b) * (2 * households + 2) + np.maximum(a, b)
        return codes

    def pairs_per_level(self) -> Ints:
        """How many record pairs across two households have each household level (a
        supporting pair itself sees one support fewer than the other pairs of its two
        households); only the levels with support are counted."""
        households = len(self.sizes)
        low, high = np.divmod(self.household_pairs, 2 * households + 2)
        size_low, size_high = self.sizes[low // 2], self.sizes[high // 2]
        pairs, counts = size_low * size_high, self.counts
        valid = (low != high) & (size_low >= 2) & (size_high >= 2)
        totals = np.zeros(len(COMPARISONS[HOUSEHOLD].levels), dtype=np.int64)
        np.add.at(totals, 2 + np.minimum(counts - 1, 2)[valid], np.minimum(counts, pairs)[valid])
        np.add.at(totals, 2 + np.minimum(counts, 2)[valid], np.maximum(pairs - counts, 0)[valid])
        totals[:3] = 0
        return totals

    def pairs_with_others(self) -> float:
        """How many pairs have a household comparison (both households of two or more)."""
        members = float(self.sizes[1:][self.sizes[1:] >= 2].sum())
        return members * (members - 1) / 2.0

    def apply(self, levels: Levels, l: Ints, r: Ints, scores: Floats | None) -> None:
        """Set the household level of every pair not in one household."""
        codes = self._codes(self.table, l, r, len(self.sizes))
        where = np.searchsorted(self.household_pairs, codes)
        where = np.minimum(where, max(len(self.household_pairs) - 1, 0))
        found = (
            self.household_pairs[where] == codes
            if len(self.household_pairs)
            else np.zeros(len(codes), dtype=np.bool_)
        )
        support = np.where(found, self.counts[where] if len(self.counts) else 0, 0)
        if scores is not None:
            support = support - (scores >= _SUPPORT)
        household_l, household_r = self.table.household[l], self.table.household[r]
        with_others = (
            (household_l != 0)
            & (household_r != 0)
            & (self.sizes[household_l] >= 2)
            & (self.sizes[household_r] >= 2)
        )
        level = 2 + np.minimum(np.maximum(support, 0), 2)
        column = levels[:, HOUSEHOLD]
        column[:] = np.where(
            column == SAME_HOUSEHOLD, SAME_HOUSEHOLD, np.where(with_others, level, 0)
        )


def evidence(levels: npt.NDArray[np.int8], weights: list[list[float]]) -> tuple[Evidence, ...]:
    return tuple(
        Evidence(c.name, c.levels[int(levels[k])], round(weights[k][int(levels[k])], 3))
        for k, c in enumerate(COMPARISONS)
    )


def _pairs(
    table: Table,
    l: Ints,
    r: Ints,
    levels: Levels,
    weights: Floats,
    scores: Floats,
    labels: Ints,
    model: Model,
    review_threshold: float,
) -> tuple[Pair, ...]:
    shown = np.flatnonzero(scores >= review_threshold)
    shown = shown[np.argsort(-scores[shown], kind="stable")]
    table_weights = model.parameters.weights()
    tf = model.tf_adjustment(
        levels[shown],
        table.given_key[l[shown]],
        table.family_key[l[shown]],
        table.place_key[l[shown]],
    )
    pairs = []
    ids = table.record_ids
    for position, index in enumerate(shown.tolist()):
        x, y = int(l[index]), int(r[index])
        items = list(evidence(levels[index], table_weights))
        if tf[position]:
            items.append(Evidence("name_frequency", "adjusted", round(float(tf[position]), 3)))
        pairs.append(
            Pair(
                record_id_l=ids[x],
                record_id_r=ids[y],
                probability=float(scores[index]),
                match_weight=float(weights[index]),
                evidence=tuple(items),
                linked=bool(labels[x] == labels[y]),
            )
        )
    return tuple(pairs)
