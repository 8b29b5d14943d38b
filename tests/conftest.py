"""Test fixtures: one database per test run (SQLite file, or TEST_DATABASE_URL for PostgreSQL),
emptied after every test; a browser-like client that logs in through the real form and sends
CSRF tokens the way a page would."""

from __future__ import annotations

import contextvars
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from app import create_app
from app.accounts import roles
from app.accounts.models import User
from app.extensions import db
from app.households.models import Household, Person
from app.households.services import refresh_search_keys
from app.organisations.models import Municipality, Organisation, Team
from app.reports import rollups

PASSWORD = "ein-langes-test-passwort"
TEST_HASH = "pbkdf2:sha256:1000"  # fast hashing for tests; production uses scrypt
APPEND_ONLY = ("audit_event", "audit_checkpoint")  # tables guarded by a trigger on PostgreSQL


def database_url(tmp_dir: str) -> str:
    return os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_dir}/test.db"


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    url = database_url(str(tmp_path_factory.mktemp("db")))
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": url,
            "PASSWORD_HASH_METHOD": TEST_HASH,
            # Mandatory two-factor enrolment is switched on by the tests that exercise it.
            "ENFORCE_2FA": False,
        }
    )
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _clean_tables(app: Flask) -> Iterator[None]:
    yield
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as conn:
            # Whatever the test wrote, the report rollups must still match the contacts: a write
            # path that bypasses their upkeep fails here (app/reports/rollups.py).
            rollups_fresh = rollups.stored(conn) == rollups.computed(conn)
            for table in reversed(db.metadata.sorted_tables):
                if table.name in APPEND_ONLY and conn.dialect.name == "postgresql":
                    # The append-only trigger refuses DELETE; row triggers do not fire on TRUNCATE.
                    conn.execute(text(f"TRUNCATE {table.name}"))
                else:
                    conn.execute(table.delete())
    assert rollups_fresh, "report rollups do not match the contacts"


@pytest.fixture
def ctx(app: Flask) -> Iterator[None]:
    with app.app_context():
        yield


_CSRF_META = re.compile(r'name="csrf-token" content="([^"]+)"')
_CSRF_FIELD = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


class _IsolatedClient:
    """Runs each request in an empty contextvars context, so that a test's open app context
    (used to build data) is never shared with the request: no shared `g`, current_user or
    database session, exactly as between two real requests."""

    def __init__(self, client: FlaskClient) -> None:
        self._client = client

    def __getattr__(self, name: str):
        attr = getattr(self._client, name)
        if name in {"get", "post", "open", "head", "put", "delete", "patch"}:
            return lambda *a, **kw: contextvars.Context().run(attr, *a, **kw)
        return attr


class Browser:
    """Wraps the test client; posts carry the CSRF token from the last page, as a form does."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = _IsolatedClient(client)
        self.csrf: str | None = None

    def _remember_token(self, response) -> None:
        if response.mimetype == "text/html" and "Content-Encoding" not in response.headers:
            body = response.get_data(as_text=True)
            match = _CSRF_META.search(body) or _CSRF_FIELD.search(body)
            if match:
                self.csrf = match.group(1)

    def get(self, url: str, **kwargs):
        response = self.client.get(url, **kwargs)
        self._remember_token(response)
        return response

    def post(self, url: str, data: dict | None = None, *, csrf: bool = True, **kwargs):
        data = dict(data or {})
        if csrf and "csrf_token" not in data:
            if self.csrf is None:
                self.get("/login")
            data["csrf_token"] = self.csrf
        response = self.client.post(url, data=data, **kwargs)
        self._remember_token(response)
        return response

    def htmx_get(self, url: str, target: str = "", **kwargs):
        headers = {"HX-Request": "true"}
        if target:
            headers["HX-Target"] = target
        response = self.client.get(url, headers=headers, **kwargs)
        self._remember_token(response)
        return response

    def login(self, username: str, password: str = PASSWORD):
        self.get("/login")
        return self.post("/login", {"username": username, "password": password})

    def logout(self):
        return self.post("/logout")


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def browser(app: Flask) -> Browser:
    return Browser(app.test_client())


@pytest.fixture
def login(app: Flask):
    """login("manager") -> a Browser logged in as that demo user of the `county` fixture."""

    def _login(username: str) -> Browser:
        b = Browser(app.test_client())
        response = b.login(username)
        assert response.status_code == 302, f"login as {username} failed"
        return b

    return _login


@dataclass
class County:
    """A small hand-built world: county org with two teams, a town with its own IM."""

    county: Organisation
    team_a: Team
    team_b: Team
    town: Organisation
    town_team: Team
    town_a: Municipality
    town_b: Municipality
    own_town: Municipality
    users: dict[str, User]
    household_a: Household
    person_a: Person
    household_b: Household
    household_town: Household


class Factory:
    def __init__(self) -> None:
        from werkzeug.security import generate_password_hash

        self.password_hash = generate_password_hash(PASSWORD, method=TEST_HASH)

    def user(self, username: str, role: str, org: Organisation, team: Team | None, **kw) -> User:
        user = User(
            username=username,
            display_name=kw.pop("display_name", username.title()),
            password_hash=self.password_hash,
            role=role,
            organisation=org,
            team=team,
            fte=kw.pop("fte", Decimal("1.00") if role in (roles.MANAGER, roles.TEAM_LEAD) else 0),
            **kw,
        )
        db.session.add(user)
        return user

    def household(self, municipality: Municipality, name: str = "Haddad", **kw) -> Household:
        household = Household(
            organisation=municipality.organisation,
            team=municipality.team,
            municipality=municipality,
            name=name,
            accommodation=kw.pop("accommodation", "follow_up"),
            **kw,
        )
        db.session.add(household)
        return household

    def person(
        self, household: Household, given: str = "Samira", family: str | None = None, **kw
    ) -> Person:
        person = Person(
            household=household,
            given_name=given,
            family_name=family or household.name,
            birth_year=kw.pop("birth_year", 1990),
            residence_status=kw.pop("residence_status", "residence_permit"),
            decision_date=kw.pop("decision_date", date(2020, 5, 4)),
            **kw,
        )
        refresh_search_keys(person)
        db.session.add(person)
        return person


@pytest.fixture
def make(ctx: None) -> Factory:
    return Factory()


@pytest.fixture
def county(make: Factory) -> County:
    county = Organisation(name="Testkreis", kind="county")
    town = Organisation(name="Stadt Eigenstadt", kind="town")
    team_a = Team(organisation=county, name="Team Nord")
    team_b = Team(organisation=county, name="Team Süd")
    town_team = Team(organisation=town, name="IM Eigenstadt")
    town_a = Municipality(name="Nordheim", organisation=county, team=team_a, population=5000)
    town_b = Municipality(name="Südhausen", organisation=county, team=team_b, population=4000)
    own_town = Municipality(name="Eigenstadt", organisation=town, team=town_team, population=9000)
    db.session.add_all([county, town, team_a, team_b, town_team, town_a, town_b, own_town])
    users = {
        "admin": make.user("admin", roles.ADMIN, county, None),
        "lead": make.user("lead", roles.TEAM_LEAD, county, team_a),
        "manager": make.user("manager", roles.MANAGER, county, team_a),
        "colleague": make.user("colleague", roles.MANAGER, county, team_a),
        "manager_b": make.user("manager_b", roles.MANAGER, county, team_b),
        "frontdesk": make.user("frontdesk", roles.FRONT_DESK, county, team_a),
        "volunteer": make.user("volunteer", roles.VOLUNTEER, county, team_a),
        "town_admin": make.user("town_admin", roles.ADMIN, town, None),
        "town_manager": make.user("town_manager", roles.MANAGER, town, town_team),
    }
    household_a = make.household(town_a, "Haddad", manager=users["manager"])
    person_a = make.person(household_a, "Samira", native_name="سميرة حداد")
    household_b = make.household(town_b, "Rahimi", manager=users["manager_b"])
    make.person(household_b, "Farid")
    household_town = make.household(own_town, "Kovalenko", manager=users["town_manager"])
    make.person(household_town, "Olena", residence_status="residence_permit")
    db.session.commit()
    return County(
        county,
        team_a,
        team_b,
        town,
        town_team,
        town_a,
        town_b,
        own_town,
        users,
        household_a,
        person_a,
        household_b,
        household_town,
    )


def is_postgres() -> bool:
    return db.engine.dialect.name == "postgresql"


def count_rows(model) -> int:
    return db.session.execute(text(f'SELECT count(*) FROM "{model.__table__.name}"')).scalar_one()


def given_consent(person_id: int):
    """A consent to storing counselling data, as the contact features require (without consent
    only the minimum is recorded)."""
    from app.consent.models import ConsentRecord

    return ConsentRecord(
        person_id=person_id,
        state="given",
        effective_on=date(2020, 1, 1),
        counselling=True,
        form_version="2024-01",
        language="de",
        method="paper",
    )


@pytest.fixture
def consented(county: County) -> County:
    """Every person of the `county` world consented (`given_consent`)."""
    from app.households.models import Person

    for person in db.session.scalars(db.select(Person)):
        db.session.add(given_consent(person.id))
    db.session.commit()
    return county
