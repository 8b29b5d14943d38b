from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, PasswordField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, ValidationError

from app.accounts.services import password_problem
from app.forms import Form, Select


class CodeForm(Form):
    code = StringField(
        _l("Code"),
        [DataRequired(_l("Bitte den Code eingeben."))],
        filters=[lambda v: v.strip() if isinstance(v, str) else v],
        render_kw={
            "autocomplete": "one-time-code",
            "inputmode": "numeric",
            "autocapitalize": "none",
        },
    )


class OwnPasswordForm(Form):
    current_password = PasswordField(
        _l("Aktuelles Passwort"),
        [DataRequired(_l("Bitte das aktuelle Passwort eingeben."))],
        render_kw={"autocomplete": "current-password"},
    )
    password = PasswordField(
        _l("Neues Passwort"),
        [DataRequired(_l("Bitte ein neues Passwort eingeben."))],
        render_kw={"autocomplete": "new-password"},
    )
    repeat = PasswordField(
        _l("Neues Passwort wiederholen"),
        [
            DataRequired(_l("Bitte das neue Passwort wiederholen.")),
            EqualTo(
                "password",  # i18n: not UI
                _l("Die beiden Passwörter stimmen nicht überein."),
            ),
        ],
        render_kw={"autocomplete": "new-password"},
    )

    def __init__(self, *args, username: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._username = username

    def validate_password(self, field: PasswordField) -> None:
        if field.data and (problem := password_problem(field.data, username=self._username)):
            raise ValidationError(problem)
        if field.data and field.data == self.current_password.data:
            raise ValidationError(_("Das neue Passwort muss sich vom bisherigen unterscheiden."))


class PasswordConfirmForm(Form):
    password = PasswordField(
        _l("Passwort zur Bestätigung"),
        [DataRequired(_l("Bitte Ihr Passwort eingeben."))],
        render_kw={"autocomplete": "current-password"},
    )


class OrganisationSecurityForm(Form):
    enforce_2fa_all = BooleanField(_l("Zwei-Faktor-Anmeldung für alle Konten verlangen"))


class LanguageForm(Form):
    # Labels stay in their own language (marked as such for screen readers) so that a user who
    # cannot read the current one finds it.
    locale = Select(
        _l("Sprache der Oberfläche"),
        choices=[
            ("", _l("wie im Browser eingestellt")),
            SelectChoice("de", "Deutsch", render_kw={"lang": "de"}),
            SelectChoice("en", "English", render_kw={"lang": "en"}),
        ],
    )
