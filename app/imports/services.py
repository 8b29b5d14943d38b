"""The import of a county list: rows checked against the database (preview), then created in
one transaction (import), idempotent by file hash and row keys, and audited."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import delete, select

from app.accounts import roles
from app.accounts.models import User
from app.audit.services import record
from app.collation import sorted_by_name
from app.extensions import db
from app.forms import has_forbidden_characters
from app.households.models import Household, Person
from app.households.search import skeleton
from app.households.services import possible_duplicates, refresh_search_keys
from app.imports import parsing
from app.imports.models import ImportedRow, ImportMapping, ImportRun
from app.imports.parsing import FIELD_LENGTHS, FIELDS, IGNORE, Table
from app.organisations.models import Municipality, Team
from app.privacy.registry import anonymiser


class ImportRefused(Exception):
    """The import cannot run; the message is German. Nothing was changed."""


@dataclass
class Options:
    team_id: int = 0  # 0: the team of the row's municipality (town-to-team mapping)
    manager_id: int = 0  # 0: nobody yet
    municipality_id: int = 0  # 0: from the file's column
    accommodation: str = "follow_up"  # when the file says nothing


@dataclass
class Row:
    number: int
    name: str = ""
    birth: str = ""
    town: str = ""
    person: dict = field(default_factory=dict)
    household: dict = field(default_factory=dict)
    group: str = ""
    row_key: str = ""
    errors: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    # "error", "new", "imported" (before), "duplicate" (possible, in DB or file), "repeated"
    status: str = "new"
    note: str = ""
    existing_household_id: int | None = None


@dataclass
class Preview:
    rows: list[Row]
    imported_before: ImportRun | None = None

    def count(self, status: str) -> int:
        return sum(1 for r in self.rows if r.status == status)

    @property
    def can_import(self) -> bool:
        return self.count("error") == 0 and self.imported_before is None

    def visible_rows(self, new_rows_shown: int = 30) -> tuple[list[Row], int]:
        """Every row with something to say, and the first new ones: a small page even for a
        long list. Returns the rows and how many new rows are not shown."""
        shown, hidden = [], 0
        for row in self.rows:
            if row.status != "new" or new_rows_shown > 0:
                shown.append(row)
                new_rows_shown -= row.status == "new"
            else:
                hidden += 1
        return shown, hidden

    def to_create(self, include_duplicates: bool) -> list[Row]:
        wanted = {"new", "duplicate"} if include_duplicates else {"new"}
        return [r for r in self.rows if r.status in wanted]

    def households_to_create(self, include_duplicates: bool) -> int:
        rows = self.to_create(include_duplicates)
        return len({r.group for r in rows if r.existing_household_id is None})


# --- mappings -------------------------------------------------------------------------------


def remembered_mapping(organisation_id: int, headers: list[str]) -> list[str] | None:
    stored = db.session.scalar(
        select(ImportMapping.mapping).where(
            ImportMapping.organisation_id == organisation_id,
            ImportMapping.signature == parsing.header_signature(headers),
        )
    )
    if stored is None:
        return None
    mapping = json.loads(stored)
    valid = {*FIELDS, IGNORE, ""}
    if len(mapping) != len(headers) or any(m not in valid for m in mapping):
        return None
    return mapping


def remember_mapping(organisation_id: int, headers: list[str], mapping: list[str]) -> None:
    signature = parsing.header_signature(headers)
    stored = db.session.scalar(
        select(ImportMapping).where(
            ImportMapping.organisation_id == organisation_id,
            ImportMapping.signature == signature,
        )
    )
    if stored is None:
        stored = ImportMapping(organisation_id=organisation_id, signature=signature)
        db.session.add(stored)
    stored.mapping = json.dumps(mapping)


# --- preview --------------------------------------------------------------------------------


def _text(values: dict[str, str], code: str, errors: list[str]) -> str:
    value = values.get(code, "")
    limit = FIELD_LENGTHS.get(code)
    if has_forbidden_characters(value):
        errors.append(_("%(field)s: bitte keine Steuerzeichen.", field=FIELDS[code]))
        return ""
    if limit and len(value) > limit:
        errors.append(_("%(field)s: höchstens %(n)d Zeichen.", field=FIELDS[code], n=limit))
        return value[:limit]
    return value


def _read_row(
    number: int,
    values: dict[str, str],
    towns: dict[str, Municipality],
    default_town: Municipality | None,
    options: Options,
    today: date,
) -> Row:
    row = Row(number)
    errors = row.errors
    if "full_name" in values:
        given, family = parsing.split_full_name(values["full_name"])
        values = {"given_name": given, "family_name": family, **values}
    given = _text(values, "given_name", errors)
    family = _text(values, "family_name", errors)
    if not family:
        errors.append(_("Familienname fehlt."))
    if not given:
        errors.append(_("Vorname fehlt."))
    row.name = f"{family}, {given}".strip(", ")
    row.birth = values.get("birth", "")
    birth: tuple[int, int | None, int | None] = (0, None, None)
    if not row.birth:
        errors.append(_("Geburtsdatum oder -jahr fehlt."))
    else:
        try:
            birth = parsing.parse_birth(row.birth, today)
        except ValueError as error:
            errors.append(_("Geburtsdatum: %(e)s", e=str(error)))
    status, basis = "other", ""
    try:
        status, basis = parsing.residence_status(values.get("residence_status", ""))
    except ValueError as error:
        errors.append(str(error))
    entry_date = None
    if values.get("entry_date"):
        try:
            entry_date = parsing.parse_date(values["entry_date"], today)
        except ValueError as error:
            errors.append(_("Einreise: %(e)s", e=str(error)))
    accommodation = options.accommodation
    if values.get("accommodation"):
        accommodation = parsing.accommodation(values["accommodation"]) or ""
        if not accommodation:
            errors.append(_("Unterbringung „%(v)s“ ist unbekannt.", v=values["accommodation"][:40]))
    row.town = values.get("municipality", "")
    town = towns.get(parsing.key(row.town)) if row.town else default_town
    if town is None:
        if row.town:
            errors.append(_("Gemeinde „%(v)s“ ist nicht eingerichtet.", v=row.town[:60]))
        else:
            errors.append(_("Gemeinde fehlt."))
    else:
        row.town = town.name
    postcode = _text(values, "postcode", errors)
    if postcode and not (postcode.isdigit() and len(postcode) == 5):
        errors.append(_("Die Postleitzahl hat fünf Ziffern."))
    street = _text(values, "street", errors)
    row.person = {
        "given_name": given,
        "family_name": family,
        "birth_year": birth[0] or None,
        "birth_month": birth[1],
        "birth_day": birth[2],
        "sex": parsing.sex(values.get("sex", "")),
        "country_of_origin": _text(values, "country_of_origin", errors),
        "languages": _text(values, "languages", errors),
        "residence_status": status,
        "residence_legal_basis": _text(values, "residence_legal_basis", errors) or basis,
        "entry_date": entry_date,
        "phone": _text(values, "phone", errors),
    }
    row.household = {
        "name": family[:120],
        "street": street,
        "postcode": postcode,
        "municipality_id": town.id if town else None,
        "accommodation": accommodation,
    }
    town_id = town.id if town else 0
    if values.get("household"):
        row.group = parsing.key("household", values["household"], town_id)
    elif street:
        row.group = parsing.key("address", street, postcode, town_id)
    else:
        row.group = parsing.key("person", number)
    row.row_key = parsing.key(family, given, *birth, town_id)
    if errors:
        row.status = "error"
    return row


def build_preview(
    user: User,
    table: Table,
    mapping: list[str],
    options: Options,
    file_hash: str,
    today: date,
) -> Preview:
    """Every row read and checked; nothing is written."""
    org_id = user.organisation_id
    municipalities = db.session.scalars(
        select(Municipality).where(Municipality.organisation_id == org_id)
    ).all()
    towns = {parsing.key(m.name): m for m in municipalities}
    default_town = next((m for m in municipalities if m.id == options.municipality_id), None)
    rows = []
    for number, cells in table.rows:
        values = {
            code: cell
            for code, cell in zip(mapping, cells, strict=False)
            if code and code != IGNORE
        }
        rows.append(_read_row(number, values, towns, default_town, options, today))
    preview = Preview(rows)
    preview.imported_before = db.session.scalar(
        select(ImportRun).where(
            ImportRun.organisation_id == org_id, ImportRun.file_hash == file_hash
        )
    )
    _check_groups(rows)
    _mark_known(org_id, rows)
    _mark_duplicates(user, rows)
    return preview


def _check_groups(rows: list[Row]) -> None:
    """A household lives in one town."""
    first: dict[str, Row] = {}
    for row in rows:
        if row.status == "error":
            continue
        leader = first.setdefault(row.group, row)
        town = leader.household["municipality_id"]
        if town != row.household["municipality_id"]:
            row.errors.append(
                _("Andere Gemeinde als Zeile %(n)d desselben Haushalts.", n=leader.number)
            )
            row.status = "error"


def _mark_known(org_id: int, rows: list[Row]) -> None:
    """Rows imported before (by their key) and rows repeated within the file."""
    keys = [r.row_key for r in rows if r.status != "error"]
    known: dict[str, int] = {}
    for start in range(0, len(keys), 500):
        known |= dict(
            db.session.execute(
                select(ImportedRow.row_key, ImportedRow.household_id).where(
                    ImportedRow.organisation_id == org_id,
                    ImportedRow.row_key.in_(keys[start : start + 500]),
                )
            ).all()
        )
    seen: dict[str, int] = {}
    for row in rows:
        if row.status == "error":
            continue
        if row.row_key in known:
            row.status = "imported"
            row.note = _("Schon importiert.")
        elif row.row_key in seen:
            row.status = "repeated"
            row.note = _(
                "Gleiche Person wie Zeile %(n)d: wird nur einmal angelegt.", n=seen[row.row_key]
            )
        else:
            seen[row.row_key] = row.number
    # New members of a family imported before join its household, while it is active (a
    # closed case is not reopened by a list).
    active = set(
        db.session.scalars(
            select(Household.id).where(
                Household.id.in_(set(known.values())), Household.status == "active"
            )
        )
    )
    group_household = {
        row.group: known[row.row_key]
        for row in rows
        if row.status == "imported" and known[row.row_key] in active
    }
    for row in rows:
        if row.status == "new":
            row.existing_household_id = group_household.get(row.group)


def _mark_duplicates(user: User, rows: list[Row]) -> None:
    """Possible duplicates: persons in the database (same search as the person form) and
    similar rows of the file (same name skeleton and birth year)."""
    similar: dict[tuple[str, str, int | None], int] = {}
    for row in rows:
        if row.status != "new":
            continue
        person = row.person
        found = possible_duplicates(
            user, person["given_name"], person["family_name"], person["birth_year"]
        )
        row.duplicates = [
            f"{p.full_name} ({p.birth_display}, {p.household.municipality.name})" for p in found
        ]
        sim_key = (
            skeleton(person["family_name"]),
            skeleton(person["given_name"]),
            person["birth_year"],
        )
        if sim_key in similar:
            row.duplicates.append(_("Zeile %(n)d der Datei", n=similar[sim_key]))
        else:
            similar[sim_key] = row.number
        if row.duplicates:
            row.status = "duplicate"


# --- import ---------------------------------------------------------------------------------


def target_team(user: User, options: Options, municipality: Municipality) -> int:
    if user.role == roles.TEAM_LEAD:
        return user.team_id
    if options.team_id:
        return options.team_id
    if options.manager_id:
        manager = db.session.get(User, options.manager_id)
        if manager is not None and manager.team_id:
            return manager.team_id
    return municipality.team_id


def run_import(
    user: User,
    preview: Preview,
    options: Options,
    file_hash: str,
    filename: str,
    include_duplicates: bool,
) -> ImportRun:
    """Create the households and persons of the preview in the current transaction (the caller
    commits, or rolls back for a dry run). Raises ImportRefused when the file has errors or was
    imported before; an IntegrityError when another import of the same file won the race."""
    if preview.imported_before is not None:
        raise ImportRefused(_("Diese Datei wurde bereits importiert; es wurde nichts angelegt."))
    if preview.count("error"):
        raise ImportRefused(
            _(
                "Die Datei hat %(n)d fehlerhafte Zeilen; es wurde nichts importiert. "
                "Bitte die Zeilen korrigieren und die Datei neu hochladen.",
                n=preview.count("error"),
            )
        )
    rows = preview.to_create(include_duplicates)
    if not rows:
        raise ImportRefused(_("Nichts zu importieren: alle Zeilen sind schon vorhanden."))
    run = ImportRun(
        organisation_id=user.organisation_id,
        user_id=user.id,
        file_hash=file_hash,
        households=0,
        persons=0,
    )
    db.session.add(run)
    db.session.flush()  # the unique file hash: a second import of the same file stops here
    towns = {
        m.id: m
        for m in db.session.scalars(
            select(Municipality).where(Municipality.organisation_id == user.organisation_id)
        )
    }
    # In batches: households, then persons, then row keys, each written with one flush.
    households: dict[str, Household] = {}
    new_households: list[Household] = []
    pairs: list[tuple[Row, Household]] = []
    for row in rows:
        household = households.get(row.group)
        if household is None and row.existing_household_id is not None:
            household = db.session.get(Household, row.existing_household_id)
        if household is None:
            town = towns[row.household["municipality_id"]]
            household = Household(
                organisation_id=user.organisation_id,
                team_id=target_team(user, options, town),
                manager_id=options.manager_id or None,
                **row.household,
            )
            new_households.append(household)
        households[row.group] = household
        pairs.append((row, household))
    db.session.add_all(new_households)
    db.session.flush()
    persons = []
    for row, household in pairs:
        person = Person(household_id=household.id, **row.person)
        refresh_search_keys(person)
        persons.append(person)
    db.session.add_all(persons)
    db.session.flush()
    db.session.add_all(
        ImportedRow(
            organisation_id=user.organisation_id,
            run_id=run.id,
            row_key=row.row_key,
            household_id=person.household_id,
            person_id=person.id,
        )
        for (row, _household), person in zip(pairs, persons, strict=True)
    )
    # One event per household naming its new persons (an event per person made the audit
    # chain most of an import's time); ImportedRow links every person to this run as well.
    new_members: dict[int, list[int]] = {}
    for person in persons:
        new_members.setdefault(person.household_id, []).append(person.id)
    created = {h.id for h in new_households}
    for household_id, person_ids in new_members.items():
        ids = ", ".join(str(i) for i in person_ids)
        record(
            "create" if household_id in created else "update",
            "household",
            household_id,
            f"import {run.id}: persons {ids}",
        )
    run.households = len(new_households)
    run.persons = len(persons)
    db.session.flush()
    record(
        "import",
        "import_run",
        run.id,
        f"{filename[:200]}: {run.households} households, {run.persons} persons",
    )
    return run


def team_choices(user: User) -> list[tuple[int, str]]:
    if user.role == roles.TEAM_LEAD:
        team = db.session.get(Team, user.team_id)
        return [(team.id, team.name)] if team else []
    teams = sorted_by_name(
        db.session.scalars(select(Team).where(Team.organisation_id == user.organisation_id))
    )
    return [(0, _("Team der Gemeinde (laut Zuordnung)")), *((t.id, t.name) for t in teams)]


@anonymiser("imports")
def forget_imported_rows(household: Household) -> None:
    """Row keys are hashes of name and birth date: an anonymised household keeps none."""
    db.session.execute(delete(ImportedRow).where(ImportedRow.household_id == household.id))
