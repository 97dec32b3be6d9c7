"""Household-level evidence: a family registered twice matches member by member.

For two households H1 and H2 with candidate pairs between them, S is "H1 and H2 are the same
family registered twice". Under S every member of the smaller household has a counterpart in
the other, so the members are matched one to one (greedily, strongest evidence first) and
the household's log Bayes factor is the sum over the matched pairs of each pair's own
evidence (given name, date of birth, sex, document, a surname that disagrees; not surname
agreement, phone and origin, which relatives share and which count once per household pair),
plus that family agreement once, minus log2 of the number of one-to-one matchings (the
correspondence is unknown; the best one stands for all), plus how likely the difference in
size is under S and between two random households. A matched
pair's evidence is bounded below by log2(ε): under S a member's record may be unrecognisable
(ε), so one badly written child does not sink the family, while an unrelated family with one
namesake gets ε for every other member.

The household prior (the share of household pairs that are one family twice) and P(size
difference | S) are estimated without labels by EM over the household pairs; P(size
difference | not S) is counted from the household sizes. A member pair's probability is then

    P(S) · P(same | S) + (1 - P(S)) · P(same | person-level evidence alone)

where P(same | S) is the chance the matched pair is the member's counterpart rather than an
unrecognisable record (0 for pairs the matching did not choose), and the person-level
probability is the pair's score with the household level "no member matches" (if the
families are not the same, the other members are not this person's family). A household of
one registered again is a household pair like any other; records without a household keep
their person-level score.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy.special import gammaln

from edgecamp.linkage._table import Ints, Table, distinct_inverse
from edgecamp.linkage.estimate import Floats

# Under S, the chance that a member's second record looks like a stranger's.
UNRECOGNISABLE = 0.05
_FLOOR = float(np.log2(UNRECOGNISABLE))
_BELOW_FLOOR = 4.0  # bits: 2^-4 of the floor's likelihood ratio is negligible
# Size differences 0, 1 and 2 or more.
_SIZE_CLASSES = 3
_START_SIZE_SAME = np.array([0.8, 0.15, 0.05])
_START_PRIOR = 1e-6
_EM_STEPS = 50


def _robust(weights: Floats) -> Floats:
    """log2 of the Bayes factor of a matched pair under S, mixing in an unrecognisable record."""
    result: Floats = np.logaddexp2(np.log2(1.0 - UNRECOGNISABLE) + weights, np.log2(UNRECOGNISABLE))
    return result


def match_members(group: Ints, a: Ints, b: Ints, weights: Floats, n: int) -> npt.NDArray[np.bool_]:
    """One-to-one matching of the members of each household pair (`group`), strongest pair
    first: in each round every pair that is the best remaining one for both its records is
    taken, then pairs of taken records are dropped."""
    matched = np.zeros(len(group), dtype=np.bool_)
    alive = np.ones(len(group), dtype=np.bool_)
    key_a = group.astype(np.int64) * n + a
    key_b = group.astype(np.int64) * n + b
    while alive.any():
        index = np.flatnonzero(alive)
        order = index[np.argsort(-weights[index], kind="stable")]
        mutual = _first_of_each(key_a, order, len(group)) & _first_of_each(key_b, order, len(group))
        matched |= mutual
        taken_a = np.sort(key_a[mutual])
        taken_b = np.sort(key_b[mutual])
        alive &= ~_member(key_a, taken_a) & ~_member(key_b, taken_b)
    return matched


def _first_of_each(keys: Ints, order: Ints, size: int) -> npt.NDArray[np.bool_]:
    """Marks, for each distinct key, its first pair in `order`."""
    ordered = keys[order]
    position = np.argsort(ordered, kind="stable")
    ranked = ordered[position]
    first = np.ones(len(ranked), dtype=np.bool_)
    np.not_equal(ranked[1:], ranked[:-1], out=first[1:])
    marks = np.zeros(size, dtype=np.bool_)
    marks[order[position[first]]] = True
    return marks


def _member(codes: Ints, sorted_set: Ints) -> npt.NDArray[np.bool_]:
    if not len(sorted_set):
        return np.zeros(len(codes), dtype=np.bool_)
    where = np.minimum(np.searchsorted(sorted_set, codes), len(sorted_set) - 1)
    result: npt.NDArray[np.bool_] = sorted_set[where] == codes
    return result


def _log2_falling_factorial(n: Ints, k: Ints) -> Floats:
    """log2(n! / (n - k)!)."""
    result: Floats = (gammaln(n + 1.0) - gammaln(n - k + 1.0)) / np.log(2.0)
    return result


def size_difference_between(sizes: Ints) -> Floats:
    """P(size difference class: 0, 1, 2 or more) for two random households."""
    counts = np.bincount(sizes[sizes >= 1]).astype(np.float64)
    total = counts.sum()
    shares = np.zeros(_SIZE_CLASSES)
    if total < 2:
        return np.full(_SIZE_CLASSES, 1.0 / _SIZE_CLASSES)
    p = counts / total
    same = float((p**2).sum())
    one = float(2 * (p[1:] * p[:-1]).sum())
    shares[:] = same, one, max(1.0 - same - one, 1e-9)
    return shares


def household_posterior(
    table: Table,
    l: Ints,
    r: Ints,
    member_weights: Floats,
    household_weights: Floats,
) -> tuple[Ints, Floats, npt.NDArray[np.bool_]]:
    """For the pairs (l, r) across two households (every cross pair of each household pair)
    with each pair's own evidence and its family's (log2 Bayes factors, without the prior): the
    household pair of each pair, the household pair's posterior of S and whether the matching
    chose the pair."""
    household = table.household.astype(np.int64)
    sizes = np.bincount(household)
    sizes[0] = 0
    h_l, h_r = household[l], household[r]
    low, high = np.minimum(h_l, h_r), np.maximum(h_l, h_r)
    width = np.int64(len(sizes))
    codes = low * width + high
    distinct, group = distinct_inverse(codes)
    a = np.where(h_l == low, l, r)
    b = np.where(h_l == low, r, l)
    n = np.int64(len(table))
    groups = len(distinct)
    size_a, size_b = sizes[distinct // width], sizes[distinct % width]
    small, large = np.minimum(size_a, size_b), np.maximum(size_a, size_b)
    # Pairs far below the floor all count as an unrecognisable record: only the others are
    # matched, and the members of the smaller household left over count at the floor.
    matchable = np.flatnonzero(member_weights > _FLOOR - _BELOW_FLOOR)
    matched = np.zeros(len(l), dtype=np.bool_)
    matched[matchable] = match_members(
        group[matchable], a[matchable], b[matchable], member_weights[matchable], int(n)
    )
    evidence = np.bincount(
        group[matched], weights=_robust(member_weights[matched]), minlength=groups
    )
    left_over = small - np.bincount(group[matched], minlength=groups)
    evidence += left_over * _FLOOR
    # Surname, phone and origin: shared by the family, counted once (the best matched pair's).
    shared = np.full(groups, -np.inf)
    np.maximum.at(shared, group[matched], household_weights[matched])
    evidence += np.where(np.isfinite(shared), shared, 0.0)
    # Under S the correspondence of members is not known: every one-to-one matching of the
    # smaller household into the larger is as likely, the best one stands for them all.
    evidence -= _log2_falling_factorial(large, small)
    difference = np.minimum(large - small, _SIZE_CLASSES - 1)
    between = size_difference_between(sizes)
    households = float((sizes >= 1).sum())
    total = max(households * (households - 1) / 2.0, 1.0)
    # EM over the household pairs: the prior (expected families twice over all household
    # pairs; the pairs not considered have a posterior of about 0) and P(size difference | S).
    prior, size_same = _START_PRIOR, _START_SIZE_SAME.copy()
    posterior = np.zeros(groups)
    for _ in range(_EM_STEPS):
        logit = (
            evidence
            + np.log2(size_same[difference] / between[difference])
            + np.log2(prior / (1.0 - prior))
        )
        posterior = 1.0 / (1.0 + np.exp2(-np.clip(logit, -60, 60)))
        expected = float(posterior.sum())
        new_prior = min(max(expected / total, 1e-12), 0.5)
        counts = np.bincount(difference, weights=posterior, minlength=_SIZE_CLASSES) + 1.0
        size_same = counts / counts.sum()
        if abs(new_prior - prior) <= 1e-6 * prior:
            prior = new_prior
            break
        prior = new_prior
    return group, posterior, matched


def pair_members(scores: npt.ArrayLike, minimum: float) -> list[tuple[int, int]]:
    """The pairing of two households' members (rows: one household, columns: the other) that
    maximises the total match score, one to one (the assignment problem, solved exactly by
    scipy's `linear_sum_assignment`); pairs scoring below `minimum` are left unpaired. For the
    review of a family registered twice, where the greedy matching of `match_members` may
    pair a child with the wrong sibling when their scores cross."""
    from scipy.optimize import linear_sum_assignment

    matrix = np.asarray(scores, dtype=np.float64)
    if matrix.ndim != 2 or 0 in matrix.shape:
        return []
    rows, columns = linear_sum_assignment(matrix, maximize=True)
    return [
        (int(row), int(column))
        for row, column in zip(rows, columns, strict=True)
        if matrix[row, column] >= minimum
    ]
