"""generate_camp: a whole synthetic camp, the same for the same seed."""

from __future__ import annotations

import gc
import random
from bisect import bisect
from datetime import date
from itertools import accumulate

from edgecamp.synthetic.arabic import write_arabic_names
from edgecamp.synthetic.communities import COMMUNITIES, COMMUNITY_BY_KEY, COMMUNITY_WEIGHTS
from edgecamp.synthetic.duplicates import register_again
from edgecamp.synthetic.families import compose_household
from edgecamp.synthetic.records import Household, Individual, SyntheticCamp
from edgecamp.synthetic.registration import (
    identity_documents,
    record_birth_date,
    specific_needs,
)
from edgecamp.synthetic.sites import SitePlan, build_shelters, make_organisations, plan_sites

# Dates are drawn back from this day unless the caller gives another, so that the same seed
# gives the same camp on every day (the demo passes today's date instead).
DEFAULT_REFERENCE_DATE = date(2026, 11, 1)
DEFAULT_DUPLICATE_RATE = 0.03
# Half of each site's registrations come in the first influx after it opened.
_INFLUX_DAYS = 30.0
# Recent numbers of a community that another household may give as its own.
_SHARED_PHONE_POOL = 200


def generate_camp(
    people: int,
    seed: int,
    *,
    duplicate_rate: float = DEFAULT_DUPLICATE_RATE,
    reference_date: date = DEFAULT_REFERENCE_DATE,
) -> SyntheticCamp:
    """A camp of `people` distinct persons, plus the duplicate registrations of
    `duplicate_rate` of its households (so slightly more individual records than people).

    Deterministic: the same arguments give equal output on every run.
    """
    if people < 1:
        raise ValueError(f"A camp needs at least 1 person; got people={people}.")
    if not 0.0 <= duplicate_rate <= 0.5:
        raise ValueError(
            f"duplicate_rate is a share of households between 0 and 0.5; got {duplicate_rate}."
        )
    # The camp is a tree of records without reference cycles, so the cycle collector has
    # nothing to find; left on, its full passes over millions of live records make a 1M
    # camp take twice as long.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _generate(people, seed, duplicate_rate, reference_date)
    finally:
        if collecting:
            gc.enable()


def _generate(people: int, seed: int, duplicate_rate: float, reference_date: date) -> SyntheticCamp:
    # A string seed is hashed (SHA-512) by random.Random, so seeds -1 and 1 differ.
    rnd = random.Random(f"edgecamp-synthetic-camp:{seed}")
    organisations = make_organisations(rnd)
    plans = plan_sites(rnd, people, reference_date, organisations, COMMUNITY_WEIGHTS)
    originals = _register_households(rnd, people, plans, reference_date)
    next_block, next_shelter = 1, 1
    for plan in plans:
        site_households = [h for h in originals if h.site_id == plan.site.id]
        build_shelters(rnd, plan, site_households, next_block, next_shelter)
        next_block += len(plan.site.blocks)
        next_shelter += sum(len(b.shelters) for b in plan.site.blocks)
    pairs = []
    for index in sorted(rnd.sample(range(len(originals)), round(len(originals) * duplicate_rate))):
        original = originals[index]
        community = COMMUNITY_BY_KEY[original.community]
        pairs.append((register_again(rnd, original, community, plans, reference_date), original))
    households = [*originals, *(duplicate for duplicate, _ in pairs)]
    write_arabic_names(households, seed)
    # Household numbers follow the order of registration, as at a real desk.
    households.sort(key=lambda h: h.registration_date)
    individual_id = 0
    for household_id, household in enumerate(households, start=1):
        household.id = household_id
        for member in household.members:
            individual_id += 1
            member.id = individual_id
            member.household_id = household_id
    for duplicate, original in pairs:
        duplicate.duplicate_of = original.id
    return SyntheticCamp(
        seed=seed,
        reference_date=reference_date,
        organisations=organisations,
        sites=[plan.site for plan in plans],
        households=households,
    )


def _register_households(
    rnd: random.Random, people: int, plans: list[SitePlan], reference_date: date
) -> list[Household]:
    site_cumulative = tuple(accumulate(p.people_share for p in plans))
    community_cumulative = [tuple(accumulate(p.community_weights)) for p in plans]
    last_day = reference_date.toordinal()
    households: list[Household] = []
    phones: dict[str, list[str]] = {}
    true_person_id = 0
    remaining = people
    random_ = rnd.random
    while remaining > 0:
        site_index = bisect(site_cumulative, random_() * site_cumulative[-1])
        plan = plans[min(site_index, len(plans) - 1)]
        weights = community_cumulative[site_index]
        community = COMMUNITIES[bisect(weights, random_() * weights[-1])]
        draft = compose_household(rnd, community)
        del draft.members[remaining:]  # the last household fills the camp to `people` exactly
        remaining -= len(draft.members)
        first_day = plan.registration_start.toordinal()
        if random_() < 0.5:
            day = min(last_day, first_day + int(rnd.expovariate(1.0 / _INFLUX_DAYS)))
        else:
            day = first_day + int(random_() * (last_day - first_day + 1))
        registered_on = date.fromordinal(day)
        nationality = community.nationalities.pick(rnd)
        members = []
        for member in draft.members:
            true_person_id += 1
            born, precision = record_birth_date(
                rnd, member.age, day, community.exact_birth_date_factor
            )
            members.append(
                Individual(
                    id=0,
                    true_person_id=true_person_id,
                    household_id=0,
                    given_name=member.given_name,
                    family_name=member.family_name,
                    sex=member.sex,
                    date_of_birth=born,
                    date_of_birth_precision=precision,
                    relationship=member.relationship,
                    nationality=nationality,
                    other_names=member.other_names,
                    specific_needs=specific_needs(rnd, draft, member),
                    documents=identity_documents(
                        rnd, community.key, nationality, member.age, registered_on
                    ),
                )
            )
        phone = ""
        if random_() < community.phone.share:
            # Relatives and neighbours often give the same number.
            known = phones.setdefault(community.key, [])
            if known and random_() < 0.05:
                phone = known[int(random_() * len(known))]
            else:
                phone = community.phone.number(rnd)
                known.append(phone)
                del known[:-_SHARED_PHONE_POOL]
        desks = plan.site.desks
        households.append(
            Household(
                id=0,
                true_household_id=len(households) + 1,
                site_id=plan.site.id,
                shelter_id=None,
                community=community.key,
                place_of_origin=community.place(rnd),
                phone=phone,
                language=community.languages.pick(rnd),
                registration_date=registered_on,
                registration_desk=desks[int(random_() * len(desks))],
                members=members,
            )
        )
    return households
