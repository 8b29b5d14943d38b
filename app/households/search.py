"""Name normalisation for tolerant search.

Two keys are stored per person:
- search_name: lower case, accents folded, German umlaut spellings unified and doubled
  letters collapsed (Müller, Mueller and Muller all become "muler");
- search_skeleton: the consonant skeleton of each word with doubled letters collapsed, so that
  common transliterations of the same name meet (Mohammed, Muhammad, Mohamad -> "mhmd").
A query matches when its folded form is a substring of search_name, or, for queries of three
or more skeleton letters, when its skeleton is a substring of search_skeleton.
"""

from __future__ import annotations

import re
import unicodedata

_UMLAUT_SPELLINGS = (("ae", "a"), ("oe", "o"), ("ue", "u"))
_SPECIAL = str.maketrans({"ß": "ss", "ø": "o", "æ": "a", "œ": "o", "ł": "l", "đ": "d", "ı": "i"})
_VOWELS = set("aeiouy")


def fold(text: str) -> str:
    """Lower-case, strip accents, unify umlaut spellings; keeps non-Latin letters as they are."""
    text = unicodedata.normalize("NFKD", text.casefold().translate(_SPECIAL))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    for written, folded in _UMLAUT_SPELLINGS:
        text = text.replace(written, folded)
    text = re.sub(r"[^\w]+", " ", text)
    return " ".join(text.split())


def squeeze(text: str) -> str:
    """Collapse doubled letters: Haddad and Hadad, Mueller and Muler meet."""
    return re.sub(r"(.)\1+", r"\1", text)


def _word_skeleton(word: str) -> str:
    if len(word) > 2 and word.endswith("h") and word[-2] in _VOWELS:
        word = word[:-1]  # Samirah/Samira, Fatimah/Fatima
    consonants = [ch for i, ch in enumerate(word) if i == 0 or ch not in _VOWELS]
    collapsed: list[str] = []
    for ch in consonants:
        if not collapsed or collapsed[-1] != ch:
            collapsed.append(ch)
    return "".join(collapsed)


def skeleton(text: str) -> str:
    return " ".join(_word_skeleton(w) for w in fold(text).split())


def search_keys(*names: str) -> tuple[str, str]:
    joined = " ".join(n for n in names if n)
    return squeeze(fold(joined)), skeleton(joined)


_DATE_FULL = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_DATE_YEAR = re.compile(r"^(19|20)\d{2}$")


def parse_birth_query(query: str) -> tuple[int, int | None, int | None] | None:
    """'12.03.1990' -> (1990, 3, 12); '1990' -> (1990, None, None); anything else -> None."""
    query = query.strip()
    if m := _DATE_FULL.match(query):
        day, month, year = (int(g) for g in m.groups())
        return year, month, day
    if _DATE_YEAR.match(query):
        return int(query), None, None
    return None
