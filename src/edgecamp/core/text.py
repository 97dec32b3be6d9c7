"""One cleaning rule for every free-text value a person types or a client sends.

`clean_text` normalises to NFC (the same name typed on two keyboards is stored as the same
characters), drops invisible format characters that copy-and-paste brings along (zero-width
spaces, byte-order marks, bidirectional overrides that can make a name display as another),
collapses whitespace, and refuses what no person types: control characters (NUL, ESC...) and
lone surrogates, which the databases cannot store. Zero-width joiners and non-joiners are kept
between letters, where Persian, Arabic and Indic spellings need them, and dropped elsewhere, so
a name made only of invisible characters is an empty name.
"""

from __future__ import annotations

import re
import unicodedata

from django.utils.translation import gettext as _

# Invisible characters with no place in a name or a note: zero-width space, word joiner,
# byte-order mark, soft hyphen, directional marks, embeddings, overrides and isolates.
_INVISIBLE = re.compile(
    "[\u00ad\u180e\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)
# Joiners that are spelling between two letters (or marks), noise anywhere else.
_STRAY_JOINER = re.compile(r"(?<![^\W\d_])[\u200c\u200d]|[\u200c\u200d](?![^\W\d_])")
_SPACES = re.compile(r"[^\S\n]+")
_BLANK_LINES = re.compile(r"\n{3,}")


class TextRefused(ValueError):
    """A value holds characters nobody types; `message` says so, translated."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def clean_text(value: str, *, multiline: bool = False) -> str:
    """`value` cleaned by the rule above; line breaks survive only when `multiline` (notes),
    at most one blank line in a row. Raises TextRefused."""
    if any(unicodedata.category(ch) == "Cs" for ch in value):
        raise TextRefused(_("This text holds invalid characters; type it again."))
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    allowed = "\n\t" if multiline else "\t\n"
    if any(unicodedata.category(ch) == "Cc" and ch not in allowed for ch in value):
        raise TextRefused(
            _("This text holds control characters (such as NUL or ESC); type it again.")
        )
    value = unicodedata.normalize("NFC", value)
    value = _STRAY_JOINER.sub("", _INVISIBLE.sub("", value))
    if not multiline:
        return " ".join(value.split())
    lines = [_SPACES.sub(" ", line).strip() for line in value.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
