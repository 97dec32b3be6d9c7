"""No silent overwrite: HTTP's own conditional requests (RFC 9110 §8.8.3, §13) for the records
two people may edit at once.

A record's `ETag` is a strong validator computed from its representation (the JSON a GET
answers), so anything that changes what a reader saw (a correction, an event, a member born)
changes it; nothing is stored. A write that changes the record (`PATCH`) must send
`If-Match` with the ETag it read:

- missing → `428 Precondition Required` (`PreconditionRequired`),
- different from the record's current ETag → `412 Precondition Failed` with the current
  representation and its ETag (`Stale`), so the client can show both versions and choose,
- `*` matches any existing record (RFC 9110: "any current representation").

The check runs after the record's row is locked, in the write's transaction, so two writers
holding the same ETag are served one after the other: the second gets 412. Web forms do the
same with a hidden field holding the values the form was drawn from (`registry.corrections`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy

from edgecamp.core.errors import Refused


def etag_of(representation: Mapping[str, Any]) -> str:
    """The strong ETag (quoted, as the header carries it) of a JSON representation."""
    encoded = json.dumps(
        representation, sort_keys=True, separators=(",", ":"), default=str, ensure_ascii=False
    ).encode()
    return '"' + hashlib.sha256(encoded).hexdigest()[:40] + '"'


def if_match(request: HttpRequest) -> list[str] | None:
    """The entity tags of the request's If-Match header (`["*"]` for any), None when absent.
    Weak tags (`W/"…"`) never match for a write (strong comparison, RFC 9110 §13.1.1), so
    they are kept with their prefix."""
    header = request.headers.get("If-Match")
    if header is None:
        return None
    return [tag.strip() for tag in header.split(",") if tag.strip()]


class PreconditionRequired(Refused):
    status_code = 428
    detail = gettext_lazy(
        "Nothing was changed: send If-Match with the ETag of the record as you read it "
        "(GET it first), so that a change made meanwhile by someone else is not overwritten."
    )

    def __init__(self) -> None:
        super().__init__({"If-Match": [str(self.detail)]})


class Stale(Exception):
    """The record changed since the client read it: nothing was written. Carries what the
    record is now, for the answer (412) or the form (both values shown)."""

    status_code = 412
    detail = gettext_lazy(
        "Nothing was changed: the record was changed by someone else since you read it. "
        "“current” is the record as it is now; apply your change to it and send its ETag."
    )

    def __init__(self, current: Mapping[str, Any], etag: str) -> None:
        super().__init__(str(self.detail))
        self.current = current
        self.etag = etag


def check_if_match(request: HttpRequest, current: Mapping[str, Any]) -> str:
    """Raise unless the request's If-Match names `current` (the record's representation,
    read under its row lock); returns its ETag."""
    tags = if_match(request)
    if tags is None:
        raise PreconditionRequired()
    etag = etag_of(current)
    if "*" in tags or etag in tags:
        return etag
    raise Stale(current, etag)
