"""Helpers for routes that print client documents: which language, and the selector."""

from __future__ import annotations

from flask import request

from app.documents.catalogue import Document, document
from app.documents.languages import LANGUAGES, get, preferred

STYLESHEETS = ("client-docs.css",)


def chosen(person_languages: str | None = "") -> Document:
    """The language asked for (?lang=code), else the first document language in the
    person's languages field, else German."""
    asked = get(request.args.get("lang"))
    return document(asked.code if asked else preferred(person_languages))


def selector_options() -> list[tuple[str, str]]:
    """(code, label) for a <select>: German name, then the own name isolated with
    FSI…PDI (an <option> holds no <bdi>), so 'Arabisch – العربية' keeps its order."""
    return [
        (
            lang.code,
            lang.german if lang.code == "de" else f"{lang.german} – \u2068{lang.native}\u2069",
        )
        for lang in LANGUAGES.values()
    ]
