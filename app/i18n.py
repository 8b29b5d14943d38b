"""Interface languages (Flask-Babel): German is the source and default, English the second.

Message ids are the German texts. Catalogues live in app/translations/<locale>/LC_MESSAGES as
.po files (reviewable text in git); the binary .mo files are compiled from them into the
instance folder when missing or older, so a fresh clone needs no build step.
"""

from __future__ import annotations

import os
from datetime import date, datetime
from pathlib import Path

from babel.dates import format_date, format_time
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, current_app, request
from flask_babel import Babel, get_locale
from flask_login import current_user

from app.timeutil import to_local

SOURCE_DIR = Path(__file__).resolve().parent / "translations"
UI_LOCALES: dict[str, str] = {"de": "Deutsch", "en": "English"}
DEFAULT_LOCALE = "de"

babel = Babel()


def select_locale() -> str:
    """The user's saved choice, else the browser's preference, else German."""
    choice = getattr(current_user, "locale", None) if current_user else None
    if choice in UI_LOCALES:
        return choice
    if request:
        best = request.accept_languages.best_match(list(UI_LOCALES))
        if best:
            return best
    return DEFAULT_LOCALE


def compile_catalogues(source: Path, target: Path) -> list[Path]:
    """Compile every .po under `source` to a .mo under `target` when it is missing or stale."""
    written = []
    for po in sorted(source.glob("*/LC_MESSAGES/*.po")):
        mo = target / po.relative_to(source).with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        mo.parent.mkdir(parents=True, exist_ok=True)
        with po.open("rb") as handle:
            catalogue = read_po(handle, locale=po.parts[-3])
        # Own temporary name per process: workers or test runs starting together never write
        # into one another's file.
        tmp = mo.with_suffix(f".{os.getpid()}.tmp")
        with tmp.open("wb") as handle:
            write_mo(handle, catalogue)
        tmp.replace(mo)  # atomic: a parallel worker never reads half a file
        written.append(mo)
    return written


def init_i18n(app: Flask) -> None:
    target = Path(app.instance_path) / "translations"
    compile_catalogues(SOURCE_DIR, target)
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LOCALE)
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "Europe/Berlin")
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(target)
    babel.init_app(app, locale_selector=select_locale)

    @app.context_processor
    def locale_context() -> dict:
        return {"ui_locale": str(get_locale() or DEFAULT_LOCALE), "ui_locales": UI_LOCALES}

    for name, function in FILTERS.items():
        app.add_template_filter(function, name)


def current_locale() -> str:
    return str(get_locale() or current_app.config.get("BABEL_DEFAULT_LOCALE", DEFAULT_LOCALE))


# --- formatting in the interface language ---------------------------------------------------
# German keeps the numeric forms staff type and read everywhere (25.11.2026, 14:30).


def local_date(value: date | datetime | None) -> str:
    """A date, or a UTC datetime shown in Berlin time, in the interface language."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        local = to_local(value)
        return f"{local_date(local.date())} {local_time(value)}" if local else ""
    return format_date(value, "medium", locale=current_locale())


def local_time(value: datetime | None) -> str:
    local = to_local(value)
    return format_time(local, "short", locale=current_locale()) if local else ""


def weekday_name(value: date) -> str:
    return format_date(value, "EEEE", locale=current_locale())


def local_timestamp(value: str) -> str:
    """An ISO UTC timestamp kept in a JSON snapshot (contact versions), shown locally."""
    try:
        return local_date(datetime.fromisoformat(value))
    except (TypeError, ValueError):
        return str(value)


def N_(message: str) -> str:
    """Marks a German text for the catalogues without translating it here: data stored in
    German (e.g. the default topics), translated where it is shown."""
    return message


FILTERS = {
    "local_date": local_date,
    "local_time": local_time,
    "weekday_name": weekday_name,
    "local_timestamp": local_timestamp,
}


# --- catalogue maintenance (flask translations update; checked by tests/test_i18n.py) ---------

ROOT = SOURCE_DIR.parent.parent
KEYWORDS = {
    "N_": None,
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "_l": None,
    "lazy_gettext": None,
    "lazy_ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "lazy_pgettext": ((1, "c"), 2),
}
METHOD_MAP = [
    ("app/documents/**.py", "ignore"),  # client documents have their own catalogues
    ("app/**.py", "python"),
    ("templates/**.html", "jinja2"),
]


def extract_messages():
    """The interface's message catalogue template, extracted from code and templates."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_dir

    template = Catalog(project="Wegbegleiter", fuzzy=False)
    for filename, lineno, message, comments, context in extract_from_dir(
        str(ROOT),
        method_map=METHOD_MAP,
        options_map={"templates/**.html": {"extensions": "jinja2.ext.i18n"}},
        keywords=KEYWORDS,
        comment_tags=("i18n:",),
    ):
        template.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return template


def catalogue_path(locale: str) -> Path:
    return SOURCE_DIR / locale / "LC_MESSAGES" / "messages.po"


def read_catalogue(locale: str):
    path = catalogue_path(locale)
    if not path.exists():
        from babel.messages.catalog import Catalog

        return Catalog(locale=locale, project="Wegbegleiter", fuzzy=False)
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def write_catalogue(locale: str, catalogue) -> None:
    from babel.messages.pofile import write_po

    path = catalogue_path(locale)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        # Sorted and without line numbers: entries move only when their text changes.
        write_po(handle, catalogue, sort_output=True, no_location=True, width=100)


def update_catalogues() -> dict[str, list[str]]:
    """Merge newly extracted texts into every interface catalogue; German fills itself (the
    message ids are German). Returns, per locale, the ids that still need a translation."""
    import copy

    template = extract_messages()
    missing: dict[str, list[str]] = {}
    for locale in UI_LOCALES:
        catalogue = read_catalogue(locale)
        # update() adopts the template's message objects: give each locale its own copy.
        catalogue.update(copy.deepcopy(template), no_fuzzy_matching=True)
        catalogue.obsolete.clear()
        for message in catalogue:
            if not message.id:
                continue
            if locale == DEFAULT_LOCALE:
                message.string = message.id
                message.flags.discard("fuzzy")
        write_catalogue(locale, catalogue)
        missing[locale] = untranslated(catalogue)
    return missing


def untranslated(catalogue) -> list[str]:
    gaps = []
    for message in catalogue:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            gaps.append(message.id if isinstance(message.id, str) else message.id[0])
    return gaps
