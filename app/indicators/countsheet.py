"""The state's yearly count sheet ("Auswertung Zeitraum") per integration manager.

Author-based: a manager's sheet counts the contacts that manager wrote (whoever's case the
household is, then or now), the persons and households those contacts reached, and the plans,
goals, referrals and networking contacts that manager recorded. "Reached" is the dashboard's
definition (figures.persons_reached_by / households_reached_by). A team's or organisation's
sheet adds up its managers' contacts, plans, referrals and networking contacts; its persons and
households reached count each one once, however many managers met them (the dashboard's
figure; the managers' sheets together count such a person on each one).

Which figures appear in which order with which wording is the layout data file
(app/indicators/countsheet_layout.py); this module computes every figure the layout may name.
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, literal, or_, select

from app.accounts import roles
from app.accounts.models import User
from app.collation import sorted_by_name
from app.contacts.models import Contact, contact_topic_link
from app.contacts.services import topics_of
from app.extensions import db
from app.households.choices import RESIDENCE_STATUS, SEX
from app.households.models import Household, Person
from app.i18n import current_locale, local_date
from app.indicators import countsheet_layout as layout
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
PROSPECTS = ("secure", "unclear")
# The state asks for phone and video together ("telefonisch/digital").
SETTING_KEYS = {
    "home_visit": ("home_visit",),
    "office_hour": ("office_hour",),
    "office": ("office",),
    "accompaniment": ("accompaniment",),
    "phone_video": ("phone", "video"),
}
GOAL_OUTCOMES = ("achieved", "not_achieved")
SHEET_ROLES = (roles.MANAGER, roles.TEAM_LEAD)  # who counsels and so has a sheet


def default_period(today: date) -> Period:
    """The previous calendar year in January and February (due by 31 January), else the
    current one so far."""
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


def age_band(person, on: date) -> str:
    if person.birth_year is None:
        return UNKNOWN_AGE
    month, day = person.birth_month or 7, person.birth_day or 1
    age = on.year - person.birth_year - ((on.month, on.day) < (month, day))
    for low, high, label in AGE_BANDS:
        if low <= age <= high:
            return label
    return UNKNOWN_AGE


def age_key(band: str) -> str:
    return "unknown" if band == UNKNOWN_AGE else band.replace("–", "-")


def figure_keys() -> set[str]:
    """Every figure a layout may name (besides the topic rows)."""
    keys = [
        f"{kind}.{k}" for kind in ("households", "persons") for k in ("total", "single", "family")
    ]
    keys += [f"persons.status.{code}" for code in RESIDENCE_STATUS]
    keys += [f"persons.prospect.{code}" for code in PROSPECTS]
    keys += [f"persons.sex.{code}" for code in SEX]
    keys += [f"persons.age.{age_key(band)}" for *_, band in AGE_BANDS]
    keys += [f"persons.age.{age_key(UNKNOWN_AGE)}", "contacts.total", "contacts.no_topic"]
    keys += [f"contacts.setting.{code}" for code in SETTING_KEYS]
    keys += ["plans.started", "plans.updated", "plans.closed"]
    for outcome in GOAL_OUTCOMES:
        keys += [f"goals.{outcome}"] + [f"goals.{outcome}.{code}" for code in plan_choices.FIELDS]
    for kind, codes in (
        ("referrals", plan_choices.SERVICES),
        ("networking", plan_choices.NETWORK_GROUPS),
    ):
        keys += [f"{kind}.total"] + [f"{kind}.{code}" for code in codes]
    return set(keys)


def topic_key(topic_id: int) -> str:
    return f"contacts.topic.{topic_id}"


# --- whose sheets ------------------------------------------------------------------------------
def sheet_managers(user: User, period: Period) -> list[User]:
    """The managers whose sheets `user` may see: an admin those of the organisation, a team
    lead those of the team, a manager only their own. Besides the counselling roles, anybody
    of that scope who wrote a contact in the period has a sheet (e.g. a manager who has since
    left), so that the sum sheet misses no contact."""
    if user.role not in (roles.ADMIN, roles.TEAM_LEAD):
        return [user] if user.role == roles.MANAGER else []
    t0, t1 = figures.local_bounds(*period)
    authors = select(Contact.author_id).where(
        Contact.occurred_at >= t0, Contact.occurred_at < t1, Contact.deleted_at.is_(None)
    )
    stmt = select(User).where(
        User.organisation_id == user.organisation_id,
        or_(
            User.role.in_(SHEET_ROLES) & User.is_active_account.is_(True),
            User.id.in_(authors),
        ),
    )
    if user.role == roles.TEAM_LEAD:
        stmt = stmt.where(User.team_id == user.team_id)
    return sorted_by_name(db.session.scalars(stmt.order_by(User.id)), lambda u: u.display_name)


# --- the figures -------------------------------------------------------------------------------
def manager_figures(organisation_id: int, authors: list[int], period: Period) -> dict[int, Counter]:
    """Per author id every figure of the count sheet (figure key -> count); a fixed number of
    queries however many authors."""
    result: dict[int, Counter] = {author: Counter() for author in authors}
    if not authors:
        return result
    for source in (_contact_figures, _record_figures):
        for author, counts in source(organisation_id, authors, period):
            result[author] += counts
    return result


REACH_KEYS = ("persons.", "households.")


def reach_figures(
    scope: figures.ReportScope, authors: list[int], period: Period, *, together: bool = False
) -> Iterable[tuple[int, Counter]]:
    """(author, figures) of the persons and households reached by the dashboard's rule
    (figures.persons_reached_by / households_reached_by), per author; `together`: once for
    all the authors (author 0), each person and household counted once."""
    persons = figures.persons_reached_by(scope, authors).subquery()
    households = figures.households_reached_by(scope, authors).subquery()
    if together:
        persons, households = (
            select(
                literal(0).label("author_id"), rows.c[key], func.max(rows.c.single).label("single")
            )
            .group_by(rows.c[key])
            .subquery()
            for rows, key in ((persons, "person_id"), (households, "household_id"))
        )
    person = (
        Person.sex,
        Person.residence_status,
        Person.prospect,
        Person.birth_year,
        Person.birth_month,
        Person.birth_day,
    )
    for author, single, sex, status, prospect, *birth, n in db.session.execute(
        select(persons.c.author_id, persons.c.single, *person, func.count())
        .join(Person, Person.id == persons.c.person_id)
        .group_by(persons.c.author_id, persons.c.single, *person)
    ):
        band = age_key(age_band(_Born(*birth), period[1]))
        yield (
            author,
            Counter(
                {
                    "persons.total": n,
                    "persons.single" if single else "persons.family": n,
                    f"persons.sex.{sex}": n,
                    f"persons.status.{status}": n,
                    f"persons.prospect.{prospect}": n,
                    f"persons.age.{band}": n,
                }
            ),
        )
    for author, single, n in db.session.execute(
        select(households.c.author_id, households.c.single, func.count()).group_by(
            households.c.author_id, households.c.single
        )
    ):
        kind = "households.single" if single else "households.family"
        yield author, Counter({"households.total": n, kind: n})


def _scope(organisation_id: int, period: Period) -> figures.ReportScope:
    return figures.ReportScope(organisation_id=organisation_id, start=period[0], end=period[1])


def _contact_figures(
    organisation_id: int, authors: list[int], period: Period
) -> Iterable[tuple[int, Counter]]:
    """(author, figures) drawn from the authors' contacts of the period: the persons and
    households reached (reach_figures), contacts by setting and topic."""
    scope = _scope(organisation_id, period)
    yield from reach_figures(scope, authors, period)
    setting_of = {code: key for key, codes in SETTING_KEYS.items() for code in codes}
    for author, setting, n in db.session.execute(
        figures.authored(scope, authors, Contact.setting, func.count()).group_by(
            Contact.author_id, Contact.setting
        )
    ):
        yield (
            author,
            Counter({"contacts.total": n, f"contacts.setting.{setting_of.get(setting)}": n}),
        )
    for author, topic, n in db.session.execute(
        figures.authored(scope, authors, contact_topic_link.c.topic_id, func.count())
        .join(contact_topic_link, contact_topic_link.c.contact_id == Contact.id)
        .group_by(Contact.author_id, contact_topic_link.c.topic_id)
    ):
        yield author, Counter({topic_key(topic): n})
    for author, n in db.session.execute(
        figures.authored(scope, authors, func.count())
        .where(
            ~select(contact_topic_link.c.contact_id)
            .where(contact_topic_link.c.contact_id == Contact.id)
            .exists()
        )
        .group_by(Contact.author_id)
    ):
        yield author, Counter({"contacts.no_topic": n})


@dataclass(frozen=True)
class _Born:
    birth_year: int | None
    birth_month: int | None
    birth_day: int | None


def _record_figures(
    organisation_id: int, authors: list[int], period: Period
) -> Iterable[tuple[int, Counter]]:
    """(author, figures) of plans, goals, referrals and networking contacts, attributed to
    whoever recorded them; one query per kind for all authors."""
    start, end = period
    plans = (
        select(IntegrationPlan)
        .join(Household, Household.id == IntegrationPlan.household_id)
        .where(Household.organisation_id == organisation_id)
    )
    # drawn up: the plan's creator; closed: also the creator (who closed it is not recorded)
    for author, started, closed in db.session.execute(
        plans.with_only_columns(
            IntegrationPlan.created_by_id,
            func.count(IntegrationPlan.id).filter(IntegrationPlan.started_on.between(start, end)),
            func.count(IntegrationPlan.id).filter(IntegrationPlan.closed_on.between(start, end)),
        )
        .where(IntegrationPlan.created_by_id.in_(authors))
        .group_by(IntegrationPlan.created_by_id)
    ):
        yield author, Counter({"plans.started": started, "plans.closed": closed})
    # updated: a later version agreed or a review held by the author (each plan once)
    versions = (
        plans.with_only_columns(
            PlanVersion.recorded_by_id.label("author"), IntegrationPlan.id.label("plan")
        )
        .join(PlanVersion, PlanVersion.plan_id == IntegrationPlan.id)
        .where(PlanVersion.version > 1, PlanVersion.agreed_on.between(start, end))
    )
    reviews = (
        plans.with_only_columns(
            PlanReview.reviewed_by_id.label("author"), IntegrationPlan.id.label("plan")
        )
        .join(PlanReview, PlanReview.plan_id == IntegrationPlan.id)
        .where(PlanReview.reviewed_on.between(start, end))
    )
    updated = versions.union(reviews).subquery()
    for author, n in db.session.execute(
        select(updated.c.author, func.count())
        .where(updated.c.author.in_(authors))
        .group_by(updated.c.author)
    ):
        yield author, Counter({"plans.updated": n})
    yield from _goal_figures(plans, authors, period)
    referrals = (
        select(Referral.recorded_by_id, Referral.service)
        .join(Household, Household.id == Referral.household_id)
        .where(
            Household.organisation_id == organisation_id, Referral.referred_on.between(start, end)
        )
    )
    networking = select(NetworkingContact.user_id, NetworkingContact.group).where(
        NetworkingContact.organisation_id == organisation_id,
        NetworkingContact.contacted_on.between(start, end),
    )
    for kind, stmt in (("referrals", referrals), ("networking", networking)):
        who, code = stmt.selected_columns
        for author, value, n in db.session.execute(
            stmt.add_columns(func.count()).where(who.in_(authors)).group_by(who, code)
        ):
            yield author, Counter({f"{kind}.total": n, f"{kind}.{value}": n})


def _goal_figures(plans, authors: list[int], period: Period) -> Iterable[tuple[int, Counter]]:
    """A goal counts once, with its last final status reached in the period, for whoever
    set that status."""
    changes = db.session.execute(
        plans.with_only_columns(
            GoalStatusChange.goal_id,
            GoalStatusChange.to_status,
            GoalStatusChange.changed_by_id,
            Goal.field,
        )
        .join(Goal, Goal.plan_id == IntegrationPlan.id)
        .join(GoalStatusChange, GoalStatusChange.goal_id == Goal.id)
        .where(GoalStatusChange.changed_on.between(*period))
        .order_by(GoalStatusChange.changed_on, GoalStatusChange.id)
    ).all()
    last: dict[int, tuple[str, int | None, str]] = {}
    for goal_id, status, author, field_code in changes:
        if status in plan_choices.FINAL_GOAL_STATUS:
            last[goal_id] = (status, author, field_code)
        else:
            last.pop(goal_id, None)
    wanted = set(authors)
    for status, author, field_code in last.values():
        if author in wanted:
            yield author, Counter({f"goals.{status}": 1, f"goals.{status}.{field_code}": 1})


# --- the sheet ---------------------------------------------------------------------------------
@dataclass
class SheetRow:
    key: str
    number: int  # the row's order in the layout (the state's line number)
    label: str
    value: int | None  # None for a heading


@dataclass
class CountSheet:
    period: Period
    title: str  # the manager's name, or what the sum covers
    values: Counter = field(default_factory=Counter)
    rows: list[SheetRow] = field(default_factory=list)

    def figure(self, key: str) -> int:
        return self.values.get(key, 0)

    def labelled(self) -> dict[str, int]:
        """label -> value of the figure rows (for reading a sheet as a person would)."""
        return {r.label: r.value for r in self.rows if r.value is not None}


def build(period: Period, title: str, values: Counter, topics: list) -> CountSheet:
    """The sheet in the layout's order and wording (the interface language); `topics` (the
    organisation's catalogue, contacts.services.topics_of) is read once for a whole batch.
    Retired topics and defaults the organisation hid show only when counted."""
    locale = current_locale()
    sheet = CountSheet(period, title, values)
    for row in layout.current_layout(figure_keys()):
        label = row.label(locale)
        if row.key == layout.TOPIC_ROW:
            for topic, hidden in topics:
                key = topic_key(topic.id)
                if (topic.active and not hidden) or values.get(key):
                    name = label.replace("{topic}", topic.shown_label)
                    sheet.rows.append(SheetRow(key, row.order, name, values.get(key, 0)))
        else:
            value = None if row.heading else values.get(row.key, 0)
            sheet.rows.append(SheetRow(row.key, row.order, label, value))
    return sheet


def sum_title(user: User) -> str:
    team = user.team if user.role == roles.TEAM_LEAD else None
    return _("Summe %(name)s", name=(team or user.organisation).name)


@dataclass
class Batch:
    managers: list[CountSheet]
    total: CountSheet


def batch(user: User, period: Period) -> Batch:
    """Every sheet `user` may see for the period and their sum: contacts, plans, referrals
    and networking contacts add up; persons and households reached count once however many
    managers met them — the dashboard's figure."""
    managers = sheet_managers(user, period)
    ids = [m.id for m in managers]
    values = manager_figures(user.organisation_id, ids, period)
    topics = topics_of(user.organisation_id)
    sheets = [build(period, m.display_name, values[m.id], topics) for m in managers]
    summed = sum((values[m.id] for m in managers), Counter())
    total = Counter({k: v for k, v in summed.items() if not k.startswith(REACH_KEYS)})
    if ids:
        scope = _scope(user.organisation_id, period)
        for _nobody, counts in reach_figures(scope, ids, period, together=True):
            total += counts
    return Batch(sheets, build(period, sum_title(user), total, topics))


def one(user: User, period: Period, manager: User) -> CountSheet:
    """One manager's sheet (the caller checked that `user` may see it)."""
    values = manager_figures(user.organisation_id, [manager.id], period)[manager.id]
    return build(period, manager.display_name, values, topics_of(user.organisation_id))


# --- files -------------------------------------------------------------------------------------
def table_rows(sheet: CountSheet) -> list[list[str | int | None]]:
    period = f"{local_date(sheet.period[0])}–{local_date(sheet.period[1])}"
    rows: list[list[str | int | None]] = [
        [_("Auswertung Zeitraum"), period, None],
        [_("Integrationsmanager:in"), sheet.title, None],
        [_("Nr."), _("Merkmal"), _("Anzahl")],
    ]
    rows += [[r.number, r.label, r.value] for r in sheet.rows]
    return rows


def _worksheet(ws, sheet: CountSheet) -> None:
    from openpyxl.styles import Font

    for row in table_rows(sheet):
        ws.append(row)
    bold = Font(bold=True)
    for cell in ws[3]:
        cell.font = bold
    for index, row in enumerate(sheet.rows, start=4):
        if row.value is None:
            ws.cell(index, 2).font = bold
    ws.column_dimensions["A"].width = 8
    ws.column_dimensions["B"].width = 60
    ws.column_dimensions["C"].width = 10


def sheet_name(title: str, taken: set[str]) -> str:
    """An Excel sheet name: at most 31 characters, none of []:*?/\\, unique in the file."""
    clean = "".join("_" if c in "[]:*?/\\" else c for c in title).strip("'") or "-"
    name, n = clean[:31], 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name, n = clean[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name.lower())
    return name


def to_xlsx(sheets: list[CountSheet]) -> bytes:
    """One workbook, a worksheet per sheet in the given order."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    taken: set[str] = set()
    for sheet in sheets:
        _worksheet(workbook.create_sheet(sheet_name(sheet.title, taken)), sheet)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
