"""Shelter allocation (edgecamp.allocation): each rule on hand-made sites, the checker on broken
plans, a medium random site against the greedy baseline, and `edgecamp allocate-file`."""

from __future__ import annotations

import csv
import dataclasses
from datetime import date
from pathlib import Path

import pytest

from edgecamp import cli
from edgecamp.allocation import (
    AllocationConfig,
    AllocationInputError,
    Assignment,
    Household,
    Plan,
    Shelter,
    allocate,
    check_plan,
    greedy_first_fit,
    plan_metrics,
)
from edgecamp.allocation.sample import synthetic_site

CONFIG = AllocationConfig()


def tent(sid: str, block: str = "A", m2: float = 17.5, cap: int = 5, **flags: bool) -> Shelter:
    return Shelter(sid, block, m2, cap, flags.get("accessible", False), flags.get("near", False))


def hall(sid: str, block: str = "A", m2: float = 300, cap: int = 80) -> Shelter:
    return Shelter(sid, block, m2, cap)


def family(
    hid: str,
    size: int,
    origin: str = "X",
    needs: str = "",
    current: str = "",
    registered: date | None = None,
) -> Household:
    return Household(
        hid, size, origin, frozenset(needs.split()), tuple(current.split()), registered
    )


def placed(plan: Plan) -> dict[str, tuple[str, ...]]:
    return {row.household_id: row.shelter_ids for row in plan.assignments}


def run(
    shelters: list[Shelter], households: list[Household], config: AllocationConfig = CONFIG
) -> Plan:
    plan = allocate(shelters, households, config)
    assert check_plan(shelters, households, plan, config) == []
    assert [row.household_id for row in plan.assignments] == [h.household_id for h in households]
    assert all(row.explanation.strip() for row in plan.assignments)
    return plan


# -- the rules, one small site each ---------------------------------------------------------

RULE_CASES = {
    "a household fitting one shelter is never split": (
        [tent("A1"), tent("A2"), tent("A3")],
        [family("H1", 5)],
        {"H1": 1},
    ),
    "larger than any shelter: adjacent shelters of one block": (
        # A1 and A2 are adjacent (block A in file order) but hold 8 together.
        [tent("A1"), tent("B1", "B"), tent("B2", "B"), tent("A2", m2=8, cap=3)],
        [family("H1", 9)],
        {"H1": ("B1", "B2")},
    ),
    "no adjacent pair left: unhoused, not scattered": (
        [tent("A1"), tent("B1", "B")],
        [family("H1", 9)],
        {"H1": ()},
    ),
    "emergency minimum: 5 people never on 10 m²": (
        [tent("A1", m2=10, cap=5)],
        [family("H1", 5), family("H2", 4)],
        {"H1": (), "H2": ("A1",)},
    ),
    "specific need before waiting time": (
        [tent("A1")],
        [family("H1", 3, registered=date(2025, 1, 1)), family("H2", 3, needs="WR")],
        {"H1": (), "H2": ("A1",)},
    ),
    "earlier registration first, whatever the file order": (
        [tent("A1")],
        [
            family("H1", 3, registered=date(2025, 6, 1)),
            family("H2", 3, registered=date(2025, 1, 1)),
        ],
        {"H1": (), "H2": ("A1",)},
    ),
    "DS gets the accessible shelter": (
        [tent("A1"), tent("A2", accessible=True, near=True)],
        [family("H1", 3, needs="WR"), family("H2", 3, needs="DS")],
        {"H1": ("A1",), "H2": ("A2",)},
    ),
    "WR gets the shelter near facilities": (
        [tent("A1"), tent("A2", near=True)],
        [family("H1", 3), family("H2", 3, needs="WR")],
        {"H1": ("A1",), "H2": ("A2",)},
    ),
    "SC household keeps a shelter of its own rather than a hall": (
        [hall("A1"), tent("A2")],
        [family("H1", 3), family("H2", 3, needs="SC")],
        {"H1": ("A1",), "H2": ("A2",)},
    ),
    "collective hall is shared within capacity": (
        [hall("A1", m2=40, cap=12)],
        [family("H1", 5), family("H2", 5), family("H3", 5)],
        {"H1": ("A1",), "H2": ("A1",), "H3": ()},
    ),
}


@pytest.mark.parametrize("case", RULE_CASES, ids=list(RULE_CASES))
def test_allocation_rule(case: str) -> None:
    shelters, households, expected = RULE_CASES[case]
    got = placed(run(shelters, households))
    for hid, want in expected.items():
        if isinstance(want, int):
            assert len(got[hid]) == want, got
        else:
            assert got[hid] == want, got


def test_below_standard_is_reported_and_emergency_minimum_kept() -> None:
    plan = run([tent("A1", m2=12, cap=5)], [family("H1", 4)])
    row = plan.by_household()["H1"]
    assert row.shelter_ids == ("A1",)
    assert "below the 3.5 m² standard" in row.explanation
    metrics = plan_metrics([tent("A1", m2=12, cap=5)], [family("H1", 4)], plan, CONFIG)
    assert metrics.people_below_standard == 4


def test_space_settings_are_configurable() -> None:
    strict = AllocationConfig(space_standard_m2=4.5, emergency_minimum_m2=3.5)
    plan = run([tent("A1", m2=16, cap=5)], [family("H1", 5), family("H2", 4)], strict)
    assert placed(plan) == {"H1": (), "H2": ("A1",)}
    with pytest.raises(ValueError, match="emergency minimum"):
        AllocationConfig(space_standard_m2=2.0, emergency_minimum_m2=2.5)


def test_community_keeps_origins_in_one_block() -> None:
    shelters = [tent(f"{b}{k}", b) for b in "AB" for k in range(1, 4)]
    households = [family(f"H{n}", 3, origin="XY"[n % 2]) for n in range(6)]
    plan = run(shelters, households)
    blocks: dict[str, set[str]] = {}
    for household, row in zip(households, plan.assignments, strict=True):
        blocks.setdefault(household.origin, set()).add(row.shelter_ids[0][0])
    assert all(len(b) == 1 for b in blocks.values()), blocks
    assert plan_metrics(shelters, households, plan, CONFIG).community_cohesion == 1.0


STABILITY = (
    [tent("A1", accessible=True, near=True), tent("A2")],
    [family("H1", 3, current="A1"), family("H2", 3, needs="DS")],
)


@pytest.mark.parametrize(
    ("rebalance", "expected"),
    [(False, {"H1": ("A1",), "H2": ("A2",)}), (True, {"H1": ("A2",), "H2": ("A1",)})],
)
def test_stability_with_and_without_rebalance(rebalance: bool, expected: dict) -> None:
    shelters, households = STABILITY
    plan = run(shelters, households, AllocationConfig(rebalance=rebalance))
    assert placed(plan) == expected
    if not rebalance:
        assert plan.by_household()["H1"].rule == "stability"


def test_rerunning_a_plan_moves_nobody() -> None:
    shelters, households = synthetic_site(300, 90, seed=7)
    first = placed(run(shelters, households))
    housed = [dataclasses.replace(h, current_shelter=first[h.household_id]) for h in households]
    assert placed(run(shelters, housed)) == first


@pytest.mark.parametrize(
    ("households", "problem"),
    [
        ([family("H1", 3), family("H1", 2)], "listed twice"),
        ([family("H1", 3, current="Z9")], "not among the shelters"),
        ([family("H1", 2, current="A1"), family("H2", 2, current="A1")], "several households"),
        ([family("H1", 7, current="A1")], "capacity"),
    ],
)
def test_impossible_input_is_refused(households: list[Household], problem: str) -> None:
    with pytest.raises(AllocationInputError, match=problem):
        allocate([tent("A1"), tent("A2")], households)


# -- the checker fails broken plans ----------------------------------------------------------

CHECK_SHELTERS = [
    tent("A1", accessible=True),
    tent("A2"),
    tent("A3", m2=10, cap=6),
    tent("B1", "B"),
    hall("B2", "B", m2=30, cap=12),
]


def _plan(rows: dict[str, str], explanation: str = "because") -> Plan:
    return Plan(
        tuple(Assignment(hid, tuple(ids.split()), explanation) for hid, ids in rows.items()),
        "hand-made",
    )


BROKEN = {
    "capacity": ([family("H1", 6)], {"H1": "A2"}),
    "emergency-minimum": ([family("H1", 5)], {"H1": "A3"}),
    "shared-family-shelter": ([family("H1", 2), family("H2", 2)], {"H1": "A2", "H2": "A2"}),
    "split-unnecessary": ([family("H1", 4)], {"H1": "A1 A2"}),
    "split-adjacent": ([family("H1", 9)], {"H1": "A2 B1"}),
    "stability": ([family("H1", 3, current="A2")], {"H1": "B1"}),
    "plan-rows": ([family("H1", 3), family("H2", 3)], {"H1": "A2"}),
    "unhoused-with-room": ([family("H1", 3)], {"H1": ""}),
    "accessible-room-left": ([family("H1", 3, needs="ER")], {"H1": "A2"}),
    "priority": (
        [*(family(f"H{n}", 4) for n in range(3)), family("H3", 12), family("H9", 5, needs="SP")],
        {"H0": "A1", "H1": "A2", "H2": "B1", "H3": "B2", "H9": ""},
    ),
}


@pytest.mark.parametrize("rule", BROKEN, ids=list(BROKEN))
def test_checker_catches_a_broken_plan(rule: str) -> None:
    households, rows = BROKEN[rule]
    violations = check_plan(CHECK_SHELTERS, households, _plan(rows), CONFIG)
    assert rule in {v.rule for v in violations}, violations


def test_checker_wants_every_row_explained_once() -> None:
    households = [family("H1", 3)]
    silent = _plan({"H1": "A2"}, explanation=" ")
    assert {v.rule for v in check_plan(CHECK_SHELTERS, households, silent, CONFIG)} == {
        "explanation"
    }
    twice = Plan(silent.assignments * 2, "hand-made")
    assert "plan-rows" in {v.rule for v in check_plan(CHECK_SHELTERS, households, twice, CONFIG)}


# -- a medium random site --------------------------------------------------------------------


def test_medium_site_keeps_every_rule_and_beats_greedy() -> None:
    shelters, households = synthetic_site(2_000, 600, seed=11)
    ours = run(shelters, households)
    greedy = greedy_first_fit(shelters, households, CONFIG)
    mine = plan_metrics(shelters, households, ours, CONFIG)
    theirs = plan_metrics(shelters, households, greedy, CONFIG)
    assert mine.needs_unmet < theirs.needs_unmet
    assert mine.people_below_standard < theirs.people_below_standard
    assert mine.objective > theirs.objective
    assert ours.bound is not None
    assert mine.objective <= ours.bound
    assert (ours.bound - mine.objective) / ours.bound < 0.05
    rules = {row.rule for row in ours.assignments}
    assert {"priority-need", "waiting", "unhoused"} <= rules


# -- edgecamp allocate-file ------------------------------------------------------------------

SHELTERS_CSV = """shelter_id,block,covered_m2,capacity,accessible,near_facilities
A-01,A,17.5,5,yes,yes
A-02,A,16,5,no,no
A-03,A,16,5,0,1
B-01,B,300,80,1,0
"""
HOUSEHOLDS_CSV = """household_id,size,origin,needs,current_shelter,registered_on
H1,4,Aleppo,,,2025-02-01
H2,3,Aleppo,DS,,2025-03-01
H3,9,Homs,WR SP,,2025-01-15
H4,2,Homs,,A-02,2025-04-01
"""


def _write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_allocate_file_writes_one_explained_row_per_household(tmp_path, capsys) -> None:
    shelters = _write(tmp_path, "shelters.csv", SHELTERS_CSV)
    households = _write(tmp_path, "households.csv", HOUSEHOLDS_CSV)
    out = tmp_path / "plan.csv"
    assert cli.main(["allocate-file", shelters, households, "--out", str(out)]) == 0
    with out.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["household_id"] for r in rows] == ["H1", "H2", "H3", "H4"]
    assert all(r["explanation"] for r in rows)
    by_id = {r["household_id"]: r["shelter_ids"] for r in rows}
    assert by_id["H4"] == "A-02"
    assert by_id["H2"] == "A-01"
    summary = capsys.readouterr().err
    assert "4 households housed" in " ".join(summary.split())


def test_allocate_file_rebalance_and_space_options(tmp_path) -> None:
    shelters = _write(tmp_path, "shelters.csv", SHELTERS_CSV)
    households = _write(tmp_path, "households.csv", HOUSEHOLDS_CSV)
    out = tmp_path / "plan.csv"
    argv = ["allocate-file", shelters, households, "--out", str(out), "--rebalance"]
    assert cli.main([*argv, "--space-standard", "4.5", "--emergency-minimum", "3.5"]) == 0
    assert out.exists()


MALFORMED = {
    "bad number": ("households", "H1,four,X,\n", "row 2, field size"),
    "unknown need": ("households", "H1,4,X,DS XX\n", "row 2, field needs: unknown need code 'XX'"),
    "duplicate id": ("households", "H1,4,X,\nH1,3,X,\n", "row 3, field household_id: duplicate"),
    "bad area": ("shelters", "A-01,A,big,5,1,1\n", "row 2, field covered_m2"),
    "bad flag": ("shelters", "A-01,A,17,5,maybe,1\n", "row 2, field accessible"),
}


@pytest.mark.parametrize("case", MALFORMED, ids=list(MALFORMED))
def test_allocate_file_names_row_and_field_and_writes_nothing(tmp_path, capsys, case) -> None:
    which, rows, message = MALFORMED[case]
    headers = {
        "shelters": "shelter_id,block,covered_m2,capacity,accessible,near_facilities\n",
        "households": "household_id,size,origin,needs\n",
    }
    files = {"shelters": SHELTERS_CSV, "households": HOUSEHOLDS_CSV}
    files[which] = headers[which] + rows
    shelters = _write(tmp_path, "shelters.csv", files["shelters"])
    households = _write(tmp_path, "households.csv", files["households"])
    out = tmp_path / "plan.csv"
    assert cli.main(["allocate-file", shelters, households, "--out", str(out)]) == 1
    printed = " ".join(capsys.readouterr().err.split())
    assert message in printed
    assert f"{which}.csv" in printed
    assert not out.exists()
    assert list(tmp_path.glob(".plan.csv*")) == []


@pytest.mark.parametrize(
    ("households", "message"),
    [
        (
            "household_id,size,origin,needs,current_shelter\nH1,3,X,,Z-99\n",
            "row 2, field current_shelter: 'Z-99' is not in the shelters file",
        ),
        ("household_id,size,needs\nH1,3,\n", "row 1, field origin: missing column"),
        (
            "household_id,size,origin,needs,registered_on\nH1,3,X,,01/02/2025\n",
            "row 2, field registered_on",
        ),
    ],
)
def test_allocate_file_rejects_household_files(tmp_path, capsys, households, message) -> None:
    shelters = _write(tmp_path, "shelters.csv", SHELTERS_CSV)
    path = _write(tmp_path, "households.csv", households)
    out = tmp_path / "plan.csv"
    assert cli.main(["allocate-file", shelters, path, "--out", str(out)]) == 1
    assert message in " ".join(capsys.readouterr().err.split())
    assert not out.exists()
