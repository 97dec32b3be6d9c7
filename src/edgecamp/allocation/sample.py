"""A deterministic synthetic site for tests and the benchmark (not real people)."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from edgecamp.allocation.model import Household, Shelter

FIRST_ARRIVAL = date(2025, 1, 1)


def synthetic_site(
    households: int,
    shelters: int,
    seed: int = 2026,
    block_size: int = 100,
    origins: int = 25,
) -> tuple[list[Shelter], list[Household]]:
    """Shelters in blocks of `block_size`: family tents (16-18 m², 5 people, about 80 %),
    prefab units (20-24 m², 6 people), a collective hall (200-400 m², 60-100 people) in every
    other block. Households of mean size about 4.7 from `origins` places, about 8 % with DS/ER,
    registered over two years and listed in random order."""
    rng = np.random.default_rng(seed)
    site: list[Shelter] = []
    n_blocks = max(1, -(-shelters // block_size))
    for b in range(n_blocks):
        block = f"B{b + 1:03d}"
        in_block = min(block_size, shelters - b * block_size)
        hall_at = int(rng.integers(in_block)) if b % 2 == 0 and in_block >= 10 else -1
        for k in range(in_block):
            # Facilities (lighting, latrines, women's WASH) sit at the front of each block.
            near = k < in_block // 4 or rng.random() < 0.05
            if k == hall_at:
                covered = float(rng.integers(40, 81) * 5)
                capacity = int(rng.integers(60, 101))
                accessible = rng.random() < 0.5
                kind = "H"
            elif rng.random() < 0.8:
                covered = float(rng.choice([16.0, 16.5, 17.0, 17.5, 18.0]))
                capacity = 5
                accessible = rng.random() < (0.15 if near else 0.04)
                kind = "T"
            else:
                covered = float(rng.integers(20, 25))
                capacity = 6
                accessible = rng.random() < (0.25 if near else 0.08)
                kind = "P"
            site.append(
                Shelter(
                    shelter_id=f"{block}-{kind}{k + 1:03d}",
                    block=block,
                    covered_m2=covered,
                    capacity=capacity,
                    accessible=bool(accessible),
                    near_facilities=bool(near),
                )
            )

    weights = 1.0 / np.arange(1, origins + 1) ** 0.8
    places = rng.choice(origins, size=households, p=weights / weights.sum())
    sizes = np.clip(1 + rng.poisson(3.7, size=households), 1, 15)
    days = rng.integers(0, 730, size=households)
    people: list[Household] = []
    for n in range(households):
        needs: set[str] = set()
        roll = rng.random(8)
        if roll[0] < 0.05:
            needs.add("DS")
        if roll[1] < 0.035:
            needs.add("ER")
        if roll[2] < 0.04:
            needs.add("WR")
        if roll[3] < 0.06 and sizes[n] > 1:
            needs.add("SP")
        if roll[4] < 0.01:
            needs.add("SC")
        if roll[5] < 0.02:
            needs.add("SM")
        if roll[6] < 0.02:
            needs.add("CR")
        people.append(
            Household(
                household_id=f"H{n + 1:06d}",
                size=int(sizes[n]),
                origin=f"Origin {int(places[n]) + 1:02d}",
                needs=frozenset(needs),
                registered_on=FIRST_ARRIVAL + timedelta(days=int(days[n])),
            )
        )
    return site, people
