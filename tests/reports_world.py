"""A small hand-built data set with known report figures, on top of the `county` fixture.

Team A (Nordheim), period 2025:
- 3 single-person households and 2 families of 3 persons: 9 persons in contact, 3 of them
  single; 12 contacts, 4 of them home visits (5 office, 3 phone); singles 1 contact each,
  families 4 and 5 contacts (4.5 per family, 1.0 per single person, ratio 4.5).
- topics: housing 7, language 3, health 2 (the rest 0).
- not counted: a contact in 2024, a contact on 1 January 2026 (00:30 Berlin), a deleted contact.
- eligible on 31.12.2025: the 9 + Samira (fixture) + an asylum applicant (applied 15.02.2023,
  eligible from 15.02.2025) = 11; a person with settlement permit is not eligible.
- became eligible in 2025: February 1, March 3, July 1.
- tasks on 10.01.2026: 3 open, 1 of them overdue (1 done, 1 on a deleted contact).
- office hours in Nordheim: 3 check-ins, waits 10 and 30 minutes, 1 left unseen.
Team B (Südhausen): Farid (fixture, single) with 2 contacts (1 home visit, 1 office), an open
overdue task, a check-in waiting 60 minutes.
Town (own IM): 1 contact — never in the county's figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from app.extensions import db
from app.households.models import Household
from app.officehours.models import OfficeLocation, QueueEntry
from app.reports.figures import ReportScope
from app.timeutil import utcnow
from tests.contacts_helpers import make_contact, seed_topics

YEAR_2025 = dict(start=date(2025, 1, 1), end=date(2025, 12, 31))
TASK_DAY = date(2026, 1, 10)


@dataclass
class ReportWorld:
    county: object
    singles: list[Household]
    families: list[Household]
    extra: list[Household] = field(default_factory=list)

    def scope(self, **kw) -> ReportScope:
        return ReportScope(**({"organisation_id": self.county.county.id} | YEAR_2025 | kw))

    def team_a(self, **kw) -> ReportScope:
        return self.scope(team_id=self.county.team_a.id, **kw)


def at(month: int, day: int, hour: int = 10) -> datetime:
    return datetime(2025, month, day, hour, 0)


def build(county, make, *, scale: int = 1) -> ReportWorld:
    """The data set above. `scale` > 1 adds (scale - 1) more team A households with contacts,
    tasks and check-ins: more rows for the statement-count tests."""
    seed_topics()
    users = county.users
    manager = users["manager"]
    singles = [make.household(county.town_a, f"Single{i}", manager=manager) for i in range(3)]
    families = [make.household(county.town_a, f"Family{i}", manager=manager) for i in range(2)]
    for i, household in enumerate(singles):
        make.person(household, "Solo", decision_date=date(2025, 7, 1) if i == 0 else None)
    decision = [date(2025, 3, 10), date(2025, 3, 10), date(2025, 3, 31)]
    for i, household in enumerate(families):
        for j in range(3):
            make.person(
                household,
                f"Kind{j}",
                decision_date=decision[j] if i == 0 else date(2020, 5, 4),
            )
    waiting = make.household(county.town_a, "Wartend", manager=manager)
    make.person(
        waiting,
        "Amir",
        residence_status="asylum_applicant",
        asylum_application_date=date(2023, 2, 15),
        decision_date=None,
    )
    settled = make.household(county.town_a, "Sesshaft", manager=manager)
    make.person(settled, "Lena", residence_status="settlement_permit")
    db.session.commit()

    # contacts: singles one each (home, office, phone at 00:30 Berlin on 1 January)
    make_contact(singles[0], manager, when=at(2, 3), setting="home_visit", topics=["housing"])
    make_contact(singles[1], manager, when=at(4, 5), setting="office", topics=["language"])
    make_contact(
        singles[2],
        manager,
        when=datetime(2024, 12, 31, 23, 30),
        setting="phone",
        topics=["health"],
    )
    family_plan = [
        # family 0: 4 contacts
        ("home_visit", ["housing", "language"]),
        ("office", ["housing"]),
        ("office", ["housing"]),
        ("phone", []),
        # family 1: 5 contacts
        ("home_visit", ["housing"]),
        ("home_visit", ["housing", "health"]),
        ("office", ["language"]),
        ("office", ["housing"]),
        ("phone", []),
    ]
    for index, (setting, topics) in enumerate(family_plan):
        household = families[0] if index < 4 else families[1]
        make_contact(household, manager, when=at(3 + index, 10), setting=setting, topics=topics)
    # not counted
    make_contact(families[0], manager, when=datetime(2024, 6, 1, 10), setting="home_visit")
    make_contact(families[0], manager, when=datetime(2025, 12, 31, 23, 30), setting="home_visit")
    deleted = make_contact(
        families[1],
        manager,
        when=at(6, 1),
        setting="home_visit",
        tasks=[{"due_on": date(2025, 1, 1)}],
    )
    deleted.deleted_at = utcnow()
    # tasks (open: 1 overdue, 1 later, 1 without date; 1 done)
    make_contact(
        families[0],
        manager,
        when=datetime(2024, 5, 1, 10),
        setting="office",
        tasks=[
            {"due_on": date(2026, 1, 9)},
            {"due_on": date(2026, 1, 10)},
            {},
            {"status": "done", "due_on": date(2025, 1, 1)},
        ],
    )
    # team B and the town
    farid_home = county.household_b
    make_contact(farid_home, users["manager_b"], when=at(5, 5), setting="home_visit")
    make_contact(
        farid_home,
        users["manager_b"],
        when=at(5, 6),
        setting="office",
        tasks=[{"due_on": date(2025, 6, 1)}],
    )
    make_contact(county.household_town, users["town_manager"], when=at(5, 5), setting="office")

    # office hours
    nordheim = OfficeLocation(municipality=county.town_a, name="Rathaus Nordheim")
    suedhausen = OfficeLocation(municipality=county.town_b, name="Rathaus Südhausen")
    db.session.add_all([nordheim, suedhausen])
    db.session.flush()
    for location, came, wait, status in [
        (nordheim, at(3, 3, 9), 10, "done"),
        (nordheim, at(3, 3, 10), 30, "done"),
        (nordheim, at(3, 3, 11), None, "left"),
        (suedhausen, at(4, 4, 9), 60, "done"),
        (nordheim, datetime(2024, 3, 3, 9), 5, "done"),
    ]:
        db.session.add(
            QueueEntry(
                location_id=location.id,
                day=came.date(),
                status=status,
                checked_in_at=came,
                called_at=came + timedelta(minutes=wait) if wait else None,
                finished_at=came + timedelta(minutes=90),
                walk_in_name="Gast",
            )
        )
    db.session.commit()

    extra: list[Household] = []
    for copy in range(scale - 1):
        extra += _more(county, make, copy)
    return ReportWorld(county, singles, families, extra)


def _more(county, make, copy: int) -> list[Household]:
    """Another family and single with contacts, tasks and a check-in (team A)."""
    manager = county.users["manager"]
    family = make.household(county.town_a, f"Mehr{copy}", manager=manager)
    for j in range(4):
        make.person(family, f"P{j}", decision_date=date(2025, 1 + copy % 12, 2))
    single = make.household(county.town_a, f"Allein{copy}", manager=manager)
    make.person(single, "Einzeln")
    db.session.commit()
    for k in range(3):
        make_contact(
            family,
            manager,
            when=at(1 + (copy + k) % 12, 15),
            setting=("home_visit", "office", "video")[k],
            topics=["housing", "work_training"],
            tasks=[{"due_on": date(2025, 2, 1)}],
        )
    make_contact(single, manager, when=at(8, 8), setting="phone", topics=["other"])
    location = db.session.scalar(
        db.select(OfficeLocation).where(OfficeLocation.name == "Rathaus Nordheim")
    )
    came = at(9, 9, 9)
    db.session.add(
        QueueEntry(
            location_id=location.id,
            day=came.date(),
            status="done",
            checked_in_at=came,
            called_at=came.replace(minute=20),
            walk_in_name="Gast",
            person_id=family.members[0].id,
            household_id=family.id,
        )
    )
    db.session.commit()
    return [family, single]
