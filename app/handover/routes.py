"""Caseload handover page: pick the source, review the households, preview, confirm."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.access import leads_required
from app.collation import sorted_by_name
from app.extensions import db
from app.handover import services
from app.handover.forms import HandoverForm
from app.households.services import municipalities_for


def _label(household) -> str:
    parts = [household.label, household.municipality.name]
    if household.street:
        parts.append(household.street)
    parts.append(household.manager.display_name if household.manager else _("ohne Zuständige:n"))
    return " · ".join(parts)


bp = Blueprint("handover", __name__)


@bp.route("/handover", methods=["GET", "POST"])
@leads_required
def index():
    posted = request.method == "POST"
    if (
        posted
        and request.form.get("confirm")
        and services.already_done(request.form.get("idempotency_key", ""))
    ):
        flash(_("Diese Übergabe ist schon gespeichert."), "info")
        return redirect(url_for(".index"))
    form = HandoverForm() if posted else HandoverForm(formdata=request.args, meta={"csrf": False})
    form.manager_id.choices = [(0, _("— alle —"))] + [
        (u.id, u.display_name) for u in services.managers_in(current_user)
    ]
    form.municipality_id.choices = [(0, _("— alle —"))] + [
        (m.id, m.name) for m in municipalities_for(current_user)
    ]
    targets = services.target_managers(current_user)
    form.target_manager_id.choices = [(0, _("— niemand —"))] + [
        (u.id, f"{u.display_name} ({u.team.name})") for u in targets
    ]
    teams = sorted_by_name(current_user.organisation.teams)
    form.target_team_id.choices = [(0, _("— das Team der Person —"))] + [
        (t.id, t.name) for t in teams
    ]
    managers = services.managers_in(current_user)
    towns = municipalities_for(current_user)
    source = services.Source(
        manager_id=form.manager_id.data if form.manager_id.data in {u.id for u in managers} else 0,
        municipality_id=(
            form.municipality_id.data if form.municipality_id.data in {m.id for m in towns} else 0
        ),
        street=(form.street.data or "").strip(),
    )
    households = services.source_households(current_user, source)
    form.household_ids.choices = [(h.id, _label(h)) for h in households]
    if not posted:
        form.household_ids.data = [h.id for h in households]
    result = None
    if form.validate_on_submit():
        chosen = [h for h in households if h.id in set(form.household_ids.data or [])]
        manager = next((u for u in targets if u.id == form.target_manager_id.data), None)
        team = next((t for t in teams if t.id == form.target_team_id.data), None)
        target = None
        if not chosen:
            form.household_ids.errors.append(_("Bitte mindestens einen Haushalt wählen."))
        try:
            target = services.resolve_target(current_user.organisation_id, manager, team)
        except services.HandoverError as error:
            form.target_manager_id.errors.append(str(error))
        if chosen and target is not None:
            result = services.preview(chosen, target)
            if not result.households:
                form.household_ids.errors.append(
                    _("Die gewählten Haushalte sind schon bei diesem Ziel.")
                )
                result = None
            elif form.confirm.data:
                done = services.apply(current_user, chosen, target, form.idempotency_key.data)
                db.session.commit()
                return render_template("handover/done.html", result=done)
    return render_template(
        "handover/index.html", form=form, households=households, source=source, result=result
    )
