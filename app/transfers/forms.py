from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SubmitField

from app.forms import Form, Select


class StartTransferForm(Form):
    municipality_id = Select(_l("Neuer Wohnort"), coerce=int, validate_choice=True)
    confirm = BooleanField(_l("Ja, so senden"))


class DecideTransferForm(Form):
    manager_id = Select(_l("Zuständig beim neuen Träger"), coerce=int, validate_choice=True)
    accept = SubmitField(_l("Annehmen"))
    decline = SubmitField(_l("Ablehnen"))
