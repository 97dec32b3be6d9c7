"""edgecamp.linkage: normalisation, comparisons, blocking, estimation, clustering, the desk
check and the `edgecamp dedupe` command. Pure logic: no database."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from edgecamp.cli import main
from edgecamp.linkage import (
    COMPARISONS,
    DeskIndex,
    LinkageInputError,
    Record,
    fold,
    link,
    name_key,
    name_tokens,
    parse_date,
    phone_key,
    phonetic_key,
)
from edgecamp.linkage._table import Table, Vocabularies, build_table, frame_from_records
from edgecamp.linkage.blocking import pairs_within_blocks
from edgecamp.linkage.cluster import cluster
from edgecamp.linkage.compare import compare
from edgecamp.linkage.households import household_posterior, match_members
from edgecamp.synthetic import generate_camp, write_dedupe_csv


@pytest.mark.parametrize(
    ("variants", "key"),
    [
        (("Mohammed", "Muhammad", "Mohamed", "Mohamad", "Mahamat", "Maxamed", "Md."), "mhmt"),
        (("Abdelrahman", "Abdul Rahman", "Abderrahmane", "Abd al-Rahman", "Abdirahman"), None),
        (("Elnour", "El Nour", "Al-Nour", "Nour"), None),
        (("Fatima", "Fatma", "Fadumo", "Fatimah"), None),
        (("Yousif", "Yusuf", "Youssef"), None),
        (("Ishag", "Ishaq", "Ishak"), None),
        (("Abu Bakar", "Abubakar"), None),
    ],
)
def test_spelling_variants_share_a_key(variants: tuple[str, ...], key: str | None) -> None:
    keys = {name_key(v) for v in variants}
    assert len(keys) == 1, keys
    if key is not None:
        assert keys == {key}


@pytest.mark.parametrize(
    ("one", "other"),
    [("Mohammed", "Mahmoud"), ("Fatima", "Khadija"), ("Ahmed", "Adam"), ("Hawa", "Halima")],
)
def test_different_names_keep_different_keys(one: str, other: str) -> None:
    assert name_key(one) != name_key(other)


@pytest.mark.parametrize(
    "variants",
    [
        ("محمد", "مُحَمَّد", "مـحـمـد", "ﻣﺤﻤﺪ"),  # harakat and shadda, tatweel, presentation forms
        ("فاطمة", "فاطمه", "فَاطِمَة"),  # ta marbuta and ha
        ("موسى", "موسي"),  # alef maqsura and ya
        ("أحمد", "احمد", "إحمد"),  # alef with hamza above and below, bare alef
        ("آدم", "ادم", "أدم"),  # alef madda
        ("عائشة", "عايشه"),  # hamza on its ya seat
        ("حواء", "حوا"),  # a final hamza
        ("عبد الرحمن", "عبدالرحمن"),  # Abd apart or together, the article dropped
        ("عبد الله", "عبدالله"),
        ("أبو بكر", "ابوبكر"),
        ("النور", "نور"),
        ("محمد بن علي", "محمد علي"),  # the connector
        ("کریم", "كريم"),  # Persian letter forms
    ],
)
def test_arabic_spellings_share_a_key(variants: tuple[str, ...]) -> None:
    keys = {name_key(v) for v in variants}
    assert len(keys) == 1, keys
    assert keys != {""}


@pytest.mark.parametrize(
    ("one", "other"),
    [("محمد", "محمود"), ("حسن", "حسين"), ("فاطمة", "فاطنة"), ("محمد", "Mohammed")],
)
def test_different_arabic_names_keep_different_keys(one: str, other: str) -> None:
    assert name_key(one) != name_key(other)


def test_latin_folding_is_unchanged_by_arabic_letters() -> None:
    assert fold("Hawa آدم") == "hawa ادم"
    assert fold("\u0412\u0435\u0440\u0430 Straße") == "strasse"  # other scripts still dropped
    assert name_key("Mohammed Adam") == "mhmt tm"


@pytest.mark.parametrize(
    ("raw", "tokens"),
    [
        ("  Moïse-ÉLISABETH ", ("moise", "elisabeth")),
        ("Ahmed bin Ali", ("ahmed", "ali")),
        ("Abd al-Rahman", ("abdrahman",)),
        ("Elisabeth", ("elisabeth",)),  # a name that merely starts with "El"
        ("MUKENDI Jean", ("mukendi", "jean")),
    ],
)
def test_name_tokens(raw: str, tokens: tuple[str, ...]) -> None:
    assert name_tokens(raw) == tokens


def test_fold_transliterates_and_phone_key_ignores_format() -> None:
    assert fold("Straße Ørsted") == "strasse orsted"
    assert phonetic_key("") == ""
    assert phone_key("+249 912 345 678") == phone_key("0912345678") == "12345678"
    assert phone_key("12") == ""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1990-05-17", (date(1990, 5, 17), "exact")),
        ("19900517", (date(1990, 5, 17), "exact")),
        ("1990-01-01", (date(1990, 1, 1), "estimated")),
        ("1990", (date(1990, 1, 1), "year")),
        ("", (None, "")),
    ],
)
def test_parse_date(text: str, expected: tuple[date | None, str]) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["17/05/1990", "1990-13-01", "soon"])
def test_parse_date_rejects(text: str) -> None:
    with pytest.raises(ValueError, match=r"date|month"):
        parse_date(text)


def _levels(left: Record, right: Record) -> dict[str, str]:
    vocabularies = Vocabularies()
    table = build_table(frame_from_records([left, right]), vocabularies)
    levels = compare(table, np.array([0]), table, np.array([1]), vocabularies)[0]
    return {c.name: c.levels[int(levels[k])] for k, c in enumerate(COMPARISONS)}


def _person(record_id: str = "a", **fields: object) -> Record:
    values: dict[str, object] = {
        "record_id": record_id,
        "given_name": "Hawa",
        "family_name": "Adam Ishag",
        "sex": "female",
        "date_of_birth": date(1990, 5, 17),
        "place_of_origin": "El Fasher",
        "phone": "+249 912 345 678",
        "household_ref": "h1",
    }
    values.update(fields)
    return Record.from_mapping(values)


@pytest.mark.parametrize(
    ("changes", "comparison", "level"),
    [
        ({}, "date_of_birth", "exact"),
        ({"date_of_birth": date(1990, 5, 17)}, "given_name", "exact"),
        ({"date_of_birth": date(1990, 1, 1)}, "date_of_birth", "same_year"),
        ({"date_of_birth": date(1991, 1, 1)}, "date_of_birth", "within_2_years"),
        ({"date_of_birth": date(1990, 1, 1), "dob_precision": "year"}, "date_of_birth",
         "same_year"),
        ({"date_of_birth": date(1985, 1, 1)}, "date_of_birth", "different"),
        ({"date_of_birth": date(1990, 5, 18)}, "date_of_birth", "one_part"),
        ({"date_of_birth": None}, "date_of_birth", "missing"),
        ({"given_name": "Hawwa"}, "given_name", "phonetic"),
        ({"given_name": "Hswa"}, "given_name", "close"),
        ({"given_name": "Halima"}, "given_name", "different"),
        ({"given_name": "Adam Ishag", "family_name": "Hawa"}, "given_name", "reordered"),
        ({"family_name": "Ishag Adam"}, "family_name", "exact"),
        ({"phone": "0912345678"}, "phone", "same"),
        ({"phone": "0912345687"}, "phone", "close"),
        ({"phone": ""}, "phone", "missing"),
        ({"place_of_origin": "Al Fashir"}, "place_of_origin", "same"),
        ({"sex": "m"}, "sex", "different"),
        ({}, "household", "same_household"),
        ({}, "document_number", "missing"),
    ],
)  # fmt: skip
def test_comparison_levels(changes: dict[str, object], comparison: str, level: str) -> None:
    assert _levels(_person("a"), _person("b", **changes))[comparison] == level


@pytest.mark.parametrize(
    ("left", "right", "level"),
    [
        ("AB-123 456", "ab123456", "same"),
        ("AB123456", "AB123465", "one_slip"),  # two digits swapped
        ("AB123456", "AB123457", "one_slip"),
        ("AB123456", "AB654321", "different"),
        ("AB123456", "", "missing"),
    ],
)
def test_document_number_levels(left: str, right: str, level: str) -> None:
    levels = _levels(_person("a", document_number=left), _person("b", document_number=right))
    assert levels["document_number"] == level


def test_compare_in_slices_matches_one_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    import edgecamp.linkage.compare as compare_module

    records = [
        _person(str(i), given_name=name, date_of_birth=date(1990, 1 + i % 12, 1 + i))
        for i, name in enumerate(["Hawa", "Hawwa", "Halima", "Amna", "Ajna", "Hswa"])
    ]
    vocabularies = Vocabularies()
    table = build_table(frame_from_records(records), vocabularies)
    l, r = np.triu_indices(len(records), k=1)
    whole = compare(table, l, table, r, vocabularies)
    monkeypatch.setattr(compare_module, "_CHUNK", 4)
    assert np.array_equal(compare(table, l, table, r, vocabularies), whole)


def test_rare_full_name_alone_blocks_but_a_common_one_does_not() -> None:
    from edgecamp.linkage.blocking import candidate_pairs

    rare = [
        _person(
            f"r{i}",
            given_name="Zamzam",
            family_name="Qwerty",
            date_of_birth=None,
            place_of_origin="",
            phone="",
            household_ref=f"r{i}",
        )
        for i in range(2)
    ]
    common = [
        _person(
            f"c{i}",
            given_name="Ali",
            family_name="Ahmed",
            date_of_birth=None,
            place_of_origin="",
            phone="",
            household_ref=f"c{i}",
        )
        for i in range(12)
    ]
    vocabularies = Vocabularies()
    table = build_table(frame_from_records(rare + common), vocabularies)
    l, r = candidate_pairs(table)
    assert set(zip(l.tolist(), r.tolist(), strict=True)) == {(0, 1)}


@pytest.mark.parametrize(
    "values", [[], [5], [3, 1, 3, 2, 1], [7, 7, 7], list(range(50, 0, -3)) * 2]
)
def test_sort_based_distinct_matches_numpy_unique(values: list[int]) -> None:
    from edgecamp.linkage._table import distinct, distinct_inverse

    array = np.array(values, dtype=np.int64)
    expected, expected_inverse = np.unique(array, return_inverse=True)
    assert np.array_equal(distinct(array), expected)
    found, inverse = distinct_inverse(array)
    assert np.array_equal(found, expected)
    assert np.array_equal(inverse, expected_inverse.reshape(-1))


def test_day_month_swap() -> None:
    levels = _levels(_person("a"), _person("b", date_of_birth=date(1990, 5, 12)))
    assert levels["date_of_birth"] == "one_part"
    swapped = _levels(
        _person("a", date_of_birth=date(1990, 5, 12)),
        _person("b", date_of_birth=date(1990, 12, 5)),
    )
    assert swapped["date_of_birth"] == "day_month_swap"


def test_block_cap_skips_common_keys() -> None:
    key = np.array([7] * 50 + [9] * 3 + [0] * 5, dtype=np.int64)
    l, r = pairs_within_blocks(key, max_block=10)
    assert len(l) == 3  # only the block of three: the block of 50 is over the cap
    assert set(zip(l.tolist(), r.tolist(), strict=True)) == {(50, 51), (50, 52), (51, 52)}
    l, r = pairs_within_blocks(key, max_block=100)
    assert len(l) == 50 * 49 // 2 + 3


def test_chaining_protection_splits_a_chain() -> None:
    # 0≈1 and 1≈2 are linked, but 0 and 2 disagree: they must not end in one cluster.
    l, r = np.array([0, 1]), np.array([1, 2])
    scores = np.array([0.99, 0.95])

    def score_pairs(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        known = {(0, 1): 0.99, (1, 2): 0.95, (0, 2): 0.01}
        return np.array([known[(int(x), int(y))] for x, y in zip(a, b, strict=True)])

    labels = cluster(3, l, r, scores, threshold=0.9, min_pairwise=0.2, score_pairs=score_pairs)
    assert labels[0] == labels[1]
    assert labels[2] != labels[1]


@pytest.fixture(scope="module")
def camp_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("camp") / "camp.csv"
    write_dedupe_csv(generate_camp(6_000, seed=7), path)
    return path


def _pairs_of(labels: list[int]) -> set[tuple[int, int]]:
    members: dict[int, list[int]] = {}
    for index, label in enumerate(labels):
        members.setdefault(label, []).append(index)
    return {(a, b) for m in members.values() for i, a in enumerate(m) for b in m[i + 1 :]}


def test_link_recovers_known_duplicates(camp_csv: Path) -> None:
    frame = pl.read_csv(camp_csv, infer_schema=False).with_columns(
        pl.col("date_of_birth").str.to_date("%Y-%m-%d", strict=False)
    )
    result = link(frame)
    assert result.parameters.converged
    predicted = _pairs_of(list(result.cluster_ids))
    truth = _pairs_of(frame["true_person_id"].to_list())
    found = len(predicted & truth)
    precision, recall = found / len(predicted), found / len(truth)
    assert precision >= 0.95, precision
    # Families registered twice are recognised as families (household evidence).
    assert recall >= 0.95, recall
    # Siblings of one household are never merged.
    households = frame["household_ref"].to_list()
    assert not any(households[a] == households[b] for a, b in predicted)
    linked = [p for p in result.pairs if p.linked]
    assert linked
    assert {e.comparison for e in linked[0].evidence} >= {c.name for c in COMPARISONS}


def test_siblings_in_one_household_are_not_merged() -> None:
    family = [
        _person("1", given_name="Mohammed", sex="male", date_of_birth=date(2010, 1, 1)),
        _person("2", given_name="Ahmed", sex="male", date_of_birth=date(2010, 1, 1)),
        _person("3", given_name="Fatima", date_of_birth=date(2012, 1, 1)),
    ]
    again = [
        _person("4", given_name="Muhammad", sex="male", date_of_birth=date(2010, 1, 1),
                household_ref="h2"),
        _person("5", given_name="Ahmad", sex="male", date_of_birth=date(2010, 1, 1),
                household_ref="h2"),
    ]  # fmt: skip
    result = link(family + again, threshold=0.5)
    clusters = dict(zip(result.record_ids, result.cluster_ids, strict=True))
    assert clusters["1"] != clusters["2"]
    assert len({clusters["1"], clusters["2"], clusters["3"]}) == 3


def test_link_rejects_duplicated_ids() -> None:
    with pytest.raises(LinkageInputError, match="used twice"):
        link([_person("a"), _person("a")])


def test_desk_check_finds_a_known_person(camp_csv: Path) -> None:
    frame = pl.read_csv(camp_csv, infer_schema=False).with_columns(
        pl.col("date_of_birth").str.to_date("%Y-%m-%d", strict=False)
    )
    index = DeskIndex.build(frame)
    row = frame.row(100, named=True)
    person = Record.from_mapping({**row, "record_id": "new", "household_ref": ""})
    matches = index.check(person, top=5)
    assert matches[0].record_id == row["record_id"]
    assert matches[0].probability > 0.9
    assert len(matches) <= 5
    index.add(Record("late", given_name="Zamzam", family_name="Qwertyuiop", sex="female"))
    found = index.check(Record("q", given_name="Zamzam", family_name="Qwertyuiop", sex="f"))
    assert found[0].record_id == "late"
    # Added records are looked up by key too: someone else does not come back from them.
    index.add(Record("later", given_name="Yuyu", family_name="Plokij", sex="female"))
    others = index.check(Record("q2", given_name="Zamzam", family_name="Qwertyuiop", sex="f"))
    assert "later" not in {m.record_id for m in others}
    assert others[0].record_id == "late"
    # A corrected record replaces its old version, in the sorted index or among the added.
    size = len(index)
    corrected = Record.from_mapping({**row, "given_name": "Zamzam", "family_name": "Qwertyuiop"})
    index.replace(corrected)
    assert len(index) == size
    renamed = index.check(Record("q3", given_name="Zamzam", family_name="Qwertyuiop", sex="f"))
    assert {"late", row["record_id"]} <= {m.record_id for m in renamed}
    # The old name is gone: what still matches is the new version (date, phone... agree).
    again = {m.record_id: m for m in index.check(person, top=5)}
    if row["record_id"] in again:
        assert again[row["record_id"]].match_weight < matches[0].match_weight
        names = {e.comparison: e.level for e in again[row["record_id"]].evidence}
        assert names["given_name"] != "exact"
    index.replace(Record("late", given_name="Kaltouma", family_name="Mnbvcxz", sex="female"))
    assert "late" not in {
        m.record_id
        for m in index.check(Record("q4", given_name="Zamzam", family_name="Qwertyuiop", sex="f"))
    }
    index.remove(row["record_id"])
    index.remove("never-indexed")
    assert row["record_id"] not in index
    assert len(index) == size - 1


def _write(path: Path, rows: list[list[str]]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return path


HEADER = ["record_id", "given_name", "family_name", "sex", "date_of_birth", "place_of_origin",
          "phone", "household_ref"]  # fmt: skip


def test_cli_dedupe_writes_clusters_and_pairs(
    camp_csv: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out, pairs = tmp_path / "clusters.csv", tmp_path / "pairs.csv"
    code = main(["dedupe", str(camp_csv), "--out", str(out), "--pairs", str(pairs)])
    assert code == 0
    with open(out, encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    with open(camp_csv, encoding="utf-8") as handle:
        assert len(rows) == sum(1 for _ in handle) - 1
    assert rows[0].keys() == {"record_id", "cluster_id"}
    with open(pairs, encoding="utf-8") as handle:
        assert next(csv.reader(handle)) == ["record_id_l", "record_id_r", "probability"]
    assert "people registered more than once" in capsys.readouterr().err


def test_cli_dedupe_maps_columns_and_warns_about_dates(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = _write(
        tmp_path / "in.csv",
        [
            ["id", "given_name", "family_name", "dob", "extra"],
            ["1", "Hawa", "Adam", "19900517", "x"],
            ["2", "Hawwa", "Adam", "31/02/1990", "y"],
        ],
    )
    out = tmp_path / "out.csv"
    assert main(["dedupe", str(source), "--out", str(out), "--map",
                 "id=record_id,dob=date_of_birth"]) == 0  # fmt: skip
    assert "1 dates of birth could not be read" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8").splitlines()[0] == "record_id,cluster_id"


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([HEADER, ["1", "Hawa"], ["1", "Adam"]], "row 3: record_id '1' is already used on row 2"),
        ([HEADER, ["1", "Hawa"], ["", "Adam"]], "row 3: record_id is empty"),
        ([["given_name"], ["Hawa"]], "no record_id column"),
    ],
)
def test_cli_dedupe_names_the_bad_row(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], rows: list[list[str]], message: str
) -> None:
    source = _write(tmp_path / "in.csv", rows)
    out = tmp_path / "out.csv"
    assert main(["dedupe", str(source), "--out", str(out)]) == 1
    error = " ".join(capsys.readouterr().err.split())
    assert message in error
    assert "Nothing written" in error
    assert not out.exists()


def test_cli_dedupe_rejects_bad_encoding(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "in.csv"
    source.write_bytes(b"record_id,given_name\n1,Hawa\n2,Mo\xefse\n")
    out = tmp_path / "out.csv"
    assert main(["dedupe", str(source), "--out", str(out)]) == 1
    error = " ".join(capsys.readouterr().err.split())
    assert "row 3" in error
    assert "UTF-8" in error
    assert not out.exists()


def test_given_and_family_name_swapped_with_a_slip_are_reordered() -> None:
    swapped = _levels(
        _person("a", given_name="Barnaby", family_name="Siggins"),
        _person("b", given_name="Siggins", family_name="Barhaby"),
    )
    assert (swapped["given_name"], swapped["family_name"]) == ("reordered", "missing")
    other = _levels(
        _person("a", given_name="Barnaby", family_name="Siggins"),
        _person("b", given_name="Musa", family_name="Barhaby"),
    )
    assert other["given_name"] == "different"


def test_sex_unknown_is_its_own_block_for_every_rule_with_sex() -> None:
    from edgecamp.linkage.blocking import RULES, rule_keys

    vocabularies = Vocabularies()
    table = build_table(frame_from_records([_person("a", sex=""), _person("b", sex="")]),
                        vocabularies)  # fmt: skip
    keys = dict(zip((rule.name for rule in RULES), rule_keys(table), strict=True))
    for name in ("given_year_place_sex", "date_and_sex"):
        assert keys[name][0] != 0
        assert keys[name][0] == keys[name][1]


def test_match_weights_by_pattern_equal_the_direct_sum(monkeypatch: pytest.MonkeyPatch) -> None:
    import edgecamp.linkage.estimate as estimate

    rng = np.random.default_rng(3)
    columns = [rng.integers(0, len(c.levels), 500) for c in COMPARISONS]
    levels = np.stack(columns, axis=1).astype(np.int8)
    assert np.array_equal(estimate.patterns_of(estimate.pattern_codes(levels)), levels)
    u = estimate.estimate_u(levels)
    parameters = estimate.parameters(estimate.start_m(), u, 0.001, 1, True)
    tf = rng.normal(size=500)
    direct = estimate.match_weights(levels, parameters, tf)
    monkeypatch.setattr(estimate, "_BY_PATTERN", 10)
    assert np.allclose(estimate.match_weights(levels, parameters, tf), direct)
    person = estimate.match_weights(levels, parameters, tf, person_only=True)
    monkeypatch.setattr(estimate, "_BY_PATTERN", 10**9)
    assert np.allclose(estimate.match_weights(levels, parameters, tf, person_only=True), person)


def test_u_leaves_out_the_matches_among_random_pairs() -> None:
    from edgecamp.linkage.estimate import estimate_u

    # 100 random pairs, 10 of them agreeing on the date: with those 10 known to be matches,
    # agreement among different people is much rarer.
    levels = np.zeros((100, len(COMPARISONS)), dtype=np.int8)
    dob = COMPARISONS.index(next(c for c in COMPARISONS if c.name == "date_of_birth"))
    exact = len(COMPARISONS[dob].levels) - 1
    levels[:, dob] = 1
    levels[:10, dob] = exact
    plain = estimate_u(levels)[dob][exact]
    discounted = estimate_u(levels, np.r_[np.zeros(10), np.ones(90)])[dob][exact]
    assert plain == pytest.approx(0.1)
    assert discounted < plain / 10


def test_household_pairs_are_counted_per_level() -> None:
    from edgecamp.linkage.engine import _HouseholdSupport

    vocabularies = Vocabularies()
    # Households h1 (2 members), h2 (3), h3 (2), h4 (1).
    sizes = {"h1": 2, "h2": 3, "h3": 2, "h4": 1}
    records = [
        _person(f"{h}-{i}", household_ref=h) for h, size in sizes.items() for i in range(size)
    ]
    table = build_table(frame_from_records(records), vocabularies)
    row = {r.record_id: i for i, r in enumerate(records)}
    # One supported pair across h1/h2, two across h2/h3, one across h1/h4 (h4 has no others).
    pairs = [("h1-0", "h2-0"), ("h2-0", "h3-0"), ("h2-1", "h3-1"), ("h1-1", "h4-0")]
    l = np.array([row[a] for a, _ in pairs])
    r = np.array([row[b] for _, b in pairs])
    support = _HouseholdSupport.of(table, l, r, np.ones(len(pairs)))
    totals = support.pairs_per_level()
    # h1/h2: 5 other pairs see one match; h2/h3: the 2 supporting pairs see one, 4 see two.
    assert totals.tolist() == [0, 0, 0, 5 + 2, 4]
    assert support.pairs_with_others() == 7 * 6 / 2


def test_a_shared_document_keeps_records_together_in_the_chaining_check(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import edgecamp.linkage.engine as engine

    captured = {}

    def spy(n: int, l: np.ndarray, r: np.ndarray, p: np.ndarray, **kw: object) -> np.ndarray:
        captured["score_pairs"] = kw["score_pairs"]
        return cluster(n, l, r, p, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(engine, "cluster", spy)
    people = [
        _person(str(i), given_name=given, family_name=family, household_ref="",
                date_of_birth=date(1950 + i, 1 + i % 12, 1 + i % 28), phone="",
                document_number=f"D{i:06d}")
        for i, (given, family) in enumerate(
            [("Hawa", "Adam"), ("Musa", "Ali"), ("Zeinab", "Omar"), ("Idriss", "Deby")] * 10
        )
    ]  # fmt: skip
    # Two records with nothing in common but the document number.
    stranger = _person(
        "x",
        given_name="Amna",
        family_name="Yagoub",
        household_ref="",
        date_of_birth=date(1990, 3, 4),
        phone="",
        document_number="D000001",
    )
    people.append(stranger)
    link(people)
    score_pairs = captured["score_pairs"]
    assert score_pairs(np.array([1]), np.array([40]))[0] == 1.0  # records "1" and "x"
    assert score_pairs(np.array([2]), np.array([40]))[0] < 0.5


def test_name_frequencies_within_a_place_of_origin() -> None:
    from edgecamp.linkage.engine import PlaceShares

    # Place 1 (300 records): key 5 is half of them, key 6 a tenth. Place 2 has only 50.
    place = np.array([1] * 300 + [2] * 50, dtype=np.int32)
    keys = np.array([5] * 150 + [6] * 30 + [7] * 120 + [5] * 50, dtype=np.int32)
    shares = PlaceShares.of(place, keys, size=10)
    share, base = shares.share(
        np.array([1, 1, 2], dtype=np.int32), np.array([5, 6, 5], dtype=np.int32),
        np.array([0.01, 0.02, 0.03]), 0.001,
    )  # fmt: skip
    assert share.tolist() == pytest.approx([0.5, 0.1, 0.03])
    assert base.tolist() == pytest.approx([0.25 + 0.01 + 0.16, 0.25 + 0.01 + 0.16, 0.001])


def test_a_document_number_with_one_slip_is_a_candidate() -> None:
    from edgecamp.linkage.blocking import candidate_pairs

    people = [
        _person("a", given_name="Zachary", family_name="Rollins", document_number="2423787"),
        # One digit mistyped in the second half, the names different: only the number's
        # first half brings them together.
        _person("b", given_name="Flynn", family_name="Collins", document_number="2423187",
                date_of_birth=None, phone="", place_of_origin="", household_ref="h2"),
        # Short numbers are not halved.
        _person("c", given_name="Musa", family_name="Ali", document_number="12345",
                date_of_birth=None, phone="", place_of_origin="", household_ref="h3"),
        _person("d", given_name="Idriss", family_name="Deby", document_number="12399",
                date_of_birth=None, phone="", place_of_origin="", household_ref="h4"),
    ]  # fmt: skip
    vocabularies = Vocabularies()
    table = build_table(frame_from_records(people), vocabularies)
    l, r = candidate_pairs(table)
    assert set(zip(l.tolist(), r.tolist(), strict=True)) == {(0, 1)}


def test_members_of_two_households_are_matched_one_to_one() -> None:
    # Household pair 0: a1 is the best match of both b1 and b2; b2 must take a2.
    group = np.array([0, 0, 0, 0, 1])
    a = np.array([1, 1, 2, 2, 1])
    b = np.array([11, 12, 11, 12, 13])
    weights = np.array([20.0, 15.0, -5.0, 3.0, 9.0])
    matched = match_members(group, a, b, weights, 100)
    assert matched.tolist() == [True, False, False, True, True]


def _household_table(filler: int) -> Table:
    """Three households of three (refs h1, h2, h3) and `filler` people registered alone."""
    records = [_person(str(i), household_ref=f"h{i // 3 + 1}") for i in range(9)] + [
        _person(f"f{i}", household_ref=f"single{i}") for i in range(filler)
    ]
    return build_table(frame_from_records(records), Vocabularies(), source=0)


def test_a_family_registered_twice_outweighs_a_namesake_household() -> None:
    table = _household_table(3_000)
    # h1 (records 0-2) against h2 (3-5): every member matches moderately; against h3 (6-8):
    # one namesake matches strongly, the other members not at all.
    l, r, member = [], [], []
    for x in range(3):
        for y in range(3):
            l += [x, x]
            r += [3 + y, 6 + y]
            member += [12.0 if x == y else -8.0, 20.0 if x == y == 0 else -8.0]
    group, posterior, matched = household_posterior(
        table, np.array(l), np.array(r), np.array(member), np.zeros(len(member))
    )
    family_twice = posterior[group[0]]  # the pair (0, 3)
    namesakes = posterior[group[1]]  # the pair (0, 6)
    assert family_twice > 0.99, family_twice
    assert namesakes < 0.01, namesakes
    # The matching keeps the diagonal of the family registered twice.
    chosen = {(x, y) for x, y, m in zip(l, r, matched.tolist(), strict=True) if m}
    assert {(0, 3), (1, 4), (2, 5)} <= chosen


def test_a_family_registered_twice_links_a_child_written_differently() -> None:
    def family(suffix: str, child: str, born: date) -> list[Record]:
        return [
            _person(f"father{suffix}", given_name="Bakari", family_name="Mwamba", sex="male",
                    date_of_birth=date(1980, 3, 4), household_ref=f"h{suffix}"),
            _person(f"mother{suffix}", given_name="Neema", family_name="Kahindo",
                    date_of_birth=date(1984, 7, 9), household_ref=f"h{suffix}"),
            _person(f"son{suffix}", given_name="Jabari", family_name="Mwamba", sex="male",
                    date_of_birth=date(2012, 1, 1), household_ref=f"h{suffix}"),
            _person(f"child{suffix}", given_name=child, family_name="Mwamba", sex="female",
                    date_of_birth=born, household_ref=f"h{suffix}"),
        ]  # fmt: skip

    camp = generate_camp(1_500, seed=11)
    others = [
        _person(f"x{m.id}", given_name=m.given_name, family_name=m.family_name, sex=m.sex,
                date_of_birth=m.date_of_birth, household_ref=f"x{h.id}")
        for h in camp.households for m in h.members
    ]  # fmt: skip
    records = family("1", "Furaha", date(2018, 5, 2)) + family("2", "Feraha", date(2017, 1, 1))
    result = link(records + others)
    clusters = dict(zip(result.record_ids, result.cluster_ids, strict=True))
    for member in ("father", "mother", "son", "child"):
        assert clusters[f"{member}1"] == clusters[f"{member}2"], member
    assert clusters["son1"] != clusters["child1"]
