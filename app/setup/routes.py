"""Admin set-up pages (organisation, teams, municipalities) and the first-run page."""

from __future__ import annotations

import hmac

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from app.access import admin_required
from app.collation import sorted_by_name
from app.extensions import db
from app.households.models import Household
from app.organisations.models import Municipality, Organisation, Team
from app.outage import OUTAGE_ERRORS
from app.setup import services
from app.setup.forms import (
    FirstRunForm,
    MunicipalityForm,
    MunicipalityTeamForm,
    SharingForm,
    TeamForm,
    TownOrganisationForm,
)

bp = Blueprint("setup", __name__, url_prefix="/admin/setup")
firstrun_bp = Blueprint("firstrun", __name__)


@firstrun_bp.app_template_global("installation_is_fresh")
def installation_is_fresh() -> bool:
    """The login page links to the first run while the installation has no accounts; during a
    database outage the login form still renders, without the hint."""
    try:
        return services.is_fresh_installation()
    except OUTAGE_ERRORS:
        db.session.rollback()
        return False


def _own_team_or_404(team_id: int) -> Team:
    team = db.session.get(Team, team_id)
    if team is None or team.organisation_id != current_user.organisation_id:
        abort(404)
    return team


def _own_municipality_or_404(municipality_id: int) -> Municipality:
    municipality = db.session.get(Municipality, municipality_id)
    if municipality is None or municipality.organisation_id != current_user.organisation_id:
        abort(404)
    return municipality


def _team_choices() -> list[tuple[int, str]]:
    return [(t.id, t.name) for t in sorted_by_name(current_user.organisation.teams)]


@bp.get("/")
@admin_required
def index():
    org = current_user.organisation
    active = (
        select(Household.municipality_id, func.count(Household.id))
        .where(Household.organisation_id == org.id, Household.status == "active")
        .group_by(Household.municipality_id)
    )
    households = dict(db.session.execute(active).all())
    municipalities = sorted_by_name(
        db.session.scalars(select(Municipality).where(Municipality.organisation_id == org.id))
    )
    others = []
    if org.kind == "county":
        others = sorted_by_name(
            db.session.scalars(select(Organisation).where(Organisation.id != org.id))
        )
    return render_template(
        "setup/index.html",
        organisation=org,
        teams=sorted_by_name(org.teams),
        municipalities=municipalities,
        households=households,
        others=others,
        sharing_form=SharingForm(obj=org) if org.kind != "county" else None,
    )


@bp.post("/sharing")
@admin_required
def sharing():
    """A town with its own IM agrees (or no longer agrees) that the county sees its figures."""
    org = current_user.organisation
    if org.kind == "county":
        abort(404)
    form = SharingForm()
    if form.validate_on_submit():
        shares = bool(form.shares_figures.data)
        services.set_sharing(org, shares)
        db.session.commit()
        flash(
            _("Der Landkreis sieht jetzt die Zahlen von %(name)s (nur Summen).", name=org.name)
            if shares
            else _("Der Landkreis sieht die Zahlen von %(name)s nicht mehr.", name=org.name),
            "success",
        )
    return redirect(url_for(".index", _anchor="sharing"))


@bp.route("/teams/new", methods=["GET", "POST"])
@bp.route("/teams/<int:team_id>", methods=["GET", "POST"])
@admin_required
def team(team_id: int | None = None):
    team = _own_team_or_404(team_id) if team_id else None
    form = TeamForm(obj=team)
    if form.validate_on_submit():
        try:
            services.save_team(current_user.organisation, form.name.data, team)
        except services.SetupError as error:
            form.name.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Team gespeichert."), "success")
            return redirect(url_for(".index"))
    return render_template("setup/team_form.html", form=form, team=team)


@bp.route("/municipalities/new", methods=["GET", "POST"])
@admin_required
def new_municipality():
    form = MunicipalityForm()
    form.team_id.choices = _team_choices()
    if form.validate_on_submit():
        try:
            services.add_municipality(
                current_user.organisation,
                form.name.data,
                form.population.data or 0,
                _own_team_or_404(form.team_id.data),
            )
        except services.SetupError as error:
            form.name.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Gemeinde angelegt."), "success")
            return redirect(url_for(".index"))
    return render_template("setup/municipality_form.html", form=form)


@bp.route("/municipalities/<int:municipality_id>", methods=["GET", "POST"])
@admin_required
def municipality(municipality_id: int):
    """Two steps: choosing another team shows what moves; only the confirmed form saves."""
    municipality = _own_municipality_or_404(municipality_id)
    form = MunicipalityTeamForm(obj=municipality)
    form.team_id.choices = _team_choices()
    change = None
    if form.validate_on_submit():
        new_team = _own_team_or_404(form.team_id.data)
        change = services.preview_team_change(municipality, new_team)
        if not change.changes_anything:
            flash(_("Nichts geändert."), "info")
            return redirect(url_for(".index"))
        if form.confirm.data:
            moved = services.apply_team_change(municipality, new_team)
            db.session.commit()
            flash(
                _(
                    "%(town)s gehört jetzt zu %(team)s; %(n)s Haushalte wechselten das Team.",
                    town=municipality.name,
                    team=new_team.name,
                    n=moved,
                ),
                "success",
            )
            return redirect(url_for(".index"))
    return render_template(
        "setup/municipality.html", form=form, municipality=municipality, change=change
    )


@bp.route("/organisations/new", methods=["GET", "POST"])
@admin_required
def new_organisation():
    if current_user.organisation.kind != "county":
        abort(403)
    form = TownOrganisationForm()
    own = sorted_by_name(
        db.session.scalars(
            select(Municipality).where(Municipality.organisation_id == current_user.organisation_id)
        )
    )

    form.municipality_ids.choices = [(m.id, m.name) for m in own]
    if form.validate_on_submit():
        chosen = [m for m in own if m.id in set(form.municipality_ids.data or [])]
        try:
            services.create_town_organisation(
                current_user,
                name=form.name.data,
                team_name=form.team_name.data,
                municipalities=chosen,
                admin_username=form.admin_username.data,
                admin_name=form.admin_name.data,
                password=form.password.data,
            )
        except services.SetupError as error:
            form.municipality_ids.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Träger „%(name)s“ angelegt.", name=form.name.data), "success")
            return redirect(url_for(".index"))
    return render_template("setup/organisation_form.html", form=form)


@firstrun_bp.route("/setup", methods=["GET", "POST"])
def first_run():
    """A fresh installation without accounts: claim it with the code from the instance folder."""
    if not services.is_fresh_installation():
        abort(404)
    token = services.setup_token(current_app.instance_path)
    form = FirstRunForm()
    if form.validate_on_submit():
        if not hmac.compare_digest(form.token.data.encode(), token.encode()):
            form.token.errors.append(_("Der Einrichtungs-Code stimmt nicht."))
        else:
            if not services.claim_setup_token(current_app.instance_path):
                abort(404)  # another request is setting the installation up
            rows = services.goeppingen_municipalities() if form.goeppingen.data else []
            try:
                services.initialise(
                    organisation_name=form.organisation_name.data,
                    kind=form.kind.data,
                    team_name=form.team_name.data,
                    admin_username=form.admin_username.data,
                    admin_name=form.admin_name.data,
                    password=form.password.data,
                    municipalities=rows,
                )
                db.session.commit()
            except services.SetupError:
                abort(404)  # another request set the installation up meanwhile
            flash(_("Eingerichtet. Bitte melden Sie sich an."), "success")
            return redirect(url_for("auth.login"))
    current_app.logger.warning(
        "First run: the set-up code is in %s", services.token_path(current_app)
    )
    return render_template("setup/first_run.html", form=form)
