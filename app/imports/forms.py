from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, HiddenField

from app.forms import Form, Select
from app.households import choices
from app.imports.parsing import FIELDS, IGNORE

UNKNOWN_COLUMN = _l("Unbekannte Spalte: bitte zuordnen oder „nicht übernehmen“ wählen.")


class UploadForm(Form):
    file = FileField(
        _l("Liste als XLSX oder CSV"),
        [FileRequired(_l("Bitte eine Datei auswählen."))],
        render_kw={"accept": ".xlsx,.csv,.txt"},
    )


class OptionsForm(Form):
    """The columns (added per file, see mapping_form) and where the households go."""

    token = HiddenField()
    team_id = Select(_l("Team"), coerce=int, validate_choice=True)
    manager_id = Select(_l("Zuständig"), coerce=int, validate_choice=True)
    municipality_id = Select(_l("Gemeinde, wenn die Datei keine nennt"), coerce=int)
    accommodation = Select(
        _l("Unterbringung, wenn die Datei keine nennt"),
        choices=list(choices.ACCOMMODATION.items()),
        default="follow_up",
    )


def column_choices() -> list[tuple[str, str]]:
    return [
        ("", _l("– bitte wählen –")),
        (IGNORE, _l("nicht übernehmen")),
        *FIELDS.items(),
    ]


def mapping_form(headers: list[str], **kwargs) -> OptionsForm:
    """An OptionsForm with one select per column (col_0, col_1, ...)."""

    class MappingForm(OptionsForm):
        pass

    for i, header in enumerate(headers):
        setattr(MappingForm, f"col_{i}", Select(header, choices=column_choices()))
    return MappingForm(**kwargs)


class ConfirmForm(Form):
    token = HiddenField()
    include_duplicates = BooleanField(_l("Zeilen mit möglichen Dubletten trotzdem anlegen"))
