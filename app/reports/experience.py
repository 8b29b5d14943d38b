"""The yearly experience report (Erfahrungsbericht / Sachbericht) in the style of a county
committee paper: staffing, persons reached, shares, topics, contacts per family and single
person, check-ins, funding against the grant, and the editable narrative sections.

Every number comes from a shared figure function: `app.reports.figures` for case work and
`app.staffing` for staff and funding; this module only assembles them for one scope.

Access: admins report on their organisation or one of its teams; team leads only on their own
team (without the organisation's grant, which covers other teams' positions too). Only admins
edit the narrative sections; team leads read them in their report.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.accounts import roles
from app.accounts.models import User
from app.contacts.choices import SETTINGS
from app.extensions import db
from app.organisations.models import Organisation, Team
from app.reports import charts, figures
from app.reports import services as report_services
from app.reports.experience_models import ReportText
from app.staffing import rules as staffing_rules
from app.staffing import services as staffing
from app.staffing.models import FundingPeriod, Position

SECTIONS = {
    "introduction": _l("Einleitung"),
    "developments": _l("Entwicklungen"),
    "challenges": _l("Herausforderungen"),
}
MAX_TEXT = 10000


def report_scope(
    user: User, year: int, team_id: int | None, today: date | None = None
) -> figures.ReportScope:
    """The calendar year — up to today while it runs (a reference date in the future would
    count persons as eligible on a day not yet reached) — for the scope the user may ask for,
    by the dashboard's rule (app/reports/services.scope_for: 403 for other roles, 404 for a
    team they may not see; a team lead always gets their own team)."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    if today is not None and start <= today < end:
        end = today
    return report_services.scope_for(user, start, end, team_id)


@dataclass(frozen=True)
class FundingLine:
    period: FundingPeriod
    totals: staffing_rules.FundingTotals
    show_grant: bool  # False for a team's report: the grant belongs to the organisation


@dataclass(frozen=True)
class ExperienceReport:
    organisation: Organisation
    team: Team | None
    year: int
    scope: figures.ReportScope
    on: date  # the day for "current staffing": the year's last day, or today if earlier
    staffing: staffing_rules.StaffingSummary
    positions: list[Position]  # staffed on `on`
    team_staffing: list[staffing.TeamStaffing]
    reach: figures.Reach
    settings: figures.Counts
    topics: list[figures.TopicCount]  # ranked, only topics that were discussed
    per_household: figures.ContactsPerHousehold
    coverage: figures.Coverage
    office_hours: figures.OfficeHourUse
    new_eligible: list[figures.MonthCount]
    funding: list[FundingLine]
    texts: dict[str, str]

    @property
    def home_visit_share(self) -> float | None:
        return self.settings.share("home_visit")


def report_charts(report: ExperienceReport) -> list[charts.Chart]:
    """The dashboard's charts for the report, drawn by app/reports/charts.py (no links: it is
    printed)."""
    per = report.per_household
    several_years = report.scope.start.year != report.scope.end.year
    return [
        charts.bar_chart(
            "chart-settings",
            _l("Kontakte nach Art"),
            [(SETTINGS.get(code, code), n, None) for code, n in report.settings.counts],
        ),
        charts.bar_chart(
            "chart-topics",
            _l("Themen nach Häufigkeit"),
            [(t.label, t.count, None) for t in report.topics],
        ),
        charts.bar_chart(
            "chart-per-household",
            _l("Kontakte je Haushalt"),
            [
                (_l("Familienhaushalt"), per.per_family or 0, None),
                (_l("Einpersonenhaushalt"), per.per_single or 0, None),
            ],
            digits=1,
        ),
        charts.column_chart(
            "chart-new-eligible",
            _l("Neu berechtigte Personen je Monat"),
            [
                (charts.month_label(m.month, several_years), m.count, None)
                for m in report.new_eligible
            ],
        ),
        charts.bar_chart(
            "chart-fte",
            _l("VZÄ je 100 berechtigte Personen nach Team"),
            [
                (r.team.name, float(r.fte_per_100 or 0), None)
                for r in report.team_staffing
                if r.team is not None
            ],
            digits=2,
        ),
    ]


def texts_for(organisation_id: int, year: int) -> dict[str, str]:
    rows = db.session.scalars(
        select(ReportText).where(
            ReportText.organisation_id == organisation_id, ReportText.year == year
        )
    )
    found = {r.section: r.text for r in rows}
    return {key: found.get(key, "") for key in SECTIONS}


def save_texts(user: User, year: int, texts: dict[str, str]) -> list[str]:
    """Create or update the sections (one row per organisation, year and section: saving
    twice never duplicates). Returns the sections that changed."""
    existing = {
        r.section: r
        for r in db.session.scalars(
            select(ReportText).where(
                ReportText.organisation_id == user.organisation_id, ReportText.year == year
            )
        )
    }
    changed = []
    for key in SECTIONS:
        value = texts.get(key, "")
        row = existing.get(key)
        if row is None:
            if not value:
                continue
            row = ReportText(organisation_id=user.organisation_id, year=year, section=key)
            db.session.add(row)
        elif row.text == value:
            continue
        row.text = value
        row.updated_by_id = user.id
        changed.append(key)
    return changed


def build_report(user: User, scope: figures.ReportScope, today: date) -> ExperienceReport:
    year = scope.start.year
    on = min(scope.end, today)
    positions = staffing.positions_for(user)
    if scope.team_id is not None:
        positions = [p for p in positions if p.team_id == scope.team_id]
    team_rows = staffing.team_staffing(user, on, positions)
    if scope.team_id is not None:
        team_rows = [r for r in team_rows if r.team is not None and r.team.id == scope.team_id]
    periods = [
        p
        for p in staffing.periods_for(user)
        if p.starts_on <= scope.end and p.ends_on >= scope.start
    ]
    show_grant = user.role == roles.ADMIN and scope.team_id is None
    funding = [
        FundingLine(p, staffing.period_funding(p, positions), show_grant)
        for p in sorted(periods, key=lambda p: p.starts_on)
    ]
    topics = [t for t in figures.contacts_by_topic(scope) if t.count > 0]
    return ExperienceReport(
        organisation=db.session.get(Organisation, scope.organisation_id),
        team=db.session.get(Team, scope.team_id) if scope.team_id else None,
        year=year,
        scope=scope,
        on=on,
        staffing=staffing_rules.staffing_summary(positions, on),
        positions=[p for p in positions if staffing_rules.is_staffed_on(p, on)],
        team_staffing=team_rows,
        reach=(reached := figures.reach(scope, people := figures.person_counts(scope))),
        settings=figures.contacts_by_setting(scope),
        topics=topics,
        per_household=figures.contacts_per_household(scope, reached),
        coverage=figures.coverage(scope, people),
        office_hours=figures.office_hours(scope),
        new_eligible=figures.new_eligible_per_month(scope),
        funding=funding,
        texts=texts_for(scope.organisation_id, year),
    )
