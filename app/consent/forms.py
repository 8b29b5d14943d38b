from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from app.consent import services, texts
from app.forms import Form, GermanDateField, Select, no_future, reasonable_date, text

MAX_AGENCIES = 20
MAX_AGENCY_LENGTH = 160


class GiveConsentForm(Form):
    counselling = BooleanField(services.SCOPES[services.COUNSELLING])
    volunteer_sharing = BooleanField(services.SCOPES[services.VOLUNTEERS])
    transfer = BooleanField(services.SCOPES[services.TRANSFER])
    transfer_notes = BooleanField(services.SCOPES[services.TRANSFER_NOTES])
    agencies = TextAreaField(
        _l("Schweigepflichtentbindung gegenüber (eine Stelle je Zeile)"),
        [Length(max=4000, message=_l("Höchstens %(max)d Zeichen."))],
        filters=[lambda v: v.strip() if isinstance(v, str) else v],
    )
    language = Select(_l("Sprache des Formulars"), choices=texts.language_choices())
    form_version = text(
        _l("Formularversion"), 20, DataRequired(_l("Bitte die Formularversion angeben."))
    )
    method = Select(_l("Wie erteilt"), choices=list(services.METHODS.items()))
    given_on = GermanDateField(
        _l("Erteilt am"),
        [InputRequired(_l("Bitte das Datum angeben.")), no_future(), reasonable_date],
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
            raise ValidationError(_("Höchstens %(n)s Stellen.", n=MAX_AGENCIES))
        if any(len(n) > MAX_AGENCY_LENGTH for n in names):
            raise ValidationError(_("Jede Stelle höchstens %(n)s Zeichen.", n=MAX_AGENCY_LENGTH))

    def validate_transfer_notes(self, field: BooleanField) -> None:
        if field.data and not self.transfer.data:
            raise ValidationError(_("Notizen gehen nur mit den übrigen Beratungsdaten über."))

    def validate_counselling(self, field: BooleanField) -> None:
        if not (
            field.data or self.volunteer_sharing.data or self.transfer.data or self.agency_names
        ):
            raise ValidationError(
                _("Bitte mindestens einen Bereich ankreuzen oder eine Stelle eintragen.")
            )


class WithdrawConsentForm(Form):
    withdrawn_on = GermanDateField(
        _l("Widerrufen am"),
        [InputRequired(_l("Bitte das Datum angeben.")), no_future(), reasonable_date],
    )
    confirm = BooleanField(
        _l("Die Person widerruft ihre Einwilligung vollständig."),
        [DataRequired(_l("Bitte bestätigen Sie den Widerruf."))],
    )
