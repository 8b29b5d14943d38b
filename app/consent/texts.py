"""Consent form: version and languages. The texts themselves are in the form's template
(templates/consent/form_pdf.html) as msgids of the `documents` gettext domain; their
translations are the catalogues in app/documents/translations (see README, "Translations",
for which are machine-made)."""

from __future__ import annotations

from app.documents.languages import ALIASES, LANGUAGES

FORM_VERSION = "2026-1"


def language_choices() -> list[tuple[str, str]]:
    """Form language of a recorded consent (codes of the document language registry)."""
    return [(lang.code, lang.label) for lang in LANGUAGES.values()]


def language_names() -> dict[str, str]:
    """code -> German name, including codes stored before the registry (ku = Kurmanji)."""
    names = {code: lang.german for code, lang in LANGUAGES.items()}
    names |= {old: LANGUAGES[new].german for old, new in ALIASES.items()}
    return names
