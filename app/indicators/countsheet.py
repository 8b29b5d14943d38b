"""The yearly count sheet (Zählbogen) for the state: figures computed only from recorded data.

"Reached" means: a household with a consultation contact, an indicator value recorded, plan
activity or a referral in the period. Consultation contacts also count by setting and topic.

Titles and labels are computed in the interface language as plain strings (the CSV and XLSX
exports write them as they are).
"""

from __future__ import annotations

import io
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, and_, false, or_, select, union

from app.accounts import roles
from app.accounts.models import User
from app.contacts import choices as contact_choices
from app.contacts.models import Contact
from app.contacts.services import all_topics
from app.extensions import db
from app.households.choices import CLOSE_REASONS, SEX
from app.households.models import Household, Person
from app.i18n import local_date
from app.indicators.models import IndicatorValue
from app.plans import choices as plan_choices
from app.plans.models import (
    Goal,
    GoalStatusChange,
    IntegrationPlan,
    NetworkingContact,
    PlanReview,
    PlanVersion,
    Referral,
)
from app.reports import figures

Period = tuple[date, date]
AGE_BANDS = [(0, 5, "0–5"), (6, 17, "6–17"), (18, 26, "18–26"), (27, 64, "27–64"), (65, 200, "65+")]
UNKNOWN_AGE = "?"  # the band of persons without a birth year (labelled "unbekannt")
SCOPES = {
    "mine": _l("meine Fälle"),
    "team": _l("mein Team"),
    "organisation": _l("ganzer Träger"),
    "manager": _l("Integrationsmanager:in"),
}


def default_period(today: date) -> Period:
    """The previous calendar year in January and February, else the current one so far."""
    year = today.year - 1 if today.month <= 2 else today.year
    return date(year, 1, 1), date(year, 12, 31)


def period_from(year: int | None, start: date | None, end: date | None) -> Period | None:
    if start or end:
        start = start or date((end or start).year, 1, 1)
        end = end or date(start.year, 12, 31)
        return start, end
    if year:
        return date(year, 1, 1), date(year, 12, 31)
    return None


def allowed_scopes(user: User) -> list[str]:
    if user.role == roles.ADMIN:
        return ["organisation"]
    if user.role == roles.TEAM_LEAD:
        return ["mine", "team"]
    return ["mine"]


@dataclass
class Section:
    title: str
    rows: list[tuple[str, int]] = field(default_factory=list)

    def __post_init__(self) -> None:
        # Labels may come lazily translated from option lists: spreadsheets need plain text.
        self.title = str(self.title)
        self.rows = [(str(label), value) for label, value in self.rows]


@dataclass
class CountSheet:
    period: Period
    scope: str
    sections: list[Section] = field(default_factory=list)
    manager: str = ""

    def figure(self, section: str, label: str) -> int:
        for s in self.sections:
            if s.title == section:
                return dict(s.rows).get(label, 0)
        raise KeyError(section)


def reportable_managers(user: User) -> list[User]:
    """Managers whose own count sheet the user may see: an admin those of the organisation,
    a team lead those of the team, a manager nobody else."""
    if user.role not in (roles.ADMIN, roles.TEAM_LEAD):
        return []
    stmt = select(User).where(
        User.organisation_id == user.organisation_id,
        User.role.in_((roles.MANAGER, roles.TEAM_LEAD)),
    )
    if user.role == roles.TEAM_LEAD:
        stmt = stmt.where(User.team_id == user.team_id)
    return list(db.session.scalars(stmt.order_by(User.display_name)))


def scope_households(user: User, scope: str) -> Select:
    stmt = select(Household.id).where(Household.organisation_id == user.organisation_id)
    if scope == "organisation" and user.role == roles.ADMIN:
        return stmt
    if scope == "team" and user.role == roles.TEAM_LEAD and user.team_id:
        return stmt.where(Household.team_id == user.team_id)
    if user.role in (roles.MANAGER, roles.TEAM_LEAD):
        return stmt.where(Household.manager_id == user.id)
    return stmt.where(false())


def scope_users(user: User, scope: str) -> Select:
    stmt = select(User.id).where(User.organisation_id == user.organisation_id)
    if scope == "organisation" and user.role == roles.ADMIN:
        return stmt
    if scope == "team" and user.role == roles.TEAM_LEAD and user.team_id:
        return stmt.where(User.team_id == user.team_id)
    return stmt.where(User.id == user.id)


def _bounds(period: Period) -> tuple[datetime, datetime]:
    # local days, like every report figure (a contact at 00:30 on 1 January is in the new year)
    return figures.local_bounds(*period)


def _contacts_in(period: Period) -> Select:
    t0, t1 = _bounds(period)
    return select(Contact).where(
        Contact.occurred_at >= t0, Contact.occurred_at < t1, Contact.deleted_at.is_(None)
    )


def reached_sources(period: Period) -> list[Select]:
    """Household ids with recorded activity in the period: a consultation, an indicator
    value, plan work or a referral."""
    start, end = period
    t0, t1 = _bounds(period)
    plan_goal = select(IntegrationPlan.household_id).join(Goal, Goal.plan_id == IntegrationPlan.id)
    contacts = _contacts_in(period).subquery()
    # each branch distinct: the union then merges ~50,000 ids, not millions (docs/scale.md)
    branches = [
        select(contacts.c.household_id),
        select(IndicatorValue.household_id).where(
            IndicatorValue.recorded_at >= t0, IndicatorValue.recorded_at < t1
        ),
        select(IntegrationPlan.household_id).where(
            or_(
                IntegrationPlan.started_on.between(start, end),
                IntegrationPlan.closed_on.between(start, end),
                and_(IntegrationPlan.updated_at >= t0, IntegrationPlan.updated_at < t1),
            )
        ),
        select(IntegrationPlan.household_id)
        .join(PlanReview, PlanReview.plan_id == IntegrationPlan.id)
        .where(PlanReview.reviewed_on.between(start, end)),
        select(IntegrationPlan.household_id)
        .join(PlanVersion, PlanVersion.plan_id == IntegrationPlan.id)
        .where(PlanVersion.agreed_on.between(start, end)),
        plan_goal.join(GoalStatusChange, GoalStatusChange.goal_id == Goal.id).where(
            GoalStatusChange.changed_on.between(start, end)
        ),
        select(Referral.household_id).where(Referral.referred_on.between(start, end)),
    ]
    return [branch.distinct() for branch in branches]


def _report_scope(
    user: User, scope: str, manager: User | None, period: Period
) -> figures.ReportScope:
    """The count sheet's scope as a report scope (same households as scope_households)."""
    start, end = period
    if manager is not None:
        return figures.ReportScope(
            organisation_id=user.organisation_id, manager_id=manager.id, start=start, end=end
        )
    if scope == "organisation" and user.role == roles.ADMIN:
        return figures.ReportScope(organisation_id=user.organisation_id, start=start, end=end)
    if scope == "team" and user.role == roles.TEAM_LEAD and user.team_id:
        return figures.ReportScope(
            organisation_id=user.organisation_id, team_id=user.team_id, start=start, end=end
        )
    # "mine" (and anybody without case data, who has no households of their own)
    return figures.ReportScope(
        organisation_id=user.organisation_id, manager_id=user.id, start=start, end=end
    )


def age_band(person: Person, on: date) -> str:
    if person.birth_year is None:
        return UNKNOWN_AGE
    month, day = person.birth_month or 7, person.birth_day or 1
    age = on.year - person.birth_year - ((on.month, on.day) < (month, day))
    for low, high, label in AGE_BANDS:
        if low <= age <= high:
            return label
    return UNKNOWN_AGE


def _band_label(band: str) -> str:
    return _("unbekannt") if band == UNKNOWN_AGE else band


def compute(
    user: User, period: Period, scope: str = "mine", manager: User | None = None
) -> CountSheet:
    """All figures of the count sheet; a fixed number of queries. With `manager` (for admins
    and team leads) the figures of that manager's cases and networking contacts."""
    if scope not in allowed_scopes(user):
        scope = allowed_scopes(user)[0]
    start, end = period
    if manager is not None and manager.id in {m.id for m in reportable_managers(user)}:
        households = (
            select(Household.id)
            .where(
                Household.organisation_id == user.organisation_id,
                Household.manager_id == manager.id,
            )
            .scalar_subquery()
        )
        users = select(User.id).where(User.id == manager.id).scalar_subquery()
        scope = "manager"
    else:
        manager = None
        households = scope_households(user, scope).scalar_subquery()
        users = scope_users(user, scope).scalar_subquery()
    reached_ids = union(*reached_sources(period)).subquery()
    persons = db.session.execute(
        select(
            Person.household_id, Person.sex, Person.birth_year, Person.birth_month, Person.birth_day
        )
        .where(Person.household_id.in_(households))
        .where(Person.household_id.in_(select(reached_ids.c[0])))
    ).all()
    sheet = CountSheet(period, scope, manager=manager.display_name if manager else "")

    size = Counter(p.household_id for p in persons)
    singles = sum(1 for n in size.values() if n == 1)
    sheet.sections.append(
        Section(
            _("Erreichte Haushalte"),
            [
                (_("Haushalte insgesamt"), len(size)),
                (_("Einzelpersonen"), singles),
                (_("Familien"), len(size) - singles),
            ],
        )
    )
    by_sex = Counter(p.sex for p in persons)
    by_band = Counter(age_band(p, end) for p in persons)
    by_sex_band = Counter((p.sex, age_band(p, end)) for p in persons)
    rows = [(_("Personen insgesamt"), len(persons))]
    rows += [
        (_("Geschlecht: %(sex)s", sex=label), by_sex.get(code, 0)) for code, label in SEX.items()
    ]
    bands = [label for *_limits, label in AGE_BANDS] + [UNKNOWN_AGE]
    rows += [(_("Alter %(band)s", band=_band_label(band)), by_band.get(band, 0)) for band in bands]
    rows += [
        (f"{SEX[code]}, {_band_label(band)}", by_sex_band.get((code, band), 0))
        for code in SEX
        for band in bands
    ]
    sheet.sections.append(Section(_("Erreichte Personen"), rows))

    # The same figure functions as the dashboard (app/reports/figures.py).
    report_scope = _report_scope(user, scope, manager, period)
    by_setting = figures.contacts_by_setting(report_scope)
    sheet.sections.append(
        Section(
            _("Beratungskontakte nach Art"),
            [(_("Kontakte insgesamt"), by_setting.total)]
            + [(label, by_setting.get(code)) for code, label in contact_choices.SETTINGS.items()],
        )
    )
    by_topic = {t.topic_id: t.count for t in figures.contacts_by_topic(report_scope)}
    sheet.sections.append(
        Section(
            _("Beratungskontakte nach Thema"),
            [(topic.label, by_topic.get(topic.id, 0)) for topic in all_topics()],
        )
    )

    t0, t1 = _bounds(period)
    plans = db.session.execute(
        select(
            IntegrationPlan.started_on, IntegrationPlan.closed_on, IntegrationPlan.updated_at
        ).where(IntegrationPlan.household_id.in_(households))
    ).all()
    started = sum(1 for p in plans if start <= p.started_on <= end)
    closed = sum(1 for p in plans if p.closed_on and start <= p.closed_on <= end)
    updated = sum(1 for p in plans if p.started_on < start and t0 <= p.updated_at < t1)
    sheet.sections.append(
        Section(
            _("Integrationspläne"),
            [
                (_("begonnen"), started),
                (_("fortgeschrieben"), updated),
                (_("abgeschlossen"), closed),
            ],
        )
    )

    # A goal counts once, with its last final status reached in the period.
    changes = db.session.execute(
        select(GoalStatusChange.goal_id, GoalStatusChange.to_status, Goal.field)
        .join(Goal, Goal.id == GoalStatusChange.goal_id)
        .join(IntegrationPlan, IntegrationPlan.id == Goal.plan_id)
        .where(IntegrationPlan.household_id.in_(households))
        .where(GoalStatusChange.changed_on.between(start, end))
        .order_by(GoalStatusChange.changed_on, GoalStatusChange.id)
    ).all()
    last: dict[int, tuple[str, str]] = {}
    for change in changes:
        if change.to_status in plan_choices.FINAL_GOAL_STATUS:
            last[change.goal_id] = (change.to_status, change.field)
        else:
            last.pop(change.goal_id, None)
    goal_counts: dict[str, Counter] = defaultdict(Counter)
    for status, field_code in last.values():
        goal_counts[status][field_code] += 1
    rows = []
    for code, label in plan_choices.FIELDS.items():
        rows.append((_("%(field)s: erreicht", field=label), goal_counts["achieved"][code]))
        rows.append(
            (_("%(field)s: nicht erreicht", field=label), goal_counts["not_achieved"][code])
        )
    sheet.sections.append(Section(_("Ziele nach Handlungsfeld"), rows))

    referrals = Counter(
        db.session.scalars(
            select(Referral.service)
            .where(Referral.household_id.in_(households))
            .where(Referral.referred_on.between(start, end))
        )
    )
    sheet.sections.append(
        Section(
            _("Verweisungen an Regeldienste"),
            [(label, referrals.get(code, 0)) for code, label in plan_choices.SERVICES.items()],
        )
    )

    networking = Counter(
        db.session.scalars(
            select(NetworkingContact.group)
            .where(NetworkingContact.user_id.in_(users))
            .where(NetworkingContact.organisation_id == user.organisation_id)
            .where(NetworkingContact.contacted_on.between(start, end))
        )
    )
    sheet.sections.append(
        Section(
            _("Netzwerkkontakte"),
            [
                (str(label), networking.get(code, 0))
                for code, label in plan_choices.NETWORK_GROUPS.items()
            ],
        )
    )

    closed_reasons = Counter(
        db.session.scalars(
            select(Household.closed_reason)
            .where(Household.id.in_(households))
            .where(Household.closed_on.between(start, end))
        )
    )
    sheet.sections.append(
        Section(
            _("Abgeschlossene Fälle nach Grund"),
            [(label, closed_reasons.get(code, 0)) for code, label in CLOSE_REASONS.items()],
        )
    )
    return sheet


def table_rows(sheet: CountSheet) -> list[list[str | int]]:
    period = f"{local_date(sheet.period[0])}–{local_date(sheet.period[1])}"
    rows: list[list[str | int]] = [
        [_("Zeitraum"), period, ""],
        [_("Bereich"), str(SCOPES.get(sheet.scope, sheet.scope)), sheet.manager],
        [_("Abschnitt"), _("Merkmal"), _("Anzahl")],
    ]
    for section in sheet.sections:
        rows += [[section.title, label, value] for label, value in section.rows]
    return rows


def to_xlsx(sheet: CountSheet) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    ws = workbook.active
    ws.title = _("Zählbogen")
    for row in table_rows(sheet):
        ws.append(row)
    for cell in ws[3]:
        cell.font = Font(bold=True)
    ws.column_dimensions["A"].width = 34
    ws.column_dimensions["B"].width = 52
    ws.column_dimensions["C"].width = 10
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
