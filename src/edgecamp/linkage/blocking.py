"""Blocking: which pairs of records are compared at all.

Several rules, each a key built from a few coded fields; records sharing a rule's key are
candidate pairs, and the candidates are the union over the rules. A key shared by more than
`max_block` records (a very common name in one birth year) is skipped for that rule: a true
duplicate in it is still found by the other rules, and the work stays bounded.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from edgecamp.linkage._table import Ints, Table
from edgecamp.linkage._table import distinct as unique

DEFAULT_MAX_BLOCK = 100


@dataclass(frozen=True, slots=True)
class BlockingRule:
    """`key(table)` gives one int64 per record (0: the record has no key for this rule)."""

    name: str
    key: Callable[[Table], Ints]
    # A tighter cap than the run's max_block, for rules whose keys are weak on their own.
    max_block: int | None = None

    def cap(self, max_block: int) -> int:
        return max_block if self.max_block is None else min(max_block, self.max_block)


def _combine(*parts: npt.NDArray[np.integer]) -> Ints:
    """One int64 from several non-negative codes (a polynomial hash; collisions only ever
    add candidates). 0 when any part is 0 (missing)."""
    key = np.zeros(len(parts[0]), dtype=np.int64)
    present = np.ones(len(parts[0]), dtype=np.bool_)
    for part in parts:
        values = part.astype(np.int64)
        key = key * np.int64(1_000_003) + values
        present &= values != 0
    # Keep keys positive and non-zero for present records (not `| 1`, which put neighbouring
    # codes of a one-field key, 2 and 3, in one block).
    key = key & np.int64(0x3FFF_FFFF_FFFF_FFFF)
    return np.where(present, np.where(key == 0, 1, key), 0)


def _sex_block(table: Table) -> npt.NDArray[np.int8]:
    return np.where(table.sex == 0, 3, table.sex).astype(np.int8)


# Every rule mixes a name part with a second field, so that a common name is split into
# blocks of namesakes born the same year, from the same place or sharing a phone.
RULES = (
    BlockingRule("names_and_year", lambda t: _combine(t.all_key, t.dob_year)),
    BlockingRule("phone", lambda t: _combine(t.phone)),
    BlockingRule("names_and_place", lambda t: _combine(t.given_key, t.family_key, t.place_key)),
    BlockingRule("given_and_date", lambda t: _combine(t.given_first, t.dob_day * t.dob_exact)),
    BlockingRule("family_and_date", lambda t: _combine(t.family_key, t.dob_day * t.dob_exact)),
    # The two broad rules below find few duplicates the others miss (at 1M: 2 % and 0.4 % of
    # them, for 8 M and 5 M pairs uncapped), so their blocks are capped lower.
    # Sex unknown (a file without the column) is a block of its own, not a missing key.
    BlockingRule("given_year_place_sex",
                 lambda t: _combine(t.given_first, t.dob_year, t.place_key, _sex_block(t)), 30),
    BlockingRule("date_and_sex",
                 lambda t: _combine(t.dob_day * t.dob_exact, _sex_block(t)), 30),
    BlockingRule("document", lambda t: _combine(t.document)),
    # A number written with one slip keeps one of its halves.
    BlockingRule("document_head", lambda t: _combine(t.document_head)),
    BlockingRule("document_tail", lambda t: _combine(t.document_tail)),
    # The full name alone, only where it is rare: a record with nothing but a name (or a
    # date and place both mis-recorded) still meets its namesakes.
    BlockingRule("names", lambda t: _combine(t.given_key, t.family_key), max_block=8),
)  # fmt: skip


def rule_keys(table: Table, rules: tuple[BlockingRule, ...] = RULES) -> list[Ints]:
    return [rule.key(table) for rule in rules]


def candidate_pairs(
    table: Table,
    *,
    max_block: int = DEFAULT_MAX_BLOCK,
    cross_source_only: bool = False,
    rules: tuple[BlockingRule, ...] = RULES,
) -> tuple[Ints, Ints]:
    """Distinct candidate pairs (l < r) of `table`, unioned over `rules`."""
    codes = []
    n = np.int64(len(table))
    for rule, key in zip(rules, rule_keys(table, rules), strict=True):
        l, r = pairs_within_blocks(key, rule.cap(max_block))
        if cross_source_only:
            keep = table.source[l] != table.source[r]
            l, r = l[keep], r[keep]
        codes.append(l * n + r)
    if not codes:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    distinct = unique(np.concatenate(codes))
    # Households are expanded member by member after scoring (`link`), from the pairs that
    # scored well: before it, two households sharing two pairs of namesakes by chance made
    # more pairs (20M at 1M) than all the rules together.
    return distinct // n, distinct % n


def pairs_within_blocks(key: Ints, max_block: int) -> tuple[Ints, Ints]:
    """All pairs (l < r) of records with the same non-zero key, skipping keys held by more
    than `max_block` records."""
    index = np.flatnonzero(key)
    if len(index) < 2:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    order = np.argsort(key[index], kind="stable")
    index = index[order]
    sorted_keys = key[index]
    starts = np.flatnonzero(np.concatenate(([True], sorted_keys[1:] != sorted_keys[:-1])))
    sizes = np.diff(np.concatenate((starts, [len(sorted_keys)])))
    keep = (sizes >= 2) & (sizes <= max_block)
    starts, sizes = starts[keep], sizes[keep]
    if len(starts) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    # Every member of a block pairs with the members after it.
    member_block = np.repeat(np.arange(len(starts)), sizes)
    member_position = np.arange(len(member_block)) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    member_global = starts[member_block] + member_position
    followers = sizes[member_block] - member_position - 1
    left = np.repeat(member_global, followers)
    offsets = np.arange(len(left)) - np.repeat(np.cumsum(followers) - followers, followers)
    right = left + 1 + offsets
    l, r = index[left], index[right]
    return np.minimum(l, r).astype(np.int64), np.maximum(l, r).astype(np.int64)


def household_pairs(
    table: Table, l: Ints, r: Ints, *, min_shared: int = 2, max_household: int = 15
) -> tuple[Ints, Ints]:
    """Families register again as families: two households that share `min_shared` candidate
    pairs already are compared member by member (every cross pair), so a member whose name and
    date were both mis-recorded is still compared with their first registration."""
    household = table.household.astype(np.int64)
    h_l, h_r = household[l], household[r]
    keep = (h_l != 0) & (h_r != 0) & (h_l != h_r) & (table.source[l] == table.source[r])
    if not keep.any():
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    size = np.int64(household.max() + 1)
    codes = np.minimum(h_l[keep], h_r[keep]) * size + np.maximum(h_l[keep], h_r[keep])
    distinct, counts = np.unique(codes, return_counts=True)
    chosen = distinct[counts >= min_shared]
    first_household, second_household = chosen // size, chosen % size
    # Members of each household, as slices of one sorted array.
    order = np.argsort(household, kind="stable")
    starts = np.searchsorted(household[order], np.arange(size + 1))
    members = np.diff(starts)
    a_size, b_size = members[first_household], members[second_household]
    fits = (a_size <= max_household) & (b_size <= max_household)
    first_household, second_household = first_household[fits], second_household[fits]
    a_size, b_size = a_size[fits], b_size[fits]
    cross = a_size * b_size
    pair_group = np.repeat(np.arange(len(cross)), cross)
    within = np.arange(int(cross.sum())) - np.repeat(np.cumsum(cross) - cross, cross)
    a = order[starts[first_household[pair_group]] + within // b_size[pair_group]]
    b = order[starts[second_household[pair_group]] + within % b_size[pair_group]]
    return np.minimum(a, b).astype(np.int64), np.maximum(a, b).astype(np.int64)
