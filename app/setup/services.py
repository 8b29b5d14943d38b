"""Setting up an organisation without a developer: the first admin and organisation of a fresh
installation, teams, municipalities and which team serves each town.

Rules kept here (routes stay thin):
- an admin changes only their own organisation; a county admin may found a town organisation
  (a town with its own IM) and give it towns that have no households yet — towns with case
  data change hands only through a transfer, never by editing the set-up;
- giving a town to another team moves the town's active households to that team (their manager
  stays only if he or she is in the new team); closed households stay with the team that served
  them, so past figures keep their team;
- every change is audited, per household for the ones that move.
"""

from __future__ import annotations

import csv
import io
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from flask import Flask
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.accounts import roles
from app.accounts.models import User
from app.accounts.services import hash_password
from app.audit.services import record
from app.config import private_file_value
from app.extensions import db
from app.households.models import Household
from app.organisations.models import Municipality, Organisation, Team

ORGANISATION_KINDS = ("county", "town")


class SetupError(ValueError):
    """A set-up change that the rules refuse; the message is shown to the user."""


# --- first run ---------------------------------------------------------------------------


def is_fresh_installation() -> bool:
    """No account exists yet: the installation waits for its first admin."""
    return not db.session.scalar(select(func.count(User.id)))


def token_path(app: Flask) -> Path:
    return Path(app.instance_path) / "setup-token"


def setup_token(instance_path: str | Path) -> str:
    """The one-time code the first-run page asks for, so that only someone who can read the
    server's instance folder can claim a fresh installation (created once, mode 0600)."""
    return private_file_value(
        Path(instance_path) / "setup-token", lambda: secrets.token_urlsafe(18)
    )


def claim_setup_token(instance_path: str | Path) -> bool:
    """Use the code up; of two requests claiming at once only one succeeds (rename is atomic)."""
    path = Path(instance_path) / "setup-token"
    claimed = path.with_name(f"setup-token.{secrets.token_hex(8)}")
    try:
        path.rename(claimed)
    except FileNotFoundError:
        return False
    claimed.unlink()
    return True


@dataclass(frozen=True)
class MunicipalityRow:
    name: str
    population: int = 0
    team: str = ""  # team name; empty = the organisation's first team


def goeppingen_municipalities() -> list[MunicipalityRow]:
    """The bundled public list of Landkreis Göppingen, less the towns with their own IM."""
    from app.demo.generator import load_municipalities

    return [
        MunicipalityRow(row["municipality"], int(row["population_approx"]), row["county_team"])
        for row in load_municipalities()
        if row["own_im"] != "yes"
    ]


def read_municipality_csv(data: str) -> list[MunicipalityRow]:
    """Rows of a municipality list: `municipality` (required), `population_approx` and
    `county_team` as in the bundled Göppingen list; other columns are ignored."""
    reader = csv.DictReader(io.StringIO(data.lstrip("\ufeff")))
    if not reader.fieldnames or "municipality" not in reader.fieldnames:
        raise SetupError(_("Die Gemeindeliste braucht eine Spalte „municipality“."))
    rows = []
    for row in reader:
        name = (row.get("municipality") or "").strip()
        if not name:
            continue
        population = (row.get("population_approx") or "0").strip()
        rows.append(
            MunicipalityRow(
                name=name,
                population=int(population) if population.isdigit() else 0,
                team=(row.get("county_team") or "").strip(),
            )
        )
    return rows


def initialise(
    *,
    organisation_name: str,
    kind: str,
    team_name: str,
    admin_username: str,
    admin_name: str,
    password: str,
    municipalities: Iterable[MunicipalityRow] = (),
) -> User:
    """The first organisation, its first team, its municipalities and its first admin. Refused
    once any account exists (the caller commits)."""
    if not is_fresh_installation():
        raise SetupError(_("Die Installation ist schon eingerichtet."))
    if kind not in ORGANISATION_KINDS:
        raise SetupError(_("Unbekannte Art der Organisation."))
    organisation = Organisation(name=organisation_name.strip(), kind=kind)
    first_team = Team(organisation=organisation, name=team_name.strip())
    db.session.add_all([organisation, first_team])
    teams = {first_team.name: first_team}
    for row in municipalities:
        team = teams.get(row.team or first_team.name)
        if team is None:
            team = teams[row.team] = Team(organisation=organisation, name=row.team)
        db.session.add(
            Municipality(
                name=row.name, population=row.population, organisation=organisation, team=team
            )
        )
    admin = User(
        username=admin_username.strip(),
        display_name=admin_name.strip(),
        password_hash=hash_password(password),
        role=roles.ADMIN,
        organisation=organisation,
    )
    db.session.add(admin)
    db.session.flush()
    record("setup_initialise", "organisation", organisation.id, user_id=admin.id)
    return admin


# --- teams and municipalities ------------------------------------------------------------


def team_name_taken(organisation: Organisation, name: str, team: Team | None = None) -> bool:
    other = db.session.scalar(
        select(Team).where(
            Team.organisation_id == organisation.id, func.lower(Team.name) == name.strip().lower()
        )
    )
    return other is not None and other is not team


def municipality_name_taken(name: str, municipality: Municipality | None = None) -> bool:
    other = db.session.scalar(
        select(Municipality).where(func.lower(Municipality.name) == name.strip().lower())
    )
    return other is not None and other is not municipality


def save_team(organisation: Organisation, name: str, team: Team | None = None) -> Team:
    if team_name_taken(organisation, name, team):
        raise SetupError(_("Ein Team mit diesem Namen gibt es schon."))
    if team is None:
        team = Team(organisation=organisation, name=name.strip())
        db.session.add(team)
        db.session.flush()
        record("create", "team", team.id, team.name)
    else:
        record("update", "team", team.id, f"name: {team.name} -> {name.strip()}")
        team.name = name.strip()
    return team


def add_municipality(
    organisation: Organisation, name: str, population: int, team: Team
) -> Municipality:
    if team.organisation_id != organisation.id:
        raise SetupError(_("Das Team gehört nicht zu Ihrer Organisation."))
    if municipality_name_taken(name):
        raise SetupError(_("Diese Gemeinde gibt es schon."))
    municipality = Municipality(
        name=name.strip(), population=population, organisation=organisation, team=team
    )
    db.session.add(municipality)
    db.session.flush()
    record("create", "municipality", municipality.id, municipality.name)
    return municipality


def _moving_households(municipality: Municipality, new_team: Team) -> list[Household]:
    return list(
        db.session.scalars(
            select(Household)
            .where(
                Household.municipality_id == municipality.id,
                Household.organisation_id == municipality.organisation_id,
                Household.status == "active",
                Household.team_id != new_team.id,
            )
            .options(selectinload(Household.manager))
            .order_by(Household.id)
        )
    )


@dataclass(frozen=True)
class TeamChange:
    """What giving a town to another team does, shown before it is saved."""

    municipality: Municipality
    old_team: Team
    new_team: Team
    households: int
    managers_leaving: int  # households whose manager is not in the new team

    @property
    def changes_anything(self) -> bool:
        return self.old_team.id != self.new_team.id or self.households > 0


def _check_same_organisation(municipality: Municipality, team: Team) -> None:
    if team.organisation_id != municipality.organisation_id:
        raise SetupError(_("Das Team gehört nicht zur Organisation dieser Gemeinde."))


def preview_team_change(municipality: Municipality, new_team: Team) -> TeamChange:
    _check_same_organisation(municipality, new_team)
    moving = _moving_households(municipality, new_team)
    return TeamChange(
        municipality=municipality,
        old_team=municipality.team,
        new_team=new_team,
        households=len(moving),
        managers_leaving=sum(
            1 for h in moving if h.manager is not None and h.manager.team_id != new_team.id
        ),
    )


def apply_team_change(municipality: Municipality, new_team: Team) -> int:
    """Give the town to `new_team` and move its active households along; returns how many
    moved. A manager outside the new team hands the household to the team (no manager)."""
    _check_same_organisation(municipality, new_team)
    moved = 0
    for household in _moving_households(municipality, new_team):
        old = household.team_id
        household.team_id = new_team.id
        if household.manager is not None and household.manager.team_id != new_team.id:
            household.manager_id = None
        record("team_change", "household", household.id, f"team {old} -> {new_team.id}")
        moved += 1
    if municipality.team_id != new_team.id:
        record(
            "update",
            "municipality",
            municipality.id,
            f"team {municipality.team_id} -> {new_team.id}; households moved: {moved}",
        )
        municipality.team_id = new_team.id
    return moved


def households_in(municipality: Municipality) -> int:
    return db.session.scalar(
        select(func.count(Household.id)).where(Household.municipality_id == municipality.id)
    )


def create_town_organisation(
    founder: User,
    *,
    name: str,
    team_name: str,
    municipalities: list[Municipality],
    admin_username: str,
    admin_name: str,
    password: str,
) -> Organisation:
    """A town that runs its own IM, founded by the county's admin with the towns it serves and
    its first admin. Towns with households are refused: their cases change hands only by a
    transfer with the clients' consent."""
    if founder.role != roles.ADMIN or founder.organisation.kind != "county":
        raise SetupError(_("Nur die Administration des Landkreises kann Träger anlegen."))
    if db.session.scalar(select(Organisation).where(Organisation.name == name.strip())):
        raise SetupError(_("Einen Träger mit diesem Namen gibt es schon."))
    if not municipalities:
        raise SetupError(_("Bitte mindestens eine Gemeinde wählen."))
    for municipality in municipalities:
        if municipality.organisation_id != founder.organisation_id:
            raise SetupError(_("Nur Gemeinden Ihrer Organisation können übergeben werden."))
        if households_in(municipality):
            raise SetupError(
                _(
                    "In %(town)s gibt es Haushalte: sie wechseln nur durch eine Übergabe "
                    "mit Einwilligung den Träger.",
                    town=municipality.name,
                )
            )
    organisation = Organisation(name=name.strip(), kind="town")
    team = Team(organisation=organisation, name=team_name.strip())
    admin = User(
        username=admin_username.strip(),
        display_name=admin_name.strip(),
        password_hash=hash_password(password),
        role=roles.ADMIN,
        organisation=organisation,
    )
    db.session.add_all([organisation, team, admin])
    for municipality in municipalities:
        municipality.organisation = organisation
        municipality.team = team
    db.session.flush()
    record(
        "create",
        "organisation",
        organisation.id,
        "municipalities: " + ", ".join(m.name for m in municipalities),
    )
    record("create", "user", admin.id, f"first admin of organisation {organisation.id}")
    return organisation


# --- sharing figures with the county ------------------------------------------------------
def set_sharing(organisation: Organisation, shares: bool) -> bool:
    """A town's consent that the county sees its dashboard figures (aggregates only,
    app/reports/county.py). Returns whether it changed; audited."""
    if organisation.kind == "county":
        raise SetupError(_("Der Landkreis sieht seine Zahlen ohnehin."))
    if organisation.shares_figures == shares:
        return False
    organisation.shares_figures = shares
    record("update", "organisation", organisation.id, f"shares figures: {shares}")
    return True
