from __future__ import annotations

from decimal import Decimal

from wtforms import BooleanField, DecimalField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional, ValidationError

from app.accounts import roles
from app.accounts.services import password_problem
from app.forms import Form, Select, text


class LoginForm(Form):
    username = StringField(
        "Benutzername",
        [
            DataRequired("Bitte Benutzernamen eingeben."),
            Length(max=80, message="Höchstens 80 Zeichen."),
        ],
    )
    password = PasswordField("Passwort", [DataRequired("Bitte Passwort eingeben.")])


def _check_password(form: Form, field: PasswordField) -> None:
    if field.data and (problem := password_problem(field.data, username=form.username.data or "")):
        raise ValidationError(problem)


class UserForm(Form):
    username = text(
        "Benutzername",
        80,
        DataRequired("Bitte einen Benutzernamen angeben."),
        render_kw={"autocapitalize": "none", "autocomplete": "off"},
    )
    display_name = text("Name", 120, DataRequired("Bitte den Namen angeben."))
    email = text("E-Mail", 120, Optional(), Email("Bitte eine gültige E-Mail-Adresse angeben."))
    role = Select("Rolle", choices=list(roles.ROLE_LABELS.items()))
    team_id = Select("Team", coerce=int, validate_choice=True)
    fte = DecimalField(
        "Stellenanteil (VZÄ)",
        [Optional(), NumberRange(0, 1, "Der Stellenanteil liegt zwischen 0 und 1.")],
        places=2,
        default=Decimal("0"),
        render_kw={"inputmode": "decimal"},
    )
    qualification = Select(
        "Qualifikation", choices=[("", "—"), *roles.QUALIFICATION_LABELS.items()]
    )

    def validate_team_id(self, field: Select) -> None:
        if field.data == 0 and self.role.data in (roles.TEAM_LEAD, roles.MANAGER):
            raise ValidationError("Teamleitung und Integrationsmanager:innen brauchen ein Team.")


class NewUserForm(UserForm):
    password = PasswordField(
        "Startpasswort", [DataRequired("Bitte ein Startpasswort angeben."), _check_password]
    )


class PasswordResetForm(Form):
    username = StringField()  # filled from the account, used by the password rule only
    password = PasswordField(
        "Neues Passwort", [DataRequired("Bitte ein neues Passwort angeben."), _check_password]
    )


class ConfirmForm(Form):
    confirm = BooleanField("Bestätigen", [DataRequired("Bitte bestätigen.")])
