"""Name normalisation for tolerant search.

Four keys are stored per person (`search_keys`):
- search_name: the names as written, lower case, accents folded, German umlaut spellings
  unified and doubled letters collapsed (Müller, Mueller and Muller all become "muler"); names
  in their own script stay in it (a query in Arabic script finds them);
- search_latin: the same names in Latin letters: Cyrillic, Arabic, Greek … transliterated with
  anyascii (Юсуф -> "yusuf"; Arabic script writes no short vowels, so يوسف -> "yusf");
- search_skeleton: the consonant skeleton of each Latin word with doubled letters collapsed,
  so that common transliterations of the same name meet (Mohammed, Muhammad, Mohamad -> "mhmd");
- search_phonetic: a sound key per word after the classes of the Kölner Phonetik (letters
  that sound alike share a digit; vowels, J, Y and H carry none but a "0" for a first vowel),
  space-padded: Youssef, Jusuf, Yusuf and يوسف share "083", Zahra and Sahra "87".
`app/households/services.py: search_persons` ranks matches: a whole word of search_name
(exact) before the start of a word (prefix), a transliteration or sound-alike (variant), and a
part of a word or the skeleton (fuzzy).
"""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple

from anyascii import anyascii
from sqlalchemy import Connection, column, select, table, update

_UMLAUT_SPELLINGS = (("ae", "a"), ("oe", "o"), ("ue", "u"))
_SPECIAL = str.maketrans({"ß": "ss", "ø": "o", "æ": "a", "œ": "o", "ł": "l", "đ": "d", "ı": "i"})
_VOWELS = set("aeiouy")
# Arabic script writes the long vowels with the letters for w, y and the alif; inside a word
# they are vowels (يوسف is Yusuf, not Ywsf), at its start consonants (وليد Walid, ياسر Yasir).
_ARABIC_LETTERS = re.compile(r"[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")
_ARABIC_VOWEL_LETTERS = {"\u0648": "u", "\u064a": "i", "\u06cc": "i", "\u0649": "a", "\u0627": "a"}
# A word's first alif (أحمد Ahmad) or ain (عمر Omar, علي Ali) is heard as its first vowel;
# anyascii writes the ain as a backtick, which folding drops.
_ARABIC_INITIAL_VOWELS = dict.fromkeys("\u0627\u0623\u0625\u0622\u0639", "a")


def fold(text: str) -> str:
    """Lower-case, strip accents, unify umlaut spellings; keeps non-Latin letters as they are."""
    text = unicodedata.normalize("NFKD", text.casefold().translate(_SPECIAL))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    for written, folded in _UMLAUT_SPELLINGS:
        text = text.replace(written, folded)
    text = re.sub(r"[^\w]+", " ", text)
    return " ".join(text.split())


def _arabic_vowels(word: str) -> str:
    if not _ARABIC_LETTERS.search(word):
        return word
    first = _ARABIC_INITIAL_VOWELS.get(word[0], word[0])
    return first + "".join(_ARABIC_VOWEL_LETTERS.get(ch, ch) for ch in word[1:])


def latin(text: str) -> str:
    """`fold` of the text in Latin letters (any script transliterated by anyascii)."""
    folded = " ".join(_arabic_vowels(word) for word in fold(text).split())
    return fold(anyascii(folded))


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
    return " ".join(_word_skeleton(w) for w in latin(text).split())


# Kölner Phonetik classes; vowels, j, y (and h, w inside Arabic words: see above) carry none.
_CODES = {
    **dict.fromkeys("aeijouy", ""),
    "h": "",
    "b": "1",
    "f": "3",
    "v": "3",
    "w": "3",
    "g": "4",
    "k": "4",
    "q": "4",
    "l": "5",
    "m": "6",
    "n": "6",
    "r": "7",
    "s": "8",
    "z": "8",
}


def _letter_code(word: str, i: int) -> str:
    ch = word[i]
    before = word[i - 1] if i else ""
    after = word[i + 1] if i + 1 < len(word) else ""
    if ch == "p":
        return "3" if after == "h" else "1"
    if ch in "dt":
        return "8" if after in ("c", "s", "z") and after else "2"
    if ch == "c":
        if i == 0:
            return "4" if after and after in "ahkloqrux" else "8"
        return "4" if after and after in "ahkoqux" and before not in ("s", "z") else "8"
    if ch == "x":
        return "8" if before and before in "ckq" else "48"
    return _CODES.get(ch, "")


def _word_sound(word: str) -> str:
    """The word's consonant classes, repeats collapsed, after "0" when it starts with a vowel
    (as in the original algorithm). Unlike the original, vowels inside the word are dropped
    before collapsing: scripts without short vowels (محمد -> "mhmd") then meet their voweled
    spellings (Mohammed)."""
    lead = "0" if word[:1] in _VOWELS or word[:1] == "j" else ""
    return lead + squeeze("".join(_letter_code(word, i) for i in range(len(word))))


def phonetic(text: str) -> str:
    """Space-separated sound keys of the words (words without any consonant left out)."""
    return " ".join(code for code in (_word_sound(w) for w in latin(text).split()) if code)


class SearchKeys(NamedTuple):
    name: str
    skeleton: str
    latin: str
    phonetic: str


# The keys' columns (Person.search_*): folding can make text longer (NFKD turns one ligature
# such as U+FDFA into 18 letters), so they are cut to fit and PostgreSQL never refuses a row.
KEY_LENGTHS = SearchKeys(name=400, skeleton=400, latin=400, phonetic=200)


def search_keys(*names: str) -> SearchKeys:
    joined = " ".join(n for n in names if n)
    sound = phonetic(joined)
    keys = SearchKeys(
        name=squeeze(fold(joined)),
        skeleton=skeleton(joined),
        latin=squeeze(latin(joined)),
        # padded, so that a query's key matches whole words only (" 083 " is not in " 0836 ")
        phonetic=f" {sound} " if sound else "",
    )
    return SearchKeys(*(key[:length] for key, length in zip(keys, KEY_LENGTHS, strict=True)))


_PERSON = table(
    "person",
    column("id"),
    column("given_name"),
    column("family_name"),
    column("native_name"),
    column("search_name"),
    column("search_skeleton"),
    column("search_latin"),
    column("search_phonetic"),
)


def rebuild_search_keys(conn: Connection, chunk: int = 1000) -> int:
    """Recompute every person's stored keys (after a change of their form: migration 0016 and
    `flask search-keys rebuild`). Anonymised persons keep their empty keys. Returns how many
    rows changed."""
    p = _PERSON.c
    changed = 0
    last_id = 0
    while True:
        rows = conn.execute(
            select(p.id, p.given_name, p.family_name, p.native_name, p.search_name)
            .where(p.id > last_id)
            .order_by(p.id)
            .limit(chunk)
        ).all()
        if not rows:
            return changed
        for person_id, given, family, native, stored_name in rows:
            last_id = person_id
            if not stored_name:  # anonymised (app/privacy/retention.py): stays unfindable
                continue
            keys = search_keys(given, family, native)
            result = conn.execute(
                update(_PERSON)
                .where(p.id == person_id)
                .where(
                    (p.search_name != keys.name)
                    | (p.search_skeleton != keys.skeleton)
                    | (p.search_latin != keys.latin)
                    | (p.search_phonetic != keys.phonetic)
                )
                .values(
                    search_name=keys.name,
                    search_skeleton=keys.skeleton,
                    search_latin=keys.latin,
                    search_phonetic=keys.phonetic,
                )
            )
            changed += result.rowcount


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
