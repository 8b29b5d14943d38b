"""Reports: the dashboard for team leads and admins, the lists behind its figures, exports."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.access import admin_required, leads_required
from app.accounts import roles
from app.audit.services import record
from app.contacts import choices as contact_choices
from app.extensions import db, htmx
from app.i18n import local_date
from app.reports import charts, exports, figures, services
from app.reports import county as county_view
from app.reports.forms import AsOfForm, PeriodForm, ReportFilterForm
from app.timeutil import today
from app.urls import int_arg, page_arg

bp = Blueprint("reports", __name__)
PER_PAGE = 25


def _request_scope(form_cls=ReportFilterForm):
    """The filter form and the scope it asks for (404 for teams/municipalities out of reach)."""
    teams = services.teams_for(current_user)
    municipalities = services.municipalities_for(current_user)
    form = form_cls(request.args)
    if current_user.role == roles.ADMIN:
        form.team_id.choices = [(0, _("alle Teams"))] + [(t.id, t.name) for t in teams]
    else:
        form.team_id.choices = [(t.id, t.name) for t in teams]
        form.team_id.data = current_user.team_id
    form.municipality_id.choices = [(0, _("alle Gemeinden"))] + [
        (m.id, m.name) for m in municipalities
    ]
    team_id, municipality_id = int_arg("team_id", 0), int_arg("municipality_id", 0)
    form.validate()
    start, end = form.resolved_period(today())
    scope = services.scope_for(
        current_user,
        start,
        end,
        team_id,
        municipality_id,
        teams=teams,
        municipalities=municipalities,
    )
    names = {t.id: t.name for t in teams} | {-m.id: m.name for m in municipalities}
    parts = [current_user.organisation.name]
    if scope.team_id:
        parts.append(_("Team %(name)s", name=names.get(scope.team_id, "")))
    if scope.municipality_id:
        parts.append(_("Gemeinde %(name)s", name=names.get(-scope.municipality_id, "")))
    return form, scope, " · ".join(parts)


def _query(scope: figures.ReportScope) -> dict:
    """The filter as URL parameters (the resolved dates, so a link shows the same figures)."""
    q = {"date_from": scope.start.isoformat(), "date_to": scope.end.isoformat()}
    if scope.team_id and current_user.role == roles.ADMIN:
        q["team_id"] = scope.team_id
    if scope.municipality_id:
        q["municipality_id"] = scope.municipality_id
    return q


def _charts(data: figures.Dashboard, q: dict) -> dict[str, charts.Chart]:
    def link(figure: str, **extra) -> str:
        return url_for("reports.drilldown", figure=figure, **q, **extra)

    def team_query(team_id: int) -> dict:
        # Caseload is per whole team: its list ignores the municipality filter.
        return {k: v for k, v in q.items() if k != "municipality_id"} | {"team_id": team_id}

    settings = charts.bar_chart(
        "chart-settings",
        _("Kontakte nach Art"),
        [
            (contact_choices.SETTINGS.get(code, code), n, link("kontakte", setting=code))
            for code, n in data.settings.counts
        ],
        column_label=_("Art"),
    )
    topics = charts.bar_chart(
        "chart-topics",
        _("Themen nach Häufigkeit"),
        [
            (contact_choices.topic_label(t.label), t.count, link("kontakte", topic_id=t.topic_id))
            for t in data.topics
        ],
        column_label=_("Thema"),
    )
    per = data.per_household
    per_household = charts.bar_chart(
        "chart-per-household",
        _(_("Kontakte je Haushalt")),
        [
            (_("Familienhaushalt"), per.per_family or 0, link("familien")),
            (_("Einpersonenhaushalt"), per.per_single or 0, link("einzelhaushalte")),
        ],
        column_label=_("Haushalt"),
        value_label=_(_("Kontakte je Haushalt")),
        digits=1,
    )
    several_years = data.scope.start.year != data.scope.end.year
    new_eligible = charts.column_chart(
        "chart-new-eligible",
        _("Neu berechtigte Personen je Monat"),
        [
            (
                charts.month_label(m.month, several_years),
                m.count,
                link("neu-berechtigt", month=m.month.isoformat()),
            )
            for m in data.new_eligible
        ],
        column_label=_("Monat"),
    )
    caseload = charts.bar_chart(
        "chart-caseload",
        _("Berechtigte je VZÄ nach Team"),
        [
            (
                _("%(team)s (%(fte)s VZÄ)", team=t.team, fte=charts.local_number(t.fte, 2)),
                t.per_fte or 0,
                url_for("reports.drilldown", figure="berechtigte", **team_query(t.team_id)),
            )
            for t in data.caseload
        ],
        column_label=_("Team"),
        value_label=_("Berechtigte je VZÄ"),
        digits=1,
    )
    return {
        "settings": settings,
        "topics": topics,
        "per_household": per_household,
        "new_eligible": new_eligible,
        "caseload": caseload,
    }


@bp.get("/reports")
@leads_required
def dashboard():
    form, scope, label = _request_scope()
    data = figures.dashboard(scope, today())
    q = _query(scope)
    template = "reports/_dashboard.html" if htmx else "reports/dashboard.html"
    return render_template(
        template,
        form=form,
        data=data,
        q=q,
        label=label,
        filter_summary=f"{local_date(scope.start)} – {local_date(scope.end)} · {label}",
        oob=bool(htmx),
        charts=_charts(data, q),
        number=charts.local_number,
        percent=charts.local_percent,
    )


@bp.get("/reports/county")
@admin_required
def county():
    """The county's and the sharing towns' figures side by side and summed (aggregates only,
    app/reports/county.py); the county's admins only."""
    if not county_view.may_view(current_user):
        abort(403)
    form = PeriodForm(request.args)
    form.validate()
    start, end = form.resolved_period(today())
    data = county_view.combined(start, end, today())
    summary = f"{local_date(start)} – {local_date(end)}"
    template = "reports/_county.html" if htmx else "reports/county.html"
    return render_template(
        template,
        form=form,
        data=data,
        shares=county_view.SHARES,
        filter_summary=summary,
        oob=bool(htmx),
        number=charts.local_number,
        percent=charts.local_percent,
    )


@bp.get("/reports/list/<figure>")
@leads_required
def drilldown(figure: str):
    spec = services.LISTS.get(figure)
    if spec is None:
        abort(404)
    _, scope, label = _request_scope()
    setting = request.args.get("setting", "")
    if setting and setting not in contact_choices.SETTINGS:
        setting = ""
    month = None
    raw_month = request.args.get("month", "")
    if raw_month:
        try:
            month = date.fromisoformat(raw_month).replace(day=1)
        except ValueError:
            month = None
    stmt = services.list_query(
        current_user,
        figure,
        scope,
        today(),
        setting=setting,
        topic_id=int_arg("topic_id", 0),
        month=month,
    )
    page = db.paginate(
        stmt, page=page_arg(), per_page=PER_PAGE, max_per_page=PER_PAGE, error_out=False
    )
    q = _query(scope)
    extra = {k: v for k, v in request.args.items() if k in ("setting", "topic_id", "month")}
    template = "reports/_list.html" if htmx else "reports/list.html"
    return render_template(
        template,
        spec=spec,
        figure=figure,
        page=page,
        q=q,
        extra=extra,
        label=label,
        scope=scope,
        today=today(),
        settings=contact_choices.SETTINGS,
    )


def _download(body: str | bytes, name: str, fmt: str) -> Response:
    mimetype = "text/csv; charset=utf-8" if fmt == "csv" else exports.XLSX_MIMETYPE
    return Response(
        body,
        200,
        {"Content-Type": mimetype, "Content-Disposition": f'attachment; filename="{name}.{fmt}"'},
    )


def _audit(kind: str, scope: figures.ReportScope, fmt: str, extra: str = "") -> None:
    detail = f"{fmt} {scope.start:%Y-%m-%d}..{scope.end:%Y-%m-%d}"
    if scope.team_id:
        detail += f" team {scope.team_id}"
    if scope.municipality_id:
        detail += f" municipality {scope.municipality_id}"
    record("export", kind, None, (detail + extra)[:300])
    db.session.commit()


@bp.get("/reports/export/dashboard.xlsx")
@leads_required
def export_dashboard():
    _, scope, label = _request_scope()
    data = figures.dashboard(scope, today())
    _audit("report_dashboard", scope, "xlsx")
    body = exports.to_xlsx([("Kennzahlen", exports.dashboard_rows(data, label))])
    return _download(body, f"berichte-{scope.start:%Y%m%d}-{scope.end:%Y%m%d}", "xlsx")


@bp.get("/reports/export/indicators.<fmt>")
@leads_required
def export_distribution(fmt: str):
    if fmt not in ("csv", "xlsx"):
        abort(404)
    form, scope, _ = _request_scope(AsOfForm)
    on = (form.on.data if not form.on.errors else None) or scope.end
    rows = exports.distribution_rows(scope, on)
    _audit("report_indicator_distribution", scope, fmt, f" as of {on:%Y-%m-%d}")
    name = f"kennzahlen-verteilung-{on:%Y%m%d}"
    body = exports.to_csv(rows) if fmt == "csv" else exports.to_xlsx([("Verteilung", rows)])
    return _download(body, name, fmt)


@bp.get("/reports/export/statistics.<fmt>")
@leads_required
def export_pseudonymised(fmt: str):
    if fmt not in ("csv", "xlsx"):
        abort(404)
    _, scope, _ = _request_scope()
    rows = exports.pseudonymised_rows(scope)
    _audit("report_pseudonymised", scope, fmt, f" {len(rows) - 1} persons")
    name = f"statistik-pseudonymisiert-{scope.start:%Y%m%d}-{scope.end:%Y%m%d}"
    body = exports.to_csv(rows) if fmt == "csv" else exports.to_xlsx([("Personen", rows)])
    return _download(body, name, fmt)
