"""Demo casework: indicator histories, plans with goals, referrals, networking contacts.

Called by the demo generator after households and persons exist. Fixed seed, plain inserts in
a few flushes, so that loading the demo county stays fast.
"""

from __future__ import annotations

import json
import random
from datetime import date, datetime, time, timedelta

from sqlalchemy import insert, select

from app.accounts.models import User
from app.extensions import db
from app.households.models import Household, Person
from app.indicators.catalogue import seed_catalogue
from app.indicators.models import Indicator, IndicatorReview, IndicatorValue
from app.indicators.services import applies
from app.plans import choices
from app.plans.models import (
    CounsellingExtension,
    Goal,
    GoalStatusChange,
    GoalStep,
    IntegrationPlan,
    NetworkingContact,
    PlanArea,
    PlanReview,
    PlanVersion,
    Referral,
)

TEXTS = ["Pflege", "Gastronomie", "Logistik", "Reinigung", "Handwerk", "Einzelhandel"]
INSTITUTIONS = {
    "integration_services": ["Migrationsberatung Caritas", "JMD Göppingen"],
    "internal_authorities": ["Ausländerbehörde Landratsamt", "Leistungsbehörde AsylbLG"],
    "external_authorities": ["Jobcenter Göppingen", "Agentur für Arbeit", "BAMF Außenstelle"],
    "welfare": ["Diakonie", "AWO Kreisverband", "DRK Kreisverband"],
    "refugee_clubs": ["Freundeskreis Asyl", "Café International"],
    "other_clubs": ["TSV", "Musikverein", "Tafel"],
    "private": ["Bäckerei Maier GmbH", "Pflegedienst Sonnenschein", "Vermieterin Haus am Park"],
    "churches": ["Ev. Kirchengemeinde", "Kath. Seelsorgeeinheit", "Moscheeverein"],
    "refugee_social_work": ["Flüchtlingssozialarbeit GU"],
    "other": ["Volkshochschule", "Stadtbibliothek"],
}


def _moment(day: date, rng: random.Random) -> datetime:
    return datetime.combine(day, time(8 + rng.randint(0, 9), rng.randint(0, 59)))


def _value(indicator: Indicator, rng: random.Random, today: date) -> str:
    kind = indicator.type
    codes = [o.code for o in indicator.options if o.retired_at is None]
    if kind == "choice":
        return rng.choice(codes)
    if kind == "multi":
        return json.dumps(sorted(rng.sample(codes, rng.randint(0, min(2, len(codes))))))
    if kind == "bool":
        return rng.choice(["true", "false"])
    if kind == "number":
        low = int(indicator.min_value or 0)
        high = int(indicator.max_value or low + 40)
        return str(rng.randint(low, high))
    if kind == "date":
        return (today + timedelta(days=rng.randint(30, 900))).isoformat()
    return rng.choice(TEXTS)


def _signers(plan: IntegrationPlan, members: dict, staff_names: dict[int, str]) -> str:
    """Who signed: names (as a manager types them), never a role word in one language."""
    people = members.get(plan.household_id, [])
    client = next((p for p in people if p.id == plan.person_id), people[0] if people else None)
    names = [f"{client.given_name} {client.family_name}"] if client else []
    return ", ".join([*names, staff_names.get(plan.created_by_id, "")]).strip(", ")


def build_casework(
    rng: random.Random, today: date, managers: list[User], organisation_of: dict[int, int]
) -> dict[str, int]:
    seed_catalogue()
    indicators = list(db.session.scalars(select(Indicator).order_by(Indicator.position)))
    households = list(db.session.scalars(select(Household).order_by(Household.id)))
    persons = list(db.session.scalars(select(Person).order_by(Person.id)))
    members: dict[int, list[Person]] = {}
    for person in persons:
        members.setdefault(person.household_id, []).append(person)
    person_level = [i for i in indicators if i.applies_to == "person"]
    household_level = [i for i in indicators if i.applies_to == "household"]
    values: list[dict] = []
    reviews: list[dict] = []

    def history(indicator, household, person, recorder):
        # one to three values over the last 15 months; about a fifth only long ago (stale)
        count = rng.choices([1, 2, 3], [65, 28, 7])[0]
        start = today - timedelta(days=rng.randint(200, 460))
        days = sorted(rng.sample(range(0, (today - start).days), count))
        if rng.random() < 0.2:
            days = [0]
        born = date(person.birth_year, 12, 31) if person is not None and person.birth_year else None
        for offset in days:
            valid_from = start + timedelta(days=offset)
            if born and valid_from <= born:
                valid_from = born + timedelta(days=1)
            values.append(
                {
                    "indicator_id": indicator.id,
                    "household_id": household.id,
                    "person_id": person.id if person is not None else None,
                    "value": _value(indicator, rng, today),
                    "valid_from": valid_from,
                    "kind": "change",
                    "recorded_by_id": recorder,
                    "recorded_at": _moment(
                        min(today, valid_from + timedelta(days=rng.randint(0, 20))), rng
                    ),
                }
            )

    for household in households:
        household.counselling_started_on = today - timedelta(days=rng.randint(20, 1120))
        people = members.get(household.id, [])
        recorder = household.manager_id
        for indicator in household_level:
            if indicator.required or rng.random() < 0.25:
                history(indicator, household, None, recorder)
        for person in people:
            applicable = [i for i in person_level if applies(i, person, today)]
            optional = [i for i in applicable if not i.required]
            for indicator in applicable:
                if indicator.required and rng.random() < 0.9:  # some required ones missing
                    history(indicator, household, person, recorder)
            for indicator in rng.sample(optional, min(2, len(optional))):
                history(indicator, household, person, recorder)
            if rng.random() < 0.3:
                reviews.append(
                    {
                        "household_id": household.id,
                        "person_id": person.id,
                        "group": rng.choice(["residence", "language", "work"]),
                        "reviewed_on": today - timedelta(days=rng.randint(0, 90)),
                        "reviewed_by_id": recorder,
                        "reviewed_at": datetime.combine(today, time(9)),
                    }
                )
    # plain multi-row inserts: tens of thousands of rows in about a second
    db.session.execute(insert(IndicatorValue), values)
    if reviews:
        db.session.execute(insert(IndicatorReview), reviews)
    # a few corrections of wrong entries (every 50th value)
    corrections = []
    by_id = {i.id: i for i in indicators}
    for wrong in db.session.execute(
        select(IndicatorValue).where(IndicatorValue.id % 50 == 0).order_by(IndicatorValue.id)
    ).scalars():
        indicator = by_id[wrong.indicator_id]
        corrections.append(
            IndicatorValue(
                indicator_id=wrong.indicator_id,
                household_id=wrong.household_id,
                person_id=wrong.person_id,
                value=_value(indicator, rng, today),
                valid_from=wrong.valid_from,
                kind="correction",
                corrects_id=wrong.id,
                recorded_by_id=wrong.recorded_by_id,
                recorded_at=wrong.recorded_at + timedelta(days=rng.randint(1, 30)),
            )
        )
    db.session.add_all(corrections)

    # plans, goals, steps, reviews, versions
    active = [h for h in households if h.status == "active"]
    plans = []
    for household in rng.sample(active, len(active) * 3 // 10):
        people = members.get(household.id, [])
        person = rng.choice(people) if people and rng.random() < 0.4 else None
        started = today - timedelta(days=rng.randint(10, 500))
        plans.append(
            IntegrationPlan(
                household_id=household.id,
                person_id=person.id if person else None,
                started_on=started,
                language=rng.choice(["Arabisch", "Dari", "Ukrainisch", "Deutsch", "Tigrinya"]),
                interpreter=rng.choice(["", "", "Sprachmittlerpool", "Familienangehörige:r"]),
                created_by_id=household.manager_id,
                created_at=_moment(started, rng),
                updated_at=_moment(started + timedelta(days=rng.randint(0, 60)), rng),
            )
        )
    db.session.add_all(plans)
    db.session.flush()
    goals = []
    extras = []
    fields = list(choices.FIELDS)
    for plan in plans:
        for field in rng.sample(fields, rng.randint(1, 3)):
            extras.append(
                PlanArea(
                    plan_id=plan.id, field=field, needs="Unterstützung nötig", resources="motiviert"
                )
            )
            goals.append(
                Goal(
                    plan_id=plan.id,
                    field=field,
                    title=f"Ziel {choices.FIELDS[field]}",
                    status="new",
                )
            )
        if rng.random() < 0.5:
            extras.append(
                PlanReview(
                    plan_id=plan.id,
                    reviewed_on=min(today, plan.started_on + timedelta(days=90)),
                    note="Fortschritt besprochen",
                    reviewed_by_id=plan.created_by_id,
                )
            )
    db.session.add_all(goals)
    db.session.flush()
    plan_by_id = {p.id: p for p in plans}
    paths = [
        ["proposed"],
        ["agreed"],
        ["agreed", "in_progress"],
        ["agreed", "in_progress", "achieved"],
        ["agreed", "in_progress", "not_achieved"],
        ["agreed", "paused"],
        ["agreed", "achieved"],
    ]
    for goal in goals:
        plan = plan_by_id[goal.plan_id]
        day = plan.started_on
        status = "new"
        for nxt in rng.choice(paths):
            day = min(today, day + timedelta(days=rng.randint(5, 120)))
            extras.append(
                GoalStatusChange(
                    goal_id=goal.id,
                    from_status=status,
                    to_status=nxt,
                    changed_on=day,
                    changed_by_id=plan.created_by_id,
                )
            )
            status = nxt
        goal.status = status
        extras.append(
            GoalStep(
                goal_id=goal.id,
                description="Termin vereinbaren",
                responsible=rng.choice(list(choices.RESPONSIBLE)),
                due_on=plan.started_on + timedelta(days=30),
                review_on=plan.started_on + timedelta(days=60),
            )
        )
    staff_names = {u.id: u.display_name for u in managers}
    for plan in plans:
        if rng.random() < 0.4:
            extras.append(
                PlanVersion(
                    plan_id=plan.id,
                    version=1,
                    agreed_on=plan.started_on,
                    signed_by=_signers(plan, members, staff_names),
                    snapshot=json.dumps({"plan_id": plan.id}),
                    recorded_by_id=plan.created_by_id,
                )
            )

    # referrals
    services = list(choices.SERVICES)
    for household in households:
        if rng.random() < 0.4:
            for _ in range(rng.randint(1, 2)):
                extras.append(
                    Referral(
                        household_id=household.id,
                        service=rng.choice(services),
                        referred_on=today - timedelta(days=rng.randint(1, 540)),
                        reason="Unterstützung bei Antrag",
                        outcome=rng.choice(list(choices.REFERRAL_OUTCOMES)),
                        recorded_by_id=household.manager_id,
                    )
                )
        if household.status == "active" and rng.random() < 0.03:
            extras.append(
                CounsellingExtension(
                    household_id=household.id,
                    extended_on=today,
                    reason="Ausbildung läuft noch",
                    recorded_by_id=household.manager_id,
                )
            )

    # networking contacts of every manager
    groups = list(choices.NETWORK_GROUPS)
    networking = 0
    for manager in managers:
        for _ in range(rng.randint(10, 30)):
            group = rng.choice(groups)
            extras.append(
                NetworkingContact(
                    organisation_id=organisation_of[manager.id],
                    user_id=manager.id,
                    group=group,
                    institution=rng.choice(INSTITUTIONS[group]),
                    contacted_on=today - timedelta(days=rng.randint(1, 540)),
                    topic="Austausch",
                )
            )
            networking += 1
    db.session.add_all(extras)
    db.session.flush()
    return {
        "values": len(values) + len(corrections),
        "plans": len(plans),
        "goals": len(goals),
        "networking": networking,
    }
