"""The code printed as a QR on a ration card: `EC1:<household number>:<signature>`.

The signature is an HMAC-SHA256 of the household number under a key derived from
settings.SECRET_KEY for this purpose only, so a forged card or an altered number is
rejected. The code holds no name or other personal data beyond the household number."""

from __future__ import annotations

import base64
import re

from django.utils.crypto import constant_time_compare, salted_hmac

VERSION = "EC1"
PURPOSE = "edgecamp.distributions.ration-card.v1"
SIGNATURE_BYTES = 15  # 120 bits, 24 base32 characters: short enough to type from the card
_NUMBER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,19}$")


class InvalidCard(ValueError):
    """The text is not a ration-card code signed by this operation."""


def card_code(household_number: str) -> str:
    return f"{VERSION}:{household_number}:{_signature(household_number)}"


def read_card_code(text: str) -> str:
    """The household number (upper case) in a scanned or typed code; raises InvalidCard
    otherwise. Case does not matter, so a clerk can type the printed code as it comes."""
    parts = "".join(text.split()).upper().split(":")
    if len(parts) != 3 or parts[0].upper() != VERSION or not _NUMBER.match(parts[1]):
        raise InvalidCard("not a ration-card code")
    number, signature = parts[1], parts[2]
    if not constant_time_compare(signature, _signature(number)):
        raise InvalidCard("signature does not match")
    return number


def _signature(household_number: str) -> str:
    digest = salted_hmac(PURPOSE, household_number.upper(), algorithm="sha256").digest()
    return base64.b32encode(digest[:SIGNATURE_BYTES]).decode("ascii")
