"""The code printed as a QR on a ration card.

A household's first card reads `EC1:<household number>:<signature>`; a card issued later, to
replace a lost or damaged one, reads `EC2:<household number>:<issue>:<signature>`, so the
old card can be refused once the new one is out (`RationCard` records which issue is
current). The signature is an HMAC-SHA256 of the number (and the issue) under a key derived
from settings.SECRET_KEY for this purpose only, so a forged card or an altered number or
issue is rejected. The code holds no name or other personal data beyond the household
number."""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass

from django.utils.crypto import constant_time_compare, salted_hmac

VERSION = "EC1"
REISSUED = "EC2"
PURPOSE = "edgecamp.distributions.ration-card.v1"
SIGNATURE_BYTES = 15  # 120 bits, 24 base32 characters: short enough to type from the card
MAX_ISSUE = 999
_NUMBER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,19}$")
_ISSUE = re.compile(r"^[1-9][0-9]{0,2}$")


class InvalidCard(ValueError):
    """The text is not a ration-card code signed by this operation."""


@dataclass(frozen=True)
class CardRef:
    """What a valid code names: the household and which of its cards (1: the first)."""

    number: str
    issue: int = 1


def card_code(household_number: str, issue: int = 1) -> str:
    if issue == 1:
        return f"{VERSION}:{household_number}:{_signature(household_number)}"
    if not 1 < issue <= MAX_ISSUE:
        raise ValueError(f"card issue must be between 1 and {MAX_ISSUE}")
    return f"{REISSUED}:{household_number}:{issue}:{_signature(f'{household_number}:{issue}')}"


def read_card(text: str) -> CardRef:
    """The household number (upper case) and card issue in a scanned or typed code; raises
    InvalidCard otherwise. Case does not matter, so a clerk can type the printed code."""
    parts = "".join(text.split()).upper().split(":")
    if len(parts) == 3 and parts[0] == VERSION and _NUMBER.match(parts[1]):
        number, issue, signed = parts[1], 1, parts[1]
    elif (
        len(parts) == 4
        and parts[0] == REISSUED
        and _NUMBER.match(parts[1])
        and _ISSUE.match(parts[2])
        and parts[2] != "1"
    ):
        number, issue, signed = parts[1], int(parts[2]), f"{parts[1]}:{parts[2]}"
    else:
        raise InvalidCard("not a ration-card code")
    if not constant_time_compare(parts[-1], _signature(signed)):
        raise InvalidCard("signature does not match")
    return CardRef(number, issue)


def read_card_code(text: str) -> str:
    """The household number in a scanned or typed code (see `read_card`)."""
    return read_card(text).number


def _signature(message: str) -> str:
    digest = salted_hmac(PURPOSE, message.upper(), algorithm="sha256").digest()
    return base64.b32encode(digest[:SIGNATURE_BYTES]).decode("ascii")
