"""Builds the demo county: organisations, teams, staff, ~1,400 persons in households.

Everything is invented from name pools with a fixed random seed; no real person is described.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from importlib import resources

from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from app.accounts import roles
from app.accounts.models import User
from app.demo import names
from app.demo.casework import build_casework
from app.extensions import db
from app.households.models import Household, Person
from app.households.services import refresh_search_keys
from app.organisations.models import Municipality, Organisation, Team
from app.timeutil import today

DEMO_PASSWORD = "wegbegleiter-demo"
COUNTY_NAME = "Landkreis Göppingen – Kreissozialamt"
COUNTY_PERSONS = 1400
TOWN_PERSONS = 260
# 16 county positions adding up to 13.45 FTE, as in the county's committee report.
COUNTY_FTE = [Decimal("1.00")] * 10 + [Decimal("0.75")] * 3 + [Decimal("0.40")] * 3
POSTCODES = {
    "Göppingen": "73033",
    "Geislingen an der Steige": "73312",
    "Uhingen": "73066",
    "Süßen": "73079",
    "Donzdorf": "73072",
    "Eislingen/Fils": "73054",
    "Salach": "73084",
    "Ebersbach an der Fils": "73061",
}


@dataclass
class DemoLogin:
    username: str
    role: str
    description: str


@dataclass
class DemoSummary:
    organisations: int = 0
    teams: int = 0
    staff: int = 0
    fte: Decimal = Decimal("0")
    households: int = 0
    persons: int = 0
    single_households: int = 0
    contacts: int = 0
    tasks: int = 0
    open_tasks: int = 0
    logins: list[DemoLogin] = field(default_factory=list)
    office_hours: dict = field(default_factory=dict)


def load_municipalities() -> list[dict[str, str]]:
    with (
        resources.files("app.data")
        .joinpath("municipalities-goeppingen.csv")
        .open(encoding="utf-8") as handle
    ):
        return list(csv.DictReader(handle))


def is_empty() -> bool:
    return not db.session.scalar(select(func.count(Organisation.id)))


class _Builder:
    def __init__(self, seed: int, password_method: str) -> None:
        self.rng = random.Random(seed)
        self.today = today()
        self.password_hash = generate_password_hash(DEMO_PASSWORD, method=password_method)
        self.summary = DemoSummary()
        self.staff_names = iter(names.STAFF_NAMES)
        self.all_households: list[Household] = []
        self.volunteers: list[User] = []

    # --- organisations ------------------------------------------------------------------
    def organisations(self) -> tuple[Organisation, dict[str, Team], list[Municipality]]:
        rows = load_municipalities()
        county = Organisation(
            name=COUNTY_NAME,
            kind="county",
            address="Lorcher Straße 6, 73033 Göppingen",
            phone="07161 202-0",
            email="integrationsmanagement@example.org",
        )
        db.session.add(county)
        teams: dict[str, Team] = {}
        municipalities = []
        for row in rows:
            town_name = row["municipality"]
            if row["own_im"] == "yes":
                town = Organisation(
                    name=f"Stadt {row['municipality']}"
                    if row["municipality"] != "Salach"
                    else "Gemeinde Salach",
                    kind="town",
                    address=f"Rathaus, {POSTCODES.get(town_name, '')} {town_name}",
                    phone="",
                    email="im@example.org",
                    # Göppingen shares its figures with the county (/reports/county); the
                    # other towns show there as not shared.
                    shares_figures=town_name == "Göppingen",
                )
                db.session.add(town)
                team = Team(organisation=town, name=f"Integrationsmanagement {row['municipality']}")
                teams[row["municipality"]] = team
            else:
                team_name = row["county_team"]
                if team_name not in teams:
                    teams[team_name] = Team(organisation=county, name=team_name)
                team = teams[team_name]
            municipalities.append(
                Municipality(
                    name=row["municipality"],
                    population=int(row["population_approx"]),
                    organisation=team.organisation,
                    team=team,
                )
            )
        db.session.add_all(municipalities)
        db.session.flush()
        self.summary.organisations = len({t.organisation_id for t in teams.values()})
        self.summary.teams = len(teams)
        return county, teams, municipalities

    # --- staff --------------------------------------------------------------------------
    def _user(
        self,
        username: str,
        role: str,
        org: Organisation,
        team: Team | None,
        fte: str | Decimal = "0",
        display: str | None = None,
    ) -> User:
        user = User(
            username=username,
            display_name=display or next(self.staff_names),
            email=f"{username}@example.org",
            password_hash=self.password_hash,
            role=role,
            organisation=org,
            team=team,
            fte=Decimal(fte),
            qualification=self.rng.choice(["university", "university", "vocational"])
            if role in (roles.MANAGER, roles.TEAM_LEAD)
            else None,
        )
        db.session.add(user)
        return user

    def staff(self, county: Organisation, teams: dict[str, Team]) -> dict[int, list[User]]:
        county_teams = [t for t in teams.values() if t.organisation is county]
        fte = list(COUNTY_FTE)
        self.rng.shuffle(fte)
        managers: dict[int, list[User]] = {}
        logins = self.summary.logins
        for index in range(16):
            team = county_teams[index % len(county_teams)]
            lead = index < len(county_teams)
            role = roles.TEAM_LEAD if lead else roles.MANAGER
            username = (
                ("teamleitung" if index == 0 else f"teamleitung{index + 1}")
                if lead
                else ("manager" if index == len(county_teams) else f"im{index + 1}")
            )
            user = self._user(username, role, county, team, fte[index])
            managers.setdefault(id(team), []).append(user)
            self.summary.fte += user.fte
        self.summary.staff = 16
        self._user("admin", roles.ADMIN, county, None, "0", "Admin Kreissozialamt")
        first_team = county_teams[0]
        self._user("empfang", roles.FRONT_DESK, county, first_team, "0", "Empfang Rathaus Uhingen")
        self.volunteers.append(
            self._user("ehrenamt", roles.VOLUNTEER, county, first_team, "0", "Erika Ehrenamt")
        )
        for team in teams.values():
            if team.organisation is county:
                continue
            slug = team.name.split()[-1].split("/")[0].lower().replace("ö", "oe")
            user = self._user(f"im-{slug}", roles.MANAGER, team.organisation, team, "1.00")
            managers.setdefault(id(team), []).append(user)
        goeppingen = teams["Göppingen"]
        self._user(
            "admin-goeppingen",
            roles.ADMIN,
            goeppingen.organisation,
            None,
            "0",
            "Admin Stadt Göppingen",
        )
        logins += [
            DemoLogin("admin", roles.ADMIN, "Admin des Landkreises (alle Teams)"),
            DemoLogin("teamleitung", roles.TEAM_LEAD, f"Teamleitung {first_team.name}"),
            DemoLogin("manager", roles.MANAGER, f"Integrationsmanager:in {first_team.name}"),
            DemoLogin("empfang", roles.FRONT_DESK, "Empfang im Rathaus (keine Falldaten)"),
            DemoLogin("ehrenamt", roles.VOLUNTEER, "Ehrenamtliche (nur geteilte Termine)"),
            DemoLogin("im-goeppingen", roles.MANAGER, "Eigenes IM der Stadt Göppingen"),
        ]
        return managers

    # --- people -------------------------------------------------------------------------
    def _birth(self, age_min: int, age_max: int) -> tuple[int, int | None, int | None]:
        born = self.today - timedelta(days=self.rng.randint(age_min * 365, age_max * 365 + 364))
        if self.rng.random() < 0.08:  # only the year is known
            return born.year, None, None
        return born.year, born.month, born.day

    def _status(self, origin: str, entry: date) -> dict:
        rng = self.rng
        application = entry + timedelta(days=rng.randint(3, 60))
        if origin == "Ukraine":
            decision = entry + timedelta(days=rng.randint(20, 120))
            return {
                "residence_status": "residence_permit",
                "residence_legal_basis": "§ 24 AufenthG",
                "asylum_application_date": None,
                "decision_date": min(decision, self.today),
                "prospect": "secure",
            }
        roll = rng.random()
        if roll < 0.55:
            decision = application + timedelta(days=rng.randint(150, 900))
            return {
                "residence_status": "residence_permit",
                "residence_legal_basis": rng.choice(
                    [
                        "§ 25 Abs. 2 AufenthG",
                        "§ 25 Abs. 2 AufenthG",
                        "§ 25 Abs. 1 AufenthG",
                        "§ 25 Abs. 3 AufenthG",
                    ]
                ),
                "asylum_application_date": application,
                "decision_date": min(decision, self.today),
                "prospect": "secure",
            }
        if roll < 0.72:
            decision = application + timedelta(days=rng.randint(200, 1000))
            return {
                "residence_status": "toleration",
                "residence_legal_basis": "§ 60a AufenthG",
                "asylum_application_date": application,
                "decision_date": min(decision, self.today),
                "prospect": "unclear",
            }
        if roll < 0.92:
            # Pending procedures: applications between 6 and 40 months ago, so that some have
            # passed the 24-month mark and some have not.
            application = self.today - timedelta(days=rng.randint(180, 1200))
            return {
                "residence_status": "asylum_applicant",
                "residence_legal_basis": "",
                "asylum_application_date": application,
                "decision_date": None,
                "prospect": rng.choice(["unclear", "unclear", "secure"]),
            }
        if roll < 0.97:
            decision = application + timedelta(days=rng.randint(200, 700))
            return {
                "residence_status": "settlement_permit",
                "residence_legal_basis": "§ 26 Abs. 3 AufenthG",
                "asylum_application_date": application,
                "decision_date": min(decision, self.today),
                "prospect": "secure",
            }
        return {
            "residence_status": "other",
            "residence_legal_basis": "",
            "asylum_application_date": application,
            "decision_date": None,
            "prospect": "unclear",
        }

    def _person(
        self,
        origin: str,
        family: tuple[str, str],
        sex: str,
        ages: tuple[int, int],
        entry: date,
        status: dict,
    ) -> Person:
        _, male, female, _, languages = names.ORIGINS[origin]
        native_given, given = self.rng.choice(male if sex == "m" else female)
        native_family, family_name = family
        year, month, day = self._birth(*ages)
        entry_date = entry if entry.year >= year else date(year, 12, 31)
        status = dict(status)
        if status["asylum_application_date"] and status["asylum_application_date"] < entry_date:
            status["asylum_application_date"] = entry_date
        if (
            status["decision_date"]
            and status["asylum_application_date"]
            and status["decision_date"] < status["asylum_application_date"]
        ):
            status["decision_date"] = status["asylum_application_date"]
        person = Person(
            given_name=given,
            family_name=family_name,
            native_name=f"{native_given} {native_family}".strip() if native_given else "",
            birth_year=year,
            birth_month=month,
            birth_day=day,
            sex=sex,
            country_of_origin=origin,
            languages=languages,
            interpreter_needed=self.rng.random() < 0.45,
            entry_date=entry_date,
            phone=f"0151 {self.rng.randint(1000000, 9999999)}" if ages[0] >= 18 else "",
            **status,
        )
        refresh_search_keys(person)
        return person

    def households(
        self,
        municipalities: list[Municipality],
        managers: dict[int, list[User]],
        county: Organisation,
    ) -> None:
        rng = self.rng
        origins = list(names.ORIGINS)
        weights = [names.ORIGINS[o][0] for o in origins]
        for own_county, target in ((True, COUNTY_PERSONS), (False, TOWN_PERSONS)):
            towns = [m for m in municipalities if (m.organisation is county) == own_county]
            town_weights = [m.population for m in towns]
            persons = 0
            while persons < target:
                origin = rng.choices(origins, weights)[0]
                family = rng.choice(names.ORIGINS[origin][3])
                town = rng.choices(towns, town_weights)[0]
                # About one third of persons live alone; families have 2 to 7 members.
                single = rng.random() < 0.68
                size = 1 if single else rng.choices([2, 3, 4, 5, 6, 7], [10, 18, 24, 22, 14, 8])[0]
                entry = self.today - timedelta(days=rng.randint(200, 3800))
                status = self._status(origin, entry)
                accommodation = rng.choices(
                    ["follow_up", "collective", "own_tenancy"], [80, 15, 5]
                )[0]
                closed = rng.random() < 0.08
                household = Household(
                    organisation=town.organisation,
                    team=town.team,
                    municipality=town,
                    name=family[1],
                    accommodation=accommodation,
                    street=f"{rng.choice(names.STREETS)} {rng.randint(1, 80)}",
                    postcode=POSTCODES.get(town.name, f"73{rng.randint(0, 999):03d}"),
                    manager=rng.choice(managers[id(town.team)]),
                    status="closed" if closed else "active",
                    closed_reason=rng.choice(["moved_away", "goals_reached", "max_period"])
                    if closed
                    else None,
                    closed_on=self.today - timedelta(days=rng.randint(10, 400)) if closed else None,
                )
                db.session.add(household)
                self.all_households.append(household)
                if single:
                    sex = rng.choices(["m", "f"], [70, 30])[0]
                    members = [self._person(origin, family, sex, (18, 62), entry, status)]
                else:
                    first_sex = rng.choice(["m", "f"])
                    members = [self._person(origin, family, first_sex, (26, 52), entry, status)]
                    if size >= 2 and rng.random() < 0.85:
                        other = "f" if first_sex == "m" else "m"
                        members.append(self._person(origin, family, other, (24, 50), entry, status))
                    while len(members) < size:
                        members.append(
                            self._person(
                                origin, family, rng.choice(["m", "f"]), (0, 17), entry, status
                            )
                        )
                for member in members:
                    member.household = household
                db.session.add_all(members)
                persons += len(members)
                self.summary.households += 1
                self.summary.single_households += single
            self.summary.persons += persons

    # --- consent ------------------------------------------------------------------------
    def consents(self) -> set[int]:
        """Most persons consented to storing counselling data (some also to sharing with
        volunteers); a few did not, and the demo records no contacts for them."""
        from sqlalchemy import insert

        from app.consent.models import ConsentRecord

        rows, consented = [], set()
        for household in self.all_households:
            for person in household.members:
                if self.rng.random() < 0.04:
                    continue
                # Before the demo year of contacts begins.
                given = self.today - timedelta(days=self.rng.randint(370, 900))
                rows.append(
                    {
                        "person_id": person.id,
                        "state": "given",
                        "effective_on": given,
                        "counselling": True,
                        "volunteer_sharing": self.rng.random() < 0.4,
                        "form_version": "2024-01",
                        "method": self.rng.choice(["paper", "screen_interpreter"]),
                        "language": "de",
                    }
                )
                consented.add(person.id)
        db.session.execute(insert(ConsentRecord), rows)
        return consented

    # --- contacts -----------------------------------------------------------------------
    def contacts(self, teams: dict[str, Team], managers: dict[int, list[User]]) -> None:
        from app.demo.contacts import build_contacts

        by_team = {team.id: managers.get(id(team), []) for team in teams.values()}
        volunteers: dict[int, list[User]] = {}
        for user in self.volunteers:
            volunteers.setdefault(user.organisation_id, []).append(user)
        consented = self.consents()
        summary = build_contacts(
            self.rng, self.all_households, by_team, volunteers, self.today, consented
        )
        self.summary.contacts = summary.contacts
        self.summary.tasks = summary.tasks
        self.summary.open_tasks = summary.open_tasks


def build_demo_county(seed: int = 2018, password_method: str = "scrypt") -> DemoSummary:
    builder = _Builder(seed, password_method)
    county, teams, municipalities = builder.organisations()
    managers = builder.staff(county, teams)
    db.session.flush()
    builder.households(municipalities, managers, county)
    db.session.flush()
    builder.contacts(teams, managers)
    staff = [u for team_staff in managers.values() for u in team_staff]
    build_casework(
        random.Random(seed + 1),
        builder.today,
        staff,
        {u.id: u.organisation_id for u in staff},
    )
    from app.officehours.demo import build_office_hours

    builder.summary.office_hours = build_office_hours(builder.rng, builder.today)
    from app.staffing.demo import build_staffing

    county_staff = [u for u in staff if u.organisation_id == county.id]
    build_staffing(random.Random(seed + 2), builder.today, county, county_staff)
    from app.reports import rollups

    rollups.rebuild(db.session.connection())  # the contacts went in as bulk inserts
    db.session.commit()
    return builder.summary
