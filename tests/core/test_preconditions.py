"""Conditional writes (core.preconditions): the ETag of a representation, and If-Match
missing (428), stale (412 with the current representation) or current."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from edgecamp.core.preconditions import (
    PreconditionRequired,
    Stale,
    check_if_match,
    etag_of,
    if_match,
)

RECORD = {"number": "EDG-000001", "phone": "+249 912 345 678", "members": [{"id": 1}]}


def _request(header: str | None):
    headers = {} if header is None else {"HTTP_IF_MATCH": header}
    return RequestFactory().patch("/api/v1/households/EDG-000001", **headers)


def test_the_etag_is_a_quoted_strong_tag_that_follows_every_change():
    tag = etag_of(RECORD)
    assert tag.startswith('"')
    assert tag.endswith('"')
    assert not tag.startswith("W/")
    assert etag_of(dict(reversed(list(RECORD.items())))) == tag  # key order is not a change
    assert etag_of({**RECORD, "phone": "+249 912 345 679"}) != tag
    assert etag_of({**RECORD, "members": [{"id": 1}, {"id": 2}]}) != tag


def test_if_match_lists_the_tags_sent():
    assert if_match(_request(None)) is None
    assert if_match(_request('"a", W/"b" ,"c"')) == ['"a"', 'W/"b"', '"c"']
    assert if_match(_request("*")) == ["*"]


def test_a_write_without_if_match_is_refused_as_428():
    with pytest.raises(PreconditionRequired) as refused:
        check_if_match(_request(None), RECORD)
    assert refused.value.status_code == 428
    assert "If-Match" in refused.value.errors


def test_a_stale_tag_is_refused_with_the_current_representation():
    old = etag_of({**RECORD, "phone": ""})
    with pytest.raises(Stale) as stale:
        check_if_match(_request(old), RECORD)
    assert stale.value.status_code == 412
    assert stale.value.current == RECORD
    assert stale.value.etag == etag_of(RECORD)
    # A weak tag never matches for a write, even with the right value.
    with pytest.raises(Stale):
        check_if_match(_request("W/" + etag_of(RECORD)), RECORD)


def test_the_current_tag_or_a_star_passes():
    assert check_if_match(_request(etag_of(RECORD)), RECORD) == etag_of(RECORD)
    assert check_if_match(_request(f'"other", {etag_of(RECORD)}'), RECORD) == etag_of(RECORD)
    assert check_if_match(_request("*"), RECORD) == etag_of(RECORD)
