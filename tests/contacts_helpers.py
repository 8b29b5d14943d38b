"""Shared helpers for the contact tests (plain functions, so no conftest changes needed)."""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime, timedelta

from sqlalchemy import event

from app.contacts.models import Contact, Task
from app.contacts.services import ensure_default_topics
from app.extensions import db
from app.timeutil import to_local, utcnow

_KEY = re.compile(r'name="idempotency_key" type="hidden" value="([^"]+)"')


def seed_topics() -> None:
    ensure_default_topics()
    db.session.commit()


def form_key(html: str) -> str:
    match = _KEY.search(html)
    assert match, "contact form carries no idempotency key"
    return match.group(1)


def local_input(value: datetime) -> str:
    """A naive UTC datetime as the value of a datetime-local input (Berlin time)."""
    return f"{to_local(value):%Y-%m-%dT%H:%M}"


def contact_payload(person_ids: list[int], **overrides) -> dict:
    data = {
        "idempotency_key": str(uuid.uuid4()),
        "participants": [str(i) for i in person_ids],
        "occurred_at": local_input(utcnow() - timedelta(hours=1)),
        "duration_preset": "30",
        "duration_minutes": "",
        "setting": "home_visit",
        "location": "",
        "topics": ["housing", "language"],
        "interpreter_kind": "",
        "interpreter_language": "",
        "note": "Wohnungssuche besprochen.",
        "tasks-0-description": "",
        "tasks-0-owner_kind": "manager",
        "tasks-0-owner_id": "0",
        "tasks-0-due_on": "",
        "tasks-1-description": "",
        "tasks-1-owner_kind": "manager",
        "tasks-1-owner_id": "0",
        "tasks-1-due_on": "",
    }
    data.update(overrides)
    return data


def make_contact(
    household,
    author,
    *,
    when: datetime | None = None,
    setting: str = "home_visit",
    topics: list | None = None,
    note: str = "Notiz",
    participants: list | None = None,
    tasks: list[dict] | None = None,
    key: str | None = None,
) -> Contact:
    """Insert a contact directly (fixtures for timeline, PDF and task tests)."""
    from app.contacts.models import Topic

    contact = Contact(
        household_id=household.id,
        author_id=author.id,
        idempotency_key=key or str(uuid.uuid4()),
        occurred_at=when or utcnow() - timedelta(days=1),
        duration_minutes=45,
        setting=setting,
        location="Rathaus Nordheim" if setting == "office_hour" else "",
        note=note,
    )
    contact.participants = participants if participants is not None else list(household.members)
    keys = topics if topics is not None else ["housing"]
    contact.topics = list(db.session.scalars(db.select(Topic).where(Topic.key.in_(keys))))
    db.session.add(contact)
    db.session.flush()
    for spec in tasks or []:
        db.session.add(
            Task(
                contact_id=contact.id,
                household_id=household.id,
                description=spec.get("description", "Schritt"),
                owner_kind=spec.get("owner_kind", "manager"),
                owner_id=spec.get("owner_id", author.id),
                due_on=spec.get("due_on"),
                status=spec.get("status", "open"),
                created_by_id=author.id,
            )
        )
    db.session.commit()
    return contact


class StatementCounter:
    """Counts SQL statements sent through the engine while active."""

    def __init__(self, engine) -> None:
        self.engine = engine
        self.statements: list[str] = []

    def _listener(self, conn, cursor, statement, parameters, context, executemany) -> None:
        self.statements.append(statement)

    def __enter__(self) -> StatementCounter:
        event.listen(self.engine, "before_cursor_execute", self._listener)
        return self

    def __exit__(self, *exc) -> None:
        event.remove(self.engine, "before_cursor_execute", self._listener)

    @property
    def count(self) -> int:
        return len(self.statements)


def today_plus(days: int) -> date:
    from app.timeutil import today

    return today() + timedelta(days=days)
