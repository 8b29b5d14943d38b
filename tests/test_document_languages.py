"""Language registry and `documents` catalogues of the client documents (issue 9)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from app.documents import catalogue
from app.documents.extract import all_msgids, template_msgids
from app.documents.languages import LANGUAGES, direction_of, get, preferred

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER = re.compile(r"%\(\w+\)s")
TRANSLATED = [code for code in LANGUAGES if code != "de"]


def test_registry_has_the_fourteen_languages_with_cldr_locales():
    assert list(LANGUAGES) == [
        "de",
        "en",
        "fr",
        "ar",
        "prs",
        "fa",
        "kmr",
        "ckb",
        "uk",
        "ru",
        "tr",
        "ti",
        "so",
        "ps",
    ]
    for lang in LANGUAGES.values():
        assert lang.german and lang.native
        assert direction_of(lang.cldr) in ("ltr", "rtl")  # Babel knows every locale


def test_direction_comes_from_cldr_not_from_a_list():
    rtl = {code for code, lang in LANGUAGES.items() if lang.rtl}
    assert rtl == {"ar", "prs", "fa", "ckb", "ps"}
    assert LANGUAGES["ckb"].direction == "rtl"  # Sorani: Arabic script
    assert LANGUAGES["ps"].direction == "rtl"
    assert LANGUAGES["kmr"].direction == "ltr"  # Kurmanji: Latin script
    assert LANGUAGES["ti"].direction == "ltr"  # Ethiopic
    # Locales that are not in the registry get their direction the same way.
    assert direction_of("he") == "rtl"
    assert direction_of("ur") == "rtl"
    assert direction_of("zh") == "ltr"
    assert direction_of("zh_Hant") == "ltr"


def test_unknown_codes_and_old_codes():
    assert get("xx") is None and get("") is None and get(None) is None
    assert get("ku").code == "kmr"  # consent records of form 2026-1 stored "ku"
    assert catalogue.document("xx").code == "de"


@pytest.mark.parametrize(
    "field,expected",
    [
        ("Arabisch, Deutsch", "ar"),
        ("Deutsch, Dari", "prs"),
        ("Sorani", "ckb"),
        ("kmr", "kmr"),
        ("Tigrinya; Englisch", "ti"),
        ("Chinesisch", "de"),
        ("", "de"),
    ],
)
def test_preferred_language_from_the_persons_languages(field, expected):
    assert preferred(field) == expected


def test_templates_mark_their_texts():
    found = template_msgids()
    assert "Terminkarte" in found and "Vereinbarte nächste Schritte" in found
    assert any(
        place.startswith("templates/consent/form_pdf.html")
        for place in found["Einwilligung in die Verarbeitung personenbezogener Daten"]
    )


@pytest.mark.parametrize("code", TRANSLATED)
def test_catalogue_is_complete(code):
    """Every msgid of the documents domain has a translation with the same placeholders,
    and the catalogue holds nothing else; no .mo file is needed (compiled in memory)."""
    path = catalogue.po_path(code)
    with path.open("rb") as fp:
        catalog = read_po(fp)
    messages = {m.id: m for m in catalog if m.id}
    assert set(messages) == all_msgids(), "run the extraction (docs/client-documents.md)"
    for msgid, message in messages.items():
        assert message.string and message.string.strip(), f"{code}: {msgid!r} untranslated"
        assert not message.fuzzy, f"{code}: {msgid!r} is fuzzy"
        assert sorted(PLACEHOLDER.findall(message.string)) == sorted(PLACEHOLDER.findall(msgid))
    assert not list(path.parent.glob("*.mo"))
    compiled = catalogue.translations(code)
    assert compiled.gettext("Terminkarte") == messages["Terminkarte"].string


def test_german_needs_no_catalogue():
    assert catalogue.translations("de").gettext("Terminkarte") == "Terminkarte"
    assert catalogue.is_reviewed("de")


def _readme_statuses() -> dict[str, str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Translations", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `(\w+)` \|[^|]*\|\s*([^|]+?)\s*\|$", section, re.M)
    return dict(rows)


def test_readme_lists_the_review_status_of_every_catalogue():
    """README's Translations table says, per language, what the .po header says: never
    'reviewed' for a machine-made catalogue."""
    listed = _readme_statuses()
    assert set(listed) == set(TRANSLATED)
    for code in TRANSLATED:
        status = catalogue.review_status(code)
        assert listed[code] == status, code
        assert catalogue.is_reviewed(code) == (not status.startswith("machine-made"))


def test_unreviewed_documents_say_so():
    doc = catalogue.document("ti")
    assert not doc.reviewed
    assert "Maschinelle Übersetzung" in doc.de(
        "Maschinelle Übersetzung – Prüfung durch Muttersprachler:in steht aus. "
        "Verbindlich ist der deutsche Text."
    )


def test_values_in_sentences_are_isolated_and_escaped():
    doc = catalogue.document("ar")
    html = str(doc.tr("Termin für %(name)s am %(date)s", name="<b>Samira</b>", date="01.02.2026"))
    assert '<bdi dir="auto">&lt;b&gt;Samira&lt;/b&gt;</bdi>' in html
    assert '<bdi dir="auto">01.02.2026</bdi>' in html
    label = str(doc.tr("Stand: %(status)s", status=doc.label("offen")))
    assert catalogue.translations("ar").gettext("offen") in label
