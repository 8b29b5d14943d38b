from __future__ import annotations

from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DecimalField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional, ValidationError

from app.accounts import roles
from app.accounts.services import password_problem
from app.forms import Form, Select, text


class LoginForm(Form):
    username = StringField(
        _l("Benutzername"),
        [
            DataRequired(_l("Bitte Benutzernamen eingeben.")),
            Length(max=80, message=_l("Höchstens %(n)s Zeichen.", n=80)),
        ],
    )
    password = PasswordField(_l("Passwort"), [DataRequired(_l("Bitte Passwort eingeben."))])


def _check_password(form: Form, field: PasswordField) -> None:
    if field.data and (problem := password_problem(field.data, username=form.username.data or "")):
        raise ValidationError(problem)


class UserForm(Form):
    username = text(
        _l("Benutzername"),
        80,
        DataRequired(_l("Bitte einen Benutzernamen angeben.")),
        render_kw={"autocapitalize": "none", "autocomplete": "off"},
    )
    display_name = text(_l("Name"), 120, DataRequired(_l("Bitte den Namen angeben.")))
    email = text(
        _l("E-Mail"), 120, Optional(), Email(_l("Bitte eine gültige E-Mail-Adresse angeben."))
    )
    role = Select(_l("Rolle"), choices=list(roles.ROLE_LABELS.items()))
    team_id = Select(_l("Team"), coerce=int, validate_choice=True)
    fte = DecimalField(
        _l("Stellenanteil (VZÄ)"),
        [Optional(), NumberRange(0, 1, _l("Der Stellenanteil liegt zwischen 0 und 1."))],
        places=2,
        default=Decimal("0"),
        render_kw={"inputmode": "decimal"},
    )
    qualification = Select(
        _l("Qualifikation"), choices=[("", "—"), *roles.QUALIFICATION_LABELS.items()]
    )

    def validate_team_id(self, field: Select) -> None:
        if field.data == 0 and self.role.data in (roles.TEAM_LEAD, roles.MANAGER):
            raise ValidationError(_("Teamleitung und Integrationsmanager:innen brauchen ein Team."))


class NewUserForm(UserForm):
    password = PasswordField(
        _l("Startpasswort"), [DataRequired(_l("Bitte ein Startpasswort angeben.")), _check_password]
    )


class PasswordResetForm(Form):
    username = StringField()  # filled from the account, used by the password rule only
    password = PasswordField(
        _l("Neues Passwort"),
        [DataRequired(_l("Bitte ein neues Passwort angeben.")), _check_password],
    )


class ConfirmForm(Form):
    confirm = BooleanField(_l("Bestätigen"), [DataRequired(_l("Bitte bestätigen."))])
