"""The database expressions the household search compares phone and document numbers by, as
written once here for the search (registry/search.py) and the expression indexes that serve it
(registry/models.py): an index serves a query only when both give the same expression.

- a document number without the separators people type inside it, in capitals;
- a phone number without separators, and its last `PHONE_TAIL` digits, which stay the same
  however the start is written (+234 816…, 0816…).
"""

from __future__ import annotations

from django.db.models import F, Func, Value
from django.db.models.functions import Replace, Right, Upper

# Characters people type inside phone and document numbers.
SEPARATORS = (" ", "-", "(", ")", "+", "/", ".")
# Digits of a phone number compared through the index; a longer number typed is then
# compared whole against the end of the stored one.
PHONE_TAIL = 7


def compacted(field: str) -> Func:
    expression: Func | F = F(field)
    for separator in SEPARATORS:
        expression = Replace(expression, Value(separator), Value(""))
    assert isinstance(expression, Func)
    return expression


def document_key_of(field: str) -> Func:
    return Upper(compacted(field))


def phone_tail_of(field: str) -> Func:
    return Right(compacted(field), PHONE_TAIL)
