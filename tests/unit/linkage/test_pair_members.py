"""linkage.pair_members: the optimal one-to-one pairing of two households' members."""

from __future__ import annotations

import pytest

from edgecamp.linkage import pair_members


@pytest.mark.parametrize(
    ("scores", "minimum", "expected"),
    [
        # Greedy (best pair first) would take (0, 0) at 0.9 and leave (1, 1) at 0.1: the
        # assignment takes the crossing, 1.65 in all.
        ([[0.9, 0.8], [0.85, 0.1]], 0.5, [(0, 1), (1, 0)]),
        ([[0.99, 0.0], [0.0, 0.97]], 0.5, [(0, 0), (1, 1)]),
        # More rows than columns: one row stays unpaired.
        ([[0.9], [0.95], [0.2]], 0.5, [(1, 0)]),
        # A pair below the minimum is not proposed.
        ([[0.9, 0.0], [0.0, 0.3]], 0.5, [(0, 0)]),
        ([[0.1, 0.2]], 0.5, []),
        ([], 0.5, []),
        ([[]], 0.5, []),
    ],
)
def test_pair_members(scores, minimum, expected):
    assert pair_members(scores, minimum) == expected
