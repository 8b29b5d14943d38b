from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms.validators import Email, Optional

from app.forms import Form, text


class OrganisationForm(Form):
    address = text(_l("Anschrift"), 200)
    phone = text(_l("Telefon"), 40, render_kw={"inputmode": "tel", "type": "tel"})
    email = text(
        _l("E-Mail"),
        120,
        Optional(),
        Email(_l("Bitte eine gültige E-Mail-Adresse angeben.")),
        render_kw={"type": "email", "inputmode": "email"},
    )
