"""Transfer of a household to the organisation of its new home town (issue #16, point 5).

Rules (routes stay thin; docs/transfers.md says what moves):
- the sending side (the household's manager, team lead or admin) starts a transfer by naming
  the new town; a town of one's own organisation is refused (that is a move, not a transfer);
- with every member's transfer consent the transfer waits for the receiving organisation's
  admin, or the team lead of the town's team, who accepts (the case moves, with the data the
  consent covers) or declines (the case stays);
- without that consent only a notice "Umzug gemeldet" goes (household name, town, number of
  persons: no case data) and the sending side closes the case as moved away;
- the sender keeps no access after acceptance (access follows the household's organisation);
- every step is audited by the user who takes it, so each side's log shows its own part.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import delete, or_, select, update

from app.accounts import roles
from app.accounts.models import User
from app.appointments.models import Appointment, AppointmentShare
from app.audit.services import record
from app.collation import sorted_by_name
from app.consent import services as consent
from app.contacts.models import Contact, ContactComment, ContactVersion, Task
from app.extensions import db
from app.households.models import Household, Person
from app.households.services import close_household
from app.organisations.models import Municipality
from app.privacy.registry import ANONYMISED, anonymiser
from app.timeutil import today, utcnow
from app.transfers.models import ACCEPTED, DECLINED, NOTICE, PENDING, Transfer


class TransferError(ValueError):
    """A transfer step the rules refuse; the message is shown to the user."""


@dataclass(frozen=True)
class TransferPlan:
    """What starting a transfer to `municipality` would do, shown before it is sent."""

    household: Household
    municipality: Municipality
    consented: bool  # every member consented to the transfer: the case moves on acceptance
    with_notes: bool  # ... and to the contacts' notes going along
    missing: list[Person] = field(default_factory=list)  # members without transfer consent


def plan_transfer(household: Household, municipality: Municipality) -> TransferPlan:
    if municipality.organisation_id == household.organisation_id:
        raise TransferError(
            _(
                "%(town)s gehört zu Ihrer eigenen Organisation: ein Umzug dorthin ist keine "
                "Übertragung. Bitte den Haushalt bearbeiten.",
                town=municipality.name,
            )
        )
    if household.status != "active":
        raise TransferError(_("Nur aktive Haushalte können übertragen werden."))
    members = list(household.members)
    missing = [p for p in members if not consent.has_consent(p, consent.TRANSFER)]
    consented = bool(members) and not missing
    with_notes = consented and all(consent.has_consent(p, consent.TRANSFER_NOTES) for p in members)
    return TransferPlan(household, municipality, consented, with_notes, missing)


def open_transfer(household: Household) -> Transfer | None:
    return db.session.scalar(
        select(Transfer).where(Transfer.household_id == household.id, Transfer.status == PENDING)
    )


def latest_transfer(household: Household) -> Transfer | None:
    return db.session.scalar(
        select(Transfer)
        .where(Transfer.household_id == household.id)
        .order_by(Transfer.id.desc())
        .limit(1)
    )


def start_transfer(user: User, household: Household, municipality: Municipality) -> Transfer:
    """Send the transfer (or, without consent, the notice). A replay while one waits returns
    the waiting transfer; nothing is sent twice (the caller commits)."""
    waiting = open_transfer(household)
    if waiting is not None:
        return waiting
    plan = plan_transfer(household, municipality)
    first = household.members[0] if household.members else None
    in_force = consent.current(first) if plan.consented and first is not None else None
    transfer = Transfer(
        household_id=household.id,
        from_org_id=household.organisation_id,
        to_org_id=municipality.organisation_id,
        to_municipality_id=municipality.id,
        status=PENDING if plan.consented else NOTICE,
        consent_id=in_force.id if in_force else None,
        with_notes=plan.with_notes,
        household_name=household.name,
        persons=len(household.members),
        created_by_id=user.id,
    )
    db.session.add(transfer)
    db.session.flush()
    detail = (
        f"transfer {transfer.id} to organisation {municipality.organisation_id}, "
        f"town {municipality.id}"
    )
    if plan.consented:
        record(
            "transfer_start",
            "household",
            household.id,
            f"{detail}; consent, notes: {'yes' if plan.with_notes else 'no'}",
            user_id=user.id,
        )
    else:
        record(
            "transfer_notice", "household", household.id, f"{detail}; no consent", user_id=user.id
        )
        close_household(household, "moved_away", today())
    return transfer


# --- the receiving side --------------------------------------------------------------------


def inbox_query(user: User):
    """Transfers and notices addressed to the user's organisation (a team lead: those for the
    towns of their team), newest first."""
    stmt = select(Transfer).where(Transfer.to_org_id == user.organisation_id)
    if user.role != roles.ADMIN:
        stmt = stmt.join(Transfer.to_municipality).where(Municipality.team_id == user.team_id)
    return stmt.order_by(Transfer.status != PENDING, Transfer.id.desc())


def may_decide(user: User, transfer: Transfer) -> bool:
    if user.organisation_id != transfer.to_org_id:
        return False
    if user.role == roles.ADMIN:
        return True
    return user.role == roles.TEAM_LEAD and user.team_id == transfer.to_municipality.team_id


def receiving_managers(transfer: Transfer) -> list[User]:
    """Who may take the case over: the active managers and team leads of the town's team."""
    return sorted_by_name(
        db.session.scalars(
            select(User).where(
                User.organisation_id == transfer.to_org_id,
                User.team_id == transfer.to_municipality.team_id,
                User.role.in_((roles.MANAGER, roles.TEAM_LEAD)),
                User.is_active_account.is_(True),
            )
        ),
        lambda u: u.display_name,
    )


def _still_consented(transfer: Transfer) -> bool:
    members = transfer.household.members
    return bool(members) and all(consent.has_consent(p, consent.TRANSFER) for p in members)


def _drop_notes(household: Household) -> int:
    """Without consent to the notes: the contacts' free text, its earlier versions and the
    sending team's review comments stay behind (they are removed); dates, settings, topics and
    participants move. Returns how many contacts had a note."""
    contacts = list(db.session.scalars(select(Contact).where(Contact.household_id == household.id)))
    ids = [c.id for c in contacts]
    with_note = 0
    for contact in contacts:
        if contact.note:
            with_note += 1
            contact.note = ""
        contact.deleted_reason = ""
    if ids:
        for version in db.session.scalars(
            select(ContactVersion).where(ContactVersion.contact_id.in_(ids))
        ):
            if "note" in version.old_values:
                version.old_values = {**version.old_values, "note": ""}
        db.session.execute(delete(ContactComment).where(ContactComment.contact_id.in_(ids)))
    return with_note


def accept(user: User, transfer: Transfer, manager: User | None) -> Household:
    """The case moves to the receiving organisation: town, team, manager (or the team without
    one). Planned appointments of the sending side are cancelled and every volunteer share
    ends; open tasks go to the new manager (the caller commits)."""
    if not may_decide(user, transfer):
        raise TransferError(_("Sie können über diese Übertragung nicht entscheiden."))
    if transfer.status != PENDING:
        raise TransferError(_("Über diese Übertragung ist schon entschieden."))
    if manager is not None and manager not in receiving_managers(transfer):
        raise TransferError(_("Diese Person gehört nicht zum zuständigen Team."))
    if not _still_consented(transfer):
        raise TransferError(_("Die Einwilligung zur Übertragung gilt nicht mehr: bitte ablehnen."))
    household = transfer.household
    from_org = household.organisation_id
    town = transfer.to_municipality
    household.organisation_id = transfer.to_org_id
    household.team_id = town.team_id
    household.municipality_id = town.id
    household.manager_id = manager.id if manager else None
    # The old address is no longer where the household lives; the new one is asked for.
    household.street = ""
    household.postcode = ""
    notes = "moved" if transfer.with_notes else f"dropped ({_drop_notes(household)})"
    appointment_ids = select(Appointment.id).where(Appointment.household_id == household.id)
    db.session.execute(
        delete(AppointmentShare).where(AppointmentShare.appointment_id.in_(appointment_ids))
    )
    cancelled = 0
    for appointment in db.session.scalars(
        select(Appointment).where(
            Appointment.household_id == household.id,
            Appointment.status == "planned",
            Appointment.starts_at >= utcnow(),
        )
    ):
        appointment.status = "cancelled"
        cancelled += 1
    for task in db.session.scalars(
        select(Task).where(
            Task.household_id == household.id,
            Task.status == "open",
            or_(Task.owner_kind == "manager", Task.owner_kind == "colleague"),
        )
    ):
        task.owner_kind = "manager"
        task.owner_id = manager.id if manager else None
    transfer.status = ACCEPTED
    transfer.decided_by_id = user.id
    transfer.decided_at = utcnow()
    record(
        "transfer_accept",
        "household",
        household.id,
        f"transfer {transfer.id} from organisation {from_org}; notes {notes}; "
        f"appointments cancelled: {cancelled}",
        user_id=user.id,
    )
    return household


def decline(user: User, transfer: Transfer) -> None:
    if not may_decide(user, transfer):
        raise TransferError(_("Sie können über diese Übertragung nicht entscheiden."))
    if transfer.status != PENDING:
        raise TransferError(_("Über diese Übertragung ist schon entschieden."))
    transfer.status = DECLINED
    transfer.decided_by_id = user.id
    transfer.decided_at = utcnow()
    record(
        "transfer_decline",
        "household",
        transfer.household_id,
        f"transfer {transfer.id}",
        user_id=user.id,
    )


def other_towns(user: User) -> list[Municipality]:
    """Towns a household can move to, own organisation's included (those are refused with a
    message rather than hidden, so that a wrong choice is explained)."""
    return sorted_by_name(db.session.scalars(select(Municipality)))


@anonymiser("transfers")
def anonymise_transfers(household: Household) -> None:
    """The name a notice carried goes; where and when the household moved stays."""
    db.session.execute(
        update(Transfer)
        .where(Transfer.household_id == household.id)
        .values(household_name=ANONYMISED)
    )
