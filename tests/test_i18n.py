"""Interface translation: every visible text is marked, every catalogue entry exists, and the
locale follows the profile, then the browser, then German."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog

from app import i18n
from tests.i18n_scan import python_strings, template_strings

ROOT = Path(__file__).resolve().parent.parent
PENDING_FILE = ROOT / "tests" / "i18n_pending.txt"
# Seed data (stored in the database, editable by admins) and synthetic demo content are data,
# not interface text; client documents have catalogues of their own (app/documents).
NOT_INTERFACE = (
    "app/demo/",
    "app/officehours/demo.py",
    "app/indicators/catalogue.py",
    "app/documents/",
)


def _pending() -> set[str]:
    lines = PENDING_FILE.read_text().splitlines() if PENDING_FILE.exists() else []
    return {line.strip() for line in lines if line.strip() and not line.startswith("#")}


def _templates() -> list[Path]:
    return sorted((ROOT / "templates").rglob("*.html"))


def _modules() -> list[Path]:
    return [
        p
        for p in sorted((ROOT / "app").rglob("*.py"))
        if not p.relative_to(ROOT).as_posix().startswith(NOT_INTERFACE)
    ]


def _findings(path: Path) -> list[str]:
    return template_strings(path) if path.suffix == ".html" else python_strings(path)


@pytest.mark.parametrize(
    "path", _templates() + _modules(), ids=lambda p: p.relative_to(ROOT).as_posix()
)
def test_visible_text_is_marked_for_translation(path: Path) -> None:
    name = path.relative_to(ROOT).as_posix()
    findings = _findings(path)
    if name in _pending():
        assert findings, f"{name} is fully marked: remove it from tests/i18n_pending.txt"
        pytest.skip(f"{name}: marking pending ({len(findings)} texts)")
    assert findings == [], f"unmarked interface text in {name}"


def test_pending_list_names_existing_files() -> None:
    assert all((ROOT / name).exists() for name in _pending())


def test_every_marked_text_has_a_german_and_an_english_entry() -> None:
    template = i18n.extract_messages()
    wanted = {m.id for m in template if m.id}
    for locale in i18n.UI_LOCALES:
        catalogue = i18n.read_catalogue(locale)
        have = {m.id for m in catalogue if m.id}
        assert wanted - have == set(), f"{locale}: run `flask translations update`"
        assert i18n.untranslated(catalogue) == [], f"{locale}: entries without translation"
        problems = [(m.id, errors) for m, errors in catalogue.check() if errors]
        assert problems == [], f"{locale}: placeholders differ from the German text"


def test_extraction_finds_templates_python_and_lazy_labels() -> None:
    ids = {m.id for m in i18n.extract_messages()}
    assert "Abmelden" in ids  # templates/base.html
    assert "Die Sprache wurde gespeichert." in ids  # flash() in Python
    assert "Sprache der Oberfläche" in ids  # lazy form label


def test_scanner_reports_unmarked_text(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(
        '<h1>{{ _("Haushalte") }}</h1><p title="Hilfe">Noch offen: {{ n }}</p>'
        "<style>p { color: red }</style>{{ person.name }} · PDF"
    )
    assert template_strings(page) == ['title="Hilfe"', "Noch offen: …"]
    module = tmp_path / "m.py"
    module.write_text(
        '"""Doc string für Entwickler."""\n'
        "from flask import flash\n"
        'flash("Gespeichert.")\n'
        'flash(_("Gespeichert."))\n'
        'LABEL = "Bitte wählen"\n'
        'CODE = "home_visit"\n'
        'WEAK = "passwort123"  # i18n: not UI\n'
    )
    assert python_strings(module) == ["3: Gespeichert.", "5: Bitte wählen"]


def test_catalogues_compile_into_the_instance_folder(tmp_path: Path) -> None:
    written = i18n.compile_catalogues(i18n.SOURCE_DIR, tmp_path)
    assert {p.relative_to(tmp_path).as_posix() for p in written} == {
        f"{locale}/LC_MESSAGES/messages.mo" for locale in i18n.UI_LOCALES
    }
    assert i18n.compile_catalogues(i18n.SOURCE_DIR, tmp_path) == []  # up to date: nothing


def test_default_is_german_and_the_browser_can_ask_for_english(client) -> None:
    german = client.get("/login").get_data(as_text=True)
    assert '<html lang="de">' in german
    english = client.get("/login", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert '<html lang="en">' in english.get_data(as_text=True)
    french = client.get("/login", headers={"Accept-Language": "fr-FR"})
    assert '<html lang="de">' in french.get_data(as_text=True)


def test_profile_choice_beats_the_browser(app, login, county) -> None:
    browser = login("manager")
    page = browser.get("/account", headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert "Abmelden" in page
    response = browser.post("/account/language", data={"locale": "en"})
    assert response.status_code == 302
    page = browser.get("/account", headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert '<html lang="en">' in page
    assert "Sign out" in page and "Abmelden" not in page
    assert "The language has been saved." in page
    browser.post("/account/language", data={"locale": ""})
    page = browser.get("/account", headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert "Abmelden" in page


def test_unknown_language_is_refused_next_to_the_field(app, login, county) -> None:
    browser = login("manager")
    browser.post("/account/language", data={"locale": "xx"})
    with app.app_context():
        from app.accounts.models import User
        from app.extensions import db

        assert db.session.get(User, county.users["manager"].id).locale is None


def test_dates_and_times_follow_the_interface_language(app) -> None:
    moment = datetime(2026, 11, 25, 13, 30)  # UTC → 14:30 in Berlin
    with app.test_request_context(headers={"Accept-Language": "de"}):
        assert i18n.local_date(date(2026, 11, 25)) == "25.11.2026"
        assert i18n.local_date(moment) == "25.11.2026 14:30"
        assert i18n.weekday_name(date(2026, 11, 25)) == "Mittwoch"
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert i18n.local_date(date(2026, 11, 25)) == "Nov 25, 2026"
        assert i18n.local_time(moment) == "2:30\u202fPM"
        assert i18n.weekday_name(date(2026, 11, 25)) == "Wednesday"


def test_a_new_catalogue_starts_complete_for_german(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(i18n, "SOURCE_DIR", tmp_path)
    template = Catalog()
    template.add("Neu im Katalog")
    monkeypatch.setattr(i18n, "extract_messages", lambda: template)
    missing = i18n.update_catalogues()
    assert missing == {"de": [], "en": ["Neu im Katalog"]}
    assert i18n.read_catalogue("de").get("Neu im Katalog").string == "Neu im Katalog"
