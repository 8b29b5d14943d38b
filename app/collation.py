"""German sort order for names (DIN 5007-1, "dictionary order") without ICU.

ä, ö, ü sort as a, o, u, ß as ss, other accents are ignored and case does not matter, so
"Göppingen" comes before "Gruibingen" and "Özdemir" among the O. Words are compared one after
the other ("Bad Boll" before "Badberg"). Names that are equal at that level are told apart by
their accents (unaccented first) and then by case (lower case first), so the order is always
the same.

`sort_key` is for sorting in Python; `sort_text` gives the same order as a plain string for a
database column that is compared byte by byte (collation "C" on PostgreSQL, SQLite's default),
so paginated lists can be ordered in SQL (`Household.sort_key`, `Person.sort_key`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from operator import attrgetter
from typing import TypeVar

T = TypeVar("T")

# Letters NFKD does not take apart; ß is ss in DIN 5007-1.
_SPECIAL = str.maketrans(
    {"ß": "ss", "ẞ": "ss", "ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ı": "i"}
)
_NOT_WORD = re.compile(r"[\W_]+")
# Below every letter, digit and the space between words: parts, then levels.
PART_SEPARATOR = "\x1f"
LEVEL_SEPARATOR = "\x1e"


def _words(text: str) -> str:
    return " ".join(_NOT_WORD.sub(" ", text).split())


def primary(text: str) -> str:
    """The letters DIN 5007-1 compares: case, accents and punctuation removed."""
    text = unicodedata.normalize("NFKD", (text or "").casefold().translate(_SPECIAL))
    return _words("".join(ch for ch in text if not unicodedata.combining(ch)))


def secondary(text: str) -> str:
    """Case removed, accents kept: decides between names that are equal without accents."""
    return _words(unicodedata.normalize("NFC", (text or "").casefold()))


def sort_key(*parts: str | None) -> tuple:
    """Key for sorted(): part by part at the first level, then accents, then case (lower case
    first, as ICU does) and the text."""
    texts = [p or "" for p in parts]
    return (
        tuple(primary(t) for t in texts),
        tuple(secondary(t) for t in texts),
        tuple(t.swapcase() for t in texts),
    )


def sort_text(*parts: str | None, length: int | None = None) -> str:
    """The same order as sort_key as one string (byte order), cut to a column's length."""
    texts = [p or "" for p in parts]
    text = (
        PART_SEPARATOR.join(primary(t) for t in texts)
        + LEVEL_SEPARATOR
        + PART_SEPARATOR.join(secondary(t) for t in texts)
    )
    return text[:length] if length else text


def sorted_by_name(
    items: Iterable[T], name: Callable[[T], str | tuple[str | None, ...] | None] | None = None
) -> list[T]:
    """Items in German name order; `name` gives the name (or several parts) of an item, by
    default its `name` attribute. Equal names keep their order (sorted() is stable)."""
    get = name or attrgetter("name")

    def key(item: T) -> tuple:
        value = get(item)
        return sort_key(*value) if isinstance(value, tuple) else sort_key(value)

    return sorted(items, key=key)
