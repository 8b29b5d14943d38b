"""Merging duplicates (issue #16, point 3): two persons, or two households, recorded twice
become one. Rules (routes stay thin):

- both records belong to the same organisation and the same team (else refused: hand the
  household over first); never a record with itself, an anonymised case or one with a pending
  transfer; two persons of different households only when the other person lives alone (their
  household is then merged too), else the households are merged first;
- the user picks per differing field which value the survivor keeps;
- everything that refers to the merged record moves to the survivor: found from the schema's
  foreign keys (`_references`), so a table added later moves as well. Rows the survivor
  already has (the same contact's participant, the household's one extension) are dropped
  instead of duplicated. The report rollups are recomputed for both (`_recount`);
- the merged row is deleted and leaves a pointer (`RecordMerge`): old links redirect
  (app/access.py), its audit events stay findable for the survivor (`merged_ids`), and the
  merge appears in the survivor's subject access. Ids are never reused (AUTOINCREMENT).
- a replayed or concurrent merge of the same record finds it gone and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Column,
    Connection,
    PrimaryKeyConstraint,
    Table,
    UniqueConstraint,
    delete,
    exists,
    func,
    select,
    update,
)

from app.accounts.models import User
from app.audit.services import record
from app.extensions import db
from app.households import choices
from app.households.models import Household, Person
from app.households.services import PERSON_FIELDS, refresh_search_keys
from app.i18n import local_date
from app.merge.models import RecordMerge
from app.organisations.models import Municipality
from app.privacy.registry import subject_access_section
from app.reports import rollups
from app.timeutil import utcnow

KEEP, OTHER = "keep", "other"
PERSON = "person"
HOUSEHOLD = "household"

HOUSEHOLD_LABELS = {
    "name": _l("Bezeichnung"),
    "municipality_id": _l("Gemeinde"),
    "street": _l("Straße und Hausnummer"),
    "postcode": _l("PLZ"),
    "phone": _l("Telefon"),
    "accommodation": _l("Unterbringung"),
    "manager_id": _l("Zuständig"),
    "counselling_started_on": _l("Beratung seit"),
}
HOUSEHOLD_FIELDS = tuple(HOUSEHOLD_LABELS)

# What moves, as the confirmation and the result page name it (table -> label).
MOVED_LABELS = {
    "person": _l("Personen"),
    "contact": _l("Beratungskontakte"),
    "contact_participant": _l("Teilnahmen an Kontakten"),
    "contact_task": _l("Aufgaben"),
    "indicator_value": _l("Kennzahlwerte"),
    "indicator_review": _l("Kennzahl-Bestätigungen"),
    "integration_plan": _l("Integrationspläne"),
    "referral": _l("Verweisungen"),
    "counselling_extension": _l("Verlängerungen der Beratung"),
    "consent_record": _l("Einwilligungen"),
    "appointment": _l("Termine (mit Freigaben für Ehrenamtliche)"),
    "appointment_person": _l("Teilnahmen an Terminen"),
    "queue_entry": _l("Sprechstunden-Einträge"),
    "person_correction": _l("Berichtigungen"),
    "imported_row": _l("Importierte Zeilen"),
    "transfer": _l("Übertragungen"),
}


class MergeRefused(ValueError):
    """A merge the rules refuse; the message (German) is shown to the user."""


class AlreadyMerged(MergeRefused):
    """The record was merged meanwhile (a replayed form, a colleague's merge)."""

    def __init__(self, pointer: RecordMerge) -> None:
        super().__init__(_("Dieser Datensatz wurde bereits zusammengeführt."))
        self.pointer = pointer


# --- pointers ------------------------------------------------------------------------------------
def pointer(kind: str, merged_id: int) -> RecordMerge | None:
    return db.session.scalar(
        select(RecordMerge).where(RecordMerge.kind == kind, RecordMerge.merged_id == merged_id)
    )


def merged_ids(kind: str, survivor_id: int) -> list[int]:
    """The survivor's id and the ids of every record merged into it (pointers are one hop)."""
    ids = db.session.scalars(
        select(RecordMerge.merged_id).where(
            RecordMerge.kind == kind, RecordMerge.survivor_id == survivor_id
        )
    )
    return [survivor_id, *ids]


# --- comparing -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class FieldChoice:
    name: str
    label: str
    keep: Any
    other: Any
    keep_text: str
    other_text: str

    @property
    def differs(self) -> bool:
        return self.keep != self.other

    @property
    def default(self) -> str:
        """The survivor's value, unless it has none and the other record has one."""
        empty = self.keep in (None, "") and self.other not in (None, "")
        return OTHER if empty else KEEP


def _text(value: Any, labels: dict | None = None) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("ja") if value else _("nein")
    if isinstance(value, date):
        return local_date(value)
    if labels is not None:
        return str(labels.get(value, value))
    return str(value)


_PERSON_CHOICES = {
    "sex": choices.SEX,
    "residence_status": choices.RESIDENCE_STATUS,
    "prospect": choices.PROSPECT,
}


def person_fields(keep: Person, other: Person) -> list[FieldChoice]:
    from app.privacy.services import PERSON_LABELS

    rows = []
    for name in PERSON_FIELDS:
        a, b = getattr(keep, name), getattr(other, name)
        labels = _PERSON_CHOICES.get(name)
        rows.append(
            FieldChoice(name, str(PERSON_LABELS[name]), a, b, _text(a, labels), _text(b, labels))
        )
    return rows


def counselling_start(household: Household) -> date:
    return household.counselling_started_on or household.created_at.date()


def _household_value(household: Household, name: str) -> Any:
    if name == "counselling_started_on":
        return counselling_start(household)
    return getattr(household, name)


def household_fields(keep: Household, other: Household) -> list[FieldChoice]:
    rows = []
    for name in HOUSEHOLD_FIELDS:
        a, b = _household_value(keep, name), _household_value(other, name)
        if name == "municipality_id":
            texts = (keep.municipality.name, other.municipality.name)
        elif name == "manager_id":
            texts = tuple(h.manager.display_name if h.manager else "—" for h in (keep, other))
        else:
            labels = choices.ACCOMMODATION if name == "accommodation" else None
            texts = (_text(a, labels), _text(b, labels))
        rows.append(FieldChoice(name, str(HOUSEHOLD_LABELS[name]), a, b, *texts))
    return rows


def default_choices(fields: list[FieldChoice]) -> dict[str, str]:
    result = {f.name: f.default for f in fields if f.differs}
    start = next((f for f in fields if f.name == "counselling_started_on"), None)
    if start is not None and start.differs and start.other < start.keep:
        result[start.name] = OTHER  # counselling began with the earlier record
    return result


# --- the rules -----------------------------------------------------------------------------------
def check_households(keep: Household, other: Household) -> None:
    from app.transfers.models import PENDING, Transfer

    if keep.id == other.id:
        raise MergeRefused(_("Ein Haushalt kann nicht mit sich selbst zusammengeführt werden."))
    if keep.organisation_id != other.organisation_id:
        raise MergeRefused(_("Haushalte verschiedener Träger können nicht zusammengeführt werden."))
    if keep.team_id != other.team_id:
        raise MergeRefused(
            _(
                "Die Haushalte gehören zu verschiedenen Teams (%(a)s, %(b)s). Bitte zuerst "
                "einen der beiden an das andere Team übergeben.",
                a=keep.team.name,
                b=other.team.name,
            )
        )
    if "anonymised" in (keep.status, other.status):
        raise MergeRefused(_("Anonymisierte Fälle können nicht zusammengeführt werden."))
    pending = db.session.scalar(
        select(func.count(Transfer.id)).where(
            Transfer.household_id.in_((keep.id, other.id)), Transfer.status == PENDING
        )
    )
    if pending:
        raise MergeRefused(
            _(
                "Für einen der Haushalte wartet eine Übertragung an einen anderen Träger. "
                "Bitte zuerst deren Entscheidung abwarten."
            )
        )


def check_persons(keep: Person, other: Person) -> None:
    if keep.id == other.id:
        raise MergeRefused(_("Eine Person kann nicht mit sich selbst zusammengeführt werden."))
    if keep.household_id == other.household_id:
        if keep.household.status == "anonymised":
            raise MergeRefused(_("Anonymisierte Fälle können nicht zusammengeführt werden."))
        return
    check_households(keep.household, other.household)
    if len(other.household.members) > 1:
        raise MergeRefused(
            _(
                "Die beiden Personen gehören zu verschiedenen Haushalten, und im Haushalt "
                "%(name)s leben noch weitere Personen. Bitte zuerst die Haushalte "
                "zusammenführen.",
                name=other.household.name,
            )
        )


def check_choices(fields: list[FieldChoice], picked: dict[str, str]) -> dict[str, str]:
    """The choice for every differing field (KEEP or OTHER); MergeRefused when one lacks."""
    result = {}
    for f in fields:
        if f.differs:
            if picked.get(f.name) not in (KEEP, OTHER):
                raise MergeRefused(_("Bitte für jedes Feld einen der beiden Werte wählen."))
            result[f.name] = picked[f.name]
    return result


# --- what moves ----------------------------------------------------------------------------------
def _references(target: Table) -> list[tuple[Table, Column]]:
    """Every column that refers to rows of `target`, except the rollups (recomputed)."""
    found = []
    for table in db.metadata.sorted_tables:
        if table in rollups.TABLES:
            continue
        for column in table.columns:
            if any(fk.column.table is target for fk in column.foreign_keys):
                found.append((table, column))
    return found


def _unique_sets(table: Table, column: Column) -> list[list[Column]]:
    """For each key of `table` that contains `column`, its other columns. Partial unique
    indexes (one pending transfer) are left out: the rules refuse what would break them."""
    keys = [
        list(c.columns)
        for c in table.constraints
        if isinstance(c, PrimaryKeyConstraint | UniqueConstraint)
    ]
    keys += [
        list(i.columns)
        for i in table.indexes
        if i.unique
        and not any(i.dialect_options[d].get("where") is not None for d in ("postgresql", "sqlite"))
    ]
    return [[c for c in key if c is not column] for key in keys if column in key]


def counts(target: Table, record_id: int) -> dict[str, int]:
    """How many rows of each table refer to the record (what a merge moves)."""
    result: dict[str, int] = {}
    for table, column in _references(target):
        n = db.session.scalar(select(func.count()).select_from(table).where(column == record_id))
        if n:
            result[table.name] = result.get(table.name, 0) + n
    return result


def _move(conn: Connection, target: Table, old_id: int, new_id: int) -> dict[str, int]:
    moved: dict[str, int] = {}
    for table, column in _references(target):
        for others in _unique_sets(table, column):
            twin = table.alias("twin")
            same = [
                twin.c[column.name] == new_id,
                *(twin.c[o.name] == table.c[o.name] for o in others),
            ]
            # a row the survivor already has (both took part in the same contact): drop it
            conn.execute(delete(table).where(column == old_id, exists().where(*same)))
        n = conn.execute(update(table).where(column == old_id).values({column.name: new_id}))
        if n.rowcount:
            moved[table.name] = moved.get(table.name, 0) + n.rowcount
    return moved


def _rollup_keys(conn: Connection, household_ids: list[int], person_id: int | None = None):
    """(household, year) of the rollup rows of these households (and of a person's
    participations elsewhere)."""
    h = rollups.household_rollup
    keys = set(
        conn.execute(select(h.c.household_id, h.c.year).where(h.c.household_id.in_(household_ids)))
    )
    if person_id is not None:
        p = rollups.participant_rollup
        keys |= set(
            conn.execute(select(p.c.household_id, p.c.year).where(p.c.person_id == person_id))
        )
    return keys


def _recount(conn: Connection, keys, survivor_household_id: int, merged_household_id: int | None):
    """Recompute the rollups of the affected (household, year) rows: the merged household's
    rows are emptied, the survivor's hold everything."""
    years = {year for _h, year in keys}
    keys = set(keys) | {(survivor_household_id, y) for y in years}
    if merged_household_id is not None:
        keys |= {(merged_household_id, y) for y in years}
    rollups.refresh(conn, keys)


def _lock(model, ids: tuple[int, int]) -> int:
    """Lock both rows (a write: SQLite's one writer, PostgreSQL's row locks) until the
    transaction ends; how many of them still exist."""
    result = db.session.execute(
        update(model).where(model.id.in_(ids)).values(updated_at=utcnow()),
        execution_options={"synchronize_session": False},
    )
    return result.rowcount


def _refuse_if_gone(kind: str, merged_id: int) -> None:
    done = pointer(kind, merged_id)
    if done is not None:
        raise AlreadyMerged(done)
    raise MergeRefused(_("Dieser Datensatz existiert nicht mehr."))


def _finish(
    kind: str,
    keep_id: int,
    other_id: int,
    organisation_id: int,
    user: User | None,
    fields: list[str],
    moved: dict[str, int],
) -> RecordMerge:
    conn = db.session.connection()
    conn.execute(
        update(RecordMerge)
        .where(RecordMerge.kind == kind, RecordMerge.survivor_id == other_id)
        .values(survivor_id=keep_id)
    )
    merge = RecordMerge(
        kind=kind,
        merged_id=other_id,
        survivor_id=keep_id,
        first_survivor_id=keep_id,
        organisation_id=organisation_id,
        fields=", ".join(fields)[:400],
        moved=moved,
        merged_by_id=user.id if user else None,
        merged_at=utcnow(),
    )
    db.session.add(merge)
    summary = ", ".join(f"{name} {n}" for name, n in sorted(moved.items()))
    record(
        "merge",
        kind,
        keep_id,
        f"{kind} {other_id} merged into {keep_id}; fields from {other_id}: "
        f"{', '.join(fields) or '-'}; moved: {summary or '-'}",
    )
    record("merge", kind, other_id, f"merged into {kind} {keep_id}")
    db.session.flush()
    return merge


def merge_households(
    user: User | None, keep: Household, other: Household, picked: dict[str, str]
) -> RecordMerge:
    """Merge `other` into `keep` (the caller commits). MergeRefused / AlreadyMerged when the
    rules refuse or the record is gone."""
    ids = (keep.id, other.id)
    if keep.id != other.id and _lock(Household, ids) < 2:
        _refuse_if_gone(HOUSEHOLD, other.id)
    db.session.refresh(keep)
    db.session.refresh(other)
    check_households(keep, other)
    fields = household_fields(keep, other)
    chosen = check_choices(fields, picked)
    conn = db.session.connection()
    rollups.lock_households(conn, ids)
    taken = sorted(name for name, side in chosen.items() if side == OTHER)
    for name in taken:
        value = _household_value(other, name)
        setattr(keep, name, value)
        if name == "municipality_id":
            # the same team (checked); only the town's organisation is copied
            keep.organisation_id = db.session.get(Municipality, value).organisation_id
    db.session.flush()  # the rollups follow a changed town or manager (their flush upkeep)
    keys = _rollup_keys(conn, list(ids))
    moved = _move(conn, Household.__table__, other.id, keep.id)
    _recount(conn, keys, keep.id, other.id)
    rollups.copy_household_sizes(conn, [keep.id])
    conn.execute(delete(Household).where(Household.id == other.id))
    db.session.expunge(other)
    merge = _finish(HOUSEHOLD, keep.id, other.id, keep.organisation_id, user, taken, moved)
    db.session.expire_all()
    return merge


def merge_persons(
    user: User | None, keep: Person, other: Person, picked: dict[str, str]
) -> RecordMerge:
    """Merge `other` into `keep` (the caller commits); a lone person of another household
    brings that household along. MergeRefused / AlreadyMerged as merge_households."""
    from app.privacy.services import record_corrections

    ids = (keep.id, other.id)
    if keep.id != other.id and _lock(Person, ids) < 2:
        _refuse_if_gone(PERSON, other.id)
    db.session.refresh(keep)
    db.session.refresh(other)
    check_persons(keep, other)
    fields = person_fields(keep, other)
    chosen = check_choices(fields, picked)
    household_merge = None
    if keep.household_id != other.household_id:
        keep_household, other_household = keep.household, other.household
        household_merge = merge_households(
            user,
            keep_household,
            other_household,
            {f.name: KEEP for f in household_fields(keep_household, other_household) if f.differs},
        )
        keep, other = db.session.get(Person, ids[0]), db.session.get(Person, ids[1])
    conn = db.session.connection()
    rollups.lock_households(conn, [keep.household_id])
    taken = sorted(name for name, side in chosen.items() if side == OTHER)
    old_values = {name: getattr(keep, name) for name in taken}
    for name in taken:
        setattr(keep, name, getattr(other, name))
    if taken:
        refresh_search_keys(keep)
        record_corrections(keep, old_values, _("Zusammenführung mit Person %(id)s", id=other.id))
    db.session.flush()
    keys = _rollup_keys(conn, [keep.household_id], other.id)
    moved = _move(conn, Person.__table__, other.id, keep.id)
    _recount(conn, keys, keep.household_id, None)
    household_id = keep.household_id
    conn.execute(delete(Person).where(Person.id == other.id))
    db.session.expunge(other)
    rollups.copy_household_sizes(conn, [household_id])
    if household_merge is not None:
        moved["household_merge"] = household_merge.id
    merge = _finish(PERSON, keep.id, other.id, keep.household.organisation_id, user, taken, moved)
    db.session.expire_all()
    return merge


# --- subject access ------------------------------------------------------------------------------
@subject_access_section("merges", _l("Zusammengeführte Datensätze"), order=85)
def merges_section(person: Person) -> list[dict]:
    rows = db.session.scalars(
        select(RecordMerge)
        .where(
            ((RecordMerge.kind == PERSON) & (RecordMerge.survivor_id == person.id))
            | ((RecordMerge.kind == HOUSEHOLD) & (RecordMerge.survivor_id == person.household_id))
        )
        .order_by(RecordMerge.merged_at, RecordMerge.id)
    )
    return [
        {
            _("Zeit"): m.merged_at.isoformat(timespec="seconds"),
            _("Datensatz"): _("Person") if m.kind == PERSON else _("Haushalt"),
            _("Frühere Nummer"): m.merged_id,
            _("Übernommene Felder"): m.fields,
            _("Von"): m.merged_by.display_name if m.merged_by else "",
        }
        for m in rows
    ]
