"""Forms for contacts, next steps, comments, deletion and the topic catalogue."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

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


from app.forms import Form, GermanDateField, text
from app.timeutil import BERLIN, to_local, utcnow


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class ChipsField(SelectMultipleField):
    """Several checkboxes rendered as chips; rejects unknown values with a German message."""

    def __init__(self, label: str = "", validators=None, invalid_message: str = "", **kwargs):
        super().__init__(label, validators, **kwargs)
        self.invalid_message = invalid_message or "Ungültige Auswahl."

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
        self.invalid_message = invalid_message or "Ungültige Auswahl."

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
            raise ValueError("Bitte eine ganze Zahl eingeben.") from exc


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
        raise ValueError("Bitte Datum und Uhrzeit angeben (TT.MM.JJJJ HH:MM).")


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

    description = text("Nächster Schritt", 300, Optional())
    owner_kind = SelectField("Wer?", choices=opts(choices.OWNER_KINDS.items()), default="manager")
    owner_id = SelectField("Person", coerce=int, default=0, validate_choice=False)
    due_on = GermanDateField("Bis wann?")

    def validate_owner_kind(self, field: SelectField) -> None:
        if field.data not in choices.OWNER_KINDS:
            raise ValidationError("Unbekannte Zuständigkeit.")

    def validate_owner_id(self, field: SelectField) -> None:
        if self.owner_kind.data not in ("colleague", "volunteer"):
            return  # "ich" is the author; a client is no user: a chosen person is ignored
        allowed = {value for value, _ in self._owner_choices(self.owner_kind.data)}
        if field.data and field.data not in allowed:
            raise ValidationError("Diese Person kann die Aufgabe nicht übernehmen.")
        if self.description.data and self.owner_kind.data == "colleague" and not field.data:
            raise ValidationError("Bitte die Kollegin oder den Kollegen auswählen.")

    def _owner_choices(self, kind: str) -> list[tuple[int, str]]:
        groups = getattr(self, "owner_groups", {})
        return groups.get(kind, [])

    def validate_due_on(self, field: GermanDateField) -> None:
        if field.data and field.data.year < 2000:
            raise ValidationError("Bitte ein Datum ab 2000 angeben.")


class ContactForm(Form):
    idempotency_key = HiddenField(default=new_key)
    participants = ChipsField(
        "Wer war dabei?",
        coerce=int,
        invalid_message="Diese Person gehört nicht zu diesem Haushalt.",
    )
    occurred_at = LocalDateTimeField(
        "Wann?", [InputRequired("Bitte Datum und Uhrzeit angeben.")], default=local_now
    )
    duration_preset = RadioField(
        "Dauer",
        choices=opts([(str(m), f"{m} min") for m in choices.DURATION_PRESETS] + [("", "andere")]),
        default="30",
        validate_choice=False,
    )
    duration_minutes = OptionalIntegerField(
        "Dauer in Minuten (freie Eingabe)",
        [],
        render_kw={"inputmode": "numeric", "min": "1", "max": str(choices.MAX_DURATION)},
    )
    setting = ChoiceRadioField(
        "Art des Kontakts",
        choices=opts(choices.SETTINGS.items()),
        default="home_visit",
        invalid_message="Bitte eine Art des Kontakts wählen.",
    )
    location = text("Ort / Behörde", 160, render_kw={"autocomplete": "on"})
    topics = ChipsField("Themen", invalid_message="Unbekanntes Thema.")
    interpreter_kind = ChoiceRadioField(
        "Dolmetscher:in",
        choices=opts(choices.INTERPRETER.items()),
        default="",
        invalid_message="Bitte eine gültige Angabe zur Dolmetscher:in wählen.",
    )
    interpreter_language = text("Sprache", 80, render_kw={"autocomplete": "on"})
    note = TextAreaField(
        "Notiz",
        [Optional(), Length(max=20000, message="Höchstens 20000 Zeichen.")],
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

    # --- checks -----------------------------------------------------------------------
    def validate_idempotency_key(self, field: HiddenField) -> None:
        try:
            uuid.UUID(field.data or "")
        except ValueError as exc:
            raise ValidationError(
                "Das Formular ist unvollständig. Bitte die Seite neu laden."
            ) from exc

    def validate_participants(self, field: ChipsField) -> None:
        if not field.data:
            raise ValidationError("Bitte mindestens eine Person auswählen.")
        refused = [
            name for pid, name in getattr(self, "without_consent", {}).items() if pid in field.data
        ]
        if refused:
            raise ValidationError(
                "Ohne Einwilligung zur Speicherung von Beratungsdaten kann für "
                f"{', '.join(refused)} kein Kontakt erfasst werden. Bitte zuerst die "
                "Einwilligung auf der Personenseite erfassen."
            )

    def validate_occurred_at(self, field: LocalDateTimeField) -> None:
        if not field.data:  # e.g. only blanks: InputRequired sees input, the parser none
            raise ValidationError("Bitte Datum und Uhrzeit angeben.")
        if field.data.year < 2000:
            raise ValidationError("Bitte ein Datum ab 2000 angeben.")
        if local_to_utc(field.data) > utcnow() + timedelta(days=1):
            raise ValidationError("Der Kontakt darf höchstens einen Tag in der Zukunft liegen.")

    def validate_duration_minutes(self, field: IntegerField) -> None:
        if field.errors:
            return
        duration = self.duration
        if duration is None:
            raise ValidationError("Bitte die Dauer angeben.")
        if duration < 1 or duration > choices.MAX_DURATION:
            raise ValidationError(
                f"Die Dauer muss zwischen 1 und {choices.MAX_DURATION} Minuten liegen."
            )

    def validate_duration_preset(self, field: RadioField) -> None:
        if field.data and field.data not in {str(m) for m in choices.DURATION_PRESETS}:
            raise ValidationError("Bitte eine der vorgeschlagenen Dauern wählen.")

    def validate_location(self, field) -> None:
        if self.setting.data == "office_hour" and not field.data:
            raise ValidationError("Bitte den Ort der Sprechstunde angeben.")
        if self.setting.data == "accompaniment" and not field.data:
            raise ValidationError("Bitte die Behörde angeben.")

    def validate_topics(self, field: ChipsField) -> None:
        if not field.data:
            raise ValidationError("Bitte mindestens ein Thema wählen.")

    def validate_interpreter_language(self, field) -> None:
        if self.interpreter_kind.data and not field.data:
            raise ValidationError("Bitte die Sprache der Verdolmetschung angeben.")


class DeleteForm(Form):
    reason = text(
        "Grund der Löschung",
        300,
        DataRequired("Bitte einen Grund für die Löschung angeben."),
    )


class CommentForm(Form):
    body = TextAreaField(
        "Kommentar",
        [
            DataRequired("Bitte einen Kommentar eingeben."),
            Length(max=4000, message="Höchstens 4000 Zeichen."),
        ],
        filters=[_strip],
        render_kw={"rows": "3"},
    )


class TopicForm(Form):
    label = text("Bezeichnung", 80, DataRequired("Bitte eine Bezeichnung angeben."))
    sort_order = IntegerField(
        "Reihenfolge",
        [Optional(), NumberRange(0, 9999, "Bitte eine Zahl von 0 bis 9999.")],
        render_kw={"inputmode": "numeric"},
    )
    active = BooleanField("aktiv (bei neuen Kontakten wählbar)", default=True)


class RangeForm(Form):
    """GET form for the household PDF's date range."""

    class Meta:
        csrf = False

    date_from = GermanDateField("Von")
    date_to = GermanDateField("Bis")

    def validate_date_to(self, field: GermanDateField) -> None:
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError("Das Ende liegt vor dem Anfang.")


class TimelineFilterForm(Form):
    class Meta:
        csrf = False

    topic = SelectField("Thema", default="", validate_choice=False)
    setting = SelectField(
        "Art",
        choices=opts([("", "alle"), *choices.SETTINGS.items()]),
        default="",
        validate_choice=False,
    )
