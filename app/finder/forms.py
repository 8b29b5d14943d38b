from __future__ import annotations

from wtforms.validators import Email, Optional

from app.forms import Form, text


class OrganisationForm(Form):
    address = text("Anschrift", 200)
    phone = text("Telefon", 40, render_kw={"inputmode": "tel", "type": "tel"})
    email = text(
        "E-Mail",
        120,
        Optional(),
        Email("Bitte eine gültige E-Mail-Adresse angeben."),
        render_kw={"type": "email", "inputmode": "email"},
    )
