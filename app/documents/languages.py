"""The languages of client documents.

Each language has its own code (ISO 639, as staff know them: prs for Dari, kmr for Kurmanji,
ckb for Sorani), a German and a native name, and the CLDR locale Babel knows it by. The
writing direction is not listed here: it comes from CLDR (`Locale.character_order`), so a
language added later gets it right without anyone remembering that Sorani and Pashto are
written right to left and Kurmanji (Latin script) left to right."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from babel import Locale


@dataclass(frozen=True)
class Language:
    code: str
    german: str  # German name, for staff
    native: str  # own name, for the client
    cldr: str  # Babel/CLDR locale identifier

    @property
    def direction(self) -> str:
        return direction_of(self.cldr)

    @property
    def rtl(self) -> bool:
        return self.direction == "rtl"

    @property
    def label(self) -> str:
        """'Arabisch – العربية' for selectors (German first, staff choose)."""
        return self.german if self.code == "de" else f"{self.german} – {self.native}"


GERMAN = "de"

LANGUAGES: dict[str, Language] = {
    lang.code: lang
    for lang in (
        Language("de", "Deutsch", "Deutsch", "de"),
        Language("en", "Englisch", "English", "en"),
        Language("fr", "Französisch", "Français", "fr"),
        Language("ar", "Arabisch", "العربية", "ar"),
        Language("prs", "Dari", "دری", "fa_AF"),
        Language("fa", "Persisch (Farsi)", "فارسی", "fa"),
        Language("kmr", "Kurdisch (Kurmandschi)", "Kurmancî", "ku"),
        Language("ckb", "Kurdisch (Sorani)", "کوردیی ناوەندی", "ckb"),
        Language("uk", "Ukrainisch", "Українська", "uk"),
        Language("ru", "Russisch", "Русский", "ru"),
        Language("tr", "Türkisch", "Türkçe", "tr"),
        Language("ti", "Tigrinya", "ትግርኛ", "ti"),
        Language("so", "Somali", "Soomaali", "so"),
        Language("ps", "Paschtu", "پښتو", "ps"),
    )
}

# Codes stored before this registry existed (consent records of form version 2026-1).
ALIASES = {"ku": "kmr"}


@cache
def direction_of(locale: str) -> str:
    """'rtl' or 'ltr' from CLDR's character order of `locale` (any locale Babel knows)."""
    order = Locale.parse(locale).character_order
    return "rtl" if order == "right-to-left" else "ltr"


def get(code: str | None) -> Language | None:
    code = (code or "").strip()
    code = ALIASES.get(code, code)
    return LANGUAGES.get(code)


def choices() -> list[tuple[str, str]]:
    return [(lang.code, lang.label) for lang in LANGUAGES.values()]


# Words staff write into a person's "Sprachen" field (free text) -> code.
_SPOKEN = {
    "arabisch": "ar",
    "dari": "prs",
    "persisch": "fa",
    "farsi": "fa",
    "kurmandschi": "kmr",
    "kurmanci": "kmr",
    "kurmancî": "kmr",
    "sorani": "ckb",
    "ukrainisch": "uk",
    "russisch": "ru",
    "türkisch": "tr",
    "tigrinya": "ti",
    "tigrinisch": "ti",
    "somali": "so",
    "paschtu": "ps",
    "paschto": "ps",
    "pashto": "ps",
    "englisch": "en",
    "französisch": "fr",
    "deutsch": "de",
}


def preferred(languages_field: str | None) -> str:
    """The first document language found in a person's free-text languages field
    ('Arabisch, Französisch' -> 'ar'; a code such as 'ckb' is taken as it is); German when
    none is known. German is skipped when another language follows (the document is
    bilingual anyway)."""
    found: list[str] = []
    for part in (languages_field or "").replace(";", ",").replace("/", ",").split(","):
        word = part.strip().casefold()
        code = ALIASES.get(word, word)
        code = code if code in LANGUAGES else _SPOKEN.get(word)
        if code:
            found.append(code)
    for code in found:
        if code != GERMAN:
            return code
    return GERMAN
