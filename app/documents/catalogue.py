"""The `documents` gettext domain: German msgids, one catalogue per client language.

Catalogues live as .po files only (translations/<code>/LC_MESSAGES/documents.po); no .mo is
kept in git or needed on disk. On first use in a process a catalogue is parsed with Babel's
`read_po`, compiled in memory with `write_mo` and loaded as `babel.support.Translations`
(the same object `Translations.load` would return from a .mo); the result is cached per
language. This works from a clean clone, in tests and in production alike, and costs a few
milliseconds once per language and worker.

Each .po carries a review header::

    "X-Review-Status: machine-made, awaits native-speaker review\\n"

or ``reviewed by <name>, <date>`` once a native speaker has checked it. Documents printed from
an unreviewed catalogue say so on the page (German and translated), and README's
"Translations" section lists the status of each catalogue (a test compares the two)."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from markupsafe import Markup, escape

from app.documents.languages import GERMAN, LANGUAGES, Language, get

DOMAIN = "documents"
TRANSLATIONS = Path(__file__).resolve().parent / "translations"
MACHINE_MADE = "machine-made"
_REVIEW = re.compile(r'^"X-Review-Status: (.*?)\\n"$', re.M)


def po_path(code: str) -> Path:
    return TRANSLATIONS / code / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def translations(code: str) -> Translations:
    """Compiled catalogue of `code` (German: no catalogue, msgids are the text)."""
    path = po_path(code)
    if code == GERMAN or not path.is_file():
        return Translations(domain=DOMAIN)  # empty: gettext returns the German msgid
    with path.open("rb") as fp:
        catalog = read_po(fp, locale=LANGUAGES[code].cldr, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return Translations(fp=buffer, domain=DOMAIN)


@cache
def review_status(code: str) -> str:
    """The X-Review-Status header of a catalogue ('' for German, which needs none)."""
    if code == GERMAN:
        return ""
    match = _REVIEW.search(po_path(code).read_text(encoding="utf-8"))
    return match.group(1).strip() if match else MACHINE_MADE


def is_reviewed(code: str) -> bool:
    status = review_status(code)
    return code == GERMAN or (bool(status) and not status.startswith(MACHINE_MADE))


def isolate(value: object) -> Markup:
    """Client data inside a sentence: its own bidi run, direction from its first letter."""
    return Markup('<bdi dir="auto">{}</bdi>').format(value)


class Label(str):
    """A fixed label used as a value inside another text (a goal's status, who is
    responsible): German in the German text, translated in the client's."""


def _fill(text: str, params: dict, gettext=None) -> Markup:
    if not params:
        return Markup(escape(text))
    values = {
        key: isolate(gettext(value) if gettext and isinstance(value, Label) else value)
        for key, value in params.items()
    }
    return Markup(escape(text)) % values


@dataclass(frozen=True)
class Document:
    """What a client-document template needs to know about its second language."""

    language: Language

    @property
    def code(self) -> str:
        return self.language.code

    @property
    def bilingual(self) -> bool:
        return self.language.code != GERMAN

    @property
    def dir(self) -> str:
        return self.language.direction

    @property
    def reviewed(self) -> bool:
        return is_reviewed(self.language.code)

    def de(self, msgid: str, **params: object) -> Markup:
        return _fill(msgid, params)

    def tr(self, msgid: str, **params: object) -> Markup:
        """`msgid` in the client's language; placeholders filled with isolated values."""
        gettext = translations(self.language.code).gettext
        return _fill(gettext(msgid), params, gettext)

    @staticmethod
    def label(msgid: str) -> Label:
        return Label(msgid)


def document(code: str | None) -> Document:
    return Document(get(code) or LANGUAGES[GERMAN])
