"""Entitlement rules, free of Django: how much of an item a household of a given size gets.

- per person: quantity times household size
- per household: quantity, whatever the size
- size bands: the quantity of the band the size falls in (bands are inclusive; an open band
  has no maximum); a size outside every band gets nothing
- a cap, when set, limits the result of any basis
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

PER_PERSON = "per_person"
PER_HOUSEHOLD = "per_household"
SIZE_BANDS = "size_bands"
BASES = (PER_PERSON, PER_HOUSEHOLD, SIZE_BANDS)


@dataclass(frozen=True)
class SizeBand:
    min_size: int
    max_size: int | None  # None: and larger
    quantity: Decimal

    def contains(self, size: int) -> bool:
        return size >= self.min_size and (self.max_size is None or size <= self.max_size)


@dataclass(frozen=True)
class Rule:
    basis: str
    quantity: Decimal | None = None
    bands: Sequence[SizeBand] = ()
    cap: Decimal | None = None


def entitled_quantity(rule: Rule, household_size: int) -> Decimal:
    if household_size <= 0:
        return Decimal(0)
    if rule.basis == PER_PERSON:
        amount = (rule.quantity or Decimal(0)) * household_size
    elif rule.basis == PER_HOUSEHOLD:
        amount = rule.quantity or Decimal(0)
    elif rule.basis == SIZE_BANDS:
        band = next((b for b in rule.bands if b.contains(household_size)), None)
        amount = band.quantity if band is not None else Decimal(0)
    else:
        raise ValueError(f"unknown basis {rule.basis!r}")
    if rule.cap is not None:
        amount = min(amount, rule.cap)
    return amount


def parse_bands(raw: Sequence[Mapping[str, Any]]) -> list[SizeBand]:
    """Bands from their JSON form; raises ValueError with a message a clerk can act on."""
    bands = []
    for index, entry in enumerate(raw):
        try:
            low = int(entry["min"])
            high = None if entry.get("max") in (None, "") else int(entry["max"])
            quantity = Decimal(str(entry["quantity"]))
        except (KeyError, TypeError, ValueError, InvalidOperation) as error:
            raise ValueError(
                f"band {index + 1}: give min, max (empty for 'and more') and quantity"
            ) from error
        if low < 1 or (high is not None and high < low) or quantity < 0:
            raise ValueError(f"band {index + 1}: sizes from 1 up, max ≥ min, quantity ≥ 0")
        bands.append(SizeBand(low, high, quantity))
    ordered = sorted(bands, key=lambda b: b.min_size)
    for before, after in itertools.pairwise(ordered):
        if before.max_size is None or before.max_size >= after.min_size:
            raise ValueError(f"bands starting at {before.min_size} and {after.min_size} overlap")
    return ordered
