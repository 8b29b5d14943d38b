"""Forms for contacts, next steps, comments, deletion and the topic catalogue."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    FieldList,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from app.contacts import choices

try:  # WTForms >= 3.3 deprecates (value, label) tuples
    from wtforms.fields.choices import SelectChoice

    def opts(pairs, optgroup: str | None = None) -> list:
        return [SelectChoice(value, label, optgroup=optgroup) for value, label in pairs]

except ImportError:  # pragma: no cover - older WTForms

    def opts(pairs, optgroup: str | None = None) -> list:
        return list(pairs)


from app.forms import DATETIME_MESSAGE, INTEGER_MESSAGE, Form, GermanDateField, text
from app.timeutil import BERLIN, to_local, utcnow


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class ChipsField(SelectMultipleField):
    """Several checkboxes rendered as chips; rejects unknown values with a German message."""

    def __init__(self, label: str = "", validators=None, invalid_message: str = "", **kwargs):
        super().__init__(label, validators, **kwargs)
        self.invalid_message = invalid_message or _l("Ungültige Auswahl.")

    def process_formdata(self, valuelist: list[str]) -> None:
        try:
            self.data = [self.coerce(v) for v in valuelist]
        except (TypeError, ValueError) as exc:
            self.data = []
            raise ValueError(self.invalid_message) from exc

    def pre_validate(self, form) -> None:
        allowed = {value for value, *_ in self.iter_choices()}
        if self.data and any(value not in allowed for value in self.data):
            raise ValidationError(self.invalid_message)


class ChoiceRadioField(RadioField):
    def __init__(self, label: str = "", validators=None, invalid_message: str = "", **kwargs):
        super().__init__(label, validators, **kwargs)
        self.invalid_message = invalid_message or _l("Ungültige Auswahl.")

    def pre_validate(self, form) -> None:
        if self.data not in {value for value, *_ in self.iter_choices()}:
            raise ValidationError(self.invalid_message)


class OptionalIntegerField(IntegerField):
    """A whole number that may be left empty (None); German message for anything else."""

    def process_formdata(self, valuelist: list[str]) -> None:
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        try:
            self.data = int(valuelist[0].strip())
        except ValueError as exc:
            self.data = None
            raise ValueError(str(INTEGER_MESSAGE)) from exc


class LocalDateTimeField(DateTimeLocalField):
    """<input type=datetime-local> in Berlin time; also accepts German TT.MM.JJJJ HH:MM."""

    def __init__(self, label: str = "", validators=None, **kwargs) -> None:
        super().__init__(
            label,
            validators,
            format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%d.%m.%Y %H:%M", "%d.%m.%Y, %H:%M"],
            **kwargs,
        )

    def process_formdata(self, valuelist: list[str]) -> None:
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        raw = valuelist[0].strip()
        for fmt in self.strptime_format:
            try:
                self.data = datetime.strptime(raw, fmt)
                return
            except ValueError:
                continue
        self.data = None
        raise ValueError(str(DATETIME_MESSAGE))


def local_now() -> datetime:
    return to_local(utcnow()).replace(tzinfo=None, second=0, microsecond=0)


def local_to_utc(value: datetime) -> datetime:
    from datetime import UTC

    return value.replace(tzinfo=BERLIN).astimezone(UTC).replace(tzinfo=None)


def new_key() -> str:
    return str(uuid.uuid4())


class TaskForm(Form):
    """One next step; a row without description is ignored."""

    class Meta:
        csrf = False

    description = text(_l("Nächster Schritt"), 300, Optional())
    owner_kind = SelectField(
        _l("Wer?"), choices=opts(choices.OWNER_KINDS.items()), default="manager"
    )
    owner_id = SelectField(_l("Person"), coerce=int, default=0, validate_choice=False)
    due_on = GermanDateField(_l("Bis wann?"))

    def validate_owner_kind(self, field: SelectField) -> None:
        if field.data not in choices.OWNER_KINDS:
            raise ValidationError(_("Unbekannte Zuständigkeit."))

    def validate_owner_id(self, field: SelectField) -> None:
        if self.owner_kind.data not in ("colleague", "volunteer"):
            return  # "ich" is the author; a client is no user: a chosen person is ignored
        allowed = {value for value, _ in self._owner_choices(self.owner_kind.data)}
        if field.data and field.data not in allowed:
            raise ValidationError(_("Diese Person kann die Aufgabe nicht übernehmen."))
        if self.description.data and self.owner_kind.data == "colleague" and not field.data:
            raise ValidationError(_("Bitte die Kollegin oder den Kollegen auswählen."))

    def _owner_choices(self, kind: str) -> list[tuple[int, str]]:
        groups = getattr(self, "owner_groups", {})
        return groups.get(kind, [])

    def validate_due_on(self, field: GermanDateField) -> None:
        if field.data and field.data.year < 2000:
            raise ValidationError(_("Bitte ein Datum ab 2000 angeben."))


class ContactForm(Form):
    # True when the time field holds the render time: then it follows the first keystroke
    # (static/outbox.js), so a note typed into a form kept from earlier gets its real time.
    time_follows_typing = False
    # Fields whose value the form chose for the user, shown with a marker: "last" (copied
    # from the user's last contact), "all" (every household member who consented).
    preselected: dict[str, str] = {}  # replaced per form (routes._preselect), never mutated
    idempotency_key = HiddenField(default=new_key)
    participants = ChipsField(
        _l("Wer war dabei?"),
        coerce=int,
        invalid_message=_l("Diese Person gehört nicht zu diesem Haushalt."),
    )
    occurred_at = LocalDateTimeField(
        _l("Wann?"), [InputRequired(_l("Bitte Datum und Uhrzeit angeben."))], default=local_now
    )
    duration_preset = RadioField(
        _l("Dauer"),
        choices=opts(
            [(str(m), f"{m} min") for m in choices.DURATION_PRESETS] + [("", _l("andere"))]
        ),
        default="30",
        validate_choice=False,
    )
    duration_minutes = OptionalIntegerField(
        _l("Dauer in Minuten (freie Eingabe)"),
        [],
        render_kw={"inputmode": "numeric", "min": "1", "max": str(choices.MAX_DURATION)},
    )
    # No default: a new contact starts with the setting of the last one (recent only, marked
    # "wie zuletzt") or with none, never with a guess nobody notices (issue #17).
    setting = ChoiceRadioField(
        _l("Art des Kontakts"),
        choices=opts(choices.SETTINGS.items()),
        default=None,
        invalid_message=_l("Bitte eine Art des Kontakts wählen."),
    )
    location = text(_l("Ort / Behörde"), 160, render_kw={"autocomplete": "on"})
    topics = ChipsField(_l("Themen"), invalid_message=_l("Unbekanntes Thema."))
    interpreter_kind = ChoiceRadioField(
        _l("Dolmetscher:in"),
        choices=opts(choices.INTERPRETER.items()),
        default="",
        invalid_message=_l("Bitte eine gültige Angabe zur Dolmetscher:in wählen."),
    )
    interpreter_language = text(_l("Sprache"), 80, render_kw={"autocomplete": "on"})
    note = TextAreaField(
        _l("Notiz"),
        [Optional(), Length(max=20000, message=_l("Höchstens %(max)d Zeichen."))],
        filters=[_strip],
        render_kw={"rows": "6", "autocapitalize": "sentences"},
    )
    tasks = FieldList(FormField(TaskForm), min_entries=2, max_entries=6)

    # --- derived values ---------------------------------------------------------------
    @property
    def duration(self) -> int | None:
        if self.duration_minutes.data is not None:
            return self.duration_minutes.data
        if self.duration_preset.data and self.duration_preset.data.isdigit():
            return int(self.duration_preset.data)
        return None

    @property
    def occurred_at_utc(self) -> datetime | None:
        return local_to_utc(self.occurred_at.data) if self.occurred_at.data else None

    # --- the error summary at the top of the form --------------------------------------
    # Fields in the order the page shows them; each error links to its field (the input, or
    # the fieldset of a group of chips: templates/contacts/_form.html).
    SUMMARY_ORDER = (
        ("idempotency_key", None),
        ("participants", "participants"),
        ("setting", "setting"),
        ("location", "location"),
        ("topics", "topics"),
        ("occurred_at", "occurred_at"),
        ("duration_preset", "duration"),
        ("duration_minutes", "duration_minutes"),
        ("note", "note"),
        ("tasks", None),
        ("interpreter_kind", "interpreter"),
        ("interpreter_language", "interpreter_language"),
    )

    def error_summary(self) -> list[tuple[str | None, str]]:
        """(anchor, text) of every error, in page order; no anchor for the form itself."""
        items: list[tuple[str | None, str]] = []
        for name, anchor in self.SUMMARY_ORDER:
            field = self[name]
            if name == "tasks":
                for number, entry in enumerate(field.entries, start=1):
                    for sub in entry.form:
                        label = _("%(n)s. Schritt – %(field)s", n=number, field=sub.label.text)
                        items += [(sub.id, f"{label}: {error}") for error in sub.errors]
            elif anchor is None:
                items += [(None, str(error)) for error in field.errors]
            else:
                items += [(anchor, f"{field.label.text}: {error}") for error in field.errors]
        return items

    # --- checks -----------------------------------------------------------------------
    def validate_idempotency_key(self, field: HiddenField) -> None:
        try:
            uuid.UUID(field.data or "")
        except ValueError as exc:
            raise ValidationError(
                _("Das Formular ist unvollständig. Bitte die Seite neu laden.")
            ) from exc

    def validate_participants(self, field: ChipsField) -> None:
        if not field.data:
            raise ValidationError(_("Bitte mindestens eine Person auswählen."))
        refused = [
            name for pid, name in getattr(self, "without_consent", {}).items() if pid in field.data
        ]
        if refused:
            raise ValidationError(
                _(
                    "Ohne Einwilligung zur Speicherung von Beratungsdaten kann für %(names)s "
                    "kein Kontakt erfasst werden. Bitte zuerst die Einwilligung auf der "
                    "Personenseite erfassen.",
                    names=", ".join(refused),
                )
            )

    def validate_occurred_at(self, field: LocalDateTimeField) -> None:
        if not field.data:  # e.g. only blanks: InputRequired sees input, the parser none
            raise ValidationError(_("Bitte Datum und Uhrzeit angeben."))
        if field.data.year < 2000:
            raise ValidationError(_("Bitte ein Datum ab 2000 angeben."))
        if local_to_utc(field.data) > utcnow() + timedelta(days=1):
            raise ValidationError(_("Der Kontakt darf höchstens einen Tag in der Zukunft liegen."))

    def validate_duration_minutes(self, field: IntegerField) -> None:
        if field.errors:
            return
        duration = self.duration
        if duration is None:
            raise ValidationError(_("Bitte die Dauer angeben."))
        if duration < 1 or duration > choices.MAX_DURATION:
            raise ValidationError(
                _(
                    "Die Dauer muss zwischen 1 und %(max)s Minuten liegen.",
                    max=choices.MAX_DURATION,
                )
            )

    def validate_duration_preset(self, field: RadioField) -> None:
        if field.data and field.data not in {str(m) for m in choices.DURATION_PRESETS}:
            raise ValidationError(_("Bitte eine der vorgeschlagenen Dauern wählen."))

    def validate_location(self, field) -> None:
        if self.setting.data == "office_hour" and not field.data:
            raise ValidationError(_("Bitte den Ort der Sprechstunde angeben."))
        if self.setting.data == "accompaniment" and not field.data:
            raise ValidationError(_("Bitte die Behörde angeben."))

    def validate_topics(self, field: ChipsField) -> None:
        if not field.data:
            raise ValidationError(_("Bitte mindestens ein Thema wählen."))

    def validate_interpreter_language(self, field) -> None:
        if self.interpreter_kind.data and not field.data:
            raise ValidationError(_("Bitte die Sprache der Verdolmetschung angeben."))


class DeleteForm(Form):
    reason = text(
        _l("Grund der Löschung"),
        300,
        DataRequired(_l("Bitte einen Grund für die Löschung angeben.")),
    )


class CommentForm(Form):
    body = TextAreaField(
        _l("Kommentar"),
        [
            DataRequired(_l("Bitte einen Kommentar eingeben.")),
            Length(max=4000, message=_l("Höchstens %(max)d Zeichen.")),
        ],
        filters=[_strip],
        render_kw={"rows": "3"},
    )


class TopicForm(Form):
    label = text(_l("Bezeichnung"), 80, DataRequired(_l("Bitte eine Bezeichnung angeben.")))
    sort_order = IntegerField(
        _l("Reihenfolge"),
        [Optional(), NumberRange(0, 9999, _l("Bitte eine Zahl von 0 bis 9999."))],
        render_kw={"inputmode": "numeric"},
    )
    active = BooleanField(_l("aktiv (bei neuen Kontakten wählbar)"), default=True)
    # Only for the county's admins: a default that every organisation uses.
    shared = BooleanField(_l("Vorgabe für alle Träger im Landkreis"), default=True)


class RangeForm(Form):
    """GET form for the household PDF's date range."""

    class Meta:
        csrf = False

    date_from = GermanDateField(_l("Von"))
    date_to = GermanDateField(_l("Bis"))

    def validate_date_to(self, field: GermanDateField) -> None:
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_("Das Ende liegt vor dem Anfang."))


class TimelineFilterForm(Form):
    class Meta:
        csrf = False

    topic = SelectField(_l("Thema"), default="", validate_choice=False)
    setting = SelectField(
        _l("Art"),
        choices=opts([("", _l("alle")), *choices.SETTINGS.items()]),
        default="",
        validate_choice=False,
    )
