"""A small world for the benchmarks: one team, one manager, one household of three with an
Arabic native name, and the topic catalogue; on a throw-away SQLite database."""

from __future__ import annotations

import platform
import re
import tempfile
from datetime import date, timedelta
from pathlib import Path

from flask import Flask

from app import create_app
from app.accounts import roles
from app.accounts.models import User
from app.contacts.models import Contact, Task, Topic
from app.contacts.services import ensure_default_topics
from app.extensions import db
from app.households.models import Household, Person
from app.households.services import refresh_search_keys
from app.organisations.models import Municipality, Organisation, Team
from app.timeutil import utcnow

PASSWORD = "bench-passwort-lang-genug"
HASH = "pbkdf2:sha256:1000"
DOCS = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"


def make_app() -> tuple[Flask, dict]:
    from werkzeug.security import generate_password_hash

    tmp = tempfile.mkdtemp(prefix="wb-bench-")
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.db",
            "PASSWORD_HASH_METHOD": HASH,
        }
    )
    with app.app_context():
        db.create_all()
        ensure_default_topics()
        org = Organisation(
            name="Landkreis Beispiel – Kreissozialamt",
            kind="county",
            address="Lorcher Straße 6, 73033 Göppingen",
            phone="07161 202-0",
            email="im@example.org",
        )
        team = Team(organisation=org, name="Team Nord")
        town = Municipality(name="Nordheim", organisation=org, team=team, population=5000)
        manager = User(
            username="manager",
            display_name="Maria Manager",
            password_hash=generate_password_hash(PASSWORD, method=HASH),
            role=roles.MANAGER,
            organisation=org,
            team=team,
        )
        household = Household(
            organisation=org,
            team=team,
            municipality=town,
            name="Haddad",
            accommodation="follow_up",
            manager=manager,
        )
        people = [
            Person(
                household=household,
                given_name="Samira",
                family_name="Haddad",
                native_name="سميرة حداد",
                birth_year=1988,
                residence_status="residence_permit",
            ),
            Person(
                household=household,
                given_name="Karim",
                family_name="Haddad",
                native_name="كريم حداد",
                birth_year=1985,
                residence_status="residence_permit",
            ),
            Person(
                household=household,
                given_name="Lina",
                family_name="Haddad",
                birth_year=2015,
                residence_status="residence_permit",
            ),
        ]
        for p in people:
            refresh_search_keys(p)
        db.session.add_all([org, team, town, manager, household, *people])
        db.session.commit()
        ids = {"household": household.id, "persons": [p.id for p in people], "user": manager.id}
    return app, ids


def add_contact(app: Flask, ids: dict) -> int:
    """A typical contact: two participants, two topics, a note of a few sentences, 2 steps."""
    with app.app_context():
        contact = Contact(
            household_id=ids["household"],
            author_id=ids["user"],
            idempotency_key="00000000-0000-4000-8000-000000000001",
            occurred_at=utcnow() - timedelta(days=1),
            duration_minutes=45,
            setting="home_visit",
            interpreter_kind="professional",
            interpreter_language="Arabisch",
            note=(
                "Die Familie sucht eine größere Wohnung, weil die jetzige für fünf Personen zu "
                "klein ist. Gemeinsam die Anzeigen der Woche angesehen und die Unterlagen für "
                "den Wohnberechtigungsschein geprüft. Lina geht gern in die Schule; das "
                "Elterngespräch ist am Donnerstag."
            ),
        )
        contact.participants = db.session.scalars(
            db.select(Person).where(Person.id.in_(ids["persons"][:2]))
        ).all()
        contact.topics = db.session.scalars(
            db.select(Topic).where(Topic.key.in_(["housing", "school_education"]))
        ).all()
        db.session.add(contact)
        db.session.flush()
        db.session.add_all(
            [
                Task(
                    contact_id=contact.id,
                    household_id=ids["household"],
                    description="Wohnberechtigungsschein beantragen",
                    owner_kind="client",
                    due_on=date.today() + timedelta(days=7),
                    created_by_id=ids["user"],
                ),
                Task(
                    contact_id=contact.id,
                    household_id=ids["household"],
                    description="Rückruf Vermieter",
                    owner_kind="manager",
                    owner_id=ids["user"],
                    created_by_id=ids["user"],
                ),
            ]
        )
        db.session.commit()
        return contact.id


def login(app: Flask):
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    r = client.post(
        "/login", data={"username": "manager", "password": PASSWORD, "csrf_token": token}
    )
    assert r.status_code == 302, r.status_code
    return client


def machine_note() -> str:
    import os

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{platform.system()} {platform.release()}, {cpu}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}"
    )


def write_section(title: str, body: str) -> None:
    """Replace (or add) the `## title` section of docs/benchmarks.md."""
    DOCS.parent.mkdir(exist_ok=True)
    text = (
        DOCS.read_text()
        if DOCS.exists()
        else "# Benchmarks\n\nNot timed tests: run by hand, `python bench/<name>.py`.\n"
    )
    pattern = re.compile(rf"^## {re.escape(title)}\n.*?(?=^## |\Z)", re.S | re.M)
    section = f"## {title}\n\n{body.strip()}\n\n"
    text = pattern.sub(section, text) if pattern.search(text) else text.rstrip() + "\n\n" + section
    DOCS.write_text(text.rstrip() + "\n")
