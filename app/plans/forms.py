from __future__ import annotations

from wtforms import TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from app.forms import Form, GermanDateField, Select, no_future, reasonable_date, text
from app.plans import choices


def _select(label: str, options: dict[str, str], **kwargs) -> Select:
    return Select(label, choices=list(options.items()), **kwargs)


def _area(label: str) -> TextAreaField:
    return TextAreaField(label, [Optional(), Length(max=2000, message="Höchstens 2000 Zeichen.")])


class PlanForm(Form):
    person_id = Select("Für", coerce=int)
    started_on = GermanDateField(
        "Begonnen am", [InputRequired("Bitte das Datum angeben."), no_future(), reasonable_date]
    )
    language = text("Sprache des Gesprächs", 80, Optional())
    interpreter = text("Dolmetscher:in (Name oder Dienst)", 120, Optional())


def areas_form_class():
    attrs = {}
    for code, label in choices.FIELDS.items():
        attrs[f"{code}_needs"] = _area(f"{label}: Bedarfe")
        attrs[f"{code}_resources"] = _area(f"{label}: Ressourcen")
    return type("AreasForm", (Form,), attrs)


class GoalForm(Form):
    field = _select("Handlungsfeld", choices.FIELDS)
    title = text("Ziel", 300, DataRequired("Bitte das Ziel beschreiben."))


class GoalStatusForm(Form):
    status = _select("Status", choices.GOAL_STATUS)


class StepForm(Form):
    description = text("Schritt", 300, DataRequired("Bitte den Schritt beschreiben."))
    responsible = _select("Verantwortlich", choices.RESPONSIBLE)
    due_on = GermanDateField("Fällig am", [Optional(), reasonable_date])
    review_on = GermanDateField("Überprüfen am", [Optional(), reasonable_date])


class ReviewForm(Form):
    reviewed_on = GermanDateField(
        "Überprüft am", [InputRequired("Bitte das Datum angeben."), no_future(), reasonable_date]
    )
    note = TextAreaField(
        "Ergebnis der Überprüfung",
        [DataRequired("Bitte kurz festhalten."), Length(max=2000, message="Höchstens 2000.")],
    )


class AgreeForm(Form):
    agreed_on = GermanDateField(
        "Vereinbart am", [InputRequired("Bitte das Datum angeben."), no_future(), reasonable_date]
    )
    signed_by = text(
        "Unterschrieben von (Namen)", 300, DataRequired("Bitte angeben, wer unterschrieben hat.")
    )


class CloseForm(Form):
    closed_on = GermanDateField(
        "Abgeschlossen am",
        [InputRequired("Bitte das Datum angeben."), no_future(), reasonable_date],
    )


class ReferralForm(Form):
    person_id = Select("Für", coerce=int)
    service = _select("Stelle", choices.SERVICES)
    referred_on = GermanDateField(
        "Datum", [InputRequired("Bitte das Datum angeben."), no_future(), reasonable_date]
    )
    reason = text("Anlass", 300, DataRequired("Bitte den Anlass angeben."))
    outcome = _select("Ergebnis", choices.REFERRAL_OUTCOMES)
    outcome_note = text("Ergebnis (Notiz)", 300, Optional())


class NetworkingForm(Form):
    group = _select("Gruppe", choices.NETWORK_GROUPS)
    institution = text("Einrichtung", 160, DataRequired("Bitte die Einrichtung angeben."))
    contacted_on = GermanDateField(
        "Datum", [InputRequired("Bitte das Datum angeben."), no_future(), reasonable_date]
    )
    topic = text("Thema", 300, Optional())


class ExtensionForm(Form):
    extended_on = GermanDateField(
        "Verlängert am", [InputRequired("Bitte das Datum angeben."), no_future(), reasonable_date]
    )
    reason = TextAreaField(
        "Grund",
        [DataRequired("Bitte den Grund angeben."), Length(max=500, message="Höchstens 500.")],
    )

    def validate_reason(self, field):
        if field.data and len(field.data.strip()) < 5:
            raise ValidationError("Bitte den Grund etwas genauer angeben.")
