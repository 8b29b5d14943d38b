"""Experience report pages: choose year and team, edit the narrative sections (admins), and
download the PDF."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from wtforms import IntegerField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional
from wtforms.widgets import HiddenInput

from app.access import admin_required, leads_required
from app.audit.services import record
from app.collation import sorted_by_name
from app.contacts.choices import SETTINGS
from app.extensions import db
from app.forms import Form
from app.organisations.models import Team
from app.pdf import pdf_response, render_pdf
from app.reports import experience
from app.timeutil import today
from app.urls import int_arg

bp = Blueprint("experience", __name__)

FIRST_YEAR = 2016  # the programme began with the Pakt für Integration in 2017


def _text_area(label) -> TextAreaField:
    return TextAreaField(
        label,
        [
            Optional(),
            Length(
                max=experience.MAX_TEXT,
                message=_l("Höchstens %(n)s Zeichen.", n=experience.MAX_TEXT),
            ),
        ],
        filters=[lambda v: v.strip() if isinstance(v, str) else v],
        render_kw={"rows": "8", "autocapitalize": "sentences"},
    )


class TextsForm(Form):
    year = IntegerField(
        widget=HiddenInput(), validators=[InputRequired(), NumberRange(FIRST_YEAR, 2100)]
    )
    introduction = _text_area(experience.SECTIONS["introduction"])
    developments = _text_area(experience.SECTIONS["developments"])
    challenges = _text_area(experience.SECTIONS["challenges"])


def _year() -> int:
    year = int_arg("year") or int_arg("year", values=request.form)
    if year is None:
        return today().year
    if not FIRST_YEAR <= year <= today().year + 1:
        abort(404)
    return year


def _scope():
    return experience.report_scope(current_user, _year(), int_arg("team"), today())


@bp.get("/reports/experience")
@leads_required
def index():
    scope = _scope()
    year = scope.start.year
    texts = experience.texts_for(current_user.organisation_id, year)
    form = TextsForm(data={"year": year, **texts}) if current_user.is_admin else None
    teams = []
    if current_user.is_admin:
        teams = sorted_by_name(
            db.session.scalars(
                select(Team).where(Team.organisation_id == current_user.organisation_id)
            )
        )
    return render_template(
        "reports/experience.html",
        scope=scope,
        year=year,
        years=list(range(today().year, FIRST_YEAR, -1))[:6],
        teams=teams,
        texts=texts,
        form=form,
        sections=experience.SECTIONS,
    )


@bp.post("/reports/experience/texts")
@admin_required
def save_texts():
    form = TextsForm()
    if not form.validate_on_submit():
        scope = _scope()
        return render_template(
            "reports/experience.html",
            scope=scope,
            year=scope.start.year,
            years=list(range(today().year, FIRST_YEAR, -1))[:6],
            teams=[],
            texts=experience.texts_for(current_user.organisation_id, scope.start.year),
            form=form,
            sections=experience.SECTIONS,
        ), 422
    year = form.year.data
    changed = experience.save_texts(
        current_user, year, {key: getattr(form, key).data or "" for key in experience.SECTIONS}
    )
    if changed:
        record("update", "report_text", None, f"year {year}: " + ", ".join(changed))
    db.session.commit()
    flash(_("Texte gespeichert."), "success")
    return redirect(url_for(".index", year=year))


@bp.get("/reports/experience.pdf")
@leads_required
def pdf():
    scope = _scope()
    report = experience.build_report(current_user, scope, today())
    # rendered before the audit commit, which would expire the report's teams (one query per
    # team; 121 statements for 100 teams, see docs/scale.md)
    html = render_template(
        "reports/experience_pdf.html",
        report=report,
        charts=experience.report_charts(report),
        sections=experience.SECTIONS,
        settings=SETTINGS,
        today=today(),
    )
    record(
        "export",
        "experience_report",
        None,
        f"year {report.year}" + (f", team {scope.team_id}" if scope.team_id else ""),
    )
    db.session.commit()
    name = f"erfahrungsbericht-{report.year}" + (f"-team-{scope.team_id}" if scope.team_id else "")
    return pdf_response(render_pdf(html, stylesheets=["experience-pdf.css"]), f"{name}.pdf")
