"""A year of invented consultations for the demo county, inserted in bulk.

About 10,000 contacts over twelve months: families are seen about four times as often as
single persons, a third of contacts are home visits, and the topics children and family,
housing, language, work and participation come up most. Some contacts agree next steps,
most of the older ones done, some overdue."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import insert, select

from app.accounts.models import User
from app.contacts.models import Contact, Task, Topic, contact_participant, contact_topic_link
from app.contacts.services import ensure_default_topics
from app.extensions import db
from app.households.models import Household, Person
from app.timeutil import BERLIN

TARGET_CONTACTS = 10_000
FAMILY_FACTOR = 4  # a family is seen about four times as often as a single person

SETTINGS = {
    "home_visit": 33,
    "office_hour": 25,
    "office": 15,
    "phone": 17,
    "video": 3,
    "accompaniment": 7,
}
TOPIC_WEIGHTS = {
    "children_family": 20,
    "housing": 18,
    "language": 17,
    "work_training": 16,
    "participation": 13,
    "benefits_money": 8,
    "health": 7,
    "residence_law": 6,
    "school_education": 6,
    "other": 2,
}
DURATIONS = ([15, 30, 45, 60, 90, 120], [14, 34, 24, 18, 7, 3])
AUTHORITIES = [
    "Ausländerbehörde",
    "Jobcenter",
    "Agentur für Arbeit",
    "Familienkasse",
    "Sozialamt",
    "Bürgerbüro",
]
NOTES = {
    "children_family": [
        "Kita-Platz besprochen, Anmeldung vorbereitet.",
        "Fragen zur Kinderbetreuung und zum Elterngeld geklärt.",
        "Gespräch über die Situation der Kinder in der Familie.",
    ],
    "housing": [
        "Wohnungssuche besprochen, Anzeigen gemeinsam angesehen.",
        "Schreiben des Vermieters erklärt.",
        "Unterlagen für den Wohnberechtigungsschein geprüft.",
    ],
    "language": [
        "Anmeldung zum Integrationskurs besprochen.",
        "Fortschritte im Sprachkurs, Prüfungstermin steht.",
        "Möglichkeiten für einen Berufssprachkurs erklärt.",
    ],
    "work_training": [
        "Lebenslauf überarbeitet, Bewerbung vorbereitet.",
        "Anerkennung des Berufsabschlusses besprochen.",
        "Praktikumsplatz vermittelt, Termin beim Betrieb vereinbart.",
    ],
    "participation": [
        "Angebote im Sportverein und im Begegnungscafé vorgestellt.",
        "Kontakt zur Ehrenamtsgruppe hergestellt.",
        "Freizeitangebote für die Familie besprochen.",
    ],
    "health": [
        "Arzttermin vereinbart, Krankenkasse informiert.",
        "Fragen zur Krankenversicherung geklärt.",
    ],
    "residence_law": [
        "Verlängerung des Aufenthaltstitels besprochen.",
        "Schreiben der Ausländerbehörde erklärt.",
    ],
    "benefits_money": [
        "Bescheid des Jobcenters erklärt.",
        "Antrag auf Kindergeld vorbereitet.",
        "Haushaltsplan besprochen.",
    ],
    "school_education": [
        "Elterngespräch in der Schule vorbereitet.",
        "Nachhilfe und Hausaufgabenbetreuung besprochen.",
    ],
    "other": ["Allgemeine Fragen geklärt."],
}
STEPS = {
    "children_family": "Anmeldung Kita abgeben",
    "housing": "Unterlagen Wohnberechtigungsschein einreichen",
    "language": "Anmeldung Integrationskurs abschicken",
    "work_training": "Bewerbung abschicken",
    "participation": "Kontakt Sportverein aufnehmen",
    "health": "Arzttermin wahrnehmen",
    "residence_law": "Termin Ausländerbehörde vereinbaren",
    "benefits_money": "Antrag beim Jobcenter abgeben",
    "school_education": "Gespräch mit der Lehrerin führen",
    "other": "Rückmeldung geben",
}
OWNER_KINDS = (["manager", "client", "colleague", "volunteer"], [55, 30, 5, 10])


@dataclass
class ContactSummary:
    contacts: int = 0
    tasks: int = 0
    open_tasks: int = 0


def _utc(local: datetime) -> datetime:
    return local.replace(tzinfo=BERLIN).astimezone(UTC).replace(tzinfo=None)


def build_contacts(
    rng: random.Random,
    households: list[Household],
    managers_by_team: dict[int, list[User]],
    volunteers_by_org: dict[int, list[User]],
    today: date,
    consented: set[int] | None = None,
) -> ContactSummary:
    """Insert a year of contacts for `households` (already flushed, with members)."""
    ensure_default_topics()
    topic_ids = {key: topic_id for key, topic_id in db.session.execute(select(Topic.key, Topic.id))}
    topic_keys = list(TOPIC_WEIGHTS)
    topic_weights = list(TOPIC_WEIGHTS.values())
    settings = list(SETTINGS)
    setting_weights = list(SETTINGS.values())
    singles = sum(1 for h in households if len(h.members) == 1)
    families = len(households) - singles
    per_single = TARGET_CONTACTS / max(singles + FAMILY_FACTOR * families, 1)
    start = today - timedelta(days=365)
    now = datetime.now(UTC).replace(tzinfo=None)

    contacts: list[dict] = []
    participants: list[list[int]] = []
    topics_of: list[list[str]] = []
    for household in households:
        # Contacts only with persons who consented to storing counselling data.
        members: list[Person] = [
            p for p in household.members if consented is None or p.id in consented
        ]
        if not members:
            continue
        team_staff = managers_by_team.get(household.team_id) or []
        if not team_staff:
            continue
        author = household.manager or team_staff[0]
        mean = per_single * (1 if len(members) == 1 else FAMILY_FACTOR)
        count = max(0, round(rng.gauss(mean, mean * 0.35)))
        last_day = household.closed_on or today
        first_day = start
        span = (last_day - first_day).days
        if span <= 0:
            continue
        adults = [p for p in members if p.birth_year and today.year - p.birth_year >= 18]
        for _ in range(count):
            day = first_day + timedelta(days=rng.randint(0, span))
            if day.weekday() >= 5:  # weekends move to Friday
                day -= timedelta(days=day.weekday() - 4)
            local = datetime.combine(day, time(rng.randint(8, 16), rng.choice((0, 15, 30, 45))))
            occurred = min(_utc(local), now - timedelta(minutes=rng.randint(5, 600)))
            setting = rng.choices(settings, setting_weights)[0]
            location = ""
            if setting == "office_hour":
                location = f"Rathaus {household.municipality.name}"
            elif setting == "accompaniment":
                location = rng.choice(AUTHORITIES)
            chosen_topics = set(rng.choices(topic_keys, topic_weights, k=rng.choice((1, 1, 2, 3))))
            if len(members) == 1 and "children_family" in chosen_topics and rng.random() < 0.8:
                chosen_topics.discard("children_family")
                chosen_topics.add(rng.choice(["work_training", "language", "housing"]))
            people = [members[0]]
            others = [p for p in members[1:] if p in adults or rng.random() < 0.2]
            people += [p for p in others if rng.random() < 0.6]
            interpreter_kind, interpreter_language = "", ""
            if any(p.interpreter_needed for p in people) and rng.random() < 0.55:
                interpreter_kind = rng.choice(["professional", "volunteer", "volunteer"])
                interpreter_language = (people[0].languages or "Arabisch").split(",")[0].strip()
            writer = author if rng.random() < 0.9 else rng.choice(team_staff)
            note = " ".join(rng.choice(NOTES[key]) for key in sorted(chosen_topics))
            created = occurred + timedelta(minutes=rng.randint(30, 600))
            contacts.append(
                {
                    "household_id": household.id,
                    "author_id": writer.id,
                    "idempotency_key": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                    "occurred_at": occurred,
                    "duration_minutes": rng.choices(*DURATIONS)[0],
                    "setting": setting,
                    "location": location,
                    "interpreter_kind": interpreter_kind,
                    "interpreter_language": interpreter_language,
                    "note": note,
                    "created_at": created,
                    "updated_at": created,
                    "deleted_reason": "",
                }
            )
            participants.append([p.id for p in people])
            topics_of.append(sorted(chosen_topics))

    order = sorted(range(len(contacts)), key=lambda i: contacts[i]["occurred_at"])
    contacts = [contacts[i] for i in order]
    participants = [participants[i] for i in order]
    topics_of = [topics_of[i] for i in order]
    ids = list(
        db.session.scalars(
            insert(Contact).returning(Contact.id, sort_by_parameter_order=True), contacts
        )
    )
    db.session.execute(
        insert(contact_participant),
        [
            {"contact_id": cid, "person_id": pid}
            for cid, ps in zip(ids, participants, strict=True)
            for pid in ps
        ],
    )
    db.session.execute(
        insert(contact_topic_link),
        [
            {"contact_id": cid, "topic_id": topic_ids[key]}
            for cid, keys in zip(ids, topics_of, strict=True)
            for key in keys
        ],
    )

    households_by_id = {h.id: h for h in households}
    tasks: list[dict] = []
    for cid, row, keys in zip(ids, contacts, topics_of, strict=True):
        roll = rng.random()
        if roll > 0.4:
            continue
        n = 2 if roll < 0.06 else 1
        household = households_by_id[row["household_id"]]
        team_staff = managers_by_team[household.team_id]
        for key in rng.sample(keys, min(n, len(keys))):
            kind = rng.choices(*OWNER_KINDS)[0]
            owner_id: int | None = row["author_id"]
            if kind == "colleague":
                others = [u for u in team_staff if u.id != row["author_id"]]
                owner_id = rng.choice(others).id if others else row["author_id"]
            elif kind == "client":
                owner_id = None
            elif kind == "volunteer":
                helpers = volunteers_by_org.get(household.organisation_id) or []
                owner_id = rng.choice(helpers).id if helpers else None
            day = row["occurred_at"].date()
            due = day + timedelta(days=rng.randint(3, 35)) if rng.random() < 0.8 else None
            reference = due or day + timedelta(days=14)
            done = reference < today - timedelta(days=5) and rng.random() < 0.88
            tasks.append(
                {
                    "contact_id": cid,
                    "household_id": row["household_id"],
                    "description": STEPS[key],
                    "owner_kind": kind,
                    "owner_id": owner_id,
                    "due_on": due,
                    "status": "done" if done else "open",
                    "created_by_id": row["author_id"],
                    "created_at": row["created_at"],
                    "done_at": datetime.combine(reference, time(12)) if done else None,
                    "done_by_id": row["author_id"] if done else None,
                }
            )
    if tasks:
        db.session.execute(insert(Task), tasks)
    return ContactSummary(
        contacts=len(ids),
        tasks=len(tasks),
        open_tasks=sum(1 for t in tasks if t["status"] == "open"),
    )
