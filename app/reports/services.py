"""Who may see which report scope, and the lists behind the figures (drill-down).

Admins see their organisation (any team or municipality of it); team leads their own team
only. Managers, front desk and volunteers get no dashboard (403): a manager's own figures are
in the count sheet ("meine Fälle"). A town with its own IM is its own organisation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask import abort
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import selectinload

from app.access import household_scope
from app.accounts import roles
from app.accounts.models import User
from app.collation import sorted_by_name
from app.contacts.models import Contact, Task, contact_topic_link
from app.extensions import db
from app.households.labels import household_order
from app.households.models import Household, Person
from app.households.rules import ASYLUM_WAIT_MONTHS, add_months
from app.officehours.models import QueueEntry
from app.organisations.models import Municipality, Team
from app.reports import figures
from app.reports.figures import ReportScope

REPORT_ROLES = (roles.ADMIN, roles.TEAM_LEAD)


def teams_for(user: User) -> list[Team]:
    stmt = select(Team).where(Team.organisation_id == user.organisation_id)
    if user.role != roles.ADMIN:
        stmt = stmt.where(Team.id == user.team_id)
    return sorted_by_name(db.session.scalars(stmt))


def municipalities_for(user: User) -> list[Municipality]:
    stmt = select(Municipality).where(Municipality.organisation_id == user.organisation_id)
    if user.role != roles.ADMIN:
        stmt = stmt.where(Municipality.team_id == user.team_id)
    return sorted_by_name(db.session.scalars(stmt))


def scope_for(
    user: User,
    start: date,
    end: date,
    team_id: int | None = None,
    municipality_id: int | None = None,
    *,
    teams: list[Team] | None = None,
    municipalities: list[Municipality] | None = None,
) -> ReportScope:
    """The report scope `user` asked for; 404 for a team or municipality they may not see
    (a team lead's team is always their own)."""
    if user.role not in REPORT_ROLES:
        abort(403)
    teams = teams if teams is not None else teams_for(user)
    municipalities = municipalities if municipalities is not None else municipalities_for(user)
    if team_id and team_id not in {t.id for t in teams}:
        abort(404)
    if municipality_id and municipality_id not in {m.id for m in municipalities}:
        abort(404)
    if user.role == roles.TEAM_LEAD:
        if user.team_id is None:
            abort(403)
        team_id = user.team_id
    return ReportScope(
        organisation_id=user.organisation_id,
        team_id=team_id or None,
        municipality_id=municipality_id or None,
        start=start,
        end=end,
    )


# --- drill-down lists -------------------------------------------------------------------------
@dataclass(frozen=True)
class ListSpec:
    title: object  # a lazy German string
    kind: str  # "persons", "households", "contacts", "tasks", "checkins"


LISTS = {
    "personen": ListSpec(_l("Personen in Kontakt"), "persons"),
    "einzelpersonen": ListSpec(_l("Einzelpersonen in Kontakt"), "persons"),
    "haushalte": ListSpec(_l("Haushalte in Kontakt"), "households"),
    "familien": ListSpec(_l("Familien in Kontakt (ab 2 Personen)"), "households"),
    "einzelhaushalte": ListSpec(_l("Einpersonenhaushalte in Kontakt"), "households"),
    "kontakte": ListSpec(_l("Beratungskontakte"), "contacts"),
    "berechtigte": ListSpec(_l("Berechtigte Personen (Zielgruppe)"), "persons"),
    "berechtigte-ohne-kontakt": ListSpec(_l("Berechtigte ohne Kontakt im Zeitraum"), "persons"),
    "neu-berechtigt": ListSpec(_l("Neu berechtigt"), "persons"),
    "aufgaben": ListSpec(_l("Offene Aufgaben"), "tasks"),
    "ueberfaellig": ListSpec(_l("Überfällige Aufgaben"), "tasks"),
    "sprechstunde": ListSpec(_l("Anmeldungen zur Sprechstunde"), "checkins"),
}


def _persons_in_contact(scope: ReportScope) -> Select:
    return select(figures.persons_in_contact(scope).subquery().c.person_id)


def _single_households() -> Select:
    sizes = figures.household_sizes().subquery()
    return select(sizes.c.household_id).where(sizes.c.n == 1)


def list_query(
    user: User,
    name: str,
    scope: ReportScope,
    on: date,
    *,
    setting: str = "",
    topic_id: int = 0,
    month: date | None = None,
) -> Select:
    """The records behind a figure, restricted to what `user` may see (household_scope:
    anonymised cases never appear here, although they are counted)."""
    if name in ("personen", "einzelpersonen"):
        stmt = select(Person).join(Household, Household.id == Person.household_id)
        stmt = stmt.where(Person.id.in_(_persons_in_contact(scope)))
        if name == "einzelpersonen":
            stmt = stmt.where(Person.household_id.in_(_single_households()))
        stmt = stmt.options(selectinload(Person.household)).order_by(Person.sort_key, Person.id)
    elif name in ("berechtigte", "berechtigte-ohne-kontakt", "neu-berechtigt"):
        stmt = figures.eligible_persons_stmt(scope, Person)
        if name == "berechtigte-ohne-kontakt":
            stmt = stmt.where(Person.id.not_in(_persons_in_contact(scope)))
        if name == "neu-berechtigt":
            start, end = scope.start, scope.end
            if month:
                start = max(month, scope.start)
                end = min(add_months(month, 1) - timedelta(days=1), scope.end)
            stmt = stmt.where(_became_eligible_between(start, end))
        stmt = stmt.options(selectinload(Person.household)).order_by(Person.sort_key, Person.id)
    elif name in ("haushalte", "familien", "einzelhaushalte"):
        stmt = select(Household).where(
            Household.id.in_(select(figures.households_in_contact(scope).subquery().c.household_id))
        )
        if name == "einzelhaushalte":
            stmt = stmt.where(Household.id.in_(_single_households()))
        if name == "familien":
            stmt = stmt.where(Household.id.not_in(_single_households()))
        stmt = stmt.options(
            selectinload(Household.municipality), selectinload(Household.members)
        ).order_by(*household_order())
    elif name == "kontakte":
        stmt = figures.contacts_in_period(scope, Contact)
        if setting:
            stmt = stmt.where(Contact.setting == setting)
        if topic_id:
            stmt = stmt.where(
                Contact.id.in_(
                    select(contact_topic_link.c.contact_id).where(
                        contact_topic_link.c.topic_id == topic_id
                    )
                )
            )
        stmt = stmt.options(
            selectinload(Contact.household).selectinload(Household.members)
        ).order_by(Contact.occurred_at.desc(), Contact.id.desc())
    elif name in ("aufgaben", "ueberfaellig"):
        stmt = figures.scoped(
            select(Task)
            .join(Household, Household.id == Task.household_id)
            .join(Contact, Contact.id == Task.contact_id)
            .where(Task.status == "open", Contact.deleted_at.is_(None)),
            scope,
        )
        if name == "ueberfaellig":
            stmt = stmt.where(Task.due_on < on)
        stmt = stmt.options(
            selectinload(Task.household).selectinload(Household.members), selectinload(Task.owner)
        ).order_by(Task.due_on.is_(None), Task.due_on, Task.id)
    elif name == "sprechstunde":
        stmt = figures.office_hour_entries(scope, QueueEntry)
        return stmt.options(selectinload(QueueEntry.location)).order_by(
            QueueEntry.checked_in_at.desc(), QueueEntry.id.desc()
        )
    else:
        abort(404)
    # household_scope only adds conditions on Household, which every statement here joins.
    return household_scope(user, stmt)


def _became_eligible_between(start: date, end: date):
    """Persons whose eligibility began in [start, end] (see figures.new_eligible_per_month;
    applications of 29 February fall one day earlier here than there)."""
    return or_(
        and_(
            Person.residence_status.in_(("residence_permit", "toleration")),
            Person.decision_date.between(start, end),
        ),
        and_(
            Person.residence_status == "asylum_applicant",
            Person.asylum_application_date.between(
                add_months(start, -ASYLUM_WAIT_MONTHS), add_months(end, -ASYLUM_WAIT_MONTHS)
            ),
        ),
    )
