"""The contact figures of the dashboard counted from the contacts (the queries before the
report rollups) and from the rollups, on the state-sized data set, in one run: the same
numbers (asserted) and how much faster.

    .venv/bin/python bench/scale_rollups.py [--runs 5] [--no-write]

Counted from the contacts are the queries the dashboard ran until migration 0012 (see git
history of app/reports/figures.py): distinct participants of the period's contacts, contacts
by setting and topic, contacts per household, eligible persons FULL JOIN participants.
Both sides are timed alternately; writes a section to docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import case, func, select

from bench._common import write_section
from bench.scale_data import ORG_NAME, build, database_url, make_app


def from_contacts(scope) -> dict:
    from app.contacts.models import Contact, contact_participant, contact_topic_link
    from app.extensions import db
    from app.households.models import Person
    from app.reports import figures

    sizes = figures.household_sizes().subquery()
    participants = (
        figures.contacts_in_period(scope, contact_participant.c.person_id)
        .join(contact_participant, contact_participant.c.contact_id == Contact.id)
        .distinct()
        .subquery()
    )
    persons, single_persons = db.session.execute(
        select(func.count(), func.count(case((sizes.c.n == 1, 1))))
        .select_from(participants)
        .join(Person, Person.id == participants.c.person_id)
        .outerjoin(sizes, sizes.c.household_id == Person.household_id)
    ).one()
    households = figures.contacts_in_period(scope, Contact.household_id).distinct().subquery()
    n_households, single_households = db.session.execute(
        select(func.count(), func.count(case((sizes.c.n == 1, 1))))
        .select_from(households)
        .outerjoin(sizes, sizes.c.household_id == households.c.household_id)
    ).one()
    settings = dict(
        db.session.execute(
            figures.contacts_in_period(scope, Contact.setting, func.count()).group_by(
                Contact.setting
            )
        ).all()
    )
    topics = dict(
        db.session.execute(
            figures.contacts_in_period(scope, contact_topic_link.c.topic_id, func.count())
            .join(contact_topic_link, contact_topic_link.c.contact_id == Contact.id)
            .group_by(contact_topic_link.c.topic_id)
        ).all()
    )
    per = (
        figures.contacts_in_period(scope, Contact.household_id, func.count().label("n"))
        .group_by(Contact.household_id)
        .subquery()
    )
    single = case((sizes.c.n == 1, 1), else_=0)
    per_kind = {
        int(kind): int(n)
        for kind, n in db.session.execute(
            select(single, func.sum(per.c.n))
            .select_from(per)
            .outerjoin(sizes, sizes.c.household_id == per.c.household_id)
            .group_by(single)
        )
    }
    eligible = figures.eligible_persons_stmt(scope, Person.id.label("person_id")).subquery()
    n_eligible, eligible_in_contact = db.session.execute(
        select(
            func.count(eligible.c.person_id),
            func.count(case((participants.c.person_id.is_not(None), eligible.c.person_id))),
        ).select_from(
            eligible.join(participants, participants.c.person_id == eligible.c.person_id, full=True)
        )
    ).one()
    return {
        "persons": persons,
        "single persons": single_persons,
        "households": n_households,
        "single households": single_households,
        "settings": settings,
        "topics": topics,
        "contacts of families": per_kind.get(0, 0),
        "contacts of single persons": per_kind.get(1, 0),
        "eligible": n_eligible,
        "eligible in contact": eligible_in_contact,
    }


def from_rollups(scope) -> dict:
    from app.reports import figures

    people = figures.person_counts(scope)
    reach = figures.reach(scope, people)
    per = figures.contacts_per_household(scope, reach)
    return {
        "persons": reach.persons,
        "single persons": reach.single_persons,
        "households": reach.households,
        "single households": reach.single_households,
        "settings": {code: n for code, n in figures.contacts_by_setting(scope).counts if n},
        "topics": {t.topic_id: t.count for t in figures.contacts_by_topic(scope) if t.count},
        "contacts of families": per.family_contacts,
        "contacts of single persons": per.single_contacts,
        "eligible": people.eligible,
        "eligible in contact": people.eligible_in_contact,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    url = database_url()
    build(url, reuse=True)
    app = make_app(url)
    rows = []
    with app.app_context():
        from app.accounts.models import User
        from app.extensions import db
        from app.households.rules import add_months
        from app.organisations.models import Organisation
        from app.reports import figures
        from app.timeutil import today

        org = db.session.scalar(select(Organisation).where(Organisation.name == ORG_NAME))
        lead = db.session.scalar(select(User).where(User.username == "lead-001"))
        on = today()
        month = date(on.year, on.month, 1)
        periods = [
            ("last 365 days", on - timedelta(days=364), on),
            ("this year (1 January to today)", date(on.year, 1, 1), on),
            ("last month", add_months(month, -1), month - timedelta(days=1)),
            ("last 30 days", on - timedelta(days=29), on),
        ]
        for who, team_id in (("organisation", None), ("one team", lead.team_id)):
            for label, start, end in periods:
                scope = figures.ReportScope(
                    organisation_id=org.id, team_id=team_id, start=start, end=end
                )
                expected = from_contacts(scope)
                got = from_rollups(scope)
                assert got == expected, (who, label, got, expected)
                db.session.rollback()
                times: dict[str, list[float]] = {"contacts": [], "rollups": []}
                for _ in range(args.runs):
                    for side, fn in (("contacts", from_contacts), ("rollups", from_rollups)):
                        started = time.perf_counter()
                        fn(scope)
                        times[side].append((time.perf_counter() - started) * 1000)
                        db.session.rollback()
                slow, fast = (statistics.median(times[s]) for s in ("contacts", "rollups"))
                rows.append((who, label, expected["persons"], slow, fast))
                print(f"{who:12} {label:32} {slow:8.0f} ms -> {fast:6.0f} ms  ({slow / fast:.1f}x)")
    lines = [
        "Reach, contacts by setting and topic, contacts per household and coverage (the contact",
        "figures of the dashboard) on the state-sized data set (`bench/scale_data.py`): counted",
        "from the contacts with the queries used before migration 0012, and from the rollups.",
        "Both give the same numbers (asserted for every row); median of "
        f"{args.runs} runs each, alternating, in one run.",
        "",
        "| scope | period | persons in contact | from the contacts | from the rollups | faster |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for who, label, persons, slow, fast in rows:
        lines.append(
            f"| {who} | {label} | {persons:,} | {slow:,.0f} ms | {fast:,.0f} ms | "
            f"{slow / fast:.1f}× |"
        )
    body = "\n".join(lines)
    print(body)
    if not args.no_write:
        write_section("Scale: contact figures from the contacts vs. from the rollups", body)


if __name__ == "__main__":
    main()
