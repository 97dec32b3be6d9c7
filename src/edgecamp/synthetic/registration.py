"""What the registration desk writes down about a person: the date of birth as known (exact,
year only, or an estimate recorded as 1 January), specific needs, identity documents."""

from __future__ import annotations

import random
from datetime import date, timedelta

from edgecamp.synthetic.families import CHILD_HEADED, DraftHousehold, DraftMember
from edgecamp.synthetic.records import (
    CHILD,
    ESTIMATED,
    EXACT,
    FEMALE,
    FOCAL_POINT,
    FOSTER_CHILD,
    SPOUSE,
    STEPCHILD,
    YEAR,
    IdentityDocument,
)

DAYS_PER_YEAR = 365.2425


def record_birth_date(
    rnd: random.Random, age: float, registered_on: int, exact_factor: float
) -> tuple[date, str]:
    """The date of birth of someone `age` years old on the ordinal day `registered_on`.

    Few adults have a document with an exact date; most give an age, which the clerk writes
    as 1 January of the year it implies, and adults' guesses cluster on multiples of five."""
    born = registered_on - int(age * DAYS_PER_YEAR)
    if age < 5:
        exact, year_only = 0.75, 0.08
    elif age < 18:
        exact, year_only = 0.5, 0.15
    elif age < 60:
        exact, year_only = 0.3, 0.2
    else:
        exact, year_only = 0.12, 0.23
    exact *= exact_factor
    draw = rnd.random()
    if draw < exact:
        return date.fromordinal(born), EXACT
    if draw < exact + year_only:
        return date(date.fromordinal(born).year, 1, 1), YEAR
    registered_year = date.fromordinal(registered_on).year
    guess = int(age)
    if age >= 18:
        guess += max(-3, min(3, round(rnd.gauss(0.0, 1.5))))
        if guess >= 20 and rnd.random() < 0.45:
            guess = 5 * round(guess / 5)
        # Nobody registering as an adult gives the age of a child.
        guess = max(18, guess)
    elif rnd.random() < 0.3:
        guess += 1 if rnd.random() < 0.5 else -1
    return date(registered_year - max(0, guess), 1, 1), ESTIMATED


def specific_needs(
    rnd: random.Random, household: DraftHousehold, member: DraftMember
) -> tuple[str, ...]:
    """UNHCR specific-needs codes for one person, in the registry's code order."""
    age = member.age
    female = member.sex == FEMALE
    head = member.relationship == FOCAL_POINT
    members = household.members
    codes: list[str] = []
    single_parent = head and _is_single_parent(members)
    random_ = rnd.random
    if female and age >= 18:
        if not head:
            share = 0.005
        elif single_parent:
            share = 0.25
        else:
            share = 0.45 if len(members) == 1 else 0.03
        if random_() < share:
            codes.append("WR")
    if age < 18:
        if random_() < (0.05 if member.separated else 0.005):
            codes.append("CR")
        if member.separated and (household.kind == CHILD_HEADED or random_() < 0.15):
            codes.append("SC")
    if age >= 60:
        alone = not any(m.age < 60 and m.age >= 18 for m in members if m is not member)
        if random_() < (0.85 if alone else 0.45):
            codes.append("ER")
    if random_() < (0.012 if age < 5 else 0.025 if age < 18 else 0.04 if age < 60 else 0.15):
        codes.append("DS")
    if random_() < (0.012 if age < 18 else 0.022 if age < 60 else 0.07):
        codes.append("SM")
    if age >= 12 and random_() < (0.006 if female and age < 60 else 0.001):
        codes.append("SV")
    if age >= 18 and random_() < (0.002 if female else 0.004):
        codes.append("TR")
    if random_() < (0.004 if age >= 18 else 0.001):
        codes.append("LP")
    if single_parent and random_() < 0.9:
        codes.append("SP")
    if (single_parent and female and random_() < 0.08) or ("SC" in codes and random_() < 0.3):
        codes.append("FU")  # a husband or parents registered elsewhere
    return tuple(codes)


def _is_single_parent(members: list[DraftMember]) -> bool:
    return not any(m.relationship == SPOUSE for m in members) and any(
        m.relationship in (CHILD, STEPCHILD, FOSTER_CHILD) and m.age < 18 for m in members
    )


# Share of adults holding each document, and of children with a birth certificate, per
# community of origin: (national id, passport, other document, birth certificate).
_DOCUMENT_SHARES = {
    "darfur_arabic": (0.30, 0.03, 0.0, 0.15),
    "somali": (0.12, 0.04, 0.0, 0.04),
    "hausa_kanuri": (0.25, 0.02, 0.05, 0.12),
    "rakhine_single_names": (0.0, 0.0, 0.15, 0.02),
    "congolese_french": (0.15, 0.02, 0.30, 0.20),
}
# Number layouts per issuing country (# is a digit); "" for documents of stateless people.
_ID_FORMATS = {
    "SDN": "###########",
    "TCD": "TD#######",
    "SOM": "SO#########",
    "ETH": "##########",
    "NGA": "###########",
    "NER": "NE########",
    "CMR": "#########",
    "COD": "##########",
    "RWA": "1 #### # ####### # ##",
    "MMR": "#/MaTaNa(N)######",
}


def identity_documents(
    rnd: random.Random, community_key: str, nationality: str, age: float, registered_on: date
) -> tuple[IdentityDocument, ...]:
    national_id, passport, other, birth_certificate = _DOCUMENT_SHARES[community_key]
    country = nationality if nationality not in ("XXA", "XXX") else ""
    documents: list[IdentityDocument] = []
    if age < 18:
        if rnd.random() < birth_certificate:
            year = registered_on.year - int(age)
            number = f"BC-{year}-{_digits(rnd, 5)}"
            documents.append(IdentityDocument("birth_certificate", number, country))
        return tuple(documents)
    if country and rnd.random() < national_id:
        number = _fill(rnd, _ID_FORMATS.get(country, "#########"))
        documents.append(
            IdentityDocument("national_id", number, country, _expiry(rnd, registered_on))
        )
    if country and rnd.random() < passport:
        number = f"P{_digits(rnd, 8)}"
        documents.append(IdentityDocument("passport", number, country, _expiry(rnd, registered_on)))
    if rnd.random() < other:
        # Voter cards, household lists from an earlier census.
        documents.append(IdentityDocument("other", f"{_digits(rnd, 3)}-{_digits(rnd, 6)}", country))
    return tuple(documents)


def _expiry(rnd: random.Random, registered_on: date) -> date:
    # Some documents expired during displacement.
    return registered_on + timedelta(days=int(rnd.uniform(-900, 3600)))


def _digits(rnd: random.Random, count: int) -> str:
    return f"{rnd.getrandbits(64) % 10**count:0{count}d}"


def _fill(rnd: random.Random, layout: str) -> str:
    digits = iter(_digits(rnd, layout.count("#")))
    return "".join(next(digits) if ch == "#" else ch for ch in layout)
