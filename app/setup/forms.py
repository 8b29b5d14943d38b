from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, PasswordField
from wtforms.validators import DataRequired, NumberRange, Optional, ValidationError

from app.accounts.services import password_problem
from app.appointments.forms import MultiCheckbox
from app.forms import Form, Select, text

KIND_LABELS = {"county": _l("Landkreis"), "town": _l("Stadt oder Gemeinde mit eigenem IM")}


def _strong_password(form: Form, field: PasswordField) -> None:
    username = form.admin_username.data or ""
    if field.data and (problem := password_problem(field.data, username=username)):
        raise ValidationError(problem)


class SharingForm(Form):
    shares_figures = BooleanField(_l("Zahlen mit dem Landkreis teilen"))


class TeamForm(Form):
    name = text(_l("Name des Teams"), 120, DataRequired(_l("Bitte einen Namen angeben.")))


class MunicipalityForm(Form):
    name = text(_l("Gemeinde"), 120, DataRequired(_l("Bitte den Namen der Gemeinde angeben.")))
    population = IntegerField(
        _l("Einwohner (ungefähr)"),
        [Optional(), NumberRange(0, 10_000_000, _l("Bitte eine Zahl von 0 bis 10.000.000."))],
        render_kw={"inputmode": "numeric"},
    )
    team_id = Select(_l("Zuständiges Team"), coerce=int, validate_choice=True)


class MunicipalityTeamForm(Form):
    team_id = Select(_l("Zuständiges Team"), coerce=int, validate_choice=True)
    confirm = BooleanField(_l("Ja, so übernehmen"))


class _FirstAdmin(Form):
    admin_username = text(
        _l("Benutzername der Administration"),
        80,
        DataRequired(_l("Bitte einen Benutzernamen angeben.")),
        render_kw={"autocapitalize": "none", "autocomplete": "off"},
    )
    admin_name = text(
        _l("Name der Administration"), 120, DataRequired(_l("Bitte den Namen angeben."))
    )
    password = PasswordField(
        _l("Passwort"), [DataRequired(_l("Bitte ein Passwort angeben.")), _strong_password]
    )


class TownOrganisationForm(_FirstAdmin):
    name = text(_l("Name des Trägers"), 120, DataRequired(_l("Bitte einen Namen angeben.")))
    team_name = text(
        _l("Name des ersten Teams"), 120, DataRequired(_l("Bitte einen Namen angeben."))
    )
    municipality_ids = MultiCheckbox(_l("Gemeinden"), coerce=int, choices=[])


class FirstRunForm(_FirstAdmin):
    token = text(
        _l("Einrichtungs-Code"),
        80,
        DataRequired(_l("Bitte den Einrichtungs-Code angeben.")),
        render_kw={"autocapitalize": "none", "autocomplete": "off"},
    )
    organisation_name = text(
        _l("Name der Organisation"), 120, DataRequired(_l("Bitte einen Namen angeben."))
    )
    kind = Select(_l("Art"), choices=list(KIND_LABELS.items()))
    team_name = text(
        _l("Name des ersten Teams"), 120, DataRequired(_l("Bitte einen Namen angeben."))
    )
    goeppingen = BooleanField(_l("Gemeinden des Landkreises Göppingen übernehmen (Beispielliste)"))
