"""Every figure of the reports, each computed by ONE function shared by the dashboard, the
exports, the count sheet and the PDF reports.

A figure function takes a `ReportScope` (whose data, which period) and returns plain values or
small frozen dataclasses. Each runs a fixed number of aggregate SQL statements (GROUP BY in the
database), however many persons and contacts there are. Definitions: docs/reports.md.

Scope rules (who may ask for which scope) live in app/reports/services.py; the functions here
trust their scope.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    Table,
    and_,
    case,
    false,
    func,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement

from app.accounts import roles
from app.accounts.models import User
from app.collation import sorted_by_name
from app.contacts import choices as contact_choices
from app.contacts.models import (
    Contact,
    Task,
    Topic,
    contact_participant,
    contact_topic_link,
    topic_hidden,
)
from app.extensions import db
from app.households.models import Household, Person
from app.households.rules import ASYLUM_WAIT_MONTHS, add_months, eligibility_clause, eligible_from
from app.officehours.models import OfficeLocation, QueueEntry
from app.organisations import ownership
from app.organisations.models import Municipality, Team
from app.reports import rollups
from app.timeutil import BERLIN

# Roles whose FTE count as counselling capacity of a team (team leads counsel too).
COUNSELLING_ROLES = (roles.MANAGER, roles.TEAM_LEAD)


@dataclass(frozen=True, kw_only=True)
class ReportScope:
    """Whose figures for which period: an organisation, optionally narrowed to a team, a
    municipality or one manager's cases; `start` and `end` are inclusive local dates.

    `author_id` narrows the contact figures to the contacts that user wrote (the state's
    count sheet is per manager by authorship, whoever's case it is now). The rollups do not
    know authors, so such a scope counts from the contacts themselves."""

    organisation_id: int
    team_id: int | None = None
    municipality_id: int | None = None
    manager_id: int | None = None
    author_id: int | None = None
    start: date
    end: date

    def bounds(self) -> tuple[datetime, datetime]:
        """The period as naive UTC datetimes [from, to) — local midnights in Europe/Berlin."""
        return local_bounds(self.start, self.end)


def local_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """Local days [start, end] (Europe/Berlin) as naive UTC datetimes [from, to), the way
    contact times are stored."""
    return _utc_midnight(start), _utc_midnight(end + timedelta(days=1))


def _utc_midnight(day: date) -> datetime:
    local = datetime.combine(day, time(), tzinfo=BERLIN)
    return local.astimezone(UTC).replace(tzinfo=None)


def share(part: int, whole: int) -> float | None:
    """part / whole, or None when there is nothing to divide by."""
    return part / whole if whole else None


# --- building blocks ---------------------------------------------------------------------------
def within(stmt: Select, scope: ReportScope, organisation, team, municipality, manager) -> Select:
    """Restrict `stmt` to the scope, given the columns that hold each part of it."""
    stmt = stmt.where(organisation == scope.organisation_id)
    for column, value in (
        (team, scope.team_id),
        (municipality, scope.municipality_id),
        (manager, scope.manager_id),
    ):
        if value is not None:
            stmt = stmt.where(column == value)
    return stmt


def scoped(stmt: Select, scope: ReportScope) -> Select:
    """Restrict a statement that joins Household to the scope's households."""
    return within(
        stmt,
        scope,
        Household.organisation_id,
        Household.team_id,
        Household.municipality_id,
        Household.manager_id,
    )


def contacts_in_ranges(scope: ReportScope, ranges: list[tuple[date, date]], *columns) -> Select:
    """select(columns) over the scope's contacts on the given local days (each range
    inclusive); deleted contacts never count."""
    bounds = [local_bounds(a, b) for a, b in ranges]
    stmt = (
        select(*(columns or (Contact.id,)))
        .select_from(Contact)
        .join(Household, Household.id == Contact.household_id)
        .where(
            or_(*(and_(Contact.occurred_at >= t0, Contact.occurred_at < t1) for t0, t1 in bounds)),
            Contact.deleted_at.is_(None),
        )
    )
    if scope.author_id is not None:
        stmt = stmt.where(Contact.author_id == scope.author_id)
    return scoped(stmt, scope)


def contacts_in_period(scope: ReportScope, *columns) -> Select:
    """select(columns) over the scope's contacts in the period (deleted contacts never count)."""
    return contacts_in_ranges(scope, [(scope.start, scope.end)], *columns)


def household_sizes() -> Select:
    """(household_id, n): members per household, as a subquery source."""
    return select(Person.household_id.label("household_id"), func.count().label("n")).group_by(
        Person.household_id
    )


def eligible_persons_stmt(scope: ReportScope, *columns) -> Select:
    """select(columns) over persons eligible on the period's last day (the SQL eligibility
    clause of app/households/rules.py) whose case was not closed by then."""
    stmt = (
        select(*(columns or (Person.id,)))
        .select_from(Person)
        .join(Household, Household.id == Person.household_id)
        .where(eligibility_clause(Person, Household, scope.end))
        .where(or_(Household.closed_on.is_(None), Household.closed_on > scope.end))
    )
    return scoped(stmt, scope)


# The period's contacts are read from the rollups (app/reports/rollups.py): the months the
# period covers wholly from the monthly counts, partly covered months from the contacts.
def rollup_rows(table: Table, scope: ReportScope, *columns) -> Select:
    """select(columns) over a rollup table's rows of the scope's households (the rows carry
    their household's scope: no join)."""
    stmt = select(*columns).select_from(table)
    return within(stmt, scope, *(table.c[name] for name in rollups.SCOPE_COLUMNS))


def _in_contact(table: Table, key: str, scope: ReportScope) -> Select:
    """(key, single): the distinct persons or households of a rollup `table` with a contact
    on a day of the period (exact for any period: the rollups keep the days), single = 1 for
    those living alone."""
    split = rollups.split_period(scope.start, scope.end)
    return (
        rollup_rows(table, scope, table.c[key], func.max(table.c.single).label("single"))
        .where(rollups.touches_period(table, split))
        .group_by(table.c[key])
    )


# "Reached" (in contact) has ONE definition, shared by the dashboard and the count sheet: a
# person who took part in a (not deleted) contact on a local day of the period, a household
# with such a contact; "single" = the (person's) household has one member today. The dashboard
# reads it from the rollups, an author's scope from the contacts (the rollups know no authors);
# tests/test_count_sheet.py checks that both give the same.
def persons_in_contact(scope: ReportScope) -> Select:
    """(person_id, single): the persons who took part in a contact of the period."""
    if scope.author_id is not None:
        rows = persons_reached_by(scope, [scope.author_id]).subquery()
        return select(rows.c.person_id, rows.c.single)
    return _in_contact(rollups.participant_rollup, "person_id", scope)


def households_in_contact(scope: ReportScope) -> Select:
    """(household_id, single): the households with a contact in the period."""
    if scope.author_id is not None:
        rows = households_reached_by(scope, [scope.author_id]).subquery()
        return select(rows.c.household_id, rows.c.single)
    return _in_contact(rollups.household_rollup, "household_id", scope)


def authored(scope: ReportScope, author_ids: list[int], *columns) -> Select:
    """select(author_id, columns) over the scope's contacts of the period that the given
    users wrote."""
    return contacts_in_period(scope, Contact.author_id.label("author_id"), *columns).where(
        Contact.author_id.in_(author_ids)
    )


def persons_reached_by(scope: ReportScope, author_ids: list[int]) -> Select:
    """(author_id, person_id, single): per author the persons who took part in a contact
    that author wrote in the period."""
    contacts = authored(scope, author_ids, Contact.id.label("id")).subquery()
    sizes = household_sizes().subquery()
    return (
        select(contacts.c.author_id, contact_participant.c.person_id, _single(sizes))
        .select_from(contact_participant)
        .join(contacts, contacts.c.id == contact_participant.c.contact_id)
        .join(Person, Person.id == contact_participant.c.person_id)
        .outerjoin(sizes, sizes.c.household_id == Person.household_id)
        .group_by(contacts.c.author_id, contact_participant.c.person_id)
    )


def households_reached_by(scope: ReportScope, author_ids: list[int]) -> Select:
    """(author_id, household_id, single): per author the households of the contacts that
    author wrote in the period."""
    households = authored(scope, author_ids, Contact.household_id.label("household_id"))
    households = households.distinct().subquery()
    sizes = household_sizes().subquery()
    return (
        select(households.c.author_id, households.c.household_id, _single(sizes))
        .outerjoin(sizes, sizes.c.household_id == households.c.household_id)
        .group_by(households.c.author_id, households.c.household_id)
    )


def _single(sizes) -> ColumnElement:
    """max(1 when the household of `sizes` (household_sizes) has one member, else 0)."""
    return func.max(case((sizes.c.n == 1, 1), else_=0)).label("single")


def period_counts(
    scope: ReportScope,
    table: Table,
    key: str,
    raw_key,
    joins: Callable[[int], list] = lambda year: [],
) -> Select:
    """(key, n): the period's contacts (or topic mentions) per key, n > 0. Months come from
    the rollup `table`; the days of partly covered months are added or subtracted from the
    contacts (rollups.PeriodSplit), joined with `joins(year)` ((target, onclause) pairs for
    the days' year) and grouped by `raw_key`."""
    if scope.author_id is not None:
        return _raw_period_counts(scope, raw_key, joins)
    split = rollups.split_period(scope.start, scope.end)
    parts = []
    if split.rollup_months:
        parts.append(
            rollup_rows(
                table,
                scope,
                table.c[key].label("key"),
                func.sum(rollups.months_sum(table, split)).label("n"),
            )
            .where(table.c.year.in_(rollups.rollup_years(split)))
            .group_by(table.c[key])
        )
    signed = [(r, 1) for r in split.add_ranges] + [(r, -1) for r in split.subtract_ranges]
    for (first, last), sign in signed:
        raw = contacts_in_ranges(
            scope, [(first, last)], raw_key.label("key"), (sign * func.count()).label("n")
        )
        for target, onclause in joins(first.year):
            raw = raw.join(target, onclause)
        parts.append(raw.group_by(raw_key))
    if not parts:  # an empty period (start after end)
        return select(literal(None).label("key"), literal(0).label("n")).where(false())
    return _summed(parts)


def _summed(parts: list[Select]) -> Select:
    counted = (parts[0] if len(parts) == 1 else union_all(*parts)).subquery()
    total = func.sum(counted.c.n)
    return select(counted.c.key, total.label("n")).group_by(counted.c.key).having(total > 0)


def _raw_period_counts(scope: ReportScope, raw_key, joins: Callable[[int], list]) -> Select:
    """period_counts from the contacts alone (an author's scope), one part per calendar year
    because `joins` take the year."""
    parts = []
    for year in range(scope.start.year, scope.end.year + 1):
        first, last = max(scope.start, date(year, 1, 1)), min(scope.end, date(year, 12, 31))
        raw = contacts_in_ranges(
            scope, [(first, last)], raw_key.label("key"), func.count().label("n")
        )
        for target, onclause in joins(year):
            raw = raw.join(target, onclause)
        parts.append(raw.group_by(raw_key))
    if not parts:
        return select(literal(None).label("key"), literal(0).label("n")).where(false())
    return _summed(parts)


# --- 1. persons and households in contact ------------------------------------------------------
@dataclass(frozen=True)
class Reach:
    persons: int  # distinct participants of the period's contacts
    households: int  # distinct households of the period's contacts
    single_persons: int  # of `persons`, those living in a single-person household
    single_households: int  # of `households`, those with exactly one member

    @property
    def single_share(self) -> float | None:
        return share(self.single_persons, self.persons)

    @property
    def single_household_share(self) -> float | None:
        return share(self.single_households, self.households)


def reach(scope: ReportScope, people: PersonCounts | None = None) -> Reach:
    """Persons and households in contact in the period, and how many of them live alone;
    `people` (the same scope's) saves counting the persons again."""
    people = people or person_counts(scope)
    households = households_in_contact(scope).subquery()
    row = db.session.execute(select(func.count(), func.sum(households.c.single))).one()
    return Reach(
        persons=people.in_contact,
        households=int(row[0] or 0),
        single_persons=people.single_in_contact,
        single_households=int(row[1] or 0),
    )


# --- 2. contacts by setting, topics ------------------------------------------------------------
@dataclass(frozen=True)
class Counts:
    """Counts per code in a fixed order (every known code, zeros included)."""

    counts: tuple[tuple[str, int], ...]

    @property
    def total(self) -> int:
        return sum(n for _, n in self.counts)

    def get(self, code: str) -> int:
        return dict(self.counts).get(code, 0)

    def share(self, code: str) -> float | None:
        return share(self.get(code), self.total)


def contacts_by_setting(scope: ReportScope) -> Counts:
    """Contacts in the period per setting (home visit, office hour on site, office, ...)."""
    counted = period_counts(scope, rollups.setting_cell, "setting", Contact.setting)
    found = {code: int(n) for code, n in db.session.execute(counted).all()}
    codes = list(contact_choices.SETTINGS) + sorted(set(found) - set(contact_choices.SETTINGS))
    return Counts(tuple((code, found.get(code, 0)) for code in codes))


@dataclass(frozen=True)
class TopicCount:
    topic_id: int
    key: str
    label: str
    count: int


def contacts_by_topic(scope: ReportScope) -> list[TopicCount]:
    """Every topic the scope's organisation offers (the defaults it did not hide and its own;
    others only when used) with the number of the period's contacts about it, most frequent
    first (ties in catalogue order)."""
    counted = period_counts(
        scope,
        rollups.topic_cell,
        "topic_id",
        contact_topic_link.c.topic_id,
        lambda year: [(contact_topic_link, contact_topic_link.c.contact_id == Contact.id)],
    ).subquery()
    rows = db.session.execute(
        select(Topic.id, Topic.key, Topic.label, func.coalesce(counted.c.n, 0))
        .outerjoin(counted, counted.c.key == Topic.id)
        .where(
            or_(
                counted.c.n.is_not(None),
                and_(
                    Topic.active.is_(True),
                    ownership.visible_to(Topic.organisation_id, scope.organisation_id),
                    Topic.id.not_in(
                        ownership.hidden_ids(topic_hidden, "topic_id", scope.organisation_id)
                    ),
                ),
            )
        )
        .order_by(func.coalesce(counted.c.n, 0).desc(), Topic.sort_order, Topic.id)
    ).all()
    return [TopicCount(r[0], r[1], r[2], int(r[3])) for r in rows]


# --- 3. contacts per family vs single-person household -----------------------------------------
@dataclass(frozen=True)
class ContactsPerHousehold:
    family_households: int
    family_contacts: int
    single_households: int
    single_contacts: int

    @property
    def per_family(self) -> float | None:
        return share(self.family_contacts, self.family_households)

    @property
    def per_single(self) -> float | None:
        return share(self.single_contacts, self.single_households)

    @property
    def ratio(self) -> float | None:
        """Contacts per family household / contacts per single-person household."""
        if self.per_family is None or not self.per_single:
            return None
        return self.per_family / self.per_single


def contacts_per_household(scope: ReportScope, reach_: Reach | None = None) -> ContactsPerHousehold:
    """Average contacts per household in contact, families (2+ members) vs single persons.
    `reach_` (the same scope's) saves counting the households again."""
    reach_ = reach_ or reach(scope)
    household_year = rollups.household_rollup
    # the rollup row of a partly covered month's contact carries its household's size
    counted = period_counts(
        scope,
        household_year,
        "single",
        household_year.c.single,
        lambda year: [
            (
                household_year,
                and_(
                    household_year.c.household_id == Contact.household_id,
                    household_year.c.year == year,
                ),
            )
        ],
    )
    contacts = {int(single): int(n) for single, n in db.session.execute(counted).all()}
    return ContactsPerHousehold(
        family_households=reach_.households - reach_.single_households,
        family_contacts=contacts.get(0, 0),
        single_households=reach_.single_households,
        single_contacts=contacts.get(1, 0),
    )


# --- 4. coverage, new eligible persons ---------------------------------------------------------
@dataclass(frozen=True)
class Coverage:
    eligible: int  # eligible persons on the last day of the period
    in_contact: int  # persons in contact in the period (Reach.persons)
    eligible_in_contact: int  # eligible persons who were in contact

    @property
    def rate(self) -> float | None:
        """Share of the eligible persons who were in contact."""
        return share(self.eligible_in_contact, self.eligible)


def eligible_persons(scope: ReportScope) -> int:
    return db.session.scalar(eligible_persons_stmt(scope, func.count(Person.id))) or 0


@dataclass(frozen=True)
class PersonCounts:
    """Persons in contact and eligible persons, counted in one pass for reach and coverage."""

    in_contact: int
    single_in_contact: int  # of `in_contact`, those living alone
    eligible: int
    eligible_in_contact: int


def person_counts(scope: ReportScope) -> PersonCounts:
    # One pass: the eligible persons FULL JOIN the distinct participants. Not
    # `person.id IN (subquery)` inside a CASE, which PostgreSQL ran as a subplan per person
    # (minutes on 100,000 persons with 1.7 million participations; see docs/scale.md).
    eligible = eligible_persons_stmt(scope, Person.id.label("person_id")).subquery()
    reached = persons_in_contact(scope).subquery()
    row = db.session.execute(
        select(
            func.count(reached.c.person_id),
            func.sum(reached.c.single),
            func.count(eligible.c.person_id),
            func.count(case((reached.c.person_id.is_not(None), eligible.c.person_id))),
        ).select_from(
            eligible.join(reached, reached.c.person_id == eligible.c.person_id, full=True)
        )
    ).one()
    return PersonCounts(*(int(value or 0) for value in row))


def coverage(scope: ReportScope, people: PersonCounts | None = None) -> Coverage:
    """Eligible persons and how many of them were in contact; `people` (the same scope's)
    saves counting again."""
    people = people or person_counts(scope)
    return Coverage(
        eligible=people.eligible,
        in_contact=people.in_contact,
        eligible_in_contact=people.eligible_in_contact,
    )


@dataclass(frozen=True)
class MonthCount:
    month: date  # first day of the month
    count: int


def months_of(start: date, end: date) -> list[date]:
    months, current = [], date(start.year, start.month, 1)
    while current <= end:
        months.append(current)
        current = add_months(current, 1)
    return months


def new_eligible_per_month(scope: ReportScope) -> list[MonthCount]:
    """Persons eligible on the last day of the period, by the month in which they became
    eligible (rules.eligibility's `since`: the decision date for residence permits and
    toleration, 24 months after the application for asylum applicants), for every month of
    the period. Persons without that date are not counted here."""
    asylum_from = add_months(scope.start, -ASYLUM_WAIT_MONTHS) - timedelta(days=1)
    asylum_to = add_months(scope.end, -ASYLUM_WAIT_MONTHS)
    rows = db.session.execute(
        eligible_persons_stmt(
            scope,
            Person.residence_status,
            Person.decision_date,
            Person.asylum_application_date,
            func.count(Person.id),
        )
        .where(
            or_(
                and_(
                    Person.residence_status.in_(("residence_permit", "toleration")),
                    Person.decision_date.between(scope.start, scope.end),
                ),
                and_(
                    Person.residence_status == "asylum_applicant",
                    Person.asylum_application_date.between(asylum_from, asylum_to),
                ),
            )
        )
        .group_by(Person.residence_status, Person.decision_date, Person.asylum_application_date)
    ).all()
    per_month: Counter[date] = Counter()
    for status, decided, applied, n in rows:
        since = eligible_from(applied) if status == "asylum_applicant" else decided
        if since is not None and scope.start <= since <= scope.end:
            per_month[date(since.year, since.month, 1)] += n
    return [MonthCount(m, per_month.get(m, 0)) for m in months_of(scope.start, scope.end)]


# --- 5. tasks ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class TaskCounts:
    open: int
    overdue: int  # open with a due date before `on`


def tasks(scope: ReportScope, on: date) -> TaskCounts:
    """Open next steps of the scope's households today (not bound to the period); tasks of
    deleted contacts do not count."""
    row = db.session.execute(
        scoped(
            select(func.count(Task.id), func.count(case((Task.due_on < on, Task.id))))
            .select_from(Task)
            .join(Household, Household.id == Task.household_id)
            .where(Task.status == "open")
            # an anti-join against the few deleted contacts (partial index ix_contact_deleted),
            # not a join with every contact
            .where(
                Task.contact_id.not_in(select(Contact.id).where(Contact.deleted_at.is_not(None)))
            ),
            scope,
        )
    ).one()
    return TaskCounts(open=row[0] or 0, overdue=row[1] or 0)


# --- 6. caseload per FTE -------------------------------------------------------------------------
@dataclass(frozen=True)
class TeamCaseload:
    team_id: int
    team: str
    eligible: int
    fte: Decimal

    @property
    def per_fte(self) -> float | None:
        return float(self.eligible) / float(self.fte) if self.fte else None


def caseload_per_fte(scope: ReportScope) -> list[TeamCaseload]:
    """Per team of the scope: eligible persons on the period's last day / the summed FTE of
    the team's active managers and team leads. The municipality and manager filters do not
    apply (FTE belong to the whole team)."""
    team_scope = ReportScope(
        organisation_id=scope.organisation_id,
        team_id=scope.team_id,
        start=scope.start,
        end=scope.end,
    )
    teams_stmt = select(Team.id, Team.name).where(Team.organisation_id == scope.organisation_id)
    if scope.team_id is not None:
        teams_stmt = teams_stmt.where(Team.id == scope.team_id)
    teams = sorted_by_name(db.session.execute(teams_stmt).all(), lambda row: row.name)

    eligible = dict(
        db.session.execute(
            eligible_persons_stmt(team_scope, Household.team_id, func.count(Person.id)).group_by(
                Household.team_id
            )
        ).all()
    )
    fte = dict(
        db.session.execute(
            select(User.team_id, func.sum(User.fte))
            .where(
                User.organisation_id == scope.organisation_id,
                User.role.in_(COUNSELLING_ROLES),
                User.is_active_account.is_(True),
                User.team_id.is_not(None),
            )
            .group_by(User.team_id)
        ).all()
    )
    return [
        TeamCaseload(t.id, t.name, int(eligible.get(t.id, 0)), Decimal(fte.get(t.id) or 0))
        for t in teams
    ]


# --- 7. office hours -----------------------------------------------------------------------------
@dataclass(frozen=True)
class OfficeHourUse:
    checkins: int
    seen: int  # called into a consultation
    left: int  # left without being seen
    # (waiting minutes from check-in to call, how many of those seen waited that long), ascending
    wait_counts: tuple[tuple[int, int], ...]

    @property
    def average_wait(self) -> float | None:
        seen = sum(n for _, n in self.wait_counts)
        return sum(m * n for m, n in self.wait_counts) / seen if seen else None

    @property
    def median_wait(self) -> float | None:
        seen = sum(n for _, n in self.wait_counts)
        if not seen:
            return None
        # the middle one (odd) or the mean of the two middle ones (even), as statistics.median
        lower, upper = (
            _nth_wait(self.wait_counts, (seen - 1) // 2),
            _nth_wait(self.wait_counts, seen // 2),
        )
        return (lower + upper) / 2


def _nth_wait(wait_counts: tuple[tuple[int, int], ...], index: int) -> int:
    for minutes, n in wait_counts:
        if index < n:
            return minutes
        index -= n
    raise IndexError(index)


class wait_minutes(FunctionElement):
    """Whole minutes from check-in to call (0 when called before the check-in was stored,
    NULL when not called), counted by the database: a histogram of ~100 rows instead of
    100,000 pairs through Python at state scale."""

    type = Integer()
    inherit_cache = True


@compiles(wait_minutes, "postgresql")
def _wait_minutes_pg(element, compiler, **kw):
    # date_part gives a double (fast); extract() gives numeric, 3x slower on 100,000 rows
    came, called = (compiler.process(arg, **kw) for arg in element.clauses)
    minutes = f"CAST(floor(date_part('epoch', {called} - {came}) / 60) AS INTEGER)"
    return f"CASE WHEN {called} IS NOT NULL THEN greatest({minutes}, 0) END"


@compiles(wait_minutes, "sqlite")
def _wait_minutes_sqlite(element, compiler, **kw):
    # julianday resolves ~50 µs today; rounding to whole milliseconds makes it exact
    came, called = (compiler.process(arg, **kw) for arg in element.clauses)
    minutes = f"CAST(round((julianday({called}) - julianday({came})) * 86400000) AS INTEGER)"
    return f"CASE WHEN {called} IS NOT NULL THEN max({minutes} / 60000, 0) END"


def office_hour_entries(scope: ReportScope, *columns) -> Select:
    """select(columns) over the check-ins of the period at the scope's office-hour locations
    (for a manager's scope: those the manager called). Figure and drill-down list share it."""
    stmt = (
        select(*(columns or (QueueEntry.id,)))
        .select_from(QueueEntry)
        .join(OfficeLocation, OfficeLocation.id == QueueEntry.location_id)
        .join(Municipality, Municipality.id == OfficeLocation.municipality_id)
        .where(QueueEntry.day.between(scope.start, scope.end))
    )
    return within(
        stmt,
        scope,
        Municipality.organisation_id,
        Municipality.team_id,
        OfficeLocation.municipality_id,
        QueueEntry.taken_by_id,
    )


def office_hours(scope: ReportScope) -> OfficeHourUse:
    """Check-ins at the scope's office-hour locations in the period and the waiting time from
    check-in to being called (in whole minutes)."""
    # one pass: per waiting minute (NULL for those not called) the check-ins and who left
    waited = wait_minutes(QueueEntry.checked_in_at, QueueEntry.called_at)
    rows = db.session.execute(
        office_hour_entries(
            scope,
            waited,
            func.count(),
            func.count(case((QueueEntry.status == "left", QueueEntry.id))),
        ).group_by(waited)
    ).all()
    wait_counts = tuple(sorted((int(m), int(n)) for m, n, _ in rows if m is not None))
    return OfficeHourUse(
        checkins=sum(n for _, n, _ in rows),
        seen=sum(n for _, n in wait_counts),
        left=sum(left for _, _, left in rows),
        wait_counts=wait_counts,
    )


# --- everything for the dashboard ----------------------------------------------------------------
@dataclass(frozen=True)
class Dashboard:
    scope: ReportScope
    on: date
    reach: Reach
    settings: Counts
    topics: list[TopicCount]
    per_household: ContactsPerHousehold
    coverage: Coverage
    new_eligible: list[MonthCount]
    tasks: TaskCounts
    caseload: list[TeamCaseload]
    office_hours: OfficeHourUse


def dashboard(scope: ReportScope, on: date) -> Dashboard:
    """All dashboard figures; a fixed number of statements."""
    people = person_counts(scope)
    reached = reach(scope, people)
    return Dashboard(
        scope=scope,
        on=on,
        reach=reached,
        settings=contacts_by_setting(scope),
        topics=contacts_by_topic(scope),
        per_household=contacts_per_household(scope, reached),
        coverage=coverage(scope, people),
        new_eligible=new_eligible_per_month(scope),
        tasks=tasks(scope, on),
        caseload=caseload_per_fte(scope),
        office_hours=office_hours(scope),
    )
