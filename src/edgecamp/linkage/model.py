"""The linkage vocabulary: records in, comparisons with levels, Fellegi-Sunter parameters, pairs
with their evidence and clusters out."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from edgecamp.linkage.normalise import DOB_PRECISIONS


class LinkageInputError(ValueError):
    """Input that cannot be linked (e.g. a duplicated record_id); the message names the record
    and says how to fix it."""


@dataclass(frozen=True, slots=True)
class Record:
    """One registration of a person, as the registry or a file gives it. Every field but
    record_id may be blank; dob_precision is "exact", "year" or "estimated" (blank: inferred,
    1 January counts as an estimate)."""

    record_id: str
    given_name: str = ""
    family_name: str = ""
    sex: str = ""
    date_of_birth: date | None = None
    dob_precision: str = ""
    place_of_origin: str = ""
    phone: str = ""
    household_ref: str = ""
    # An identity document's number (ID card, passport, UNHCR case number); compared exactly
    # or with one slip (a digit mistyped or two swapped).
    document_number: str = ""

    def __post_init__(self) -> None:
        if self.dob_precision and self.dob_precision not in DOB_PRECISIONS:
            raise LinkageInputError(
                f"Record {self.record_id}: dob_precision must be one of "
                f"{', '.join(DOB_PRECISIONS)} or blank, not {self.dob_precision!r}."
            )

    @classmethod
    def from_mapping(cls, values: Mapping[str, object]) -> Record:
        """A record from a dict with the field names as keys (missing keys are blank, extra
        keys ignored); date_of_birth may be a date or None."""
        born = values.get("date_of_birth")
        if born is not None and not isinstance(born, date):
            raise LinkageInputError(
                f"Record {values.get('record_id')}: date_of_birth must be a date or None, "
                f"not {type(born).__name__}; parse it first (edgecamp.linkage.parse_date)."
            )
        return cls(
            record_id=str(values.get("record_id", "")),
            given_name=_text(values.get("given_name")),
            family_name=_text(values.get("family_name")),
            sex=_text(values.get("sex")),
            date_of_birth=born,
            dob_precision=_text(values.get("dob_precision")),
            place_of_origin=_text(values.get("place_of_origin")),
            phone=_text(values.get("phone")),
            household_ref=_text(values.get("household_ref")),
            document_number=_text(values.get("document_number")),
        )


def _text(value: object) -> str:
    return "" if value is None else str(value)


@dataclass(frozen=True, slots=True)
class Comparison:
    """A field comparison and its levels, from the strongest disagreement (index 1) to the
    strongest agreement. Level 0 is always "missing": a blank on either side, no evidence."""

    name: str
    levels: tuple[str, ...]


NULL_LEVEL = "missing"
COMPARISONS = (
    Comparison(
        "given_name",
        (NULL_LEVEL, "different", "first_word", "close", "reordered", "phonetic", "exact"),
    ),
    Comparison(
        "family_name",
        (NULL_LEVEL, "different", "first_word", "close", "reordered", "phonetic", "exact"),
    ),
    Comparison(
        "date_of_birth",
        (
            NULL_LEVEL,
            "different",
            "within_2_years",
            "same_year",
            "one_part",
            "day_month_swap",
            "exact",
        ),
    ),
    Comparison("sex", (NULL_LEVEL, "different", "same")),
    Comparison("phone", (NULL_LEVEL, "different", "close", "same")),
    Comparison("place_of_origin", (NULL_LEVEL, "different", "close", "same")),
    Comparison("document_number", (NULL_LEVEL, "different", "one_slip", "same")),
    Comparison(
        "household",
        (NULL_LEVEL, "same_household", "no_member_matches", "one_member_matches", "members_match"),
    ),
)
COMPARISON_INDEX = {c.name: i for i, c in enumerate(COMPARISONS)}
HOUSEHOLD = COMPARISON_INDEX["household"]
SAME_HOUSEHOLD = 1
# Two records of one household are two people (siblings share surname, phone and origin;
# twins even their date of birth), unless the rest is overwhelming: a fixed Bayes factor of
# 2^-20, not learnt, because a dedupe run has no same-household duplicates to learn it from.
SAME_HOUSEHOLD_WEIGHT = -20.0


@dataclass(frozen=True, slots=True)
class Evidence:
    """How one field compared in a pair: the level and its match weight (log2 Bayes factor,
    term frequency adjustment included; 0 for a missing value)."""

    comparison: str
    level: str
    weight: float


@dataclass(frozen=True, slots=True)
class Pair:
    """Two records scored as the same person with `probability`; `linked` when the clustering
    put them in one cluster. Ordered: record_id_l is the earlier record in the input."""

    record_id_l: str
    record_id_r: str
    probability: float
    match_weight: float
    evidence: tuple[Evidence, ...]
    linked: bool


@dataclass(frozen=True, slots=True)
class Match:
    """A registry record that may be the person checked at a desk."""

    record_id: str
    probability: float
    match_weight: float
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True, slots=True)
class Parameters:
    """Fellegi-Sunter parameters: m[k][l] = P(level l of comparison k | same person), u the
    same for different people, both over the candidate pairs of blocking; `prior` is the share
    of candidate pairs that match. `tf_base[k]` is the probability that two random records
    agree on comparison k's value (Σ frequency²), against which a value's own frequency scales
    its weight. Level 0 (missing) has no entry used."""

    m: tuple[tuple[float, ...], ...]
    u: tuple[tuple[float, ...], ...]
    prior: float
    iterations: int
    converged: bool
    tf_base: tuple[float, ...] = field(default=())

    def weights(self) -> list[list[float]]:
        """log2(m/u) per comparison and level; 0 for missing, fixed for same household."""
        table = []
        for k, comparison in enumerate(COMPARISONS):
            row = [0.0] * len(comparison.levels)
            for level in range(1, len(comparison.levels)):
                row[level] = math.log2(self.m[k][level] / self.u[k][level])
            if k == HOUSEHOLD:
                row[SAME_HOUSEHOLD] = SAME_HOUSEHOLD_WEIGHT
            table.append(row)
        return table

    @property
    def prior_weight(self) -> float:
        return math.log2(self.prior / (1.0 - self.prior))


@dataclass(frozen=True, slots=True)
class Result:
    """What `link` found: scored pairs (probability ≥ the review threshold, with evidence) and
    a cluster id for every input record, in input order (singletons get their own)."""

    record_ids: tuple[str, ...]
    cluster_ids: tuple[int, ...]
    pairs: tuple[Pair, ...]
    parameters: Parameters
    candidate_pairs: int
    seconds: float

    @property
    def clusters(self) -> dict[int, list[str]]:
        """Cluster id → the record ids in it (only clusters of two or more records)."""
        members: dict[int, list[str]] = {}
        for record_id, cluster_id in zip(self.record_ids, self.cluster_ids, strict=True):
            members.setdefault(cluster_id, []).append(record_id)
        return {c: ids for c, ids in members.items() if len(ids) > 1}
