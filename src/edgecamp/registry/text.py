"""Name folding for search: the same person typed with or without accents, in any case."""

import unicodedata


def fold(value: str) -> str:
    """NFKD-decompose, drop combining marks, casefold and squeeze spaces."""
    decomposed = unicodedata.normalize("NFKD", value)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())
