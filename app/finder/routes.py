"""Public responsibility finder (no login) and the admin form for contact details."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.access import admin_required
from app.audit.services import record
from app.extensions import db
from app.finder import services
from app.finder.forms import OrganisationForm
from app.urls import int_arg

bp = Blueprint("finder", __name__)


@bp.get("/zustaendigkeit")
def index():
    municipalities = services.all_municipalities()
    chosen = int_arg("municipality_id")
    q = (request.args.get("q") or "").strip()[:200]
    municipality = next((m for m in municipalities if m.id == chosen), None)
    not_found = False
    if municipality is None and q:
        municipality = services.match_municipality(q)
        not_found = municipality is None
    answer = services.responsibility(municipality) if municipality else None
    return render_template(
        "finder/index.html",
        municipalities=municipalities,
        answer=answer,
        q=q,
        chosen=municipality.id if municipality else None,
        not_found=not_found,
    )


@bp.route("/admin/organisation", methods=["GET", "POST"])
@admin_required
def organisation():
    org = current_user.organisation
    form = OrganisationForm(obj=org)
    if form.validate_on_submit():
        changed = [
            f for f in ("address", "phone", "email") if getattr(form, f).data != getattr(org, f)
        ]
        form.populate_obj(org)
        record("update", "organisation", org.id, "fields: " + ", ".join(changed))
        db.session.commit()
        flash(_("Kontaktdaten gespeichert."), "success")
        return redirect(url_for(".organisation"))
    return render_template("finder/organisation.html", form=form, organisation=org)
