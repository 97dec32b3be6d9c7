"""Records as columns of integer codes, so comparisons and blocking are numpy operations.

Every distinct raw value is normalised once (names come from small pools, so a million records
hold a few tens of thousands of distinct names); derived strings are coded through shared
`Vocabulary` objects so that a desk check codes a new person the same way as the registry.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import numpy.typing as npt
import polars as pl

from edgecamp.linkage.model import LinkageInputError, Record
from edgecamp.linkage.normalise import (
    DOB_PRECISIONS,
    EXACT,
    comparable_name,
    document_key,
    name_key,
    name_tokens,
    phone_key,
    phonetic_key,
    place_key,
    precision_of,
)

Codes = npt.NDArray[np.int32]
Ints = npt.NDArray[np.int64]

FIELDS = (
    "record_id",
    "given_name",
    "family_name",
    "sex",
    "date_of_birth",
    "dob_precision",
    "place_of_origin",
    "phone",
    "household_ref",
    "document_number",
)
_SEX = {
    "f": 1, "female": 1, "w": 1, "woman": 1, "femme": 1, "girl": 1,
    "m": 2, "male": 2, "man": 2, "homme": 2, "boy": 2, "h": 2,
}  # fmt: skip
# Days since 1970 plus this offset, so that every date is positive and 0 means missing.
DAY_OFFSET = 100_000


def distinct(values: Ints) -> Ints:
    """The distinct values, sorted. np.unique without return_* takes a hash-based path in
    numpy 2.3+ that is about a hundred times slower than sorting, on millions of pair codes."""
    ordered = np.sort(values)
    if len(ordered) == 0:
        return ordered
    keep = np.empty(len(ordered), dtype=np.bool_)
    keep[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]


def distinct_inverse(values: Ints) -> tuple[Ints, Ints]:
    """`np.unique(values, return_inverse=True)`, by one stable argsort (faster in numpy 2.5)."""
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    first = np.empty(len(ordered), dtype=np.bool_)
    first[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    inverse = np.empty(len(values), dtype=np.int64)
    inverse[order] = np.cumsum(first) - 1
    return ordered[first], inverse


def day_number(born: date) -> int:
    return born.toordinal() - date(1970, 1, 1).toordinal() + DAY_OFFSET


@dataclass
class Vocabulary:
    """Strings ↔ dense codes; the empty string is always code 0 (missing)."""

    strings: list[str] = field(default_factory=lambda: [""])
    codes: dict[str, int] = field(default_factory=lambda: {"": 0})

    def code(self, text: str) -> int:
        found = self.codes.get(text)
        if found is None:
            found = len(self.strings)
            self.codes[text] = found
            self.strings.append(text)
        return found


@dataclass
class Vocabularies:
    name: Vocabulary = field(default_factory=Vocabulary)  # comparable names (sorted tokens)
    key: Vocabulary = field(default_factory=Vocabulary)  # phonetic keys (names and words)
    place: Vocabulary = field(default_factory=Vocabulary)  # folded places
    household: Vocabulary = field(default_factory=Vocabulary)
    document: Vocabulary = field(default_factory=Vocabulary)


@dataclass
class Table:
    """One row per record. Code 0 is missing everywhere; dates are days since 1970 with
    year/month/day split out."""

    record_ids: list[str]
    given: Codes  # Vocabulary.name
    family: Codes
    given_key: Codes  # Vocabulary.key: sorted phonetic keys of the name's words
    family_key: Codes
    given_first: Codes  # phonetic key of the first word
    given_last: Codes  # phonetic key of the last word
    family_first: Codes
    all_key: Codes  # keys of given and family words together, sorted: order-insensitive
    dob_day: Ints  # day_number(); 0 missing
    dob_year: Codes
    dob_month: Codes
    dob_dom: Codes
    dob_exact: npt.NDArray[np.bool_]
    sex: npt.NDArray[np.int8]
    phone: Ints
    place: Codes  # Vocabulary.place
    place_key: Codes  # Vocabulary.key
    household: Codes  # Vocabulary.household
    document: Codes  # Vocabulary.document: the number, upper case, letters and digits only
    # The number's first and second half (numbers of 6 characters or more; else 0): a number
    # with one slip keeps one half intact, so blocking on each half finds it.
    document_head: Codes
    document_tail: Codes
    source: npt.NDArray[np.int8]

    def __len__(self) -> int:
        return len(self.record_ids)


def frame_from_records(records: Sequence[Record]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "record_id": [r.record_id for r in records],
            "given_name": [r.given_name for r in records],
            "family_name": [r.family_name for r in records],
            "sex": [r.sex for r in records],
            "date_of_birth": pl.Series([r.date_of_birth for r in records], dtype=pl.Date),
            "dob_precision": [r.dob_precision for r in records],
            "place_of_origin": [r.place_of_origin for r in records],
            "phone": [r.phone for r in records],
            "household_ref": [r.household_ref for r in records],
            "document_number": [r.document_number for r in records],
        }
    )


def build_table(frame: pl.DataFrame, vocabularies: Vocabularies, source: int = 0) -> Table:
    """Code a frame with the columns of FIELDS (missing ones are blank; date_of_birth a Date
    column). Raises LinkageInputError for a blank or duplicated record_id."""
    frame = _complete(frame)
    record_ids = frame["record_id"].to_list()
    _check_ids(record_ids)
    given_raw, given_codes = _distinct(frame["given_name"])
    family_raw, family_codes = _distinct(frame["family_name"])
    given = _derive(given_raw, given_codes, vocabularies)
    family = _derive(family_raw, family_codes, vocabularies)
    all_key = _all_keys(given_raw, given_codes, family_raw, family_codes, vocabularies)

    born = frame["date_of_birth"]
    days = born.cast(pl.Int64).fill_null(0).to_numpy()
    present = ~born.is_null().to_numpy()
    years = born.dt.year().fill_null(0).to_numpy().astype(np.int32)
    months = born.dt.month().fill_null(0).to_numpy().astype(np.int32)
    doms = born.dt.day().fill_null(0).to_numpy().astype(np.int32)
    precision = frame["dob_precision"].fill_null("").to_numpy()
    inferred = (months == 1) & (doms == 1)
    exact = np.where(precision == "", ~inferred, precision == EXACT) & present
    days = np.where(present, days + DAY_OFFSET, 0)

    sex_raw, sex_codes = _distinct(frame["sex"])
    sex_values = np.array([_SEX.get(s.strip().casefold(), 0) for s in sex_raw], dtype=np.int8)
    phone_raw, phone_codes = _distinct(frame["phone"])
    phone_values = np.array([int(phone_key(p) or 0) for p in phone_raw], dtype=np.int64)
    place_raw, place_codes = _distinct(frame["place_of_origin"])
    place_text = np.array(
        [vocabularies.place.code(" ".join(name_tokens(p))) for p in place_raw], dtype=np.int32
    )
    place_keys = np.array([vocabularies.key.code(place_key(p)) for p in place_raw], np.int32)
    household_raw, household_codes = _distinct(frame["household_ref"])
    household_values = np.array(
        [vocabularies.household.code(h.strip()) for h in household_raw], dtype=np.int32
    )
    document_raw, document_codes = _distinct(frame["document_number"])
    document_keys = [document_key(d) for d in document_raw]
    document_values = np.array(
        [vocabularies.document.code(d) for d in document_keys], dtype=np.int32
    )
    document_halves = np.array(
        [document_half_codes(d, vocabularies) for d in document_keys], dtype=np.int32
    ).reshape(len(document_keys), 2)
    return Table(
        record_ids=record_ids,
        given=given[0],
        family=family[0],
        given_key=given[1],
        family_key=family[1],
        given_first=given[2],
        given_last=given[3],
        family_first=family[2],
        all_key=all_key,
        dob_day=days.astype(np.int64),
        dob_year=years,
        dob_month=months,
        dob_dom=doms,
        dob_exact=exact.astype(np.bool_),
        sex=sex_values[sex_codes],
        phone=phone_values[phone_codes],
        place=place_text[place_codes],
        place_key=place_keys[place_codes],
        household=household_values[household_codes],
        document=document_values[document_codes],
        document_head=document_halves[document_codes, 0],
        document_tail=document_halves[document_codes, 1],
        source=np.full(len(record_ids), source, dtype=np.int8),
    )


def _complete(frame: pl.DataFrame) -> pl.DataFrame:
    columns = []
    for name in FIELDS:
        if name == "date_of_birth":
            if name in frame.columns:
                columns.append(pl.col(name).cast(pl.Date))
            else:
                columns.append(pl.lit(None, dtype=pl.Date).alias(name))
        elif name in frame.columns:
            columns.append(pl.col(name).cast(pl.String).fill_null(""))
        else:
            columns.append(pl.lit("").alias(name))
    completed = frame.select(columns)
    bad = completed.filter(
        (pl.col("dob_precision") != "") & ~pl.col("dob_precision").is_in(list(DOB_PRECISIONS))
    )
    if bad.height:
        row = bad.row(0, named=True)
        raise LinkageInputError(
            f"Record {row['record_id']}: dob_precision must be one of "
            f"{', '.join(DOB_PRECISIONS)} or blank, not {row['dob_precision']!r}."
        )
    return completed


def _check_ids(record_ids: list[str]) -> None:
    ids = pl.Series(record_ids)
    blank = ids.str.strip_chars() == ""
    duplicated = ids.is_duplicated()
    problems = (blank | duplicated).arg_true()
    if not len(problems):
        return
    position = int(problems[0])
    record_id = record_ids[position]
    if not record_id.strip():
        raise LinkageInputError(
            f"Record {position + 1} has no record_id; every record needs a unique one."
        )
    first = record_ids.index(record_id)
    raise LinkageInputError(
        f"Record {max(position, first) + 1}: record_id {record_id!r} is used twice (also record "
        f"{min(position, first) + 1}); record ids must be unique."
    )


def _distinct(column: pl.Series) -> tuple[list[str], npt.NDArray[np.int64]]:
    """The distinct values of a string column and each row's index into them."""
    values = column.fill_null("").rename("value")
    distinct = values.unique(maintain_order=True)
    codes = (
        values.to_frame()
        .join(distinct.to_frame().with_row_index("code"), on="value", how="left")
        .get_column("code")
        .to_numpy()
        .astype(np.int64)
    )
    return distinct.to_list(), codes


def _derive(
    raw: list[str], codes: npt.NDArray[np.int64], vocabularies: Vocabularies
) -> tuple[Codes, Codes, Codes, Codes]:
    derived = np.array([name_codes(value, vocabularies) for value in raw], dtype=np.int32)
    derived = derived.reshape(len(raw), 4)
    return (
        derived[codes, 0],
        derived[codes, 1],
        derived[codes, 2],
        derived[codes, 3],
    )


def name_codes(value: str, vocabularies: Vocabularies) -> tuple[int, int, int, int]:
    """Codes of a name: comparable form, sorted word keys, first word's and last word's
    key."""
    tokens = name_tokens(value)
    first = phonetic_key(tokens[0]) if tokens else ""
    last = phonetic_key(tokens[-1]) if tokens else ""
    return (
        vocabularies.name.code(comparable_name(value)),
        vocabularies.key.code(name_key(value)),
        vocabularies.key.code(first),
        vocabularies.key.code(last),
    )


def all_key_code(given: str, family: str, vocabularies: Vocabularies) -> int:
    keys = name_key(given).split() + name_key(family).split()
    return vocabularies.key.code(" ".join(sorted(keys)))


def _all_keys(
    given_raw: list[str],
    given_codes: npt.NDArray[np.int64],
    family_raw: list[str],
    family_codes: npt.NDArray[np.int64],
    vocabularies: Vocabularies,
) -> Codes:
    combined = given_codes * len(family_raw) + family_codes
    distinct, inverse = np.unique(combined, return_inverse=True)
    out = np.array(
        [
            all_key_code(
                given_raw[int(c) // len(family_raw)],
                family_raw[int(c) % len(family_raw)],
                vocabularies,
            )
            for c in distinct
        ],
        dtype=np.int32,
    )
    coded: Codes = out[inverse.reshape(-1)]
    return coded


_MIN_HALVED = 6


def document_half_codes(number: str, vocabularies: Vocabularies) -> tuple[int, int]:
    """Codes of a (normalised) document number's two halves; 0 for a short or blank one.
    Coded in the document vocabulary with a marker no normalised number contains."""
    if len(number) < _MIN_HALVED:
        return 0, 0
    middle = len(number) // 2
    return (
        vocabularies.document.code(f"<{number[:middle]}"),
        vocabularies.document.code(f">{number[middle:]}"),
    )


def concat_tables(tables: Sequence[Table]) -> Table:
    first = tables[0]
    columns: dict[str, object] = {"record_ids": [i for t in tables for i in t.record_ids]}
    for name in first.__dataclass_fields__:
        if name != "record_ids":
            columns[name] = np.concatenate([getattr(t, name) for t in tables])
    return Table(**columns)  # type: ignore[arg-type]


def table_of_record(record: Record, vocabularies: Vocabularies, source: int = 0) -> Table:
    """A one-row table, without polars (the desk check's fast path)."""
    given = name_codes(record.given_name, vocabularies)
    family = name_codes(record.family_name, vocabularies)
    born = record.date_of_birth
    if born is not None:
        precision = record.dob_precision or precision_of(born)
    exact = born is not None and precision == EXACT
    halves = document_half_codes(document_key(record.document_number), vocabularies)
    household = record.household_ref.strip()
    household_code = vocabularies.household.codes.get(household, 0) if household else 0

    def codes(value: int) -> Codes:
        return np.array([value], dtype=np.int32)

    return Table(
        record_ids=[record.record_id],
        given=codes(given[0]),
        family=codes(family[0]),
        given_key=codes(given[1]),
        family_key=codes(family[1]),
        given_first=codes(given[2]),
        given_last=codes(given[3]),
        family_first=codes(family[2]),
        all_key=codes(all_key_code(record.given_name, record.family_name, vocabularies)),
        dob_day=np.array([day_number(born) if born else 0], dtype=np.int64),
        dob_year=codes(born.year if born else 0),
        dob_month=codes(born.month if born else 0),
        dob_dom=codes(born.day if born else 0),
        dob_exact=np.array([exact], dtype=np.bool_),
        sex=np.array([_SEX.get(record.sex.strip().casefold(), 0)], dtype=np.int8),
        phone=np.array([int(phone_key(record.phone) or 0)], dtype=np.int64),
        place=codes(vocabularies.place.code(" ".join(name_tokens(record.place_of_origin)))),
        place_key=codes(vocabularies.key.code(place_key(record.place_of_origin))),
        household=codes(household_code),
        document=codes(vocabularies.document.code(document_key(record.document_number))),
        document_head=codes(halves[0]),
        document_tail=codes(halves[1]),
        source=np.array([source], dtype=np.int8),
    )
