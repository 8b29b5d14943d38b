"""Caseload handover (issue #16, point 4): all or some households of one manager, or of one
place (a town, optionally a street: e.g. a collective accommodation), go to another manager or
team in one step.

Rules (routes stay thin):
- a team lead hands over households of their own team, an admin those of the organisation;
  the target is a manager (the household goes to the manager's team) or a team without a
  manager, always of the same organisation;
- before anything is saved a preview shows how many households, open tasks and volunteer
  shares are affected, and lists the tasks and shares for review;
- open tasks of the former manager and their planned appointments (with the volunteer shares)
  follow the new manager; without a new manager they stay and are listed for review;
- one transaction, one audit entry per household; the form's idempotency key is in each entry,
  so a replayed confirmation changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload, selectinload

from app.access import household_scope
from app.accounts import roles
from app.accounts.models import User
from app.appointments.models import Appointment, AppointmentShare
from app.audit.models import AuditEvent
from app.audit.services import record
from app.collation import sorted_by_name
from app.contacts.models import Task
from app.extensions import db
from app.households.labels import household_order
from app.households.models import Household
from app.households.search import fold
from app.organisations.models import Team
from app.timeutil import utcnow

ACTION = "handover"


class HandoverError(ValueError):
    """A handover the rules refuse; the message is shown to the user."""


@dataclass(frozen=True)
class Source:
    manager_id: int = 0  # 0: any manager (also none)
    municipality_id: int = 0  # 0: any town
    street: str = ""  # part of the street, e.g. of a collective accommodation

    @property
    def chosen(self) -> bool:
        return bool(self.manager_id or self.municipality_id)


@dataclass(frozen=True)
class Target:
    team: Team
    manager: User | None


def resolve_target(organisation_id: int, manager: User | None, team: Team | None) -> Target:
    """The target of a handover: a manager (and their team) or a team without a manager."""
    if manager is None and team is None:
        raise HandoverError(_("Bitte eine Person oder ein Team wählen."))
    if manager is not None:
        if manager.organisation_id != organisation_id or manager.team_id is None:
            raise HandoverError(_("Diese Person kann keine Haushalte übernehmen."))
        if team is not None and team.id != manager.team_id:
            raise HandoverError(_("Die Person gehört nicht zu diesem Team."))
        return Target(team=manager.team, manager=manager)
    assert team is not None
    if team.organisation_id != organisation_id:
        raise HandoverError(_("Das Team gehört nicht zu Ihrer Organisation."))
    return Target(team=team, manager=None)


def source_query(user: User, source: Source) -> Select:
    stmt = household_scope(user, select(Household)).where(Household.status == "active")
    if source.manager_id:
        stmt = stmt.where(Household.manager_id == source.manager_id)
    if source.municipality_id:
        stmt = stmt.where(Household.municipality_id == source.municipality_id)
    return stmt.options(
        joinedload(Household.municipality),
        joinedload(Household.manager),
        selectinload(Household.members),
    ).order_by(*household_order())


def source_households(user: User, source: Source) -> list[Household]:
    if not source.chosen:
        return []
    households = list(db.session.scalars(source_query(user, source)))
    wanted = fold(source.street)
    if wanted:
        households = [h for h in households if wanted in fold(h.street)]
    return households


def moving(households: list[Household], target: Target) -> list[Household]:
    """Those that would change at all: already with the target they stay as they are."""
    return [
        h
        for h in households
        if h.team_id != target.team.id
        or (target.manager is not None and h.manager_id != target.manager.id)
        or (target.manager is None and h.manager_id is not None)
    ]


def open_tasks(households: list[Household]) -> list[Task]:
    ids = [h.id for h in households]
    if not ids:
        return []
    return list(
        db.session.scalars(
            select(Task)
            .where(Task.household_id.in_(ids), Task.status == "open")
            .options(joinedload(Task.household), joinedload(Task.owner))
            .order_by(Task.due_on, Task.id)
        )
    )


def volunteer_shares(households: list[Household]) -> list[AppointmentShare]:
    """Shares of planned, coming appointments of the households."""
    ids = [h.id for h in households]
    if not ids:
        return []
    return list(
        db.session.scalars(
            select(AppointmentShare)
            .join(AppointmentShare.appointment)
            .where(
                Appointment.household_id.in_(ids),
                Appointment.status == "planned",
                Appointment.starts_at >= utcnow(),
            )
            .options(
                joinedload(AppointmentShare.appointment).joinedload(Appointment.household),
                joinedload(AppointmentShare.volunteer),
            )
            .order_by(Appointment.starts_at, AppointmentShare.id)
        )
    )


@dataclass(frozen=True)
class Preview:
    households: list[Household]
    tasks: list[Task]
    shares: list[AppointmentShare]
    target: Target

    @property
    def follow(self) -> bool:
        """Tasks and appointments follow a new manager; without one they wait for review."""
        return self.target.manager is not None


def preview(households: list[Household], target: Target) -> Preview:
    chosen = moving(households, target)
    return Preview(chosen, open_tasks(chosen), volunteer_shares(chosen), target)


def already_done(key: str) -> bool:
    return bool(
        db.session.scalar(
            select(func.count(AuditEvent.id)).where(
                AuditEvent.action == ACTION, AuditEvent.detail.contains(f"key {key}")
            )
        )
    )


def apply(user: User, households: list[Household], target: Target, key: str) -> Preview:
    """Hand the households over (the caller commits, once for all of them). Returns what was
    moved; a replay of the same key moves nothing."""
    if already_done(key):
        return Preview([], [], [], target)
    result = preview(households, target)
    new_manager_id = target.manager.id if target.manager else None
    previous = {h.id: h.manager_id for h in result.households}
    if target.manager is not None:
        for task in result.tasks:
            if task.owner_kind == "manager" and task.owner_id == previous[task.household_id]:
                task.owner_id = new_manager_id
        ids = list(previous)
        for appointment in db.session.scalars(
            select(Appointment).where(
                Appointment.household_id.in_(ids),
                Appointment.status == "planned",
                Appointment.starts_at >= utcnow(),
            )
        ):
            if appointment.manager_id == previous[appointment.household_id]:
                appointment.manager_id = target.manager.id
    for household in result.households:
        detail = (
            f"manager {household.manager_id} -> {new_manager_id}; "
            f"team {household.team_id} -> {target.team.id}; key {key}"
        )
        household.team_id = target.team.id
        household.manager_id = new_manager_id
        record(ACTION, "household", household.id, detail, user_id=user.id)
    return result


def managers_in(user: User) -> list[User]:
    """Source managers the user may pick: the team's (team lead) or the organisation's."""
    stmt = select(User).where(
        User.organisation_id == user.organisation_id,
        User.role.in_((roles.MANAGER, roles.TEAM_LEAD)),
    )
    if user.role != roles.ADMIN:
        stmt = stmt.where(User.team_id == user.team_id)
    return sorted_by_name(db.session.scalars(stmt), lambda u: u.display_name)


def target_managers(user: User) -> list[User]:
    """Active managers of the whole organisation: a case may go to another team."""
    return sorted_by_name(
        db.session.scalars(
            select(User).where(
                User.organisation_id == user.organisation_id,
                User.role.in_((roles.MANAGER, roles.TEAM_LEAD)),
                User.is_active_account.is_(True),
                User.team_id.is_not(None),
            )
        ),
        lambda u: u.display_name,
    )
