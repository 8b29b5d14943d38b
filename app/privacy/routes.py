"""Subject access, access history of a person, retention (admin)."""

from __future__ import annotations

import json

from flask import Blueprint, Response, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from app.access import admin_required, household_or_404, person_or_404, role_required
from app.accounts.forms import ConfirmForm
from app.audit.services import ACTION_LABELS, record
from app.extensions import db
from app.pdf import render_pdf
from app.privacy import printout, retention, services

bp = Blueprint("privacy", __name__)

privacy_role_required = role_required(*services.PRIVACY_ROLES)


@bp.app_context_processor
def privacy_helpers() -> dict:
    return {
        "person_corrections": services.corrections,
        "privacy_roles": services.PRIVACY_ROLES,
        "person_labels": services.PERSON_LABELS,
    }


@bp.get("/persons/<int:person_id>/subject-access")
@privacy_role_required
def subject_access(person_id: int):
    person = person_or_404(current_user, person_id)
    return render_template("privacy/subject_access.html", person=person)


@bp.get("/persons/<int:person_id>/subject-access.json")
@privacy_role_required
def subject_access_json(person_id: int):
    person = person_or_404(current_user, person_id)
    record("export", "person", person.id, "subject access json")
    db.session.commit()
    body = json.dumps(services.subject_access(person), ensure_ascii=False, indent=2)
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="auskunft-{person.id}.json"'},
    )


@bp.get("/persons/<int:person_id>/subject-access.pdf")
@privacy_role_required
def subject_access_pdf(person_id: int):
    person = person_or_404(current_user, person_id)
    record("export", "person", person.id, "subject access pdf")
    db.session.commit()
    report = services.subject_access(person)
    html = render_template(
        "privacy/subject_access_pdf.html",
        person=person,
        report=report,
        sections=printout.printable(report),
    )
    return Response(
        render_pdf(html),
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="auskunft-{person.id}.pdf"'},
    )


@bp.get("/admin/persons/<int:person_id>/access")
@admin_required
def access_history(person_id: int):
    person = person_or_404(current_user, person_id)
    events = services.access_events(person)
    record("view", "person", person.id, "access history")
    db.session.commit()
    return render_template(
        "privacy/access_history.html", person=person, events=events, labels=ACTION_LABELS
    )


@bp.get("/admin/retention")
@admin_required
def retention_index():
    org = current_user.organisation_id
    return render_template(
        "privacy/retention.html",
        due=retention.due_households(org),
        over_maximum=retention.over_maximum(org),
        months=current_app.config["RETENTION_MONTHS"],
        max_months=current_app.config["MAX_COUNSELLING_MONTHS"],
        cutoff=retention.cutoff(),
        form=ConfirmForm(),
    )


@bp.post("/admin/retention/run")
@admin_required
def retention_run():
    form = ConfirmForm()
    if not form.validate_on_submit():
        flash(_("Bitte bestätigen Sie die Anonymisierung."), "error")
        return redirect(url_for(".retention_index"))
    done = retention.run(dry_run=False, organisation_id=current_user.organisation_id)
    db.session.commit()
    flash(
        ngettext("%(num)d Haushalt anonymisiert.", "%(num)d Haushalte anonymisiert.", len(done)),
        "success",
    )
    return redirect(url_for(".retention_index"))


@bp.post("/admin/households/<int:household_id>/anonymise")
@admin_required
def anonymise_now(household_id: int):
    """Erasure on request (Art. 17): anonymise one closed case before its retention ends."""
    household = household_or_404(current_user, household_id)
    form = ConfirmForm()
    if household.status != "closed":
        flash(_("Nur abgeschlossene Fälle können anonymisiert werden."), "error")
        return redirect(url_for("households.show", household_id=household.id))
    if not form.validate_on_submit():
        flash(_("Bitte bestätigen Sie die Anonymisierung."), "error")
        return redirect(url_for("households.show", household_id=household.id))
    retention.anonymise_household(household)
    record("anonymise", "household", household.id, "on request")
    db.session.commit()
    flash(_("Der Fall wurde anonymisiert."), "success")
    return redirect(url_for(".retention_index"))
