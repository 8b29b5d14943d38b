"""Report rollups: per household and calendar year, how many contacts each month had, on
which days, in which setting and about which topics, and who took part — kept current on every
write, so that a report reads a few hundred thousand small rows instead of every contact.

Why: a whole organisation's year is every contact (a million at state scale), and the dashboard
aggregated it five times (docs/scale.md). Rows hold twelve monthly counts (`n1`…`n12`) and
twelve day bitmasks (`d1`…`d12`, bit k-1 = day k):

- counts (contacts by setting and topic, contacts per household) add up the months of the
  period; a partly covered first or last month is counted from the contacts on its days, or
  read whole less the contacts on its other days, whichever touches fewer (`PeriodSplit`);
- "who was in contact" (persons, households) is exact for any period from the day masks.

Household-level tables are keyed by the contact's household (and person). Each row also carries
its household's scope (organisation, team, town, manager) and whether it lives alone, so
reports filter without joins; setting and topic counts are further summed into cells per scope.

Upkeep (`_remember_before_flush`, `_refresh_after_flush`): a flush that touches a `Contact`
recomputes its (household, year) rows — before and after — from the contacts; a household
that moves copies its new scope onto its rows; a person who joins, leaves or moves updates the
"lives alone" flags; the cells of every changed row are summed again. Bulk loads that bypass
the ORM (demo generator, benchmark) call `rebuild`, as does migration 0012. tests/conftest.py
checks after every test that the stored rows equal a fresh computation, so a write path that
skips the upkeep fails the suite.
"""

from __future__ import annotations

import functools
import operator
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import (
    Column,
    Connection,
    ForeignKey,
    Integer,
    Select,
    String,
    Table,
    and_,
    case,
    delete,
    event,
    false,
    func,
    insert,
    inspect,
    literal,
    or_,
    select,
    tuple_,
    union,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, aliased

from app.contacts.models import Contact, contact_participant, contact_topic_link
from app.extensions import db
from app.households.models import Household, Person
from app.households.rules import add_months
from app.timeutil import BERLIN

MONTHS = range(1, 13)


def _months(prefix: str) -> list[Column]:
    return [
        Column(f"{prefix}{m}", Integer, nullable=False, default=0, server_default="0")
        for m in MONTHS
    ]


# The household's scope, copied onto every row so that a report filters the rollups without
# joining the households; `copy_household_scope` keeps it current when a household moves.
SCOPE_COLUMNS = ("organisation_id", "team_id", "municipality_id", "manager_id")
# columns that are neither key nor month (kept when 0 or NULL)
COPIED_COLUMNS = (*SCOPE_COLUMNS, "single")


def _scope() -> list[Column]:
    return [
        Column("organisation_id", Integer, nullable=False),
        Column("team_id", Integer, index=True),
        Column("municipality_id", Integer),
        Column("manager_id", Integer, index=True),
    ]


def _household() -> Column:
    return Column("household_id", ForeignKey("household.id", ondelete="CASCADE"), primary_key=True)


def _single() -> Column:
    # 1 when the household (for a participant: the person's household now) has one member;
    # `copy_household_sizes` keeps it current when persons join, leave or move
    return Column("single", Integer, nullable=False, default=0, server_default="0")


household_rollup = Table(
    "report_household_rollup",
    db.metadata,
    _household(),
    Column("year", Integer, primary_key=True),
    *_scope(),
    _single(),
    *_months("n"),  # contacts per month
    *_months("d"),  # days with a contact per month (bitmask)
)

setting_rollup = Table(
    "report_setting_rollup",
    db.metadata,
    _household(),
    Column("year", Integer, primary_key=True),
    Column("setting", String(20), primary_key=True),
    *_scope(),
    *_months("n"),  # contacts in that setting per month
)

topic_rollup = Table(
    "report_topic_rollup",
    db.metadata,
    _household(),
    Column("year", Integer, primary_key=True),
    Column("topic_id", ForeignKey("contact_topic.id", ondelete="CASCADE"), primary_key=True),
    *_scope(),
    *_months("n"),  # contacts about the topic per month
)

participant_rollup = Table(
    "report_participant_rollup",
    db.metadata,
    Column("person_id", ForeignKey("person.id", ondelete="CASCADE"), primary_key=True),
    # the contact's household (which scopes the contact), normally the person's own
    _household(),
    Column("year", Integer, primary_key=True),
    *_scope(),
    _single(),
    *_months("d"),  # days the person took part in a contact per month (bitmask)
)

HOUSEHOLD_TABLES = (household_rollup, setting_rollup, topic_rollup, participant_rollup)


# Cells: the setting and topic counts summed over all households of the same scope (the
# organisation, team, town and manager a report filters by), ~4x fewer rows than per
# household. Derived from the household rows above whenever those change or move.
NO_MANAGER = 0  # a primary key cannot hold NULL


def _cell_scope() -> list[Column]:
    return [Column(name, Integer, primary_key=True, autoincrement=False) for name in SCOPE_COLUMNS]


setting_cell = Table(
    "report_setting_cell",
    db.metadata,
    *_cell_scope(),
    Column("year", Integer, primary_key=True, autoincrement=False),
    Column("setting", String(20), primary_key=True),
    *_months("n"),
)

topic_cell = Table(
    "report_topic_cell",
    db.metadata,
    *_cell_scope(),
    Column("year", Integer, primary_key=True, autoincrement=False),
    Column("topic_id", Integer, primary_key=True, autoincrement=False),
    *_months("n"),
)

CELLS = {setting_cell: (setting_rollup, "setting"), topic_cell: (topic_rollup, "topic_id")}
TABLES = (*HOUSEHOLD_TABLES, *CELLS)


# --- periods -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PartialMonth:
    year: int
    month: int
    first: date  # first day of the month in the period
    last: date  # last day of the month in the period

    @property
    def day_mask(self) -> int:
        return sum(1 << (day - 1) for day in range(self.first.day, self.last.day + 1))

    @property
    def outside(self) -> list[tuple[date, date]]:
        """The month's days that are not in the period."""
        month_start = self.first.replace(day=1)
        month_end = add_months(month_start, 1) - timedelta(days=1)
        ranges = []
        if self.first > month_start:
            ranges.append((month_start, self.first - timedelta(days=1)))
        if self.last < month_end:
            ranges.append((self.last + timedelta(days=1), month_end))
        return ranges

    @property
    def read_whole(self) -> bool:
        """Cheaper as the whole month minus the days outside (e.g. "this year" ends today, and
        the rest of this month holds no contacts yet) than as the days inside."""
        outside = sum((b - a).days + 1 for a, b in self.outside)
        return outside < (self.last - self.first).days + 1


@dataclass(frozen=True)
class PeriodSplit:
    """A period [start, end] as the calendar months it covers wholly and the (at most two)
    months it covers in part. Counts read whole months from the rollups; a partly covered
    month is either counted from the contacts on its days in the period (`add_ranges`) or read
    whole from the rollups less the contacts on its other days (`subtract_ranges`), whichever
    touches fewer days."""

    full: tuple[tuple[int, int], ...]
    partial: tuple[PartialMonth, ...]

    @property
    def rollup_months(self) -> list[tuple[int, int]]:
        return [*self.full, *((p.year, p.month) for p in self.partial if p.read_whole)]

    @property
    def add_ranges(self) -> list[tuple[date, date]]:
        return [(p.first, p.last) for p in self.partial if not p.read_whole]

    @property
    def subtract_ranges(self) -> list[tuple[date, date]]:
        return [r for p in self.partial if p.read_whole for r in p.outside]

    def rollup_months_by_year(self) -> dict[int, list[int]]:
        years: dict[int, list[int]] = defaultdict(list)
        for year, month in self.rollup_months:
            years[year].append(month)
        return years


def split_period(start: date, end: date) -> PeriodSplit:
    full: list[tuple[int, int]] = []
    partial: list[PartialMonth] = []
    month = date(start.year, start.month, 1)
    while month <= end:
        last_day = add_months(month, 1) - timedelta(days=1)
        first, last = max(start, month), min(end, last_day)
        if first == month and last == last_day:
            full.append((month.year, month.month))
        else:
            partial.append(PartialMonth(month.year, month.month, first, last))
        month = add_months(month, 1)
    return PeriodSplit(tuple(full), tuple(partial))


def months_sum(table: Table, split: PeriodSplit):
    """SQL: a row's count over the months read from the rollups (0 for rows of other years)."""
    whens = [
        (table.c.year == year, functools.reduce(operator.add, [table.c[f"n{m}"] for m in months]))
        for year, months in split.rollup_months_by_year().items()
    ]
    return case(*whens, else_=0) if whens else literal(0)


def rollup_years(split: PeriodSplit) -> list[int]:
    return sorted(split.rollup_months_by_year())


def touches_period(table: Table, split: PeriodSplit):
    """SQL: the row has a contact on a day of the period (exact, from the day masks)."""
    by_year: dict[int, list] = defaultdict(list)
    for year, month in split.full:
        by_year[year].append(table.c[f"d{month}"] != 0)
    for part in split.partial:
        by_year[part.year].append(table.c[f"d{part.month}"].op("&")(part.day_mask) != 0)
    if not by_year:  # an empty period (start after end)
        return false()
    return or_(*(and_(table.c.year == year, or_(*tests)) for year, tests in by_year.items()))


# --- computing rows from the contacts ------------------------------------------------------------
def _local_year_start(year: int) -> datetime:
    return datetime(year, 1, 1, tzinfo=BERLIN).astimezone(UTC).replace(tzinfo=None)


def local_day(occurred_at: datetime) -> date:
    return occurred_at.replace(tzinfo=UTC).astimezone(BERLIN).date()


RowKey = tuple  # the primary key values of a rollup row
Rows = dict[Table, dict[RowKey, dict[str, int]]]


def _empty_rows() -> Rows:
    return {table: {} for table in TABLES}


def _bump(rows: dict, key: RowKey, column: str, value: int, *, bit: bool = False) -> None:
    row = rows.setdefault(key, {})
    row[column] = (row.get(column, 0) | value) if bit else row.get(column, 0) + value


def compute(conn: Connection, contact_filter) -> Rows:
    """The rollup rows of the (not deleted) contacts matching `contact_filter`."""
    rows = _empty_rows()
    wanted = select(Contact.id).where(contact_filter, Contact.deleted_at.is_(None))
    households = {}  # household id -> its scope columns
    days: dict[int, tuple[int, int, date]] = {}  # contact id -> household, year, local day
    for contact_id, household_id, occurred_at, setting, *scope in conn.execute(
        select(
            Contact.id,
            Contact.household_id,
            Contact.occurred_at,
            Contact.setting,
            *(Household.__table__.c[name] for name in SCOPE_COLUMNS),
        )
        .join(Household, Household.id == Contact.household_id)
        .where(Contact.id.in_(wanted))
    ):
        households[household_id] = dict(zip(SCOPE_COLUMNS, scope, strict=True))
        day = local_day(occurred_at)
        days[contact_id] = (household_id, day.year, day)
        _bump(rows[household_rollup], (household_id, day.year), f"n{day.month}", 1)
        _bump(
            rows[household_rollup],
            (household_id, day.year),
            f"d{day.month}",
            1 << (day.day - 1),
            bit=True,
        )
        _bump(rows[setting_rollup], (household_id, day.year, setting), f"n{day.month}", 1)
    for contact_id, topic_id in conn.execute(
        select(contact_topic_link.c.contact_id, contact_topic_link.c.topic_id).where(
            contact_topic_link.c.contact_id.in_(wanted)
        )
    ):
        household_id, year, day = days[contact_id]
        _bump(rows[topic_rollup], (household_id, year, topic_id), f"n{day.month}", 1)
    homes = {}  # participant id -> the person's own household
    for contact_id, person_id, home_id in conn.execute(
        select(
            contact_participant.c.contact_id, contact_participant.c.person_id, Person.household_id
        )
        .join(Person, Person.id == contact_participant.c.person_id)
        .where(contact_participant.c.contact_id.in_(wanted))
    ):
        household_id, year, day = days[contact_id]
        homes[person_id] = home_id
        key = (person_id, household_id, year)
        _bump(rows[participant_rollup], key, f"d{day.month}", 1 << (day.day - 1), bit=True)
    for table in HOUSEHOLD_TABLES:
        position = [c.name for c in _key_columns(table)].index("household_id")
        for key, columns in rows[table].items():
            columns.update(households[key[position]])
    sizes = _household_sizes(conn, {*households, *homes.values()} - {None})
    for (household_id, _year), columns in rows[household_rollup].items():
        columns["single"] = int(sizes.get(household_id) == 1)
    for (person_id, *_), columns in rows[participant_rollup].items():
        columns["single"] = int(sizes.get(homes[person_id]) == 1)
    return rows


def _household_sizes(conn: Connection, household_ids: Iterable[int]) -> dict[int, int]:
    return dict(
        conn.execute(
            select(Person.household_id, func.count())
            .where(Person.household_id.in_(list(household_ids)))
            .group_by(Person.household_id)
        ).all()
    )


def _members(household_id) -> Select:
    other = aliased(Person)
    return select(func.count()).where(other.household_id == household_id).scalar_subquery()


def _key_columns(table: Table) -> list[Column]:
    return list(table.primary_key.columns)


def _write(conn: Connection, rows: Rows) -> None:
    """Insert `rows` (their keys must not be stored yet)."""
    for table, table_rows in rows.items():
        if table_rows:
            conn.execute(insert(table), _values(table, table_rows))


def _values(table: Table, table_rows: dict[RowKey, dict[str, int]]) -> list[dict]:
    """The rows as complete parameter sets (every month, zero when absent), in key order."""
    names = [c.name for c in _key_columns(table)]
    data_columns = [
        c.name for c in table.columns if c.name not in names and c.name not in COPIED_COLUMNS
    ]
    return [
        {**dict.fromkeys(data_columns, 0), **dict(zip(names, key, strict=True)), **columns}
        for key, columns in sorted(table_rows.items(), key=_key_order)
    ]


def _key_order(item: tuple[RowKey, dict]) -> list:
    # one fixed order for every writer (None first: never compared with a number)
    return [(value is not None, value) for value in item[0]]


def _is_month(name: str, prefix: str) -> bool:
    return name[0] == prefix and name[1:].isdigit()


def _add(conn: Connection, rows: Rows) -> None:
    """Add `rows` to the stored ones: counts are summed, day masks OR-ed, the copied scope and
    "lives alone" set. One INSERT … ON CONFLICT DO UPDATE per table: commutative, so writers
    adding at the same time cannot lose each other's counts; the rows go in key order, so two
    writers wait for each other's shared rows in the same order and cannot deadlock."""
    upsert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    for table, table_rows in rows.items():
        if not table_rows:
            continue
        stmt = upsert(table).values(_values(table, table_rows))
        names = [c.name for c in _key_columns(table)]
        merged = {}
        for column in table.columns:
            new = stmt.excluded[column.name]
            if column.name in COPIED_COLUMNS:
                merged[column.name] = new
            elif _is_month(column.name, "d"):
                merged[column.name] = column.op("|")(new)
            elif _is_month(column.name, "n"):
                merged[column.name] = column + new
        conn.execute(stmt.on_conflict_do_update(index_elements=names, set_=merged))


def stored(conn: Connection, tables: Iterable[Table] = TABLES, where=None) -> Rows:
    """The stored rollup rows (of `tables`, matching `where(table)`), in the shape `compute`
    returns (zero months left out)."""
    rows = _empty_rows()
    for table in tables:
        names = [c.name for c in _key_columns(table)]
        stmt = select(table) if where is None else select(table).where(where(table))
        for record in conn.execute(stmt).mappings():
            rows[table][tuple(record[n] for n in names)] = {
                k: v for k, v in record.items() if k not in names and (v or k in COPIED_COLUMNS)
            }
    return rows


# --- cells: the household setting and topic rows summed per scope ------------------------------
def _cells(rows: Rows, sign: int = 1) -> Rows:
    """The cells that the setting and topic rows among `rows` add up to (times `sign`)."""
    cells = _empty_rows()
    for cell, (source, _code) in CELLS.items():
        for key, columns in rows[source].items():
            scope = [columns[name] for name in SCOPE_COLUMNS]
            scope[-1] = scope[-1] or NO_MANAGER
            cell_key = (*scope, key[1], key[2])  # ..., year, setting or topic
            for name, value in columns.items():
                if _is_month(name, "n"):
                    _bump(cells[cell], cell_key, name, sign * value)
    return cells


def _cell_change(before: Rows, after: Rows) -> Rows:
    """after − before, per cell (cells that do not change left out)."""
    change = _cells(after)
    for cell, table_rows in _cells(before, -1).items():
        for key, columns in table_rows.items():
            for name, value in columns.items():
                _bump(change[cell], key, name, value)
    return {
        cell: {key: cols for key, cols in table_rows.items() if any(cols.values())}
        for cell, table_rows in change.items()
    }


def _add_to_cells(conn: Connection, change: Rows) -> None:
    """Add a change to the cells (additive, so cells shared with other writers stay exact) and
    drop the cells it emptied."""
    _add(conn, change)
    for cell, table_rows in change.items():
        shrunk = [key for key, cols in table_rows.items() if any(v < 0 for v in cols.values())]
        if shrunk:
            keys = tuple_(*_key_columns(cell))
            empty = [cell.c[f"n{m}"] == 0 for m in MONTHS]
            conn.execute(delete(cell).where(keys.in_(shrunk), *empty))


SOURCES = tuple(source for source, _code in CELLS.values())  # the rows cells are made of


def _sum_into_cells(conn: Connection, cell: Table, source: Table, code: str) -> None:
    manager = func.coalesce(source.c.manager_id, NO_MANAGER)
    keys = [*(source.c[n] for n in SCOPE_COLUMNS[:-1]), manager, source.c.year, source.c[code]]
    months = [func.sum(source.c[f"n{m}"]) for m in MONTHS]
    conn.execute(
        insert(cell).from_select(
            [*SCOPE_COLUMNS, "year", code, *(f"n{m}" for m in MONTHS)],
            select(*keys, *months).group_by(*keys),
        )
    )


# --- whole rebuilds ------------------------------------------------------------------------------
def _chunks(ids: list[int], size: int) -> Iterator[list[int]]:
    for i in range(0, len(ids), size):
        yield ids[i : i + size]


def rebuild(conn: Connection, chunk: int = 1000) -> None:
    """Recompute every row (after bulk loads that bypass the ORM, and in the migration)."""
    for table in TABLES:
        conn.execute(delete(table))
    household_ids = list(conn.scalars(select(Contact.household_id).distinct()))
    for ids in _chunks(sorted(household_ids), chunk):
        _write(conn, compute(conn, Contact.household_id.in_(ids)))
    for cell, (source, code) in CELLS.items():
        _sum_into_cells(conn, cell, source, code)


def computed(conn: Connection, chunk: int = 1000) -> Rows:
    """What `rebuild` would store (for the consistency check)."""
    rows = _empty_rows()
    household_ids = list(conn.scalars(select(Contact.household_id).distinct()))
    for ids in _chunks(sorted(household_ids), chunk):
        for table, table_rows in compute(conn, Contact.household_id.in_(ids)).items():
            rows[table].update(table_rows)
    rows.update({cell: cells for cell, cells in _cells(rows).items() if cell in CELLS})
    return rows


# --- upkeep on every flush -----------------------------------------------------------------------
# Concurrent writers: every flush that changes rollups first locks the households whose rows it
# writes (`lock_households`), so one household's rows are only ever written by one transaction
# at a time, which sees every earlier writer's committed contacts; cells, shared by many
# households, only receive additive changes. See docs/reports.md ("Concurrent saves").
def lock_households(conn: Connection, household_ids: Iterable[int]) -> None:
    """Lock these households and the households of the persons who took part in their
    contacts (whose "lives alone" their rows copy), in id order, until the transaction ends.

    FOR NO KEY UPDATE: it does not wait for the KEY SHARE lock that a new contact's or
    person's foreign key takes on its household, so a save never deadlocks against it. SQLite
    has one writer at a time anyway (the statement is a plain SELECT there)."""
    ids = sorted(set(household_ids))
    if not ids:
        return
    took_part = union(
        select(contact_participant.c.person_id)
        .join(Contact, Contact.id == contact_participant.c.contact_id)
        .where(Contact.household_id.in_(ids)),
        select(participant_rollup.c.person_id).where(participant_rollup.c.household_id.in_(ids)),
    )
    their_households = select(Person.household_id).where(Person.id.in_(took_part))
    conn.execute(
        select(Household.id)
        .where(or_(Household.id.in_(ids), Household.id.in_(their_households)))
        .order_by(Household.id)
        .with_for_update(key_share=True)
    )


def add_contacts(conn: Connection, contact_ids: Iterable[int]) -> None:
    """New contacts: their rows are added to the stored rows and cells (the common case, a
    saved contact form: no read of the household's other contacts)."""
    ids = sorted(contact_ids)
    if not ids:
        return
    rows = compute(conn, Contact.id.in_(ids))
    _add(conn, {table: rows[table] for table in HOUSEHOLD_TABLES})
    _add_to_cells(conn, _cells(rows))


def refresh(conn: Connection, keys: Iterable[tuple[int, int]]) -> None:
    """Recompute the rows of these (household id, local year) pairs from the contacts (after an
    edit or deletion: a day mask cannot be subtracted from), and change the cells by the
    difference."""
    by_year: dict[int, list[int]] = defaultdict(list)
    for household_id, year in set(keys):
        by_year[year].append(household_id)
    for year, household_ids in sorted(by_year.items()):

        def mine(table: Table, year: int = year, ids: list[int] = household_ids):
            return and_(table.c.year == year, table.c.household_id.in_(ids))

        before = stored(conn, SOURCES, mine)
        for table in HOUSEHOLD_TABLES:
            conn.execute(delete(table).where(mine(table)))
        after = compute(
            conn,
            and_(
                Contact.household_id.in_(household_ids),
                Contact.occurred_at >= _local_year_start(year),
                Contact.occurred_at < _local_year_start(year + 1),
            ),
        )
        _write(conn, {table: after[table] for table in HOUSEHOLD_TABLES})
        _add_to_cells(conn, _cell_change(before, after))


def _keys(contact: Contact) -> set[tuple[int, int]]:
    if contact.household_id is None or contact.occurred_at is None:
        return set()
    return {(contact.household_id, local_day(contact.occurred_at).year)}


def copy_household_scope(conn: Connection, household_ids: Iterable[int]) -> None:
    """Copy the households' current scope onto their rollup rows (after a move to another
    team, municipality or manager), and move their counts from the old cells to the new."""
    ids = sorted(set(household_ids))
    if not ids:
        return

    def mine(table: Table):
        return table.c.household_id.in_(ids)

    before = stored(conn, SOURCES, mine)
    household = Household.__table__
    for table in HOUSEHOLD_TABLES:
        conn.execute(
            update(table)
            .where(mine(table))
            .values(
                {
                    name: select(household.c[name])
                    .where(household.c.id == table.c.household_id)
                    .scalar_subquery()
                    for name in SCOPE_COLUMNS
                }
            )
        )
    _add_to_cells(conn, _cell_change(before, stored(conn, SOURCES, mine)))


def copy_household_sizes(conn: Connection, household_ids: Iterable[int]) -> None:
    """Recompute `single` for these households' rows and for the rows of their members (after
    a person joined, left or moved)."""
    ids = sorted(set(household_ids))
    if not ids:
        return
    conn.execute(
        update(household_rollup)
        .where(household_rollup.c.household_id.in_(ids))
        .values(single=case((_members(household_rollup.c.household_id) == 1, 1), else_=0))
    )
    person = aliased(Person)
    household_of_row = (
        select(person.household_id)
        .where(person.id == participant_rollup.c.person_id)
        .correlate(participant_rollup)  # two levels down: not found automatically
        .scalar_subquery()
    )
    conn.execute(
        update(participant_rollup)
        .where(
            participant_rollup.c.person_id.in_(
                select(Person.id).where(Person.household_id.in_(ids))
            )
        )
        .values(single=case((_members(household_of_row) == 1, 1), else_=0))
    )


def _changed(obj, names: Iterable[str]) -> bool:
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in names)


# what a contact's rows are made of; a change to anything else (note, tasks) leaves them alone
COUNTED = ("household_id", "household", "occurred_at", "setting", "deleted_at")
COUNTED_LINKS = ("participants", "topics")


def _recounted(session: Session) -> list[Contact]:
    """Changed or deleted contacts whose rows must be recomputed."""
    dirty = [
        o
        for o in session.dirty
        if isinstance(o, Contact) and _changed(o, (*COUNTED, *COUNTED_LINKS))
    ]
    return [*dirty, *(o for o in session.deleted if isinstance(o, Contact))]


def _moved(household: Household) -> bool:
    # the column or, when set through the relationship (household.team = ...), the relation
    names = (*SCOPE_COLUMNS, *(name.removesuffix("_id") for name in SCOPE_COLUMNS))
    return _changed(household, names)


PENDING = "report_rollups_before"  # session.info: what the flush's rows were before


@event.listens_for(Session, "before_flush")
def _remember_before_flush(session: Session, _flush_context, _instances) -> None:
    # The stored household and time of changed contacts and the stored household of changed
    # persons, read from the database: the objects may not have the old values loaded (an
    # expired object set through a relation keeps no history). The contacts are locked while
    # read, so a colleague's simultaneous edit of the same contact is seen, not overwritten.
    contact_ids = sorted(o.id for o in _recounted(session) if o.id is not None)
    person_ids = [
        o.id for o in (*session.dirty, *session.deleted) if isinstance(o, Person) and o.id
    ]
    before = session.info.setdefault(PENDING, {"keys": set(), "households": set()})
    connection = session.connection()
    if contact_ids:
        for household_id, occurred_at in connection.execute(
            select(Contact.household_id, Contact.occurred_at)
            .where(Contact.id.in_(contact_ids))
            .order_by(Contact.id)
            .with_for_update(key_share=True)
        ):
            before["keys"].add((household_id, local_day(occurred_at).year))
    if person_ids:
        before["households"] |= set(
            connection.scalars(select(Person.household_id).where(Person.id.in_(person_ids)))
        )


@event.listens_for(Session, "after_flush")
def _refresh_after_flush(session: Session, _flush_context) -> None:
    # new/dirty/deleted and the attribute histories still show the flush here; the
    # participant and topic links of the flush are already written
    before = session.info.pop(PENDING, {"keys": set(), "households": set()})
    recount: set[tuple[int, int]] = set(before["keys"])
    for contact in _recounted(session):
        recount |= _keys(contact)
    added = [o for o in session.new if isinstance(o, Contact) and _keys(o)]
    moved = {o.id for o in session.dirty if isinstance(o, Household) and _moved(o)}
    resized: set[int] = set(before["households"])
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Person) and obj.household_id is not None:
            resized.add(obj.household_id)
    if not (recount or added or moved or resized):
        return
    conn = session.connection()
    # a moved household is locked by its own UPDATE already
    lock_households(conn, {h for h, _ in recount} | {c.household_id for c in added} | resized)
    # moves first: the rows then carry the scope that the new and recounted rows get
    copy_household_scope(conn, moved)
    refresh(conn, recount)
    # a new contact in a recomputed household and year is counted by the recomputation
    add_contacts(conn, [c.id for c in added if not _keys(c) & recount])
    copy_household_sizes(conn, resized)
