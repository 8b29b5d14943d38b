from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from app.forms import Form, GermanDateField, Select, no_future, reasonable_date, text
from app.plans import choices

DATE_REQUIRED = _l("Bitte das Datum angeben.")


def _select(label: str, options: dict[str, str], **kwargs) -> Select:
    return Select(label, choices=list(options.items()), **kwargs)


def _area(label: str) -> TextAreaField:
    return TextAreaField(
        label, [Optional(), Length(max=2000, message=_l("Höchstens %(n)s Zeichen.", n=2000))]
    )


class PlanForm(Form):
    person_id = Select(_l("Für"), coerce=int)
    started_on = GermanDateField(
        _l("Begonnen am"), [InputRequired(DATE_REQUIRED), no_future(), reasonable_date]
    )
    language = text(_l("Sprache des Gesprächs"), 80, Optional())
    interpreter = text(_l("Dolmetscher:in (Name oder Dienst)"), 120, Optional())


def areas_form_class():
    attrs = {}
    for code, label in choices.FIELDS.items():
        attrs[f"{code}_needs"] = _area(_l("%(field)s: Bedarfe", field=label))
        attrs[f"{code}_resources"] = _area(_l("%(field)s: Ressourcen", field=label))
    return type("AreasForm", (Form,), attrs)


class GoalForm(Form):
    field = _select(_l("Handlungsfeld"), choices.FIELDS)
    title = text(_l("Ziel"), 300, DataRequired(_l("Bitte das Ziel beschreiben.")))


class GoalStatusForm(Form):
    status = _select(_l("Status"), choices.GOAL_STATUS)


class StepForm(Form):
    description = text(_l("Schritt"), 300, DataRequired(_l("Bitte den Schritt beschreiben.")))
    responsible = _select(_l("Verantwortlich"), choices.RESPONSIBLE)
    due_on = GermanDateField(_l("Fällig am"), [Optional(), reasonable_date])
    review_on = GermanDateField(_l("Überprüfen am"), [Optional(), reasonable_date])


class ReviewForm(Form):
    reviewed_on = GermanDateField(
        _l("Überprüft am"), [InputRequired(DATE_REQUIRED), no_future(), reasonable_date]
    )
    note = TextAreaField(
        _l("Ergebnis der Überprüfung"),
        [
            DataRequired(_l("Bitte kurz festhalten.")),
            Length(max=2000, message=_l("Höchstens %(n)s.", n=2000)),
        ],
    )


class AgreeForm(Form):
    agreed_on = GermanDateField(
        _l("Vereinbart am"), [InputRequired(DATE_REQUIRED), no_future(), reasonable_date]
    )
    signed_by = text(
        _l("Unterschrieben von (Namen)"),
        300,
        DataRequired(_l("Bitte angeben, wer unterschrieben hat.")),
    )


class CloseForm(Form):
    closed_on = GermanDateField(
        _l("Abgeschlossen am"), [InputRequired(DATE_REQUIRED), no_future(), reasonable_date]
    )


class ReferralForm(Form):
    person_id = Select(_l("Für"), coerce=int)
    service = _select(_l("Stelle"), choices.SERVICES)
    referred_on = GermanDateField(
        _l("Datum"), [InputRequired(DATE_REQUIRED), no_future(), reasonable_date]
    )
    reason = text(_l("Anlass"), 300, DataRequired(_l("Bitte den Anlass angeben.")))
    outcome = _select(_l("Ergebnis"), choices.REFERRAL_OUTCOMES)
    outcome_note = text(_l("Ergebnis (Notiz)"), 300, Optional())


class NetworkingForm(Form):
    group = _select(_l("Gruppe"), choices.NETWORK_GROUPS)
    institution = text(_l("Einrichtung"), 160, DataRequired(_l("Bitte die Einrichtung angeben.")))
    contacted_on = GermanDateField(
        _l("Datum"), [InputRequired(DATE_REQUIRED), no_future(), reasonable_date]
    )
    topic = text(_l("Thema"), 300, Optional())


class ExtensionForm(Form):
    extended_on = GermanDateField(
        _l("Verlängert am"), [InputRequired(DATE_REQUIRED), no_future(), reasonable_date]
    )
    reason = TextAreaField(
        _l("Grund"),
        [
            DataRequired(_l("Bitte den Grund angeben.")),
            Length(max=500, message=_l("Höchstens %(n)s.", n=500)),
        ],
    )

    def validate_reason(self, field):
        if field.data and len(field.data.strip()) < 5:
            raise ValidationError(_l("Bitte den Grund etwas genauer angeben."))
