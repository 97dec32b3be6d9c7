"""`{% load quantities %}` then `{{ balance.quantity|with_unit:balance.item.unit }}`: a quantity
as the reader writes it, localized digits and separators, the unit translated and in the
plural the number needs ("1 piece", "3 pieces", "12.5 kg"), where pages showed the unit code
(kg, piece) after a bare number."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.template.defaultfilters import floatformat
from django.utils.translation import ngettext, pgettext

register = template.Library()


def unit_label(unit: str, quantity: Any) -> str:
    """The unit of an item (stock.models.Item.Unit) for this quantity."""
    count = 1 if Decimal(str(quantity or 0)) == 1 else 2
    labels = {
        "kg": pgettext("unit symbol", "kg"),
        "l": pgettext("unit symbol", "l"),
        "piece": ngettext("piece", "pieces", count),
        "bar": ngettext("bar", "bars", count),
        "kit": ngettext("kit", "kits", count),
        "tablet": ngettext("tablet", "tablets", count),
    }
    return labels.get(unit, unit)


@register.filter
def with_unit(quantity: Any, unit: str) -> str:
    if quantity is None or quantity == "":
        return "—"
    # The decimals it has (at most three), grouped and localized ("1 234,5" in French).
    exact = Decimal(str(quantity))
    exponent = exact.normalize().as_tuple().exponent
    places = min(3, max(0, -exponent)) if isinstance(exponent, int) else 3
    return f"{floatformat(exact, f'{places}g')} {unit_label(unit, quantity)}"
