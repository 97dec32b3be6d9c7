"""Who lives together: household composition, ages that fit the relationships, and names that
follow each community's conventions (a child's family name is its father's given name in a
patronymic community, a head's brother shares his father's name, and so on).

Ages are in years, at the registration date. The mix of household kinds and the numbers of
children are set so that the camp shows a displaced population's pyramid: about half children,
about 5 % aged 60 or more, more women than men among adults (men are away, fighting, working,
or dead), households of 4.5 to 5 people and a quarter or more headed by women.
"""

from __future__ import annotations

import random
from bisect import bisect
from dataclasses import dataclass, field
from itertools import accumulate

from edgecamp.synthetic.communities import (
    FATHER,
    FATHER_GRANDFATHER,
    NO_FAMILY_NAME,
    SURNAME,
    Community,
)
from edgecamp.synthetic.records import (
    CHILD,
    FEMALE,
    FOCAL_POINT,
    FOSTER_CHILD,
    GRANDCHILD,
    MALE,
    NON_RELATIVE,
    OTHER_RELATIVE,
    PARENT,
    SIBLING,
    SPOUSE,
    STEPCHILD,
)

MAX_HOUSEHOLD_SIZE = 12
MALE_BIRTH_SHARE = 0.51

COUPLE = "couple"
SINGLE_MOTHER = "single_mother"
WIFE_REGISTERED = "wife_registered"  # husband present, the wife came to the desk as focal point
SINGLE_FATHER = "single_father"
COUPLE_WITHOUT_CHILDREN = "couple_without_children"
ALONE = "alone"
GRANDPARENT = "grandparent"  # grandparents caring for grandchildren whose parents are absent
SIBLINGS = "siblings"  # orphaned young adult with younger brothers and sisters
CHILD_HEADED = "child_headed"

_KINDS = (
    (COUPLE, 0.50),
    (SINGLE_MOTHER, 0.15),
    (WIFE_REGISTERED, 0.03),
    (SINGLE_FATHER, 0.02),
    (COUPLE_WITHOUT_CHILDREN, 0.05),
    (ALONE, 0.11),
    (GRANDPARENT, 0.035),
    (SIBLINGS, 0.025),
    (CHILD_HEADED, 0.004),
)
_KIND_NAMES = tuple(k for k, _ in _KINDS)
_KIND_CUMULATIVE = tuple(accumulate(w for _, w in _KINDS))

# Children of the focal point living in the household, by household kind: weight per count.
_COUPLE_CHILDREN = (0, 19, 22, 19, 15, 10, 6, 4, 2.5, 1.5, 0.5)
_SINGLE_PARENT_CHILDREN = (0, 22, 22, 18, 14, 10, 7, 4, 2, 1)
_SINGLE_FATHER_CHILDREN = (0, 35, 30, 20, 10, 5)


def _counter(weights: tuple[float, ...]) -> tuple[float, ...]:
    return tuple(accumulate(float(w) for w in weights))


_COUPLE_CUMULATIVE = _counter(_COUPLE_CHILDREN)
_SINGLE_PARENT_CUMULATIVE = _counter(_SINGLE_PARENT_CHILDREN)
_SINGLE_FATHER_CUMULATIVE = _counter(_SINGLE_FATHER_CHILDREN)


@dataclass(slots=True)
class DraftMember:
    relationship: str
    sex: str
    age: float
    given_name: str = ""
    family_name: str = ""
    other_names: tuple[str, ...] = ()
    # Lineage used to derive family names: the person's father's and grandfather's given names
    # and inherited family name.
    father: str = ""
    grandfather: str = ""
    surname: str = ""
    # Separated from both parents (foster children, grandchildren cared for by grandparents,
    # members of a child-headed household): the registration flags some of them SC.
    separated: bool = False


@dataclass(slots=True)
class DraftHousehold:
    kind: str
    community: Community
    members: list[DraftMember] = field(default_factory=list)


def _pick_count(rnd: random.Random, cumulative: tuple[float, ...]) -> int:
    return bisect(cumulative, rnd.random() * cumulative[-1])


def _child_sex(rnd: random.Random) -> str:
    return MALE if rnd.random() < MALE_BIRTH_SHARE else FEMALE


def _children_ages(rnd: random.Random, count: int) -> tuple[float, list[float]]:
    """The mother's age and her children's ages (eldest first): births from about 16 to at
    most 45, two to three years apart, a few twins."""
    first_birth = min(40.0, 16.0 + rnd.gammavariate(2.0, 2.2))
    gaps = [
        0.0 if rnd.random() < 0.015 else 1.3 + rnd.gammavariate(2.0, 0.65) for _ in range(count - 1)
    ]
    span = sum(gaps)
    if span > 0.0 and first_birth + span > 45.0:
        shrink = max(0.0, 45.0 - first_birth) / span
        gaps = [g * shrink for g in gaps]
        span = sum(gaps)
    # Most women still have a baby or a toddler; some have only older children left at home.
    early = rnd.random() < 0.7
    youngest = min(rnd.expovariate(1 / 3.2), 14.0) if early else rnd.uniform(3.0, 22.0)
    ages = [youngest + span]
    for gap in gaps:
        ages.append(ages[-1] - gap)
    return youngest + span + first_birth, ages


def compose_household(rnd: random.Random, community: Community) -> DraftHousehold:
    """One household: its members with relationships, sexes, ages and names."""
    kind = _KIND_NAMES[bisect(_KIND_CUMULATIVE, rnd.random() * _KIND_CUMULATIVE[-1])]
    household = DraftHousehold(kind, community)
    builder = _BUILDERS[kind]
    builder(rnd, household)
    del household.members[MAX_HOUSEHOLD_SIZE:]
    _name_household(rnd, household)
    return household


def _add(household: DraftHousehold, relationship: str, sex: str, age: float) -> DraftMember:
    member = DraftMember(relationship, sex, max(0.01, age))
    household.members.append(member)
    return member


def _build_couple(rnd: random.Random, household: DraftHousehold) -> None:
    wife_registered = household.kind == WIFE_REGISTERED
    count = _pick_count(rnd, _COUPLE_CUMULATIVE)
    wife_age, ages = _children_ages(rnd, count)
    if wife_registered:
        # A teenage mother is registered in her parents' or husband's name, not as the head.
        wife_age = max(wife_age, 18.0 + rnd.random())
    husband_age = max(wife_age + rnd.gauss(6.5, 4.5), wife_age - 2.0, ages[0] + 17.0, 18.5)
    if wife_registered:
        _add(household, FOCAL_POINT, FEMALE, wife_age)
        _add(household, SPOUSE, MALE, husband_age)
    else:
        _add(household, FOCAL_POINT, MALE, husband_age)
        _add(household, SPOUSE, FEMALE, wife_age)
        if rnd.random() < household.community.second_wife_share:
            _add(household, SPOUSE, FEMALE, max(17.0, wife_age - rnd.uniform(3.0, 12.0)))
    stepchild = count >= 2 and rnd.random() < 0.04
    for index, age in enumerate(ages):
        relationship = STEPCHILD if stepchild and index == 0 else CHILD
        _add(household, relationship, _child_sex(rnd), age)
    _add_relatives(rnd, household, husband_age if not wife_registered else wife_age)


def _build_single_parent(rnd: random.Random, household: DraftHousehold) -> None:
    mother = household.kind == SINGLE_MOTHER
    count = _pick_count(rnd, _SINGLE_PARENT_CUMULATIVE if mother else _SINGLE_FATHER_CUMULATIVE)
    mother_age, ages = _children_ages(rnd, count)
    if mother:
        head_age = max(mother_age, 18.0 + rnd.random())
        _add(household, FOCAL_POINT, FEMALE, head_age)
    else:
        head_age = max(mother_age + rnd.gauss(7.0, 4.0), ages[0] + 17.0, 18.5)
        _add(household, FOCAL_POINT, MALE, head_age)
    for age in ages:
        _add(household, CHILD, _child_sex(rnd), age)
    _add_relatives(rnd, household, head_age)


def _build_couple_without_children(rnd: random.Random, household: DraftHousehold) -> None:
    if rnd.random() < 0.6:
        wife_age = rnd.uniform(16.5, 27.0)
        husband_age = max(18.5, wife_age + rnd.gauss(5.0, 3.0))
    else:
        # Older couples whose grown children stayed behind or were lost.
        husband_age = rnd.uniform(55.0, 82.0)
        wife_age = max(45.0, husband_age - abs(rnd.gauss(5.0, 4.0)))
    _add(household, FOCAL_POINT, MALE, husband_age)
    _add(household, SPOUSE, FEMALE, wife_age)


def _build_alone(rnd: random.Random, household: DraftHousehold) -> None:
    draw = rnd.random()
    if draw < 0.58:
        _add(household, FOCAL_POINT, MALE, 18.0 + rnd.gammavariate(2.0, 4.5))
    elif draw < 0.75:
        _add(household, FOCAL_POINT, FEMALE, 18.0 + rnd.gammavariate(2.0, 6.0))
    else:
        sex = FEMALE if rnd.random() < 0.65 else MALE
        _add(household, FOCAL_POINT, sex, 60.0 + rnd.gammavariate(1.6, 6.0))


def _build_grandparent(rnd: random.Random, household: DraftHousehold) -> None:
    head_sex = FEMALE if rnd.random() < 0.7 else MALE
    head_age = rnd.uniform(50.0, 78.0)
    _add(household, FOCAL_POINT, head_sex, head_age)
    if head_sex == MALE or rnd.random() < 0.15:
        spouse_sex = FEMALE if head_sex == MALE else MALE
        _add(
            household,
            SPOUSE,
            spouse_sex,
            head_age + rnd.gauss(-4.0 if head_sex == MALE else 4.0, 3.0),
        )
    eldest = min(head_age - 36.0, 16.0)
    for _ in range(_pick_count(rnd, _SINGLE_FATHER_CUMULATIVE)):
        grandchild = _add(
            household, GRANDCHILD, _child_sex(rnd), rnd.uniform(0.5, max(1.0, eldest))
        )
        grandchild.separated = True


def _build_siblings(rnd: random.Random, household: DraftHousehold) -> None:
    head_age = rnd.uniform(18.0, 27.0)
    _add(household, FOCAL_POINT, MALE if rnd.random() < 0.55 else FEMALE, head_age)
    for _ in range(_pick_count(rnd, _SINGLE_FATHER_CUMULATIVE)):
        _add(household, SIBLING, _child_sex(rnd), rnd.uniform(6.0, head_age - 1.0))


def _build_child_headed(rnd: random.Random, household: DraftHousehold) -> None:
    head_age = rnd.uniform(14.0, 17.9)
    head = _add(household, FOCAL_POINT, _child_sex(rnd), head_age)
    head.separated = True
    for _ in range(_pick_count(rnd, _SINGLE_FATHER_CUMULATIVE)):
        sibling = _add(household, SIBLING, _child_sex(rnd), rnd.uniform(2.0, head_age - 1.0))
        sibling.separated = True


def _add_relatives(rnd: random.Random, household: DraftHousehold, head_age: float) -> None:
    """Grandparents of the children, the head's unmarried brothers and sisters, nephews and
    nieces, foster children, a grandchild, occasionally someone unrelated."""
    if rnd.random() < 0.18:
        parent_age = min(96.0, head_age + max(17.0, rnd.gauss(26.0, 5.0)))
        if rnd.random() < 0.3:
            _add(household, PARENT, MALE, parent_age + rnd.uniform(0.0, 8.0))
            _add(household, PARENT, FEMALE, parent_age)
        else:
            _add(household, PARENT, FEMALE if rnd.random() < 0.7 else MALE, parent_age)
    if rnd.random() < 0.03:
        _add(household, OTHER_RELATIVE, FEMALE, head_age + max(17.0, rnd.gauss(22.0, 5.0)))
    if rnd.random() < 0.07 and head_age > 20.0:
        for _ in range(1 if rnd.random() < 0.75 else 2):
            _add(household, SIBLING, _child_sex(rnd), max(8.0, head_age - rnd.uniform(2.0, 14.0)))
    if rnd.random() < 0.05:
        for _ in range(1 if rnd.random() < 0.7 else 2):
            _add(household, OTHER_RELATIVE, _child_sex(rnd), rnd.uniform(1.0, 17.0))
    if rnd.random() < 0.02:
        foster = _add(household, FOSTER_CHILD, _child_sex(rnd), rnd.uniform(1.0, 16.0))
        foster.separated = True
    if head_age >= 42.0 and rnd.random() < 0.2:
        for _ in range(1 if rnd.random() < 0.7 else 2):
            _add(
                household, GRANDCHILD, _child_sex(rnd), rnd.uniform(0.1, min(6.0, head_age - 36.0))
            )
    if rnd.random() < 0.01:
        _add(
            household, NON_RELATIVE, MALE if rnd.random() < 0.5 else FEMALE, rnd.uniform(18.0, 45.0)
        )


_BUILDERS = {
    COUPLE: _build_couple,
    WIFE_REGISTERED: _build_couple,
    SINGLE_MOTHER: _build_single_parent,
    SINGLE_FATHER: _build_single_parent,
    COUPLE_WITHOUT_CHILDREN: _build_couple_without_children,
    ALONE: _build_alone,
    GRANDPARENT: _build_grandparent,
    SIBLINGS: _build_siblings,
    CHILD_HEADED: _build_child_headed,
}


def _name_household(rnd: random.Random, household: DraftHousehold) -> None:
    community = household.community
    style = community.family_name_styles.pick(rnd)
    members = household.members
    head = members[0]
    husband = next((m for m in members if m.relationship == SPOUSE and m.sex == MALE), None)
    used: set[str] = set()

    def lineage(member: DraftMember, father: str, grandfather: str, surname: str) -> None:
        member.father, member.grandfather, member.surname = father, grandfather, surname
        member.given_name = _fresh_given_name(rnd, community, member.sex == FEMALE, used)

    def random_lineage(member: DraftMember) -> None:
        lineage(member, *_stranger_lineage(rnd, community))

    random_lineage(head)
    if husband is not None:
        random_lineage(husband)
    # The father of the focal point's children: the head, the husband who came with the wife
    # who registered, or a man who is absent (dead, missing, elsewhere).
    if head.sex == MALE:
        children_father = head
    elif husband is not None:
        children_father = husband
    else:
        children_father = DraftMember(SPOUSE, MALE, 0.0)
        random_lineage(children_father)
    # Grandchildren are usually the children of one son who is not present.
    grandfather = head if head.sex == MALE else husband
    if grandfather is not None:
        son = community.male_name(rnd), grandfather.given_name, grandfather.surname
    else:
        son = _stranger_lineage(rnd, community)
    for member in members[1:]:
        if member is husband:
            continue
        relationship = member.relationship
        if relationship == CHILD:
            lineage(
                member,
                children_father.given_name,
                children_father.father,
                _inherited(rnd, community, children_father),
            )
        elif relationship == SIBLING:
            lineage(member, head.father, head.grandfather, head.surname)
        elif relationship == PARENT and member.sex == MALE:
            member.father, member.grandfather = head.grandfather, community.male_name(rnd)
            member.surname = head.surname
            member.given_name = head.father
        elif relationship == GRANDCHILD:
            lineage(member, *son)
        else:
            random_lineage(member)
    for member in members:
        member.family_name = _family_name(style, member)
        if member.age >= 25.0 and rnd.random() < 0.04:
            member.other_names = (_alias(rnd, community, member),)


def _fresh_given_name(
    rnd: random.Random, community: Community, female: bool, used: set[str]
) -> str:
    # Brothers and sisters are not given the same name.
    name = community.given_name(rnd, female)
    if name in used:
        name = community.given_name(rnd, female)
    used.add(name)
    if rnd.random() < 0.12:
        # Families spell the same name differently: not every Mohammed is written that way.
        name = community.other_spelling(rnd, name) or name
    return name


def _stranger_lineage(rnd: random.Random, community: Community) -> tuple[str, str, str]:
    surname = community.family_name(rnd) if community.family_names else ""
    if surname and rnd.random() < community.double_family_name_share:
        surname = f"{surname} {community.family_name(rnd)}"
    return community.male_name(rnd), community.male_name(rnd), surname


def _inherited(rnd: random.Random, community: Community, father: DraftMember) -> str:
    if not community.family_names:
        return ""
    # A Congolese child gets a postnom of its own more often than the father's.
    if rnd.random() < community.own_family_name_share:
        return community.family_name(rnd)
    return father.surname


def _family_name(style: str, member: DraftMember) -> str:
    if style == FATHER:
        return member.father
    if style == FATHER_GRANDFATHER:
        return f"{member.father} {member.grandfather}"
    if style == SURNAME:
        return member.surname
    assert style == NO_FAMILY_NAME
    return ""


def _alias(rnd: random.Random, community: Community, member: DraftMember) -> str:
    templates = community.female_aliases if member.sex == FEMALE else community.male_aliases
    template = templates[int(rnd.random() * len(templates))]
    return template.format(given=member.given_name, male=community.male_name(rnd))
