"""The desk check's frozen reference population (edgecamp.linkage.background)."""

from __future__ import annotations

from edgecamp.linkage.background import BACKGROUND_FILE, background_records, write_background


def test_the_population_loads_with_distinct_ids_and_valid_fields():
    records = background_records("syn:")
    assert len(records) == 3_088
    assert len({r.record_id for r in records}) == len(records)
    assert all(
        r.record_id.startswith("syn:") and r.household_ref.startswith("syn:h") for r in records
    )
    assert all(r.sex in {"female", "male", ""} for r in records)
    # Everyone has a name; some have only one (single-name naming traditions).
    assert all(r.given_name or r.family_name for r in records)
    assert sum(bool(r.given_name and r.family_name) for r in records) > 0.8 * len(records)
    assert sum(r.date_of_birth is not None for r in records) > 0.9 * len(records)
    # Households of several people, as in a camp.
    assert len({r.household_ref for r in records}) < len(records) / 2


def test_writing_the_population_back_gives_the_same_bytes(tmp_path):
    copy = tmp_path / "background.csv.gz"
    assert write_background(background_records(), copy) == 3_088
    assert copy.read_bytes() == BACKGROUND_FILE.read_bytes()
    assert background_records() == background_records("")
