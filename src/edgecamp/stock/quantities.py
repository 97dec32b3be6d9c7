"""How large a quantity, and how long a list of lines, may be: defined once here and used by
the models, the forms, the API schemas and the services (which the CLI and its CSV files go
through), so a number is refused at the door with the same message, naming its field, on
every path and every database.

The columns hold 14 digits with 3 decimals (99 999 999 999.999). One quantity entered by
someone (a receipt, a pledge line, a count, an entitlement) is bounded well below that, at
what a camp's supply can plausibly move at once, so that a balance (the sum of many of them)
has room; a movement that would take a balance past what the column holds is refused too.
SQLite does not enforce the column's digits, so `QuantityField` reads back whatever an older
version let in, and the pages and the services that repair it keep working."""

from __future__ import annotations

import decimal
from decimal import Decimal
from typing import Any

from django import forms
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

QUANTITY: dict[str, int] = {"max_digits": 14, "decimal_places": 3}
STEP = Decimal("0.001")
# What a balance column holds.
MAX_BALANCE = Decimal("99999999999.999")
# One quantity entered at once: a billion units (a million tonnes of food in kg).
MAX_QUANTITY = Decimal("1000000000")
# Lines in one pledge, manifest or received list (a page, a request body, a CSV file).
MAX_LINES = 500


class QuantityField(models.DecimalField):  # type: ignore[type-arg]
    """A decimal column of the stock ledger that reads back whatever the database holds.

    Django checks a value read from SQLite against the column's 14 digits and fails the
    whole query otherwise; a balance that overflowed before the bounds existed would then
    break every page, redemption and count that reads it, including the count that repairs
    it. The column itself is an ordinary DecimalField (migrations see one)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        for key, value in QUANTITY.items():
            kwargs.setdefault(key, value)
        super().__init__(*args, **kwargs)

    @cached_property
    def context(self) -> decimal.Context:
        return decimal.Context(prec=decimal.MAX_PREC)

    def deconstruct(self) -> Any:
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.DecimalField", args, kwargs


def quantity_problem(
    quantity: Decimal, *, zero_allowed: bool = False, maximum: Decimal = MAX_QUANTITY
) -> str | None:
    """What is wrong with a quantity someone entered, in their words, or None."""
    if not quantity.is_finite() or quantity < 0 or (quantity == 0 and not zero_allowed):
        if zero_allowed:
            return _("Enter zero or more.")
        return _("Enter a quantity greater than zero.")
    if quantity > maximum:
        return too_large(maximum)
    if quantity != quantity.quantize(STEP, context=decimal.Context(prec=decimal.MAX_PREC)):
        return _("Use at most three decimals.")
    return None


def too_large(maximum: Decimal = MAX_QUANTITY) -> str:
    return _("Too large: enter at most %(limit_value)s.") % {"limit_value": plain(maximum)}


def too_many_lines() -> str:
    return _("Too many lines: at most %(max)d in one go; split it into several.") % {
        "max": MAX_LINES
    }


def plain(quantity: Decimal) -> str:
    """12.500 -> "12.5", 3.000 -> "3": how quantities are written in messages."""
    text = f"{quantity:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def quantity_form_field(*, zero_allowed: bool = False, **kwargs: Any) -> forms.DecimalField:
    """A form's quantity box, bounded as the services bound it (the service says the same
    if it is reached another way). A text box rather than <input type=number>: styled like
    the other fields, no spinner, and phones still show the number pad."""
    kwargs.setdefault(
        "widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
    )
    return forms.DecimalField(
        decimal_places=QUANTITY["decimal_places"],
        max_value=MAX_QUANTITY,
        min_value=Decimal(0) if zero_allowed else None,
        error_messages={"max_value": gettext_lazy("Too large: enter at most %(limit_value)s.")},
        **kwargs,
    )


class QuantitySum(models.Sum):
    """The sum of a quantity column, exact on every database. SQLite adds decimals as floating
    point (receive 23 958.6 in parts and the sum reads 23958.5999999999); the sum is rounded back
    to the columns' three decimals, which restores the exact total while it stays below 2**53
    thousandths (nine thousand billion), far above what a column holds (MAX_BALANCE).
    PostgreSQL sums numerics exactly; the rounding changes nothing there."""

    def __init__(self, *expressions: Any, **extra: Any) -> None:
        extra.setdefault("output_field", QuantityField())
        super().__init__(*expressions, **extra)

    def convert_value(self, value: Any, expression: Any, connection: Any) -> Decimal | None:
        if value is None:
            return None
        exact = decimal.Context(prec=decimal.MAX_PREC)
        return exact.create_decimal(value).quantize(STEP, context=exact)
