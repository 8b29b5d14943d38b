from __future__ import annotations

from wtforms import BooleanField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from app.consent import services, texts
from app.forms import Form, GermanDateField, Select, no_future, reasonable_date, text

MAX_AGENCIES = 20
MAX_AGENCY_LENGTH = 160


class GiveConsentForm(Form):
    counselling = BooleanField(services.SCOPES[services.COUNSELLING])
    volunteer_sharing = BooleanField(services.SCOPES[services.VOLUNTEERS])
    agencies = TextAreaField(
        "Schweigepflichtentbindung gegenüber (eine Stelle je Zeile)",
        [Length(max=4000, message="Höchstens 4000 Zeichen.")],
        filters=[lambda v: v.strip() if isinstance(v, str) else v],
    )
    language = Select("Sprache des Formulars", choices=texts.language_choices())
    form_version = text("Formularversion", 20, DataRequired("Bitte die Formularversion angeben."))
    method = Select("Wie erteilt", choices=list(services.METHODS.items()))
    given_on = GermanDateField(
        "Erteilt am", [InputRequired("Bitte das Datum angeben."), no_future(), reasonable_date]
    )

    @property
    def agency_names(self) -> list[str]:
        names: list[str] = []
        for line in (self.agencies.data or "").splitlines():
            name = " ".join(line.split())
            if name and name.casefold() not in {n.casefold() for n in names}:
                names.append(name)
        return names

    def validate_agencies(self, field: TextAreaField) -> None:
        names = self.agency_names
        if len(names) > MAX_AGENCIES:
            raise ValidationError(f"Höchstens {MAX_AGENCIES} Stellen.")
        if any(len(n) > MAX_AGENCY_LENGTH for n in names):
            raise ValidationError(f"Jede Stelle höchstens {MAX_AGENCY_LENGTH} Zeichen.")

    def validate_counselling(self, field: BooleanField) -> None:
        if not (field.data or self.volunteer_sharing.data or self.agency_names):
            raise ValidationError(
                "Bitte mindestens einen Bereich ankreuzen oder eine Stelle eintragen."
            )


class WithdrawConsentForm(Form):
    withdrawn_on = GermanDateField(
        "Widerrufen am",
        [InputRequired("Bitte das Datum angeben."), no_future(), reasonable_date],
    )
    confirm = BooleanField(
        "Die Person widerruft ihre Einwilligung vollständig.",
        [DataRequired("Bitte bestätigen Sie den Widerruf.")],
    )
