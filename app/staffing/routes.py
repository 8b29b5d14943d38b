"""Staff and funding pages. Admins of an organisation edit; team leads read their own team."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.access import admin_required, leads_required
from app.accounts import roles
from app.accounts.models import User
from app.audit.services import record
from app.collation import sorted_by_name
from app.extensions import db, htmx
from app.organisations.models import Team
from app.staffing import rules, services
from app.staffing.format import FILTERS, QUALIFICATIONS
from app.staffing.forms import PeriodForm, PositionForm, check_holder, new_key
from app.staffing.models import FundingPeriod, FundingRate, Position
from app.timeutil import today
from app.urls import int_arg

bp = Blueprint("staffing", __name__)


@bp.record_once
def _register_filters(state) -> None:
    for name, function in FILTERS.items():
        state.app.add_template_filter(function, name)


@bp.app_context_processor
def _qualifications() -> dict:
    return {"qualifications": QUALIFICATIONS}


def _day() -> date:
    try:
        return date.fromisoformat(request.args.get("on", ""))
    except ValueError:
        return today()


def _selected_period(periods: list[FundingPeriod], on: date) -> FundingPeriod | None:
    wanted = int_arg("period")
    if wanted is not None:
        chosen = next((p for p in periods if p.id == wanted), None)
        if chosen is None:
            abort(404)
        return chosen
    return services.current_period(periods, on)


@bp.get("/staffing")
@leads_required
def overview():
    on = _day()
    periods = services.periods_for(current_user)
    period = _selected_period(periods, on)
    positions = services.positions_for(current_user)
    funding = services.period_funding(period, positions) if period else None
    return render_template(
        "staffing/overview.html",
        on=on,
        periods=periods,
        period=period,
        funding=funding,
        summary=rules.staffing_summary(positions, on),
        teams=services.team_staffing(current_user, on, positions),
        warnings=rules.contract_warnings(positions, on),
        warn_until=rules.warn_until(on),
    )


@bp.get("/staffing/positions")
@leads_required
def positions():
    on = _day()
    periods = services.periods_for(current_user)
    period = _selected_period(periods, on) if request.args.get("period") else None
    items = services.positions_for(current_user, period.id if period else None)
    funding = {}
    for p in periods:
        for row in services.period_funding(p, items).rows:
            funding[row.position.id] = row
    context = {
        "on": on,
        "periods": periods,
        "period": period,
        "positions": items,
        "funding": funding,
        "states": {p.id: rules.contract_state(p, on) for p in items},
        "warnings": rules.contract_warnings(items, on),
        "warn_until": rules.warn_until(on),
    }
    if htmx:
        return render_template("staffing/_positions.html", **context)
    return render_template("staffing/positions.html", **context)


# --- positions ------------------------------------------------------------------------------


def _position_form(position: Position | None = None) -> tuple[PositionForm, dict[int, int | None]]:
    form = PositionForm(obj=position)
    org = current_user.organisation_id
    form.funding_period_id.choices = [
        (p.id, f"{p.name} ({p.starts_on:%d.%m.%Y}–{p.ends_on:%d.%m.%Y})")
        for p in services.periods_for(current_user)
    ]
    teams = sorted_by_name(db.session.scalars(select(Team).where(Team.organisation_id == org)))
    form.team_id.choices = [(t.id, t.name) for t in teams]
    staff = sorted_by_name(
        db.session.scalars(
            select(User).where(
                User.organisation_id == org,
                User.role.in_((roles.MANAGER, roles.TEAM_LEAD)),
                User.is_active_account.is_(True)
                | (User.id == (position.user_id if position else -1)),
            )
        ),
        lambda u: u.display_name,
    )
    form.user_id.choices = [(0, _("— unbesetzt —"))] + [(u.id, u.display_name) for u in staff]
    if position is None and request.method == "GET":
        if (user_id := int_arg("user")) in {u.id for u in staff}:
            holder = next(u for u in staff if u.id == user_id)
            form.user_id.data = holder.id
            form.team_id.data = holder.team_id
            form.fte.data = holder.fte or None
            form.qualification.data = holder.qualification or ""
    elif position is not None and request.method == "GET":
        form.user_id.data = position.user_id or 0
    if request.method == "GET" and not form.idempotency_key.data:
        form.idempotency_key.data = new_key()
    return form, {u.id: u.team_id for u in staff}


_POSITION_FIELDS = (
    "funding_period_id",
    "team_id",
    "user_id",
    "label",
    "fte",
    "qualification",
    "contract_start",
    "contract_end",
    "note",
)


def _apply(form: PositionForm, position: Position) -> list[str]:
    values = {name: getattr(form, name).data for name in _POSITION_FIELDS}
    values["user_id"] = values["user_id"] or None
    values["note"] = values["note"] or ""
    values["label"] = values["label"] or ""
    if values["contract_end"] is None:
        values["contract_end"] = rules.default_contract_end(values["contract_start"])
    changed = [k for k, v in values.items() if getattr(position, k) != v]
    for key, value in values.items():
        setattr(position, key, value)
    return changed


@bp.route("/staffing/positions/new", methods=["GET", "POST"])
@admin_required
def position_new():
    form, user_teams = _position_form()
    if not form.funding_period_id.choices:
        flash(_("Bitte zuerst einen Förderzeitraum mit seinen Sätzen anlegen."), "info")
        return redirect(url_for(".period_new"))
    if form.validate_on_submit() and check_holder(form, user_teams):
        existing = db.session.scalar(
            select(Position).where(
                Position.organisation_id == current_user.organisation_id,
                Position.idempotency_key == form.idempotency_key.data,
            )
        )
        if existing is not None:  # the same form sent twice: saved once
            return redirect(url_for(".positions"))
        position = Position(
            organisation_id=current_user.organisation_id,
            idempotency_key=form.idempotency_key.data,
        )
        _apply(form, position)
        db.session.add(position)
        db.session.flush()
        record("create", "position", position.id, "fields: " + ", ".join(_POSITION_FIELDS))
        db.session.commit()
        flash(_("Stelle gespeichert."), "success")
        return redirect(url_for(".positions"))
    return render_template("staffing/position_form.html", form=form, position=None)


@bp.route("/staffing/positions/<int:position_id>/edit", methods=["GET", "POST"])
@admin_required
def position_edit(position_id: int):
    position = services.position_for(current_user, position_id)
    if position is None:
        abort(404)
    form, user_teams = _position_form(position)
    if form.validate_on_submit() and check_holder(form, user_teams):
        changed = _apply(form, position)
        record("update", "position", position.id, "fields: " + ", ".join(changed))
        db.session.commit()
        flash(_("Stelle gespeichert."), "success")
        return redirect(url_for(".positions"))
    return render_template("staffing/position_form.html", form=form, position=position)


# --- funding periods ------------------------------------------------------------------------


def _period_form(period: FundingPeriod | None = None) -> PeriodForm:
    form = PeriodForm(obj=period)
    if request.method == "GET":
        rates = period.rate_map() if period else services.latest_rates(current_user.organisation_id)
        for qualification, name in PeriodForm.RATE_FIELDS.items():
            getattr(form, name).data = rates.get(qualification)
        form.idempotency_key.data = form.idempotency_key.data or new_key()
    return form


def _name_taken(form: PeriodForm, period: FundingPeriod | None) -> bool:
    other = db.session.scalar(
        select(FundingPeriod.id).where(
            FundingPeriod.organisation_id == current_user.organisation_id,
            FundingPeriod.name == form.name.data,
            FundingPeriod.id != (period.id if period else -1),
        )
    )
    if other is not None:
        form.name.errors.append(_("Einen Förderzeitraum mit dieser Bezeichnung gibt es schon."))
        return True
    return False


def _save_period(form: PeriodForm, period: FundingPeriod) -> list[str]:
    changed = []
    for name in ("name", "starts_on", "ends_on", "granted_amount"):
        if getattr(period, name) != getattr(form, name).data:
            changed.append(name)
            setattr(period, name, getattr(form, name).data)
    existing = {r.qualification: r for r in period.rates}
    for qualification, field_name in PeriodForm.RATE_FIELDS.items():
        value = getattr(form, field_name).data
        rate = existing.get(qualification)
        if rate is None:
            period.rates.append(FundingRate(qualification=qualification, yearly_rate=value))
            changed.append(f"rate {qualification}")
        elif rate.yearly_rate != value:
            rate.yearly_rate = value
            changed.append(f"rate {qualification}")
    return changed


@bp.route("/staffing/periods/new", methods=["GET", "POST"])
@admin_required
def period_new():
    form = _period_form()
    if form.validate_on_submit():
        existing = db.session.scalar(
            select(FundingPeriod).where(
                FundingPeriod.organisation_id == current_user.organisation_id,
                FundingPeriod.idempotency_key == form.idempotency_key.data,
            )
        )
        if existing is not None:  # sent twice: saved once
            return redirect(url_for(".overview", period=existing.id))
        if not _name_taken(form, None):
            period = FundingPeriod(
                organisation_id=current_user.organisation_id,
                idempotency_key=form.idempotency_key.data,
            )
            changed = _save_period(form, period)
            db.session.add(period)
            db.session.flush()
            record("create", "funding_period", period.id, "fields: " + ", ".join(changed))
            db.session.commit()
            flash(_("Förderzeitraum gespeichert."), "success")
            return redirect(url_for(".overview", period=period.id))
    return render_template("staffing/period_form.html", form=form, period=None)


@bp.route("/staffing/periods/<int:period_id>/edit", methods=["GET", "POST"])
@admin_required
def period_edit(period_id: int):
    period = services.period_for(current_user, period_id)
    if period is None:
        abort(404)
    form = _period_form(period)
    if form.validate_on_submit() and not _name_taken(form, period):
        changed = _save_period(form, period)
        record("update", "funding_period", period.id, "fields: " + ", ".join(changed))
        db.session.commit()
        flash(_("Förderzeitraum gespeichert."), "success")
        return redirect(url_for(".overview", period=period.id))
    return render_template("staffing/period_form.html", form=form, period=period)
