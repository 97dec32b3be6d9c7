"""The desk check: is the person in front of the clerk already registered?

`DeskIndex.build(records)` codes the registry once and sorts every blocking rule's keys;
`check(person)` looks the person's keys up (binary search), compares the few hundred records
found and returns the best matches with their evidence. `add(record)` makes a newly saved
person findable at once (kept in a small side table, merged into the sorted index when it
grows); `remove(record_id)` makes one unfindable (a row of the sorted index is marked retired,
an added record dropped), so `replace(record)` takes a corrected record without a rebuild.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from edgecamp.linkage._table import (
    Ints,
    Table,
    Vocabularies,
    build_table,
    concat_tables,
    distinct,
    table_of_record,
)
from edgecamp.linkage.blocking import (
    DEFAULT_MAX_BLOCK,
    RULES,
    BlockingRule,
    candidate_pairs,
    rule_keys,
)
from edgecamp.linkage.compare import compare
from edgecamp.linkage.engine import Model, RecordsInput, evidence, records_frame, train
from edgecamp.linkage.estimate import probability
from edgecamp.linkage.model import LinkageInputError, Match, Record

# A key held by more records than this is too common to say anything at the desk.
DESK_MAX_BLOCK = 2_000
_MERGE_AFTER = 5_000


@dataclass
class _SortedKeys:
    keys: Ints  # sorted
    rows: Ints  # the table row of each sorted key


def _desk_cap(rule: BlockingRule) -> int:
    # A rule capped tightly in batch runs (a name alone) stays tighter at the desk too.
    if rule.max_block is None:
        return DESK_MAX_BLOCK
    return min(DESK_MAX_BLOCK, rule.max_block * 25)


class DeskIndex:
    """An in-memory index over a registry for checking one person at a time."""

    def __init__(self, table: Table, vocabularies: Vocabularies, model: Model) -> None:
        self._table = table
        self._vocabularies = vocabularies
        self._model = model
        self._weights = model.parameters.weights()
        self._ids = set(table.record_ids)
        self._added: list[Table] = []
        # The added records as one table with their rule keys, rebuilt only after an add.
        self._added_table: Table | None = None
        self._added_keys: list[Ints] = []
        # Rows of `_table` removed since it was indexed (their keys stay in the sorted index).
        self._retired = np.zeros(len(table), dtype=np.bool_)
        self._row_of: dict[str, int] | None = None  # record id -> row of `_table`, when needed
        self._index()

    @classmethod
    def build(
        cls,
        records: RecordsInput,
        *,
        model: Model | None = None,
        max_block: int = DEFAULT_MAX_BLOCK,
    ) -> DeskIndex:
        """Index `records` (Record objects, dicts or a polars frame, as for `link`). Without a
        `model` (from an earlier build, `index.model`), m and u are estimated on the registry
        itself, which takes about as long as a dedupe run."""
        vocabularies = Vocabularies()
        table = build_table(records_frame(records), vocabularies)
        if model is None:
            l, r = candidate_pairs(table, max_block=max_block)
            levels = compare(table, l, table, r, vocabularies)
            model = train(table, l, r, levels, vocabularies, max_block=max_block)
        return cls(table, vocabularies, model)

    @property
    def model(self) -> Model:
        return self._model

    def __len__(self) -> int:
        return len(self._table) - int(self._retired.sum()) + sum(len(t) for t in self._added)

    def __contains__(self, record_id: object) -> bool:
        return record_id in self._ids

    def _index(self) -> None:
        self._sorted = []
        for keys in rule_keys(self._table):
            order = np.argsort(keys, kind="stable")
            self._sorted.append(_SortedKeys(keys[order], order.astype(np.int64)))

    def add(self, record: Record) -> None:
        """Make a newly saved record findable."""
        if record.record_id in self._ids:
            raise LinkageInputError(
                f"Record {record.record_id} is already in the index; record ids are unique."
            )
        self._ids.add(record.record_id)
        self._added.append(table_of_record(record, self._vocabularies))
        self._added_table = None
        if len(self._added) >= _MERGE_AFTER:
            added = len(self._added)
            self._table = concat_tables([self._table, *self._added])
            self._retired = np.concatenate([self._retired, np.zeros(added, dtype=np.bool_)])
            self._row_of = None
            self._added = []
            self._index()

    def remove(self, record_id: str) -> None:
        """Make a record unfindable (it was corrected, or is no longer active); an id the
        index does not hold is ignored."""
        if record_id not in self._ids:
            return
        self._ids.discard(record_id)
        for position, added in enumerate(self._added):
            if added.record_ids[0] == record_id:
                del self._added[position]
                self._added_table = None
                return
        if self._row_of is None:
            self._row_of = {rid: row for row, rid in enumerate(self._table.record_ids)}
        row = self._row_of.pop(record_id, None)
        if row is not None:
            self._retired[row] = True

    def replace(self, record: Record) -> None:
        """Take the corrected version of a record (or a new one): `remove`, then `add`."""
        self.remove(record.record_id)
        self.add(record)

    def check(self, person: Record, top: int = 20) -> list[Match]:
        """The `top` registry records most likely to be `person`, best first, with the
        probability and the evidence of each comparison."""
        query = table_of_record(person, self._vocabularies)
        rows = self._candidates(query)
        matches = self._score(query, self._table, rows)
        if self._added:
            added, added_rows = self._added_candidates(query)
            matches += self._score(query, added, added_rows)
        matches.sort(key=lambda m: -m.match_weight)
        return [m for m in matches if m.record_id != person.record_id][:top]

    def _candidates(self, query: Table) -> Ints:
        found = []
        for rule, keys, index in zip(RULES, rule_keys(query, RULES), self._sorted, strict=True):
            key = keys[0]
            if key == 0:
                continue
            low = int(np.searchsorted(index.keys, key, side="left"))
            high = int(np.searchsorted(index.keys, key, side="right"))
            if 0 < high - low <= _desk_cap(rule):
                found.append(index.rows[low:high])
        if not found:
            return np.zeros(0, dtype=np.int64)
        rows = distinct(np.concatenate(found))
        return rows[~self._retired[rows]]

    def _added_candidates(self, query: Table) -> tuple[Table, Ints]:
        """Rows of the added records sharing a blocking key with `query`."""
        if not self._added:
            return self._table, np.zeros(0, dtype=np.int64)
        if self._added_table is None:
            self._added_table = concat_tables(self._added)
            self._added_keys = rule_keys(self._added_table, RULES)
        shares = np.zeros(len(self._added_table), dtype=np.bool_)
        for keys, query_keys in zip(self._added_keys, rule_keys(query, RULES), strict=True):
            if query_keys[0] != 0:
                shares |= keys == query_keys[0]
        return self._added_table, np.flatnonzero(shares).astype(np.int64)

    def _score(self, query: Table, table: Table, rows: Ints) -> list[Match]:
        if len(rows) == 0:
            return []
        left = np.zeros(len(rows), dtype=np.int64)
        levels = compare(query, left, table, rows, self._vocabularies)
        weights = self._model.weights(levels, query, left)
        scores = probability(weights)
        best = np.argsort(-weights, kind="stable")[:50]
        return [
            Match(
                record_id=table.record_ids[int(rows[i])],
                probability=float(scores[i]),
                match_weight=float(weights[i]),
                evidence=evidence(levels[i], self._weights),
            )
            for i in best.tolist()
        ]
