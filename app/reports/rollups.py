"""Contact rollups: per household and calendar year, how many contacts and topic mentions each
month had and on which days there was contact — maintained whenever a contact is written.

Why: a whole organisation's year is every contact (a million at state scale), and the
dashboard aggregated it five times (docs/scale.md). The rollups hold one row per household,
year and setting (or topic, or participant) with twelve monthly counts (`n1`…`n12`) and twelve
day bitmasks (`d1`…`d12`, bit k-1 = day k), so a report reads ~1/10 of the rows:

- counts (contacts by setting, topics, contacts per household) add the months that lie wholly
  in the period and count the days of a partly covered first or last month from the contacts
  themselves (`PeriodSplit.edges`);
- "who was in contact" (persons, households) is exact for any period from the day masks.

Rows are keyed by the contact's household (and person), never by team or municipality, so a
household that moves to another team needs no update: reports join the household as it is now,
exactly like the queries on the contacts. Every flush that touches a `Contact` recomputes the
affected (household, year) rows from the contacts (`refresh`); bulk loads that bypass the ORM
(demo generator, benchmark) call `rebuild`. tests/conftest.py checks after every test that the
stored rows equal a fresh computation.
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
    String,
    Table,
    and_,
    case,
    delete,
    event,
    insert,
    inspect,
    literal,
    or_,
    select,
)
from sqlalchemy.orm import Session

from app.contacts.models import Contact, contact_participant, contact_topic_link
from app.extensions import db
from app.households.rules import add_months
from app.timeutil import BERLIN

MONTHS = range(1, 13)


def _months(prefix: str) -> list[Column]:
    return [
        Column(f"{prefix}{m}", Integer, nullable=False, default=0, server_default="0")
        for m in MONTHS
    ]


contact_rollup = Table(
    "report_contact_rollup",
    db.metadata,
    Column("household_id", ForeignKey("household.id", ondelete="CASCADE"), primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("setting", String(20), primary_key=True),
    *_months("n"),  # contacts per month
    *_months("d"),  # days with a contact per month (bitmask)
)

topic_rollup = Table(
    "report_topic_rollup",
    db.metadata,
    Column("household_id", ForeignKey("household.id", ondelete="CASCADE"), primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("topic_id", ForeignKey("contact_topic.id", ondelete="CASCADE"), primary_key=True),
    *_months("n"),  # contacts about the topic per month
)

participant_rollup = Table(
    "report_participant_rollup",
    db.metadata,
    Column("person_id", ForeignKey("person.id", ondelete="CASCADE"), primary_key=True),
    # the contact's household (which scopes the contact), normally the person's own
    Column("household_id", ForeignKey("household.id", ondelete="CASCADE"), primary_key=True),
    Column("year", Integer, primary_key=True),
    *_months("d"),  # days the person took part in a contact per month (bitmask)
)

TABLES = (contact_rollup, topic_rollup, participant_rollup)


# --- periods -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PartialMonth:
    year: int
    month: int
    first: date
    last: date

    @property
    def day_mask(self) -> int:
        return sum(1 << (day - 1) for day in range(self.first.day, self.last.day + 1))


@dataclass(frozen=True)
class PeriodSplit:
    """A period [start, end] as the calendar months it covers wholly and the (at most two)
    months it covers in part."""

    full: tuple[tuple[int, int], ...]
    partial: tuple[PartialMonth, ...]

    @property
    def edges(self) -> list[tuple[date, date]]:
        """The days of the partly covered months, counted from the contacts themselves."""
        return [(p.first, p.last) for p in self.partial]

    def full_by_year(self) -> dict[int, list[int]]:
        years: dict[int, list[int]] = defaultdict(list)
        for year, month in self.full:
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


def full_months_sum(table: Table, split: PeriodSplit):
    """SQL: a row's contacts in the period's whole months (0 for rows of other years)."""
    whens = [
        (table.c.year == year, functools.reduce(operator.add, [table.c[f"n{m}"] for m in months]))
        for year, months in split.full_by_year().items()
    ]
    return case(*whens, else_=0) if whens else literal(0)


def full_years(split: PeriodSplit) -> list[int]:
    return sorted(split.full_by_year())


def touches_period(table: Table, split: PeriodSplit):
    """SQL: the row has a contact on a day of the period (exact, from the day masks)."""
    by_year: dict[int, list] = defaultdict(list)
    for year, month in split.full:
        by_year[year].append(table.c[f"d{month}"] != 0)
    for part in split.partial:
        by_year[part.year].append(table.c[f"d{part.month}"].op("&")(part.day_mask) != 0)
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
    days: dict[int, tuple[int, int, date]] = {}  # contact id -> household, year, local day
    for contact_id, household_id, occurred_at, setting in conn.execute(
        select(Contact.id, Contact.household_id, Contact.occurred_at, Contact.setting).where(
            Contact.id.in_(wanted)
        )
    ):
        day = local_day(occurred_at)
        days[contact_id] = (household_id, day.year, day)
        key = (household_id, day.year, setting)
        _bump(rows[contact_rollup], key, f"n{day.month}", 1)
        _bump(rows[contact_rollup], key, f"d{day.month}", 1 << (day.day - 1), bit=True)
    for contact_id, topic_id in conn.execute(
        select(contact_topic_link.c.contact_id, contact_topic_link.c.topic_id).where(
            contact_topic_link.c.contact_id.in_(wanted)
        )
    ):
        household_id, year, day = days[contact_id]
        _bump(rows[topic_rollup], (household_id, year, topic_id), f"n{day.month}", 1)
    for contact_id, person_id in conn.execute(
        select(contact_participant.c.contact_id, contact_participant.c.person_id).where(
            contact_participant.c.contact_id.in_(wanted)
        )
    ):
        household_id, year, day = days[contact_id]
        key = (person_id, household_id, year)
        _bump(rows[participant_rollup], key, f"d{day.month}", 1 << (day.day - 1), bit=True)
    return rows


def _key_columns(table: Table) -> list[Column]:
    return list(table.primary_key.columns)


def _write(conn: Connection, rows: Rows) -> None:
    for table, table_rows in rows.items():
        if not table_rows:
            continue
        names = [c.name for c in _key_columns(table)]
        values = [
            {**dict(zip(names, key, strict=True)), **cols} for key, cols in table_rows.items()
        ]
        # every row gets all twelve months, so one executemany serves them all
        data_columns = [c.name for c in table.columns if c.name not in names]
        for value in values:
            for name in data_columns:
                value.setdefault(name, 0)
        conn.execute(insert(table), values)


def stored(conn: Connection) -> Rows:
    """Every stored rollup row, in the shape `compute` returns (zero months left out)."""
    rows = _empty_rows()
    for table in TABLES:
        names = [c.name for c in _key_columns(table)]
        for record in conn.execute(select(table)).mappings():
            rows[table][tuple(record[n] for n in names)] = {
                k: v for k, v in record.items() if k not in names and v
            }
    return rows


def refresh(conn: Connection, keys: Iterable[tuple[int, int]]) -> None:
    """Recompute the rows of these (household id, local year) pairs from the contacts."""
    by_year: dict[int, list[int]] = defaultdict(list)
    for household_id, year in set(keys):
        by_year[year].append(household_id)
    for year, household_ids in by_year.items():
        for table in TABLES:
            conn.execute(
                delete(table).where(table.c.year == year, table.c.household_id.in_(household_ids))
            )
        _write(
            conn,
            compute(
                conn,
                and_(
                    Contact.household_id.in_(household_ids),
                    Contact.occurred_at >= _local_year_start(year),
                    Contact.occurred_at < _local_year_start(year + 1),
                ),
            ),
        )


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


def computed(conn: Connection, chunk: int = 1000) -> Rows:
    """What `rebuild` would store (for the consistency check)."""
    rows = _empty_rows()
    household_ids = list(conn.scalars(select(Contact.household_id).distinct()))
    for ids in _chunks(sorted(household_ids), chunk):
        for table, table_rows in compute(conn, Contact.household_id.in_(ids)).items():
            rows[table].update(table_rows)
    return rows


# --- upkeep on every flush -----------------------------------------------------------------------
def _affected(contact: Contact) -> set[tuple[int, int]]:
    state = inspect(contact)
    households = {contact.household_id, *state.attrs.household_id.history.deleted}
    moments = {contact.occurred_at, *state.attrs.occurred_at.history.deleted}
    return {
        (household_id, local_day(moment).year)
        for household_id in households
        for moment in moments
        if household_id is not None and moment is not None
    }


@event.listens_for(Session, "after_flush")
def _refresh_after_flush(session: Session, _flush_context) -> None:
    # new/dirty/deleted and attribute history still show the flushed changes here; the
    # participant and topic links of the flush are already written
    keys: set[tuple[int, int]] = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Contact):
            keys |= _affected(obj)
    if keys:
        refresh(session.connection(), keys)
