"""The synthetic camp generator: deterministic by seed, shaped like a displaced population
(pyramid, households, names, needs, shelters) and carrying known duplicate registrations."""

from __future__ import annotations

import csv
import io
import random
from collections import Counter
from datetime import date

import pytest

from edgecamp.synthetic import (
    COMMUNITIES,
    DEDUPE_COLUMNS,
    Household,
    Individual,
    SyntheticCamp,
    generate_camp,
    write_dedupe_csv,
)
from edgecamp.synthetic.duplicates import _typo

PEOPLE = 20_000
SEED = 2026


@pytest.fixture(scope="module")
def camp() -> SyntheticCamp:
    return generate_camp(PEOPLE, SEED)


@pytest.fixture(scope="module")
def originals(camp: SyntheticCamp) -> list[Household]:
    return [h for h in camp.households if h.duplicate_of is None]


@pytest.fixture(scope="module")
def people(originals: list[Household]) -> list[Individual]:
    return [m for h in originals for m in h.members]


def _age(person: Individual, on: date) -> int:
    born = person.date_of_birth
    assert born is not None
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _share(items: list[bool]) -> float:
    return sum(items) / len(items)


def test_same_seed_gives_the_same_camp():
    assert generate_camp(1_500, seed=7) == generate_camp(1_500, seed=7)


@pytest.mark.parametrize("other_seed", [8, -7])
def test_another_seed_gives_another_camp(other_seed):
    first, second = generate_camp(1_500, seed=7), generate_camp(1_500, seed=other_seed)
    names = [(m.given_name, m.family_name) for m in first.individuals()]
    other_names = [(m.given_name, m.family_name) for m in second.individuals()]
    assert names != other_names


def test_the_camp_holds_exactly_the_people_asked_for_plus_duplicates(camp, people):
    assert camp.people == PEOPLE == len(people)
    assert len({p.true_person_id for p in people}) == PEOPLE
    records = list(camp.individuals())
    assert len(records) > PEOPLE
    assert [r.id for r in records] == list(range(1, len(records) + 1))
    assert [h.id for h in camp.households] == list(range(1, len(camp.households) + 1))


def test_age_and_sex_pyramid_of_a_displaced_population(camp, people):
    ages = [_age(p, camp.reference_date) for p in people]
    assert 0.47 <= _share([a < 18 for a in ages]) <= 0.55
    assert 0.12 <= _share([a < 5 for a in ages]) <= 0.20
    assert 0.035 <= _share([a >= 60 for a in ages]) <= 0.07
    adults = [p for p, a in zip(people, ages, strict=True) if a >= 18]
    assert 0.51 <= _share([p.sex == "female" for p in adults]) <= 0.57
    children = [p for p, a in zip(people, ages, strict=True) if a < 18]
    assert 0.46 <= _share([p.sex == "female" for p in children]) <= 0.52


def test_household_sizes(originals):
    sizes = [len(h.members) for h in originals]
    assert 4.5 <= sum(sizes) / len(sizes) <= 5.0
    assert min(sizes) == 1
    assert 10 <= max(sizes) <= 12
    counts = Counter(sizes)
    assert counts[4] > counts[9] > counts[12] > 0  # a long but thinning tail


def test_a_quarter_or_more_of_households_are_headed_by_women(originals):
    assert 0.25 <= _share([h.is_female_headed for h in originals]) <= 0.30


def test_each_household_has_exactly_one_focal_point(camp):
    for household in camp.households:
        assert [m.relationship for m in household.members].count("focal_point") == 1
        assert household.members[0].relationship == "focal_point"


def test_relatives_have_ages_that_fit_their_relationship(originals):
    checked = Counter()
    for household in originals:
        head = household.focal_point
        if head.date_of_birth is None:
            continue
        for member in household.members:
            if member.date_of_birth is None:
                continue
            years_younger = (member.date_of_birth - head.date_of_birth).days / 365.25
            if member.relationship in ("child", "stepchild"):
                # Estimated ages are rounded, so recorded gaps shrink a little below 15.
                assert years_younger >= 10, (household.id, member)
            elif member.relationship == "grandchild":
                assert years_younger >= 25, (household.id, member)
            elif member.relationship == "parent":
                assert years_younger <= -10, (household.id, member)
            else:
                continue
            checked[member.relationship] += 1
        if head.relationship == "focal_point" and _age(head, household.registration_date) < 18:
            # Only child-headed households have a minor as focal point; all are separated.
            assert all(_age(m, household.registration_date) < 18 for m in household.members)
    assert checked["child"] > 5_000
    assert checked["parent"] > 100
    assert checked["grandchild"] > 100


def test_household_relationships_include_extended_family(people):
    relationships = Counter(p.relationship for p in people)
    for relationship in ("spouse", "child", "parent", "sibling", "grandchild", "foster_child"):
        assert relationships[relationship] > 0, relationship
    assert relationships["child"] > relationships["spouse"] > relationships["parent"]


def test_specific_needs_prevalence(camp, people):
    codes = Counter(code for p in people for code in p.specific_needs)
    assert 0.03 <= codes["DS"] / PEOPLE <= 0.05
    assert 0.01 <= codes["SM"] / PEOPLE <= 0.03
    for rare in ("CR", "SC", "SV", "TR", "LP"):
        assert 0 < codes[rare] / PEOPLE < 0.01, rare
    older = [p for p in people if _age(p, camp.reference_date) >= 62]
    assert _share(["ER" in p.specific_needs for p in older]) > 0.4
    assert all(p.sex == "female" for p in people if "WR" in p.specific_needs), (
        "women at risk are women"
    )
    assert codes["SP"] > 0
    assert codes["WR"] > 0
    assert all(len(set(p.specific_needs)) == len(p.specific_needs) for p in people)


def test_single_parents_are_focal_points_without_a_spouse(originals):
    single_parents = [h for h in originals if any("SP" in m.specific_needs for m in h.members)]
    assert single_parents
    for household in single_parents:
        flagged = [m for m in household.members if "SP" in m.specific_needs]
        assert [m.relationship for m in flagged] == ["focal_point"]
        assert not any(m.relationship == "spouse" for m in household.members)


def test_birth_dates_mix_exact_year_only_and_estimated(camp, people):
    precision = Counter(p.date_of_birth_precision for p in people)
    assert set(precision) == {"exact", "year", "estimated"}
    for person in people:
        if person.date_of_birth_precision != "exact":
            assert (person.date_of_birth.month, person.date_of_birth.day) == (1, 1)
    adults = [p for p in people if _age(p, camp.reference_date) >= 18]
    assert _share([p.date_of_birth_precision == "estimated" for p in adults]) > 0.4
    for household in camp.households:
        for member in household.members:
            if member.date_of_birth is not None:
                assert member.date_of_birth <= household.registration_date


def test_communities_and_their_naming_conventions(originals):
    by_community = Counter(h.community for h in originals)
    assert len(by_community) >= 4
    assert all(len(c.places) >= 4 and len(c.family_name_styles.values) >= 1 for c in COMMUNITIES)
    for household in originals:
        head = household.focal_point
        if household.community != "rakhine_single_names":
            assert all(m.family_name and m.given_name for m in household.members)
        if household.community == "rakhine_single_names":
            assert all(m.family_name == "" and m.given_name for m in household.members)
            assert head.nationality in {"XXA", "MMR", "XXX"}
        elif household.community == "somali" and head.sex == "male":
            for child in (m for m in household.members if m.relationship == "child"):
                # Given name + father's + grandfather's names.
                father, grandfather = head.given_name, head.family_name.split(" ")[0]
                assert child.family_name == f"{father} {grandfather}"
        elif household.community == "darfur_arabic" and head.sex == "male":
            for child in (m for m in household.members if m.relationship == "child"):
                # Father's name, sometimes followed by the grandfather's.
                assert child.family_name.startswith(head.given_name)
        assert household.language
        assert household.place_of_origin
    assert len({h.place_of_origin for h in originals}) >= 20


def test_spelling_variants_occur_in_first_registrations(people):
    given = Counter(p.given_name for p in people)
    assert {"Mohammed", "Mohamed", "Muhammad"} <= set(given)


def test_about_two_thirds_of_households_give_a_phone(originals):
    assert 0.6 <= _share([bool(h.phone) for h in originals]) <= 0.7
    prefixes = {h.phone[:4] for h in originals if h.phone.startswith("+")}
    assert {"+249", "+252", "+234", "+243"} <= prefixes


def test_sites_and_partners(camp):
    assert {s.type for s in camp.sites} == {
        "planned_camp",
        "collective_centre",
        "spontaneous_settlement",
    }
    assert 5 <= len(camp.organisations) <= 8
    organisation_ids = {o.id for o in camp.organisations}
    assert {o.type for o in camp.organisations} >= {"un", "ingo", "ngo", "government", "community"}
    latitudes = [float(s.latitude) for s in camp.sites]
    longitudes = [float(s.longitude) for s in camp.sites]
    assert max(latitudes) - min(latitudes) < 0.2
    assert max(longitudes) - min(longitudes) < 0.2
    for site in camp.sites:
        assert site.managing_organisation_id in organisation_ids
        assert site.area_m2 > 0
        assert site.blocks
        assert len(site.desks) >= 2
        assert site.opened_on <= min(
            h.registration_date for h in camp.households if h.site_id == site.id
        )


def test_fewer_shelters_than_households_and_most_households_housed(camp, originals):
    shelters = {s.id: s for s in camp.shelters()}
    assert len(shelters) < len(originals)
    assert 0.6 <= _share([h.shelter_id is not None for h in originals]) <= 0.75
    occupants = Counter(h.shelter_id for h in camp.households if h.shelter_id is not None)
    for shelter_id, count in occupants.items():
        shelter = shelters[shelter_id]
        assert shelter.status == "occupied"
        if shelter.type != "collective_hall":
            assert count == 1
    assert all(s.id in occupants for s in shelters.values() if s.status == "occupied")
    status = Counter(s.status for s in shelters.values())
    assert status["damaged"] > 0

    assert status["available"] > 0
    assert 0.03 < _share([s.accessible for s in shelters.values()]) < 0.3
    for shelter in shelters.values():
        if shelter.type == "family_tent":
            assert 16 <= shelter.covered_m2 <= 18
            assert shelter.capacity == 5
        elif shelter.type == "prefab_unit":
            assert 18 <= shelter.covered_m2 <= 24
    halls = [s for s in shelters.values() if s.type == "collective_hall"]
    collective = next(s for s in camp.sites if s.type == "collective_centre")
    assert {s.id for s in collective.shelters()} == {s.id for s in halls}
    for hall in halls:
        people_in_hall = sum(len(h.members) for h in camp.households if h.shelter_id == hall.id)
        assert people_in_hall <= hall.capacity


def test_registrations_over_six_months_at_several_desks(camp):
    dates = [h.registration_date for h in camp.households]
    assert max(dates) <= camp.reference_date
    assert (camp.reference_date - min(dates)).days <= 190
    assert (max(dates) - min(dates)).days >= 150
    desks = Counter(h.registration_desk for h in camp.households)
    assert len(desks) >= 6


def test_duplicates_carry_ground_truth_and_errors(camp, originals):
    by_id = {h.id: h for h in camp.households}
    duplicates = camp.duplicate_households
    assert len(duplicates) == round(len(originals) * 0.03)
    errors = Counter()
    changed = 0
    for duplicate in duplicates:
        original = by_id[duplicate.duplicate_of]
        assert original.duplicate_of is None
        assert duplicate.true_household_id == original.true_household_id
        assert duplicate.registration_desk != original.registration_desk
        assert duplicate.registration_date >= original.registration_date
        assert duplicate.shelter_id is None
        first = {m.true_person_id: m for m in original.members}
        assert len(duplicate.members) <= len(original.members)
        for member in duplicate.members:
            assert member.true_person_id in first
            before = first[member.true_person_id]
            if (member.given_name, member.family_name, member.date_of_birth) != (
                before.given_name,
                before.family_name,
                before.date_of_birth,
            ):
                changed += 1
                assert member.errors, "every change is recorded"
            errors.update(e.split(":")[0] + ":" + e.split(":")[1] for e in member.errors)
        errors.update(duplicate.errors)
    assert changed >= 0.4 * sum(len(d.members) for d in duplicates)
    for expected in (
        "given_name:variant",
        "given_name:typo",
        "family_name:variant",
        "names:swapped",
        "date_of_birth:estimated",
        "date_of_birth:day_month_swapped",
        "date_of_birth:missing",
        "phone:missing",
        "member_missing",
    ):
        assert errors[expected] > 0, expected


def test_true_household_ids_are_shared_only_by_duplicates(camp, originals):
    truth = Counter(h.true_household_id for h in camp.households)
    assert len({h.true_household_id for h in originals}) == len(originals)
    assert sum(count - 1 for count in truth.values()) == len(camp.duplicate_households)


@pytest.mark.parametrize(("rate", "expected"), [(0.0, 0), (0.1, 0.1)])
def test_duplicate_rate_is_configurable(rate, expected):
    camp = generate_camp(3_000, seed=5, duplicate_rate=rate)
    originals = [h for h in camp.households if h.duplicate_of is None]
    assert len(camp.duplicate_households) == round(len(originals) * expected)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"people": 0, "seed": 1}, "at least 1 person"),
        ({"people": 10, "seed": 1, "duplicate_rate": 0.9}, "between 0 and 0.5"),
    ],
)
def test_refuses_impossible_arguments(arguments, message):
    with pytest.raises(ValueError, match=message):
        generate_camp(**arguments)


def test_a_tiny_camp_still_has_every_site():
    camp = generate_camp(1, seed=3)
    assert camp.people == 1
    assert len(camp.sites) == 3


def _restricted_edit_distance(a: str, b: str) -> int:
    rows = [list(range(len(b) + 1))] + [[i] + [0] * len(b) for i in range(1, len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            rows[i][j] = min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                rows[i][j] = min(rows[i][j], rows[i - 2][j - 2] + 1)
    return rows[-1][-1]


@pytest.mark.parametrize("name", ["Mohammed", "Abdel Rahman", "Jean-Pierre", "Nur", "Fadumo"])
def test_typos_are_one_keystroke_away(name):
    rnd = random.Random(name)
    kinds = Counter()
    for _ in range(200):
        typo, kind = _typo(rnd, name)
        kinds[kind] += 1
        assert typo != name or kind == "transpose"
        assert _restricted_edit_distance(typo.lower(), name.lower()) <= 1
    assert set(kinds) >= {"insert", "delete", "substitute"}


def test_dedupe_csv(camp):
    buffer = io.StringIO()
    rows = write_dedupe_csv(camp, buffer)
    records = list(csv.DictReader(io.StringIO(buffer.getvalue())))
    assert tuple(records[0]) == DEDUPE_COLUMNS
    assert rows == len(records) == sum(len(h.members) for h in camp.households)
    individuals = {m.id: (h, m) for h in camp.households for m in h.members}
    missing_dates = 0
    for record in records:
        household, person = individuals[int(record["record_id"])]
        assert record["true_person_id"] == str(person.true_person_id)
        assert record["household_ref"] == str(household.id)
        assert record["phone"] == household.phone
        if person.date_of_birth is None:
            assert record["date_of_birth"] == ""
            missing_dates += 1
        else:
            assert date.fromisoformat(record["date_of_birth"]) == person.date_of_birth
    assert missing_dates > 0
    truth = Counter(r["true_person_id"] for r in records)
    assert sum(count - 1 for count in truth.values()) == len(records) - camp.people


def test_dedupe_csv_with_database_ids(tmp_path):
    camp = generate_camp(40, seed=1)
    path = tmp_path / "dedupe.csv"
    record_ids = {m.id: 1000 + m.id for m in camp.individuals()}
    refs = {h.id: f"EDG-{h.id:06d}" for h in camp.households}
    write_dedupe_csv(camp, path, record_ids=record_ids, household_refs=refs)
    with path.open(encoding="utf-8", newline="") as handle:
        records = list(csv.DictReader(handle))
    assert [int(r["record_id"]) for r in records] == sorted(record_ids.values())
    assert {r["household_ref"] for r in records} == set(refs.values())


def test_some_shelters_are_near_facilities_accessible_ones_included(camp):
    shelters = list(camp.shelters())
    near = _share([s.near_facilities for s in shelters])
    assert 0.15 <= near <= 0.4
    assert all(s.near_facilities for s in shelters if s.accessible)


def test_a_share_of_arabic_speakers_carry_their_names_in_arabic_script(camp, people):
    from edgecamp.linkage.normalise import name_key
    from edgecamp.synthetic.arabic import in_arabic

    arabic = [p for p in people if p.given_name_local]
    speakers = [h for h in camp.households if h.community == "darfur_arabic"]
    assert 0.4 < len(arabic) / sum(len(h.members) for h in speakers) < 0.7
    for person in arabic[:500]:
        # Every spelling of a name in one group gets the one Arabic spelling.
        assert person.given_name_local == in_arabic(person.given_name)
        assert all("\u0621" <= ch <= "\u064a" or ch == " " for ch in person.family_name_local)
    assert in_arabic("Muhammad") == in_arabic("Mahamat") == "محمد"
    assert in_arabic("Abdul Rahman Adam") == "عبدالرحمن آدم"
    assert in_arabic("Babagana") is None  # no spelling known: left in Latin letters only
    assert name_key(in_arabic("Kaltouma") or "") != name_key("Kaltouma")


def test_arabic_names_leave_the_rest_of_the_camp_unchanged(monkeypatch):
    """They are drawn from a generator of their own: the desk check's frozen background
    (scripts/freeze-desk-background) and every seed's camp stay as they were."""
    from edgecamp.synthetic import camp as camp_module

    with_arabic = generate_camp(2_000, SEED)
    monkeypatch.setattr(camp_module, "write_arabic_names", lambda households, seed: None)
    without = generate_camp(2_000, SEED)

    def latin(c: SyntheticCamp) -> list[tuple[object, ...]]:
        return [
            (m.given_name, m.family_name, m.date_of_birth, m.sex, h.phone)
            for h in c.households
            for m in h.members
        ]

    assert latin(with_arabic) == latin(without)
    assert any(m.given_name_local for m in with_arabic.individuals())
    assert not any(m.given_name_local for m in without.individuals())
