from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField

from app.appointments.forms import MultiCheckbox
from app.forms import Form, Select, text
from app.staffing.forms import _valid_key, new_key


class HandoverForm(Form):
    """The source (read from the URL on the first step), the households, the target."""

    manager_id = Select(_l("Haushalte von"), coerce=int, validate_choice=True)
    municipality_id = Select(_l("Gemeinde"), coerce=int, validate_choice=True)
    street = text(_l("Straße (z. B. einer Gemeinschaftsunterkunft)"), 160)
    household_ids = MultiCheckbox(_l("Haushalte"), coerce=int, choices=[])
    target_manager_id = Select(_l("An Integrationsmanager:in"), coerce=int, validate_choice=True)
    target_team_id = Select(_l("Oder an das Team"), coerce=int, validate_choice=True)
    confirm = BooleanField(_l("Ja, so übergeben"))
    idempotency_key = HiddenField(default=new_key, validators=[_valid_key])
