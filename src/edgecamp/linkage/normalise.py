"""Normalisation for comparison: folded ASCII names with particles handled, a phonetic key for
transliterated names, phone numbers and dates. The original values are never changed; these
functions give the forms that are compared.

Names written in Arabic script are folded in that script (not transliterated): diacritics
(harakat, shadda, sukun, superscript alef) and tatweel are dropped, the alef and hamza-seat
forms (أ إ آ ٱ, ؤ, ئ) give their bare letter, ta marbuta gives ha and alef maqsura gives ya
(ة → ه, ى → ي), Persian and Urdu letter forms their Arabic ones (ک → ك, ی → ي). The article
(ال), the connectors (بن، بنت، ابن، ولد) and عبد/ابو are handled as in Latin letters, so
عبد الرحمن and عبدالرحمن agree. An Arabic-script key is therefore only ever equal to another
Arabic-script key: matching Arabic script against a Latin transliteration is not attempted
(an Arabic consonant skeleton drops the short vowels the Latin key needs: محمد gives "mhmd",
which keys like Mahmoud, not like Mohammed).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from functools import lru_cache

# Letters that NFKD does not decompose into ASCII.
# The letters below are the point of this table (hence the file's RUF001-3 exemption).
_TRANSLITERATION = str.maketrans(
    {
        "ß": "ss",
        "æ": "ae",
        "œ": "oe",
        "ø": "o",
        "ł": "l",
        "đ": "d",
        "ð": "d",
        "þ": "th",
        "ı": "i",
        "ħ": "h",
        "ŋ": "ng",
        # Apostrophes and ʿayn/hamza signs inside transliterated Arabic names (A'isha, Ma'mun).
        "'": "",
        "’": "",
        "ʿ": "",
        "ʾ": "",
        "`": "",
        # Arabic script: the letter forms a name is written with interchangeably.
        "\u0640": "",  # tatweel (kashida), a stretch of the line
        "\u0671": "\u0627",  # alef wasla → alef
        "\u0649": "\u064a",  # alef maqsura → ya
        "\u0629": "\u0647",  # ta marbuta → ha
        "\u06a9": "\u0643",  # Persian keheh → kaf
        "\u06cc": "\u064a",  # Persian ya → ya
        "\u06c1": "\u0647",  # Urdu heh goal → ha
    }
)
# The Arabic letters (hamza to ya) that folded text keeps; everything else non-ASCII goes.
_ARABIC_LETTERS = frozenset(chr(c) for c in range(0x0621, 0x064B))
_NON_ALNUM = re.compile(r"[^a-z0-9\u0621-\u064a]+")
_HAMZA = "\u0621"
# Connectors that say "son/daughter of" and carry no identity of their own.
_CONNECTORS = frozenset({"bin", "ben", "ibn", "binti", "bint", "binte", "ould", "walad"})
# The Arabic article, written apart ("El Nour", "Al-Nour"): joined to nothing, dropped.
_ARTICLES = frozenset({"al", "el", "ul"})
# Article written together with the name: Elnour, Alnour, Eltayeb. Only before a consonant and
# with at least three letters left, so Elisabeth, Aline and Alam keep theirs.
_JOINED_ARTICLE = re.compile(r"^(?:al|el)(?=[bcdfghjklmnpqrstvwxz][a-z]{2,})")
# "Abd" (servant of) in all its spellings, written apart or together with the divine name:
# Abdel Rahman, Abdul Rahman, Abd al-Rahman, Abderrahmane, Abdurrahman, Abdirahman.
_ABD_APART = frozenset({"abd", "abdel", "abdal", "abdul", "abdil", "abde", "abdoul"})
_ABU_APART = frozenset({"abu", "abou", "abo"})
# The same in Arabic script (folded: ابن and إبن are one).
_ARABIC_CONNECTORS = frozenset({"بن", "بنت", "ابن", "ولد"})
_ARABIC_ARTICLE = "ال"
_ARABIC_ABD = "عبد"
_ARABIC_ABU = "ابو"
# Abbreviations clerks write for the commonest names.
_ABBREVIATIONS = {"md": "mohammed", "mohd": "mohammed", "muhd": "mohammed", "mhd": "mohammed"}

# Phonetic key: digraphs first, then single letters. Voiced and voiceless stops collapse
# (Ahmed/Ahmet, Ishag/Ishaq/Ishak), and so do the spellings of one Arabic sound across
# transliteration schemes (kh/k, q/k, Somali x for ḥ).
_DIGRAPHS = (
    ("tsh", "s"),
    ("sch", "s"),
    ("sh", "s"),
    ("ch", "s"),
    ("kh", "k"),
    ("gh", "k"),
    ("dh", "t"),
    ("th", "t"),
    ("ph", "f"),
    ("dj", "j"),
    ("ck", "k"),
    ("ou", "u"),
)
_LETTERS = str.maketrans({"d": "t", "g": "k", "q": "k", "c": "k", "z": "s", "v": "f", "x": "h"})
_VOWELS = frozenset("aeiouyw")


@lru_cache(maxsize=262_144)
def fold(text: str) -> str:
    """NFKC, case folding and transliteration to ASCII; anything but letters and digits
    becomes one space. `"  Moïse-ÉLISABETH "` → `"moise elisabeth"`. Arabic letters are kept,
    folded as the module says: `"فاطِمَة"` → `"فاطمه"`, `"إبراهيم"` → `"ابراهيم"`."""
    # NFKC turns Arabic presentation forms into letters; NFKD then splits a hamza or madda
    # off its seat (أ → ا + U+0654), and the combining marks go with the harakat.
    text = unicodedata.normalize("NFKC", text).casefold().translate(_TRANSLITERATION)
    decomposed = unicodedata.normalize("NFKD", text)
    kept = "".join(ch for ch in decomposed if ch.isascii() or ch in _ARABIC_LETTERS)
    return _NON_ALNUM.sub(" ", kept).strip()


@lru_cache(maxsize=262_144)
def name_tokens(name: str) -> tuple[str, ...]:
    """The words of a name as compared: folded, articles and connectors dropped, Abd/Abu joined
    to the following word, abbreviations expanded. Order is kept (callers sort when they compare
    order-insensitively)."""
    words = fold(name).split()
    if any(ch in _ARABIC_LETTERS for word in words for ch in word):
        return _arabic_tokens(words)
    tokens: list[str] = []
    index = 0
    while index < len(words):
        word = _ABBREVIATIONS.get(words[index], words[index])
        index += 1
        if word in _CONNECTORS or (word in _ARTICLES and index < len(words)):
            continue
        if (word in _ABD_APART or word in _ABU_APART) and index < len(words):
            following = words[index]
            index += 1
            # Abd al-Rahman: the article between Abd and the name goes too.
            if following in _ARTICLES and index < len(words):
                following = words[index]
                index += 1
            tokens.append(("abd" if word in _ABD_APART else "abu") + _strip_article(following))
            continue
        word = _strip_article(word)
        if word.startswith("abd") and len(word) >= 7:
            word = "abd" + _after_abd(word[3:])
        tokens.append(word)
    return tuple(tokens)


def _arabic_tokens(words: list[str]) -> tuple[str, ...]:
    """name_tokens for a name in Arabic script: عبد الرحمن, عبدالرحمن → عبدرحمن; ابو بكر →
    ابوبكر; محمد بن علي → محمد, علي; النور → نور (the article goes when three letters stay)."""
    tokens: list[str] = []
    index = 0
    while index < len(words):
        word = words[index]
        index += 1
        if word in _ARABIC_CONNECTORS or (word == _ARABIC_ARTICLE and index < len(words)):
            continue
        if word in (_ARABIC_ABD, _ARABIC_ABU) and index < len(words):
            following = words[index]
            index += 1
            tokens.append(word + _strip_arabic_article(following))
            continue
        if word.startswith(_ARABIC_ABD + _ARABIC_ARTICLE):
            word = _ARABIC_ABD + _strip_arabic_article(word[len(_ARABIC_ABD) :])
        else:
            word = _strip_arabic_article(word)
        tokens.append(word)
    return tuple(tokens)


def _strip_arabic_article(word: str) -> str:
    if word.startswith(_ARABIC_ARTICLE) and len(word) >= len(_ARABIC_ARTICLE) + 3:
        return word[len(_ARABIC_ARTICLE) :]
    return word


def _after_abd(rest: str) -> str:
    """The name after a joined Abd-: Abdelaziz and Abdiaziz → aziz, Abdullahi → lahi,
    Abderrahmane and Abdurrahman (the article assimilated, doubling the letter) → rahman…"""
    if rest[0] not in "aeiou":
        return rest
    # The article (Abd-el-aziz), or an assimilated one doubling the next letter (Abd-er-rahman).
    article = (rest[1] == "l" and len(rest) >= 5) or rest[1] == rest[2]
    stripped = rest[2:] if article else rest[1:]
    return stripped if len(stripped) >= 3 else rest


def _strip_article(word: str) -> str:
    return _JOINED_ARTICLE.sub("", word)


@lru_cache(maxsize=262_144)
def phonetic_key(token: str) -> str:
    """A consonant skeleton for names written in several transliterations: Mohammed, Muhammad,
    Mohamed, Mohamad, Mahamat and Maxamed all give "mhmt"; Mahmoud gives "mmt".

    Rules: double letters count once; digraphs map to one sound (sh/ch/tsh → s, kh/gh → k,
    th/dh → t, ph → f); voiced stops become voiceless (d → t, g/q/c → k), z → s, v → f,
    Somali x → h; vowels, w and y are dropped except as the first letter; h is kept only first
    or between vowels (not before a final vowel), so Abdullah and Abdullahi agree.
    A token without consonants keys to itself. An Arabic-script token keys to its folded
    letters without hamza, doubled letters once (حواء and حوا agree; محمد and محمود do not).
    """
    word = fold(token).replace(" ", "")
    if not word:
        return ""
    if word[0] in _ARABIC_LETTERS:
        word = word.replace(_HAMZA, "")
        return "".join(ch for i, ch in enumerate(word) if i == 0 or ch != word[i - 1])
    for digraph, sound in _DIGRAPHS:
        word = word.replace(digraph, sound)
    word = word.translate(_LETTERS)
    collapsed = [word[0]]
    for ch in word[1:]:
        if ch != collapsed[-1]:
            collapsed.append(ch)
    key: list[str] = []
    last = len(collapsed) - 1
    for position, ch in enumerate(collapsed):
        if ch in _VOWELS:
            if position == 0 and ch in "wy":
                key.append(ch)
            continue
        if ch == "h" and position > 0:
            before = collapsed[position - 1] in _VOWELS
            after = position < last and collapsed[position + 1] in _VOWELS
            if not (before and after and position + 1 < last):
                continue
        key.append(ch)
    return "".join(key) or word


@lru_cache(maxsize=262_144)
def name_key(name: str) -> str:
    """The phonetic keys of a name's tokens, sorted and joined by spaces (order-insensitive)."""
    return " ".join(sorted(phonetic_key(t) for t in name_tokens(name)))


def comparable_name(name: str) -> str:
    """The folded tokens of a name, sorted and joined by spaces (order-insensitive)."""
    return " ".join(sorted(name_tokens(name)))


def place_key(place: str) -> str:
    """Places: El Fasher, Al Fashir and El Fashir agree; tokens keep their order."""
    return " ".join(phonetic_key(t) for t in name_tokens(place))


_NOT_ALNUM_UPPER = re.compile(r"[^A-Z0-9]+")


def document_key(number: str) -> str:
    """A document number as compared: upper case, letters and digits only ("ab-123 456" and
    "AB123456" agree)."""
    return _NOT_ALNUM_UPPER.sub("", number.upper())


_DIGITS = re.compile(r"\D+")
PHONE_DIGITS = 8


def phone_key(phone: str) -> str:
    """The last 8 digits of a phone number: the same number written +249 912 345 678,
    0912 345 678 or 0912345678 agrees. Fewer than 6 digits is no number."""
    digits = _DIGITS.sub("", phone)
    if len(digits) < 6:
        return ""
    return digits[-PHONE_DIGITS:]


EXACT = "exact"
YEAR = "year"
ESTIMATED = "estimated"
DOB_PRECISIONS = (EXACT, YEAR, ESTIMATED)

_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")
_COMPACT = re.compile(r"^\s*(\d{4})(\d{2})(\d{2})\s*$")
_YEAR_ONLY = re.compile(r"^\s*(\d{4})\s*$")


def parse_date(text: str) -> tuple[date | None, str]:
    """A date written YYYY-MM-DD or YYYYMMDD (or a bare year) and its precision; `(None, "")`
    for a blank; raises ValueError for anything else. 1 January is taken as an estimate
    (registration's convention for a guessed year)."""
    if not text.strip():
        return None, ""
    year_only = _YEAR_ONLY.match(text)
    if year_only is not None:
        return date(int(year_only.group(1)), 1, 1), YEAR
    match = _ISO.match(text) or _COMPACT.match(text)
    if match is None:
        raise ValueError(f"{text!r} is not a date (YYYY-MM-DD or YYYYMMDD)")
    born = date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    return born, precision_of(born)


def precision_of(born: date) -> str:
    return ESTIMATED if (born.month, born.day) == (1, 1) else EXACT
