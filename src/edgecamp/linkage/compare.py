"""Comparison levels for candidate pairs, vectorised: one row of levels (indices into
`COMPARISONS[k].levels`) per pair.

Names are compared order-insensitively (sorted words) after normalisation; a given and family
name swapped or split differently between the two records ("Mohammed Ahmed / Ali" against
"Mohammed / Ahmed Ali") is the level "reordered". Dates know their precision: an estimated
date (1 January, or year only) agrees on its year, or within 2 years; exact dates agree
exactly, with day and month swapped, or with one part different.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from rapidfuzz import process
from rapidfuzz.distance import OSA, JaroWinkler

from edgecamp.linkage._table import Codes, Ints, Table, Vocabularies, distinct_inverse
from edgecamp.linkage.model import COMPARISON_INDEX, COMPARISONS, SAME_HOUSEHOLD

Levels = npt.NDArray[np.int8]

NAME_CLOSE = 0.88
_REORDERED = 4
PLACE_CLOSE = 0.85
_GIVEN = COMPARISON_INDEX["given_name"]
_FAMILY = COMPARISON_INDEX["family_name"]
_DOB = COMPARISON_INDEX["date_of_birth"]
_SEX = COMPARISON_INDEX["sex"]
_PHONE = COMPARISON_INDEX["phone"]
_PLACE = COMPARISON_INDEX["place_of_origin"]
_HOUSEHOLD = COMPARISON_INDEX["household"]
_DOCUMENT = COMPARISON_INDEX["document_number"]


# Pairs compared per slice: every field's gather makes a temporary array per pair, so slices
# bound the peak memory of tens of millions of candidates.
_CHUNK = 2_000_000


def compare(left: Table, l: Ints, right: Table, r: Ints, vocabularies: Vocabularies) -> Levels:
    """Levels of the pairs (left[l[i]], right[r[i]]). The household comparison is only
    "missing" or "same_household" here; `household_levels` adds the members' evidence."""
    levels = np.zeros((len(l), len(COMPARISONS)), dtype=np.int8)
    for start in range(0, len(l), _CHUNK):
        stop = start + _CHUNK
        levels[start:stop] = _compare(left, l[start:stop], right, r[start:stop], vocabularies)
    return levels


def _compare(left: Table, l: Ints, right: Table, r: Ints, vocabularies: Vocabularies) -> Levels:
    levels = np.zeros((len(l), len(COMPARISONS)), dtype=np.int8)
    names = vocabularies.name.strings
    reordered = (left.all_key[l] == right.all_key[r]) & (left.all_key[l] != 0)
    levels[:, _GIVEN] = _name_levels(
        left.given[l], right.given[r], left.given_key[l], right.given_key[r],
        left.given_first[l], right.given_first[r], reordered, names,
    )  # fmt: skip
    levels[:, _FAMILY] = _name_levels(
        left.family[l], right.family[r], left.family_key[l], right.family_key[r],
        left.family_first[l], right.family_first[r], reordered, names,
    )  # fmt: skip
    _swapped_names(left, l, right, r, levels, names)
    # Words moved between given and family name are one piece of evidence, not two.
    levels[:, _FAMILY][levels[:, _FAMILY] == _REORDERED] = 0
    levels[:, _DOB] = _date_levels(left, l, right, r)
    sex_l, sex_r = left.sex[l], right.sex[r]
    levels[:, _SEX] = np.where((sex_l == 0) | (sex_r == 0), 0, np.where(sex_l == sex_r, 2, 1))
    levels[:, _PHONE] = _phone_levels(left.phone[l], right.phone[r])
    levels[:, _PLACE] = _place_levels(
        left.place[l], right.place[r], left.place_key[l], right.place_key[r],
        vocabularies.place.strings,
    )  # fmt: skip
    household_l, household_r = left.household[l], right.household[r]
    same = (household_l == household_r) & (household_l != 0) & (left.source[l] == right.source[r])
    levels[:, _HOUSEHOLD] = np.where(same, SAME_HOUSEHOLD, 0)
    levels[:, _DOCUMENT] = _document_levels(
        left.document[l], right.document[r], vocabularies.document.strings
    )
    return levels


def _swapped_names(
    left: Table, l: Ints, right: Table, r: Ints, levels: Levels, names: list[str]
) -> None:
    """Given and family name written the other way round, with a slip in one of them
    ("Barnaby Siggins" / "Siggins Barhaby"): close across (given against family and family
    against given) is "reordered", where the sorted words differ and so the plain check
    cannot see it."""
    given, family = levels[:, _GIVEN], levels[:, _FAMILY]
    maybe = np.flatnonzero((given >= 1) & (given <= 3) & (family >= 1) & (family <= 3))
    if not len(maybe):
        return
    across = pair_similarity(left.given[l[maybe]], right.family[r[maybe]], names)
    maybe = maybe[across >= NAME_CLOSE]
    back = pair_similarity(left.family[l[maybe]], right.given[r[maybe]], names)
    maybe = maybe[back >= NAME_CLOSE]
    given[maybe] = _REORDERED
    family[maybe] = _REORDERED


def _name_levels(
    name_l: Codes,
    name_r: Codes,
    key_l: Codes,
    key_r: Codes,
    first_l: Codes,
    first_r: Codes,
    reordered: npt.NDArray[np.bool_],
    strings: list[str],
) -> Levels:
    level = np.ones(len(name_l), dtype=np.int8)
    level[(first_l == first_r) & (first_l != 0)] = 2
    undecided = np.flatnonzero((key_l != key_r) & ~reordered)
    similarity = pair_similarity(name_l[undecided], name_r[undecided], strings)
    level[undecided[similarity >= NAME_CLOSE]] = 3
    level[reordered] = 4
    level[key_l == key_r] = 5
    level[name_l == name_r] = 6
    level[(name_l == 0) | (name_r == 0)] = 0
    return level


def pair_similarity(a: Codes, b: Codes, strings: list[str]) -> npt.NDArray[np.float64]:
    """Jaro-Winkler similarity of strings[a[i]] and strings[b[i]], computed once per distinct
    pair of codes."""
    if len(a) == 0:
        return np.zeros(0)
    firsts, seconds, inverse, shortest = distinct_pairs(a, b, strings)
    scores = np.asarray(
        process.cpdist(
            firsts,
            seconds,
            scorer=JaroWinkler.normalized_similarity,
            dtype=np.float64,
            workers=_workers(len(firsts)),
        ),
        dtype=np.float64,
    )
    # One typo in a short name (Hawa/Hswa, Amna/Ajna) is close too, whatever Jaro-Winkler says.
    edits = np.asarray(
        process.cpdist(firsts, seconds, scorer=OSA.distance, workers=_workers(len(firsts)))
    )
    scores[(edits <= 1) & (shortest >= 3)] = np.maximum(
        scores[(edits <= 1) & (shortest >= 3)], 0.99
    )
    # Two slips in a long name (Babagana/Bqbagazna) are still close.
    two_slips = (edits == 2) & (shortest >= 6)
    scores[two_slips] = np.maximum(scores[two_slips], NAME_CLOSE)
    similarity: npt.NDArray[np.float64] = scores[inverse]
    return similarity


def distinct_pairs(
    a: Codes, b: Codes, strings: list[str]
) -> tuple[list[str], list[str], Ints, Ints]:
    """The distinct unordered pairs of codes as two lists of strings, each input pair's index
    into them, and the shorter string's length per distinct pair."""
    size = np.int64(len(strings))
    low, high = np.minimum(a, b).astype(np.int64), np.maximum(a, b).astype(np.int64)
    distinct, inverse = distinct_inverse(low * size + high)
    first, second = distinct // size, distinct % size
    # Only the strings these pairs use are looked up (the vocabulary may be much larger).
    used, position = distinct_inverse(np.concatenate((first, second)))
    texts = [strings[i] for i in used.tolist()]
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    where_first, where_second = position[: len(first)], position[len(first) :]
    firsts = [texts[i] for i in where_first.tolist()]
    seconds = [texts[i] for i in where_second.tolist()]
    shortest = np.minimum(lengths[where_first], lengths[where_second])
    return firsts, seconds, inverse, shortest


def _workers(pairs: int) -> int:
    # rapidfuzz starts its threads on every call: worth it only for big batches.
    return -1 if pairs >= 20_000 else 1


def _date_levels(left: Table, l: Ints, right: Table, r: Ints) -> Levels:
    day_l, day_r = left.dob_day[l], right.dob_day[r]
    year_l, year_r = left.dob_year[l], right.dob_year[r]
    month_l, month_r = left.dob_month[l], right.dob_month[r]
    dom_l, dom_r = left.dob_dom[l], right.dob_dom[r]
    both_exact = left.dob_exact[l] & right.dob_exact[r]
    years_apart = np.abs(year_l - year_r)
    level = np.ones(len(l), dtype=np.int8)
    level[years_apart <= 2] = 2
    level[both_exact & (years_apart > 1)] = 1
    level[~both_exact & (years_apart == 0)] = 3
    parts_equal = (
        (year_l == year_r).astype(np.int8)
        + (month_l == month_r).astype(np.int8)
        + (dom_l == dom_r).astype(np.int8)
    )
    level[both_exact & (parts_equal == 2)] = 4
    swapped = (year_l == year_r) & (month_l == dom_r) & (dom_l == month_r) & (month_l != dom_l)
    level[both_exact & swapped] = 5
    level[both_exact & (day_l == day_r)] = 6
    level[(day_l == 0) | (day_r == 0)] = 0
    return level


def _phone_levels(phone_l: Ints, phone_r: Ints) -> Levels:
    level = np.zeros(len(phone_l), dtype=np.int8)
    present = (phone_l != 0) & (phone_r != 0)
    level[present & (phone_l == phone_r)] = 3
    # Digits are counted only where both numbers are there and differ.
    undecided = np.flatnonzero(present & (phone_l != phone_r))
    differing = np.zeros(len(undecided), dtype=np.int8)
    a, b = phone_l[undecided], phone_r[undecided]
    for _ in range(8):
        differing += (a % 10 != b % 10).astype(np.int8)
        a //= 10
        b //= 10
    level[undecided] = np.where(differing <= 2, 2, 1)
    return level


def _place_levels(
    place_l: Codes, place_r: Codes, key_l: Codes, key_r: Codes, strings: list[str]
) -> Levels:
    level = np.ones(len(place_l), dtype=np.int8)
    undecided = np.flatnonzero(key_l != key_r)
    similarity = pair_similarity(place_l[undecided], place_r[undecided], strings)
    level[undecided[similarity >= PLACE_CLOSE]] = 2
    level[key_l == key_r] = 3
    level[(place_l == 0) | (place_r == 0)] = 0
    return level


def _document_levels(document_l: Codes, document_r: Codes, strings: list[str]) -> Levels:
    """Same number, one slip (one character mistyped, added, dropped, or two neighbours
    swapped: optimal string alignment distance 1), or different."""
    level = np.ones(len(document_l), dtype=np.int8)
    undecided = np.flatnonzero((document_l != document_r) & (document_l != 0) & (document_r != 0))
    if len(undecided):
        firsts, seconds, inverse, _ = distinct_pairs(
            document_l[undecided], document_r[undecided], strings
        )
        edits = np.asarray(
            process.cpdist(firsts, seconds, scorer=OSA.distance, workers=_workers(len(firsts)))
        )
        level[undecided[edits[inverse] <= 1]] = 2
    level[document_l == document_r] = 3
    level[(document_l == 0) | (document_r == 0)] = 0
    return level
