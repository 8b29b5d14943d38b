"""Consent pages of a person: record, withdraw, print the form."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from app.access import case_data_required, person_or_404
from app.audit.services import record
from app.consent import services, texts
from app.consent.forms import GiveConsentForm, WithdrawConsentForm
from app.documents.languages import preferred
from app.documents.web import STYLESHEETS, chosen, selector_options
from app.extensions import db
from app.pdf import render_pdf
from app.redirects import safe_next
from app.timeutil import today

bp = Blueprint("consent", __name__)


@bp.app_context_processor
def consent_helpers() -> dict:
    return {
        "consent_current": services.current,
        "consent_history": services.history,
        "counselling_allowed": services.counselling_allowed,
        "consent_labels": {
            "methods": services.METHODS,
            "states": services.STATES,
            "languages": texts.language_names(),
        },
        "consent_language_options": selector_options,
        "consent_preferred_language": preferred,
    }


def _date_problem(person, field) -> bool:
    if problem := services.date_problem(person, field.data):
        field.errors.append(problem)
        return True
    return False


@bp.route("/persons/<int:person_id>/consent/new", methods=["GET", "POST"])
@case_data_required
def give(person_id: int):
    person = person_or_404(current_user, person_id)
    form = GiveConsentForm()
    if request.method == "GET":
        form.given_on.data = today()
        form.form_version.data = texts.FORM_VERSION
    if form.validate_on_submit() and not _date_problem(person, form.given_on):
        services.give(
            person,
            counselling=form.counselling.data,
            volunteer_sharing=form.volunteer_sharing.data,
            transfer=form.transfer.data,
            transfer_notes=form.transfer_notes.data,
            agencies=form.agency_names,
            form_version=form.form_version.data,
            language=form.language.data,
            method=form.method.data,
            given_on=form.given_on.data,
        )
        db.session.commit()
        flash(_("Einwilligung gespeichert."), "success")
        # `next`: back where the consent was missing, e.g. the contact form of a walk-in.
        return redirect(_back(person))
    return render_template("consent/give.html", form=form, person=person, back=_back(person))


def _back(person) -> str:
    return safe_next(
        request.args.get("next"), url_for("households.show_person", person_id=person.id)
    )


@bp.route("/persons/<int:person_id>/consent/withdraw", methods=["GET", "POST"])
@case_data_required
def withdraw(person_id: int):
    person = person_or_404(current_user, person_id)
    form = WithdrawConsentForm()
    if request.method == "GET":
        form.withdrawn_on.data = today()
    if form.validate_on_submit() and not _date_problem(person, form.withdrawn_on):
        services.withdraw(person, form.withdrawn_on.data)
        db.session.commit()
        flash(_("Widerruf gespeichert. Er gilt ab sofort."), "success")
        return redirect(url_for("households.show_person", person_id=person.id))
    return render_template("consent/withdraw.html", form=form, person=person)


@bp.get("/persons/<int:person_id>/consent/form.pdf")
@case_data_required
def form_pdf(person_id: int):
    person = person_or_404(current_user, person_id)
    doc = chosen(person.languages)
    language = doc.code
    html = render_template(
        "consent/form_pdf.html",
        person=person,
        doc=doc,
        version=texts.FORM_VERSION,
        months=current_app.config["RETENTION_MONTHS"],
    )
    record("print", "person", person.id, f"consent form {language}")
    db.session.commit()
    return Response(
        render_pdf(html, stylesheets=STYLESHEETS),
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'inline; filename="einwilligung-{person.id}-{language}.pdf"'
        },
    )
