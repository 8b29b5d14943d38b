"""Transfers between organisations: started from the household page by the sending side,
accepted or declined in the receiving organisation's inbox."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.access import case_data_required, household_or_404, leads_required
from app.extensions import db
from app.organisations.models import Municipality
from app.transfers import services
from app.transfers.forms import DecideTransferForm, StartTransferForm
from app.transfers.models import PENDING, Transfer

bp = Blueprint("transfers", __name__)


@bp.route("/households/<int:household_id>/transfer", methods=["GET", "POST"])
@case_data_required
def start(household_id: int):
    """Two steps: the new town shows what will go; only the confirmed form sends."""
    household = household_or_404(current_user, household_id)
    waiting = services.open_transfer(household)
    if waiting is not None:
        flash(
            _("Die Übertragung wartet auf die Annahme durch %(org)s.", org=waiting.to_org.name),
            "info",
        )
        return redirect(url_for("households.show", household_id=household.id))
    form = StartTransferForm()
    towns = services.other_towns(current_user)
    form.municipality_id.choices = [(0, _("— bitte wählen —"))] + [
        (m.id, f"{m.name} ({m.organisation.name})") for m in towns
    ]
    plan = None
    if form.validate_on_submit():
        municipality = db.session.get(Municipality, form.municipality_id.data)
        if municipality is None:
            form.municipality_id.errors.append(_("Bitte den neuen Wohnort wählen."))
        else:
            try:
                plan = services.plan_transfer(household, municipality)
            except services.TransferError as error:
                form.municipality_id.errors.append(str(error))
            else:
                if form.confirm.data:
                    transfer = services.start_transfer(current_user, household, municipality)
                    db.session.commit()
                    if transfer.status == PENDING:
                        flash(
                            _("Übertragung an %(org)s gesendet.", org=transfer.to_org.name),
                            "success",
                        )
                        return redirect(url_for("households.show", household_id=household.id))
                    flash(
                        _(
                            "Umzug an %(org)s gemeldet; die Beratung ist abgeschlossen.",
                            org=transfer.to_org.name,
                        ),
                        "success",
                    )
                    return redirect(url_for("households.show", household_id=household.id))
    return render_template(
        "transfers/start.html",
        form=form,
        household=household,
        plan=plan,
        latest=services.latest_transfer(household),
    )


@bp.get("/transfers")
@leads_required
def inbox():
    transfers = db.session.scalars(services.inbox_query(current_user).limit(200)).all()
    return render_template("transfers/inbox.html", transfers=transfers)


def _addressed_or_404(transfer_id: int) -> Transfer:
    transfer = db.session.get(Transfer, transfer_id)
    if transfer is None or transfer.to_org_id != current_user.organisation_id:
        abort(404)
    if not services.may_decide(current_user, transfer):
        abort(404)
    return transfer


@bp.route("/transfers/<int:transfer_id>", methods=["GET", "POST"])
@leads_required
def decide(transfer_id: int):
    transfer = _addressed_or_404(transfer_id)
    form = DecideTransferForm()
    managers = services.receiving_managers(transfer) if transfer.status == PENDING else []
    form.manager_id.choices = [(0, _("— das Team, noch niemand —"))] + [
        (u.id, u.display_name) for u in managers
    ]
    if request.method == "POST" and transfer.status != PENDING:
        flash(_("Über diese Übertragung ist schon entschieden."), "info")
        return redirect(url_for(".inbox"))
    if form.validate_on_submit():
        try:
            if form.decline.data:
                services.decline(current_user, transfer)
                db.session.commit()
                flash(_("Übertragung abgelehnt."), "success")
                return redirect(url_for(".inbox"))
            manager = next((u for u in managers if u.id == form.manager_id.data), None)
            household = services.accept(current_user, transfer, manager)
            db.session.commit()
        except services.TransferError as error:
            form.manager_id.errors.append(str(error))
        else:
            flash(_("Übertragung angenommen: der Haushalt ist jetzt bei Ihnen."), "success")
            return redirect(url_for("households.show", household_id=household.id))
    return render_template("transfers/decide.html", form=form, transfer=transfer)
