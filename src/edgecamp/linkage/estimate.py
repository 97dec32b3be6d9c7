"""Fellegi-Sunter parameters estimated without labels (expectation-maximisation over the
comparison patterns of the candidate pairs), and scoring with term-frequency adjustment.

EM runs on the distinct patterns with their counts, so a few million candidate pairs cost
a few thousand rows per iteration. Pairs of one household are left out of the estimation
(their weight is fixed, see `SAME_HOUSEHOLD_WEIGHT`), so that families — who agree on
surname, phone and origin — cannot pass for the "match" class.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from edgecamp.linkage.compare import Levels
from edgecamp.linkage.model import COMPARISONS, HOUSEHOLD, SAME_HOUSEHOLD, Parameters

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]

_FLOOR = 1e-6
# Starting m: matches mostly agree at the top levels.
_START_M_TOP = 0.8


def estimate_u(levels: Levels, non_match: Floats | None = None) -> list[Floats]:
    """u from the levels of random pairs (nearly all of them different people); with
    `non_match`, each pair counts by its probability of being two people (in a small file
    full of duplicates, random pairs hold matches enough to make agreement look common)."""
    weights = np.ones(len(levels)) if non_match is None else non_match
    rows = _level_shares(levels, weights)
    floor = 1.0 / (2.0 * max(float(weights.sum()), 1.0))
    return [np.maximum(row, floor) for row in rows]


def expectation_maximisation(
    levels: Levels,
    u: list[Floats],
    m: list[Floats] | None = None,
    *,
    update: tuple[bool, ...],
    max_iterations: int = 1000,
    tolerance: float = 1e-6,
) -> tuple[list[Floats], float, int, bool]:
    """m of the comparisons to `update` (the others carry no evidence) and the share of
    matches among `levels`' pairs, by EM with u fixed (from random pairs, as Splink does): a
    disagreement can then never count *for* a match, which keeps EM from taking "same family"
    for "same person". Pairs of one household are left out. Returns m, the share, the
    iterations and whether it converged."""
    usable = levels[:, HOUSEHOLD] != SAME_HOUSEHOLD
    patterns, counts = _patterns(levels[usable])
    m = [row.copy() for row in (m or start_m())]
    share = 0.01
    iterations, converged = 0, False
    if not len(patterns):
        return m, share, 0, True
    for iterations in range(1, max_iterations + 1):  # noqa: B007 - the count is reported
        posterior = _posterior(patterns, m, u, share, update)
        matched = counts * posterior
        new_m = _level_shares(patterns, matched)
        new_share = float(min(max(matched.sum() / counts.sum(), 1e-9), 0.5))
        change = abs(new_share - share)
        for k, on in enumerate(update):
            if on:
                row = np.maximum(new_m[k], _FLOOR)
                change = max(change, float(np.max(np.abs(row - m[k]))))
                m[k] = row
        share = new_share
        if change < tolerance:
            converged = True
            break
    return m, share, iterations, converged


def global_prior(
    levels: Levels, m: list[Floats], u: list[Floats], total_pairs: float, iterations: int = 100
) -> float:
    """The chance that two random records match, as the fixed point of
    prior = Σ P(match | candidate pair, prior) / all pairs (blocking keeps nearly every match,
    so the expected matches among the candidates are all of them)."""
    usable = levels[:, HOUSEHOLD] != SAME_HOUSEHOLD
    patterns, counts = _patterns(levels[usable])
    everything = (True,) * len(COMPARISONS)
    prior = min(max(1.0 / max(total_pairs, 1.0), 1e-12), 0.5)
    for _ in range(iterations):
        expected = float((counts * _posterior(patterns, m, u, prior, everything)).sum())
        new_prior = min(max(expected / max(total_pairs, 1.0), 1e-15), 0.5)
        if abs(math.log(new_prior / prior)) < 1e-6:
            return new_prior
        prior = new_prior
    return prior


def _posterior(
    patterns: npt.NDArray[np.int8],
    m: list[Floats],
    u: list[Floats],
    prior: float,
    active: tuple[bool, ...],
) -> Floats:
    log_odds = math.log(prior / (1 - prior)) + _log_product(patterns, m, active)
    log_odds -= _log_product(patterns, u, active)
    return 1.0 / (1.0 + np.exp(-np.clip(log_odds, -700, 700)))


def parameters(m: list[Floats], u: list[Floats], prior: float, iterations: int, converged: bool
               ) -> Parameters:  # fmt: skip
    return Parameters(
        m=tuple(tuple(float(x) for x in row) for row in m),
        u=tuple(tuple(float(x) for x in row) for row in u),
        prior=prior,
        iterations=iterations,
        converged=converged,
    )


_RADICES = tuple(len(c.levels) for c in COMPARISONS)
PATTERNS = math.prod(_RADICES)  # every possible row of levels
_BY_PATTERN = 4 * PATTERNS


def pattern_codes(levels: Levels) -> Ints:
    """Each row of levels as one number in [0, PATTERNS) (mixed radix)."""
    packed = np.zeros(len(levels), dtype=np.int64)
    for k, radix in enumerate(_RADICES):
        packed *= radix
        packed += levels[:, k]
    return packed


def patterns_of(codes: Ints) -> npt.NDArray[np.int8]:
    patterns = np.zeros((len(codes), len(COMPARISONS)), dtype=np.int8)
    rest = codes.copy()
    for k in range(len(_RADICES) - 1, -1, -1):
        rest, patterns[:, k] = np.divmod(rest, _RADICES[k])
    return patterns


def all_patterns() -> npt.NDArray[np.int8]:
    return patterns_of(np.arange(PATTERNS, dtype=np.int64))


def _patterns(levels: Levels) -> tuple[npt.NDArray[np.int8], Floats]:
    if len(levels) == 0:
        return np.zeros((0, len(COMPARISONS)), dtype=np.int8), np.zeros(0)
    # Counted by one bincount over the pattern codes, far faster than sorting tens of
    # millions of rows.
    counts = np.bincount(pattern_codes(levels), minlength=PATTERNS)
    codes = np.flatnonzero(counts)
    return patterns_of(codes), counts[codes].astype(np.float64)


def start_m() -> list[Floats]:
    m = []
    for comparison in COMPARISONS:
        n_levels = len(comparison.levels)
        # Most mass on the top level, the rest halving downwards.
        row = np.array([0.0] + [0.5 ** (n_levels - 1 - level) for level in range(1, n_levels)])
        row[-1] = _START_M_TOP * row[1:-1].sum() / (1 - _START_M_TOP)
        row /= row.sum()
        row[0] = 1.0
        m.append(row)
    return m


def _log_product(
    patterns: npt.NDArray[np.int8], table: list[Floats], active: tuple[bool, ...]
) -> Floats:
    total = np.zeros(len(patterns))
    for k, row in enumerate(table):
        if not active[k]:
            continue
        logs = np.log(row)
        logs[0] = 0.0
        total += logs[patterns[:, k]]
    return total


def _level_shares(patterns: npt.NDArray[np.int8], weights: Floats) -> list[Floats]:
    rows = []
    for k, comparison in enumerate(COMPARISONS):
        sums = np.bincount(patterns[:, k], weights=weights, minlength=len(comparison.levels))
        sums[0] = 0.0
        if k == HOUSEHOLD:
            sums[SAME_HOUSEHOLD] = 0.0
        total = sums.sum()
        row = sums / total if total > 0 else np.full(len(sums), 1.0 / len(sums))
        row[0] = 1.0
        rows.append(row)
    return rows


def level_weights(parameters: Parameters, active: tuple[bool, ...] | None = None) -> list[Floats]:
    table = parameters.weights()
    if active is not None:
        table = [row if on else [0.0] * len(row) for row, on in zip(table, active, strict=True)]
    return [np.array(row) for row in table]


# Comparisons that all say "same family": surname, phone, origin and the household's other
# members. They are far from independent given the match status (a sibling agrees on all of
# them), so they count as one piece of evidence: the strongest agreement among them, plus
# every disagreement.
FAMILY_LEVEL = tuple(
    c.name in ("family_name", "phone", "place_of_origin", "household") for c in COMPARISONS
)


def match_weights(
    levels: Levels,
    parameters: Parameters,
    tf_adjustment: Floats | None = None,
    active: tuple[bool, ...] | None = None,
    *,
    person_only: bool = False,
) -> Floats:
    """Total match weight per pair: prior + Σ person-level weights + the family-level evidence
    (see FAMILY_LEVEL) (+ term-frequency bits). `person_only`: without the prior and without
    the family-level agreement (what two relatives share): the evidence that tells two people
    of one family apart."""
    if len(levels) > _BY_PATTERN:
        # Every possible pattern once (a few hundred thousand), then one gather per pair.
        table = _summed_weights(all_patterns(), parameters, active, person_only)
        total: Floats = table[pattern_codes(levels)]
    else:
        total = _summed_weights(levels, parameters, active, person_only)
    if tf_adjustment is not None:
        total += tf_adjustment
    return total


def pattern_weights(
    parameters: Parameters, active: tuple[bool, ...], *, person_only: bool = False
) -> Floats:
    """`match_weights` of every possible pattern (index: `pattern_codes`), without term
    frequencies."""
    return _summed_weights(all_patterns(), parameters, active, person_only)


def _summed_weights(
    levels: Levels, parameters: Parameters, active: tuple[bool, ...] | None, person_only: bool
) -> Floats:
    weights = level_weights(parameters, active)
    total = np.full(len(levels), 0.0 if person_only else parameters.prior_weight)
    strongest = np.zeros(len(levels))
    for k, row in enumerate(weights):
        values = row[levels[:, k]]
        if FAMILY_LEVEL[k]:
            strongest = np.maximum(strongest, values)
            total += np.minimum(values, 0.0)
        else:
            total += values
    if not person_only:
        total += strongest
    return total


def probability(match_weight: Floats) -> Floats:
    return 1.0 / (1.0 + np.exp2(-np.clip(match_weight, -1000, 1000)))
