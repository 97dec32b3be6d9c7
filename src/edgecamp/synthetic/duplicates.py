"""Second registrations of the same family at another desk, with the errors such records
really carry: names transliterated another way, misspelt, reordered or split differently;
an age estimated instead of a date, day and month swapped; a phone number left out; a member
not declared; the other spouse registering as focal point this time.

Each duplicate keeps the ground truth (true_person_id, true_household_id) of the record it
copies and lists the errors it was given, so deduplication can be scored.
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date, timedelta

from edgecamp.synthetic.communities import Community, replace_spelling
from edgecamp.synthetic.records import (
    ESTIMATED,
    EXACT,
    FEMALE,
    FOCAL_POINT,
    MALE,
    OTHER_RELATIVE,
    PARENT,
    SIBLING,
    SPOUSE,
    YEAR,
    Household,
    IdentityDocument,
    Individual,
)
from edgecamp.synthetic.sites import SitePlan

# QWERTY neighbours: the substitutions a hurried clerk's fingers make.
_NEIGHBOURS = {
    "a": "qwsz", "b": "vghn", "c": "xdfv", "d": "serfcx", "e": "wsdr", "f": "drtgvc",
    "g": "ftyhbv", "h": "gyujnb", "i": "ujko", "j": "huikmn", "k": "jiolm", "l": "kop",
    "m": "njk", "n": "bhjm", "o": "iklp", "p": "ol", "q": "wa", "r": "edft", "s": "awedxz",
    "t": "rfgy", "u": "yhji", "v": "cfgb", "w": "qase", "x": "zsdc", "y": "tghu", "z": "asx",
}  # fmt: skip
_PARTICLE = re.compile(r"\b(?:El|Al)(?:[- ]([A-Z][a-z]+)|([a-z]{3,}))")
_PARTICLE_FORMS = ("El{lower}", "El {title}", "Al-{title}", "El-{title}", "Al {title}")
_ABD = re.compile(r"\bAbd(?:el|ul|al|ur|er|-al-| al-)[ -]?([A-Za-z]+)")
_ABD_FORMS = ("Abdel{lower}", "Abdul {title}", "Abd al-{title}", "Abdel {title}", "Abdul{lower}")


def register_again(
    rnd: random.Random,
    original: Household,
    community: Community,
    plans: Sequence[SitePlan],
    reference_date: date,
) -> Household:
    """A second registration of `original`'s family at another desk, a few days or weeks
    later (or the same day, queueing twice)."""
    errors: list[str] = []
    registered = min(
        reference_date, original.registration_date + timedelta(days=int(rnd.expovariate(1 / 12)))
    )
    plan = next(p for p in plans if p.site.id == original.site_id)
    # Some families try another site, one that was already registering that day.
    elsewhere = [p for p in plans if p is not plan and p.registration_start <= registered]
    if elsewhere and rnd.random() < 0.3:
        plan = elsewhere[int(rnd.random() * len(elsewhere))]
        errors.append("site:other")
    desks = [d for d in plan.site.desks if d != original.registration_desk]
    members = [
        replace(m, errors=(), other_names=m.other_names if rnd.random() < 0.5 else ())
        for m in original.members
    ]
    if len(members) > 1 and rnd.random() < 0.2:
        del members[1 + int(rnd.random() * (len(members) - 1))]
        errors.append("member_missing")
    spouses = [m for m in members if m.relationship == SPOUSE]
    # The other spouse queues at the second desk and is written down as focal point (only an
    # adult: a married girl is still registered under her husband).
    if len(spouses) == 1 and _is_adult(spouses[0], registered) and rnd.random() < 0.12:
        members = _spouse_registers(members, spouses[0])
        errors.append("focal_point:changed")
    spellings: dict[str, str] = {}
    for member in members:
        _misrecord(rnd, community, member, registered, spellings)
    _spell_consistently(rnd, members, spellings)
    language = original.language if rnd.random() < 0.85 else ""
    if not language:
        errors.append("language:missing")
    place = _place(rnd, community, original.place_of_origin, errors)
    phone = _phone(rnd, community, original.phone, errors)
    return Household(
        id=0,
        true_household_id=original.true_household_id,
        site_id=plan.site.id,
        shelter_id=None,  # a family registering again claims to be newly arrived
        community=original.community,
        place_of_origin=place,
        phone=phone,
        language=language,
        registration_date=registered,
        registration_desk=desks[int(rnd.random() * len(desks))],
        members=members,
        errors=tuple(errors),
    )


def _is_adult(person: Individual, on: date) -> bool:
    born = person.date_of_birth
    return (
        born is not None
        and (on.year - born.year - ((on.month, on.day) < (born.month, born.day))) >= 18
    )


def _spouse_registers(members: list[Individual], spouse: Individual) -> list[Individual]:
    head = members[0]
    # Relationships are to the focal point: the first head's parents and siblings become
    # in-laws.
    for member in members:
        if member.relationship in (PARENT, SIBLING):
            member.relationship = OTHER_RELATIVE
    head.relationship, spouse.relationship = SPOUSE, FOCAL_POINT
    return [spouse, *(m for m in members if m is not spouse)]


def _misrecord(
    rnd: random.Random,
    community: Community,
    member: Individual,
    registered: date,
    spellings: dict[str, str],
) -> None:
    errors: list[str] = []
    draw = rnd.random()
    edits = 0 if draw < 0.45 else 1 if draw < 0.88 else 2
    for _ in range(edits):
        _edit_names(rnd, community, member, spellings, errors)
    _misrecord_birth_date(rnd, member, registered, errors)
    if rnd.random() < 0.004:
        member.sex = MALE if member.sex == FEMALE else FEMALE
        errors.append("sex:wrong")
    member.specific_needs = tuple(c for c in member.specific_needs if rnd.random() < 0.7)
    member.documents = _documents(rnd, member.documents, errors)
    member.errors = tuple(errors)


def _edit_names(
    rnd: random.Random,
    community: Community,
    member: Individual,
    spellings: dict[str, str],
    errors: list[str],
) -> None:
    """One error in the person's names; a typo when the error drawn does not apply to them
    (no accent to drop, no second family name to leave out)."""
    field = "family_name" if member.family_name and rnd.random() < 0.4 else "given_name"
    draw = rnd.random()
    edit = next(e for share, e in _NAME_EDITS if draw < share)
    error = edit(rnd, community, member, field, spellings)
    if error is None:
        name = getattr(member, field)
        changed, kind = _typo(rnd, name)
        setattr(member, field, changed)
        error = f"{field}:typo:{kind}"
    errors.append(error)


NameEdit = Callable[[random.Random, Community, Individual, str, dict[str, str]], str | None]


def _respell(
    rnd: random.Random,
    community: Community,
    member: Individual,
    field: str,
    spellings: dict[str, str],
) -> str | None:
    name = getattr(member, field)
    respelt = community.respell(rnd, name)
    if respelt is None:
        return None
    spellings[respelt[0]] = respelt[1]
    setattr(member, field, replace_spelling(name, *respelt))
    return f"{field}:variant"


def _rewrite_particle(
    rnd: random.Random, community: Community, member: Individual, field: str, _: dict[str, str]
) -> str | None:
    if not community.arabic_particles:
        return None
    changed = _rewrite_article(rnd, getattr(member, field))
    if changed is None:
        return None
    setattr(member, field, changed)
    return f"{field}:particle"


def _reorder(
    rnd: random.Random, community: Community, member: Individual, field: str, _: dict[str, str]
) -> str | None:
    if member.family_name:
        member.given_name, member.family_name = member.family_name, member.given_name
        if community.own_family_name_share and rnd.random() < 0.5:
            # "MUKENDI Jean": the family name first, in capitals, as on Congolese cards.
            member.given_name = member.given_name.upper()
        return "names:swapped"
    words = member.given_name.split(" ")
    if len(words) < 2:
        return None
    member.given_name = " ".join(words[1:] + words[:1])
    return "names:reordered"


def _split_differently(
    rnd: random.Random, community: Community, member: Individual, field: str, _: dict[str, str]
) -> str | None:
    """Mohamed / Ahmed Elhassan written Mohamed Ahmed / Elhassan, or the other way round."""
    given, family = member.given_name.split(" "), member.family_name.split(" ")
    if not member.family_name or len(given) + len(family) < 3:
        return None
    if len(family) > 1 and (len(given) == 1 or rnd.random() < 0.5):
        given, family = [*given, family[0]], family[1:]
    else:
        given, family = given[:-1], [given[-1], *family]
    member.given_name, member.family_name = " ".join(given), " ".join(family)
    return "names:split_differently"


def _shorten(
    rnd: random.Random, community: Community, member: Individual, field: str, _: dict[str, str]
) -> str | None:
    """The grandfather's name left out."""
    if " " not in member.family_name:
        return None
    member.family_name = member.family_name.rsplit(" ", 1)[0]
    return "family_name:shortened"


def _drop_accents(
    rnd: random.Random, community: Community, member: Individual, field: str, _: dict[str, str]
) -> str | None:
    name = getattr(member, field)
    plain = _strip_accents(name)
    if plain == name:
        return None
    setattr(member, field, plain)
    return f"{field}:accents_dropped"


def _no_edit(
    rnd: random.Random, community: Community, member: Individual, field: str, _: dict[str, str]
) -> str | None:
    return None  # a plain typo


# Cumulative shares of the name errors (the rest are typos).
_NAME_EDITS: tuple[tuple[float, NameEdit], ...] = (
    (0.35, _respell),
    (0.43, _rewrite_particle),
    (0.51, _reorder),
    (0.58, _split_differently),
    (0.65, _shorten),
    (0.75, _drop_accents),
    (1.01, _no_edit),
)


def _spell_consistently(
    rnd: random.Random, members: list[Individual], spellings: dict[str, str]
) -> None:
    """The clerk who wrote the father "Muhammad" writes his children's family name the same
    way."""
    if not spellings:
        return
    for member in members:
        for field in ("given_name", "family_name"):
            # Spaces around the name match whole words, and whole names such as "Abdul Rahman".
            padded = original = f" {getattr(member, field)} "
            for old, new in spellings.items():
                if f" {old} " in padded and rnd.random() < 0.8:
                    padded = padded.replace(f" {old} ", f" {new} ")
            if padded != original:
                setattr(member, field, padded.strip())
                if f"{field}:variant" not in member.errors:
                    member.errors = (*member.errors, f"{field}:variant")


def _rewrite_article(rnd: random.Random, name: str) -> str | None:
    for pattern, forms in ((_PARTICLE, _PARTICLE_FORMS), (_ABD, _ABD_FORMS)):
        match = pattern.search(name)
        if match is None:
            continue
        word = next(g for g in match.groups() if g)
        options = [f.format(lower=word.lower(), title=word.title()) for f in forms]
        options = [o for o in options if o != match.group(0)]
        return (
            name[: match.start()] + options[int(rnd.random() * len(options))] + name[match.end() :]
        )
    return None


def _typo(rnd: random.Random, name: str) -> tuple[str, str]:
    letters = [i for i, ch in enumerate(name) if ch.isalpha()]
    # Clerks rarely get the first letter wrong.
    if len(letters) > 1 and rnd.random() < 0.9:
        position = letters[1 + int(rnd.random() * (len(letters) - 1))]
    else:
        position = letters[int(rnd.random() * len(letters))]
    char = name[position]
    kind = ("insert", "delete", "substitute", "transpose")[int(rnd.random() * 4)]
    if kind == "delete" and len(letters) <= 2:
        kind = "insert"
    if kind == "transpose":
        following = position + 1
        if (
            following < len(name)
            and name[following].isalpha()
            and name[following].lower() != char.lower()
        ):
            pair = name[following] + char
            if position == 0:
                pair = pair[0].upper() + pair[1].lower()
            return name[:position] + pair + name[following + 1 :], kind
        kind = "substitute"
    if kind == "delete":
        return name[:position] + name[position + 1 :], kind
    neighbours = _NEIGHBOURS.get(char.lower(), "aeiou")
    other = neighbours[int(rnd.random() * len(neighbours))]
    if kind == "insert":
        # Doubled letters (Mohamed → Mohammed) are the commonest insertion.
        added = char.lower() if rnd.random() < 0.5 else other
        return name[: position + 1] + added + name[position + 1 :], kind
    other = other.upper() if char.isupper() else other
    return name[:position] + other + name[position + 1 :], kind


def _strip_accents(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _misrecord_birth_date(
    rnd: random.Random, member: Individual, registered: date, errors: list[str]
) -> None:
    born = member.date_of_birth
    if born is None:
        return
    draw = rnd.random()
    if member.date_of_birth_precision == EXACT:
        if draw < 0.10:
            if (
                born.day <= 12
                and born.day != born.month
                and date(born.year, born.day, born.month) <= registered
            ):
                member.date_of_birth = date(born.year, born.day, born.month)
                errors.append("date_of_birth:day_month_swapped")
        elif draw < 0.27:
            year = born.year + (0, 0, 0, -1, 1)[int(rnd.random() * 5)]
            member.date_of_birth = date(min(year, registered.year), 1, 1)
            member.date_of_birth_precision = ESTIMATED
            errors.append("date_of_birth:estimated")
        elif draw < 0.35:
            member.date_of_birth = None
            errors.append("date_of_birth:missing")
        elif draw < 0.42:
            member.date_of_birth = date(born.year, 1, 1)
            member.date_of_birth_precision = YEAR
            errors.append("date_of_birth:year_only")
        return
    if draw < 0.25:
        shift = (-2, -1, -1, 1, 1, 2)[int(rnd.random() * 6)]
        member.date_of_birth = date(min(born.year + shift, registered.year), 1, 1)
        member.date_of_birth_precision = ESTIMATED
        errors.append("date_of_birth:estimated_differently")
    elif draw < 0.35:
        member.date_of_birth = None
        errors.append("date_of_birth:missing")


def _documents(
    rnd: random.Random, documents: tuple[IdentityDocument, ...], errors: list[str]
) -> tuple[IdentityDocument, ...]:
    kept: list[IdentityDocument] = []
    for document in documents:
        if rnd.random() < 0.5:
            continue
        number = document.number
        digits = [
            i for i in range(len(number) - 1) if number[i].isdigit() and number[i + 1].isdigit()
        ]
        if digits and rnd.random() < 0.08:
            i = digits[int(rnd.random() * len(digits))]
            number = number[:i] + number[i + 1] + number[i] + number[i + 2 :]
            errors.append("document:number_typo")
        kept.append(replace(document, number=number))
    return tuple(kept)


def _place(rnd: random.Random, community: Community, place: str, errors: list[str]) -> str:
    draw = rnd.random()
    if draw < 0.1:
        errors.append("place_of_origin:missing")
        return ""
    if draw < 0.3:
        other = community.place_spelling(rnd, place)
        if other is not None:
            errors.append("place_of_origin:spelling")
            return other
    return place


def _phone(rnd: random.Random, community: Community, phone: str, errors: list[str]) -> str:
    draw = rnd.random()
    if not phone:
        if draw < 0.25:
            errors.append("phone:new")
            return community.phone.number(rnd)
        return ""
    if draw < 0.4:
        errors.append("phone:missing")
        return ""
    if draw < 0.6:
        national = community.phone.national_number(phone)
        for _ in range(3):
            other = community.phone.render(national, rnd.random())
            if other != phone:
                errors.append("phone:formatted_differently")
                return other
    elif draw < 0.7:
        errors.append("phone:new")
        return community.phone.number(rnd)
    return phone
