"""Clustering scored pairs into persons, protected against chaining.

Records linked by pairs above the threshold form connected components. A component of three or
more records is accepted only if every two of its members are supported (scored at or above
`min_pairwise`) and no two come from a group that cannot hold one person twice (the same
source file in a link of two deduplicated files). Otherwise it is rebuilt by merging along its
strongest edges first, and a merge happens only if all pairs across the two parts are
supported: A≈B and B≈C never put A and C together when A and C disagree.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from edgecamp.linkage._table import Ints

Floats = npt.NDArray[np.float64]
PairScorer = Callable[[Ints, Ints], Floats]

# Components larger than this are not checked pair by pair: they are rebuilt from their edges
# directly (still with the pairwise check on the pairs that were scored).
_MAX_CHECKED = 2_000


def cluster(
    n: int,
    l: Ints,
    r: Ints,
    probability: Floats,
    *,
    threshold: float,
    min_pairwise: float,
    score_pairs: PairScorer,
    group: npt.NDArray[np.integer] | None = None,
) -> Ints:
    """A cluster label per record (0..k-1, in order of each cluster's first record)."""
    linked = probability >= threshold
    el, er, ep = l[linked], r[linked], probability[linked]
    graph = coo_matrix((np.ones(len(el)), (el, er)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    labels = labels.astype(np.int64)
    sizes = np.bincount(labels)
    big = np.flatnonzero(sizes >= 3)
    if len(big):
        next_label = int(labels.max()) + 1
        edge_component = labels[el]
        # Members of each big component, and every pair inside the checkable ones, scored in
        # one batch (a call per component costs more than the comparisons).
        order = np.argsort(labels, kind="stable")
        starts = np.searchsorted(labels[order], np.arange(len(sizes) + 1))
        members_of = {int(c): order[starts[c] : starts[c + 1]] for c in big}
        checked = [members_of[int(c)] for c in big if sizes[c] <= _MAX_CHECKED]
        scores: dict[tuple[int, int], float] = {}
        if checked:
            left, right = [], []
            for members in checked:
                a, b = np.triu_indices(len(members), k=1)
                left.append(members[a])
                right.append(members[b])
            pl, pr = np.concatenate(left), np.concatenate(right)
            low, high = np.minimum(pl, pr), np.maximum(pl, pr)
            scored = score_pairs(low, high)
            scores = dict(zip(zip(low.tolist(), high.tolist(), strict=True), scored.tolist(),
                              strict=True))  # fmt: skip
        for component in big:
            mask = edge_component == component
            parts = _split(
                members_of[int(component)], el[mask], er[mask], ep[mask], min_pairwise, scores,
                group,
            )  # fmt: skip
            for part in parts[1:]:
                labels[part] = next_label
                next_label += 1
    return _renumber(labels)


def _split(
    members: Ints,
    el: Ints,
    er: Ints,
    ep: Floats,
    min_pairwise: float,
    scored: dict[tuple[int, int], float],
    group: npt.NDArray[np.integer] | None,
) -> list[Ints]:
    # The batch's scores of this component's pairs, with the linked edges' own scores on top.
    scores: dict[tuple[int, int], float] = {}
    member_list = members.tolist()
    if len(members) <= _MAX_CHECKED:
        for i, x in enumerate(member_list):
            for y in member_list[i + 1 :]:
                key = (min(x, y), max(x, y))
                scores[key] = scored.get(key, 0.0)
    for x, y, p in zip(el.tolist(), er.tolist(), ep.tolist(), strict=True):
        scores[(min(x, y), max(x, y))] = p
    groups = {} if group is None else dict(zip(members.tolist(), group[members].tolist(),
                                               strict=True))  # fmt: skip
    if _consistent(members.tolist(), scores, min_pairwise, groups):
        return [members]
    parent = {m: m for m in members.tolist()}
    parts = {m: [m] for m in members.tolist()}

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for index in np.argsort(-ep, kind="stable").tolist():
        x, y = root(int(el[index])), root(int(er[index]))
        if x == y:
            continue
        if _compatible(parts[x], parts[y], scores, min_pairwise, groups):
            parent[y] = x
            parts[x].extend(parts.pop(y))
    return [np.array(sorted(p), dtype=np.int64) for p in sorted(parts.values(), key=min)]


def _consistent(
    members: list[int],
    scores: dict[tuple[int, int], float],
    min_pairwise: float,
    groups: dict[int, int],
) -> bool:
    return _compatible(members[:1], members[1:], scores, min_pairwise, groups) and all(
        _compatible([x], members[i + 1 :], scores, min_pairwise, groups)
        for i, x in enumerate(members)
    )


def _compatible(
    a: list[int],
    b: list[int],
    scores: dict[tuple[int, int], float],
    min_pairwise: float,
    groups: dict[int, int],
) -> bool:
    for x in a:
        for y in b:
            if groups and groups[x] == groups[y]:
                return False
            # A pair never scored (a component too big to check) counts as unsupported.
            if scores.get((min(x, y), max(x, y)), 0.0) < min_pairwise:
                return False
    return True


def _renumber(labels: Ints) -> Ints:
    _, first = np.unique(labels, return_index=True)
    order = np.argsort(first)
    mapping = np.empty(len(order), dtype=np.int64)
    mapping[order] = np.arange(len(order))
    _, inverse = np.unique(labels, return_inverse=True)
    return mapping[inverse.reshape(-1)]
