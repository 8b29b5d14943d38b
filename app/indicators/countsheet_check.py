"""What is missing before the count sheet is due: persons reached without their required
indicators, contacts without a topic. Scoped like the sheet (the chosen managers' contacts of
the period); listed only where the viewer may open the record, the rest counted."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload

from app.access import household_scope
from app.accounts.models import User
from app.contacts.models import Contact, contact_participant, contact_topic_link
from app.extensions import db
from app.households.models import Household, Person
from app.indicators import services
from app.indicators.models import Indicator
from app.reports import figures

LIMIT = 200  # items listed per kind; a longer list is counted, fixed one by one anyway


@dataclass
class Check:
    persons: list[tuple[Person, list[Indicator]]] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)
    persons_total: int = 0
    contacts_total: int = 0
    hidden: int = 0  # items in households outside the viewer's access
    limit: int = LIMIT

    @property
    def complete(self) -> bool:
        return not (self.persons_total or self.contacts_total or self.hidden)


def _visible(user: User) -> Select:
    return household_scope(user, select(Household.id))


def check(user: User, period: tuple[date, date], authors: list[User], on: date) -> Check:
    result = Check()
    if not authors:
        return result
    on = min(on, period[1])
    scope = figures.ReportScope(
        organisation_id=user.organisation_id, start=period[0], end=period[1]
    )
    ids = [a.id for a in authors]
    untopical = figures.authored(scope, ids, Contact.id.label("id")).where(
        ~select(contact_topic_link.c.contact_id)
        .where(contact_topic_link.c.contact_id == Contact.id)
        .exists()
    )
    contact_ids = untopical.subquery()
    contacts = list(
        db.session.scalars(
            select(Contact)
            .where(Contact.id.in_(select(contact_ids.c.id)))
            .where(Contact.household_id.in_(_visible(user)))
            .options(joinedload(Contact.household), joinedload(Contact.author))
            .order_by(Contact.occurred_at, Contact.id)
        )
    )
    all_contacts = db.session.scalar(select(func.count()).select_from(contact_ids)) or 0
    result.contacts, result.contacts_total = contacts[:LIMIT], len(contacts)

    reached = (
        figures.persons_reached_by(scope, ids)
        .with_only_columns(contact_participant.c.person_id.label("id"))
        .group_by(None)
        .distinct()
        .subquery()
    )
    persons = list(
        db.session.scalars(
            select(Person)
            .where(Person.id.in_(select(reached.c.id)))
            .join(Household, Household.id == Person.household_id)
            .where(Household.id.in_(_visible(user)))
            .options(joinedload(Person.household))
            .order_by(Person.sort_key, Person.id)
        )
    )
    all_persons = db.session.scalar(select(func.count()).select_from(reached)) or 0
    rows = services.required_rows(user.organisation_id, persons, on)
    lacking = [(p, [r.indicator for r in rows[p.id] if r.missing]) for p in persons]
    lacking = [(p, missing) for p, missing in lacking if missing]
    result.persons, result.persons_total = lacking[:LIMIT], len(lacking)
    # Outside the viewer's access (e.g. a team's manager wrote in another team's household):
    # counted, not listed; whoever may open the case fixes it.
    result.hidden = (all_contacts - len(contacts)) + (all_persons - len(persons))
    return result
