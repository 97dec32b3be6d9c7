"""The CSV files the CLI takes: stock manifests in UTF-16 or Latin-1 gave a raw
UnicodeDecodeError, and a column named twice silently won (`item,quantity,quantity` recorded
the last one), in `allocate-file` too. Every CSV the CLI reads now goes through
edgecamp.csvio: the encoding is named (--encoding) or detected from a byte-order mark, else the
file must be UTF-8 and is refused with the line that is not; a column named twice, a value
under no column and a missing column are refused by name, with the row."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from edgecamp.cli import main
from edgecamp.csvio import CsvFileError, open_csv
from edgecamp.stock.models import Pledge, PledgeLine
from tests.accounts.factories import make_user
from tests.partners.factories import make_organisation
from tests.stock.factories import make_item, make_warehouse

LINES = "item,quantity\nmaize,500\nsabão,20\n"


@pytest.fixture
def depot(site):
    make_warehouse(site, code="main", name="Main store")
    make_item(name="Maize", code="maize")
    make_item(name="Sabão", code="soap")
    make_organisation(name="Relief Org", acronym="RO")
    make_user("clerk", role="distribution_staff", sites=[site])


def _pledge(path: Path, *extra: str) -> int:
    return main(
        [
            "stock", "pledge", "--user", "clerk", "--donor", "RO", "--destination", "main",
            "--pledged-on", "2026-03-01", "--csv", str(path), *extra,
        ]
    )  # fmt: skip


def _recorded() -> dict[str, Decimal]:
    return {line.item.code: line.quantity for line in PledgeLine.objects.select_related("item")}


@pytest.mark.django_db
@pytest.mark.parametrize("encoding", ["utf-16", "utf-8-sig", "utf-32"])
def test_a_file_with_a_byte_order_mark_is_read_in_its_encoding(depot, tmp_path, encoding):
    path = tmp_path / "lines.csv"
    path.write_bytes(LINES.encode(encoding))
    assert _pledge(path) == 0
    assert _recorded() == {"maize": Decimal(500), "soap": Decimal(20)}


@pytest.mark.django_db
def test_a_file_not_in_utf8_is_refused_by_line_or_read_as_named(depot, tmp_path, capsys):
    path = tmp_path / "lines.csv"
    path.write_bytes(LINES.encode("cp1252"))
    assert _pledge(path) == 1
    err = " ".join(capsys.readouterr().err.split())
    assert "Nothing written." in err
    assert "line 3" in err
    assert "--encoding" in err
    assert "Traceback" not in err
    assert not Pledge.objects.exists()

    assert _pledge(path, "--encoding", "cp1252") == 0
    assert _recorded() == {"maize": Decimal(500), "soap": Decimal(20)}


@pytest.mark.django_db
def test_a_column_named_twice_is_refused_by_name(depot, tmp_path, capsys):
    path = tmp_path / "lines.csv"
    path.write_text("item,quantity,Quantity\nmaize,500,5\n", encoding="utf-8")
    assert _pledge(path) == 1
    err = capsys.readouterr().err
    assert "line 1, quantity: named twice (columns 2 and 3)" in err
    assert not Pledge.objects.exists()


@pytest.mark.django_db
def test_a_value_under_no_column_is_refused_with_its_row(depot, tmp_path, capsys):
    path = tmp_path / "lines.csv"
    path.write_text("item,quantity\nmaize,500\nmaize,5,000\n", encoding="utf-8")
    assert _pledge(path) == 1
    err = capsys.readouterr().err
    assert "line 3: value '000' in column 3, which the header does not name" in err
    assert not Pledge.objects.exists()


SHELTERS = "shelter_id,block,covered_m2,capacity,accessible,near_facilities\nA-01,A,17,5,1,1\n"
HOUSEHOLDS = "household_id,size,origin,needs\nH1,4,X,\n"


@pytest.mark.parametrize(
    ("which", "text", "message"),
    [
        (
            "households",
            "household_id,size,origin,needs,size\nH1,4,X,,9\n",
            "row 1, field size: named twice (columns 2 and 5)",
        ),
        (
            "shelters",
            SHELTERS.replace("capacity", "block"),
            "row 1, field block: named twice (columns 2 and 4)",
        ),
        ("households", HOUSEHOLDS.encode("utf-16-le"), "NUL bytes"),
        ("households", "household_id,size,origin,needs\nH1,4,Zürich,\n".encode("latin-1"), "row 2"),
    ],
    ids=["household column twice", "shelter column twice", "utf-16 without mark", "latin-1"],
)
def test_allocate_file_refuses_an_ambiguous_file_by_name(tmp_path, capsys, which, text, message):
    files = {"shelters": SHELTERS, "households": HOUSEHOLDS, which: text}
    paths = {}
    for name, content in files.items():
        paths[name] = tmp_path / f"{name}.csv"
        if isinstance(content, bytes):
            paths[name].write_bytes(content)
        else:
            paths[name].write_text(content, encoding="utf-8")
    out = tmp_path / "plan.csv"
    code = main(
        ["allocate-file", str(paths["shelters"]), str(paths["households"]), "--out", str(out)]
    )
    assert code == 1
    err = " ".join(capsys.readouterr().err.split())
    assert message in err
    assert "Traceback" not in err
    assert not out.exists()


def test_dedupe_refuses_a_column_named_twice_by_mapping(tmp_path, capsys):
    source = tmp_path / "in.csv"
    source.write_text("id,record_id,given_name\n1,2,Hawa\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    assert main(["dedupe", str(source), "--out", str(out), "--map", "id=record_id"]) == 1
    err = " ".join(capsys.readouterr().err.split())
    assert "row 1, column record_id: named twice (columns 1 and 2)" in err
    assert not out.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "row 1: the file is empty"),
        (b"a,b\n1,2\n", "missing column; the header must name a, c"),
        ("a,b\n1,\xe9\n".encode("latin-1"), "row 2: not utf-8 text"),
    ],
)
def test_the_reader_names_what_is_wrong(tmp_path, content, message):
    path = tmp_path / "f.csv"
    path.write_bytes(content)

    def read() -> None:
        with open_csv(path) as table:
            table.require(["a", "c"])
            list(table)

    with pytest.raises(CsvFileError) as refused:
        read()
    assert message in str(refused.value)


def test_an_unknown_encoding_is_refused(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text("a\n1\n", encoding="utf-8")
    with (
        pytest.raises(CsvFileError, match="unknown encoding 'klingon'"),
        open_csv(path, encoding="klingon"),
    ):
        pass
