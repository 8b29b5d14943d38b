"""Appointments, volunteers' shares and calendar feeds: plain functions without HTTP."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from flask import current_app, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from icalendar import Calendar, Event
from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload
from werkzeug.routing import BuildError

from app.access import household_scope
from app.accounts import roles
from app.accounts.models import User
from app.accounts.services import active_volunteers
from app.appointments.models import Appointment, AppointmentShare, CalendarToken
from app.audit.services import record
from app.collation import sorted_by_name
from app.consent import services as consent_services
from app.extensions import db
from app.households.models import Household, Person
from app.i18n import DEFAULT_LOCALE, UI_LOCALES
from app.timeutil import BERLIN, to_local, utcnow

CODE_ALPHABET = "ACDEFGHJKLMNPQRTUVWXY34679"  # no 0/O, 1/I/L, 2/Z, 5/S, 8/B look-alikes
CODE_LENGTH = 6


class AppointmentError(ValueError):
    """Bad input; the message is in the interface language and meant for the user."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


# --- time -------------------------------------------------------------------------------------


def local_to_utc(day: date, at: time) -> datetime:
    """A Berlin wall-clock time as naive UTC (what the database stores)."""
    return datetime.combine(day, at, tzinfo=BERLIN).astimezone(UTC).replace(tzinfo=None)


def local_day_bounds(day: date, days: int = 1) -> tuple[datetime, datetime]:
    return local_to_utc(day, time(0)), local_to_utc(day + timedelta(days=days), time(0))


def local_day(value: datetime) -> date:
    return to_local(value).date()


# --- codes and tokens -------------------------------------------------------------------------


def new_short_code() -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if not db.session.scalar(select(Appointment.id).where(Appointment.short_code == code)):
            return code


def normalise_code(raw: str) -> str:
    return "".join(ch for ch in (raw or "").upper() if ch.isalnum())[:16]


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


# --- scope ------------------------------------------------------------------------------------


def appointment_scope(user: User, stmt: Select) -> Select:
    """Appointments of households the user may see (see app.access.household_scope)."""
    return household_scope(user, stmt.join(Appointment.household))


def appointment_or_none(user: User, appointment_id: int) -> Appointment | None:
    return db.session.scalar(
        appointment_scope(user, select(Appointment).where(Appointment.id == appointment_id))
    )


def managers_for(user: User, team_id: int | None = None) -> list[User]:
    stmt = select(User).where(
        User.organisation_id == user.organisation_id,
        User.role.in_((roles.MANAGER, roles.TEAM_LEAD)),
        User.is_active_account.is_(True),
    )
    team = team_id or user.team_id
    if user.role != roles.ADMIN and team:
        stmt = stmt.where(User.team_id == team)
    return sorted_by_name(db.session.scalars(stmt), lambda u: u.display_name)


def volunteers_for(user: User) -> list[User]:
    return active_volunteers(user.organisation_id)


# --- appointments -----------------------------------------------------------------------------


def check_times(starts_at: datetime, ends_at: datetime) -> None:
    if ends_at <= starts_at:
        raise AppointmentError(_("Das Ende muss nach dem Beginn liegen."), "end_time")
    if ends_at - starts_at > timedelta(hours=12):
        raise AppointmentError(_("Ein Termin dauert höchstens 12 Stunden."), "end_time")


def overlapping(
    manager_id: int, starts_at: datetime, ends_at: datetime, exclude_id: int | None = None
) -> list[Appointment]:
    """Planned appointments of the same manager that overlap the given time."""
    stmt = select(Appointment).where(
        Appointment.manager_id == manager_id,
        Appointment.status == "planned",
        Appointment.starts_at < ends_at,
        Appointment.ends_at > starts_at,
    )
    if exclude_id is not None:
        stmt = stmt.where(Appointment.id != exclude_id)
    return list(db.session.scalars(stmt.order_by(Appointment.starts_at)))


def slot_taken_message() -> str:
    return _("Dieser Termin ist schon vergeben. Bitte wählen Sie einen anderen.")


def slot_occupied(location_id: int | None, starts_at: datetime, exclude_id: int | None) -> bool:
    """Whether another appointment holds this office-hour slot (see uq_appointment_slot)."""
    if location_id is None:
        return False
    stmt = select(Appointment.id).where(
        Appointment.location_id == location_id,
        Appointment.starts_at == starts_at,
        Appointment.status != "cancelled",
    )
    if exclude_id is not None:
        stmt = stmt.where(Appointment.id != exclude_id)
    return db.session.scalar(stmt.limit(1)) is not None


def flush_holding_slot(appointment: Appointment, field: str = "starts_at") -> None:
    """Flush an appointment; when the one-appointment-per-slot index refuses it because a
    concurrent booking got the slot first, roll back (nothing is saved) and tell the user.
    Any other integrity problem surfaces unchanged."""
    slot = (appointment.location_id, appointment.starts_at, appointment.id)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        if not slot_occupied(*slot):
            raise
        raise AppointmentError(slot_taken_message(), field) from None


APPOINTMENT_FIELDS = (
    "kind",
    "starts_at",
    "ends_at",
    "place",
    "manager_id",
    "language",
    "interpreter",
    "bring",
    "note",
    "status",
    "location_id",
)


def save_appointment(
    user: User,
    household: Household,
    data: dict,
    person_ids: list[int],
    appointment: Appointment | None = None,
) -> Appointment:
    """Create or update; the caller has checked scope and overlaps. Audits field names only."""
    check_times(data["starts_at"], data["ends_at"])
    persons = [p for p in household.members if p.id in set(person_ids)]
    created = appointment is None
    if appointment is None:
        appointment = Appointment(household=household, short_code=new_short_code())
        db.session.add(appointment)
        changed = [f for f in APPOINTMENT_FIELDS if f in data]
    else:
        changed = [
            f for f in APPOINTMENT_FIELDS if f in data and getattr(appointment, f) != data[f]
        ]
        if {p.id for p in appointment.persons} != {p.id for p in persons}:
            changed.append("persons")
    for name in APPOINTMENT_FIELDS:
        if name in data:
            setattr(appointment, name, data[name])
    appointment.persons = persons
    flush_holding_slot(appointment)
    record(
        "create" if created else "update",
        "appointment",
        appointment.id,
        "fields: " + ", ".join(changed),
        user_id=user.id,
    )
    return appointment


def set_status(user: User, appointment: Appointment, status: str) -> None:
    if status not in ("planned", "done", "cancelled", "no_show"):
        raise AppointmentError(_("Unbekannter Status."), "status")
    appointment.status = status
    flush_holding_slot(appointment, "status")  # un-cancelling needs the slot still free
    record("update", "appointment", appointment.id, "fields: status", user_id=user.id)


def appointments_between(user: User, start: date, days: int, *, team: bool = False) -> list:
    lo, hi = local_day_bounds(start, days)
    stmt = select(Appointment).where(Appointment.starts_at >= lo, Appointment.starts_at < hi)
    mine = stmt.where(Appointment.manager_id == user.id)
    stmt = appointment_scope(user, stmt) if team else mine
    # the list shows each appointment's household, manager and place: loaded in the same query
    stmt = stmt.options(
        joinedload(Appointment.household).selectinload(Household.members),
        joinedload(Appointment.manager),
        joinedload(Appointment.location),
    )
    return list(db.session.scalars(stmt.order_by(Appointment.starts_at, Appointment.id)))


# --- contacts (built in another branch) -------------------------------------------------------


def contact_prefill(item) -> dict:
    """What a new contact (consultation note) starts with, from an appointment or queue entry."""
    from app.officehours.models import QueueEntry

    if isinstance(item, QueueEntry):
        appointment = item.appointment
        started = item.called_at or utcnow()
        if appointment is not None:
            base = contact_prefill(appointment)
            return base | {"started_at": started, "setting": "office_hour"}
        return {
            "household_id": item.household_id,
            "person_ids": [item.person_id] if item.person_id else [],
            "setting": "office_hour",
            "location": item.location.label,
            "started_at": started,
            "duration": 30,
        }
    return {
        "household_id": item.household_id,
        "person_ids": [p.id for p in item.persons],
        "setting": item.kind,
        "location": item.location.label if item.location else item.place,
        "started_at": item.starts_at,
        "duration": item.duration_minutes,
    }


def contact_link(item) -> str | None:
    """URL of the prefilled contact form, once the contacts feature exists; else None."""
    prefill = contact_prefill(item)
    if not prefill["household_id"] or "contacts.new" not in current_app.view_functions:
        return None
    args = {
        "household_id": prefill["household_id"],
        "person_ids": ",".join(str(i) for i in prefill["person_ids"]),
        "setting": prefill["setting"],
        "location": prefill["location"],
        "started_at": to_local(prefill["started_at"]).strftime("%Y-%m-%dT%H:%M"),
        "duration": prefill["duration"],
    }
    try:
        return url_for("contacts.new", **args)
    except BuildError:
        return None


# --- volunteers -------------------------------------------------------------------------------


def volunteer_sharing_allowed(person: Person | None) -> bool:
    """May details of this person (and their phone number) go to a volunteer? Only with
    recorded consent to sharing appointment details with volunteers, in force today."""
    if person is None:
        return False
    return consent_services.has_consent(person, consent_services.VOLUNTEERS)


def no_sharing_consent_message() -> str:
    return _(
        "Ohne Einwilligung zur Weitergabe an Ehrenamtliche kann dieser Termin nicht geteilt "
        "werden. Bitte zuerst die Einwilligung auf der Personenseite erfassen."
    )


def sharing_consented(appointment: Appointment) -> bool:
    """Every person of the appointment (or, without named persons, of its household) consented
    to sharing with volunteers. A withdrawal takes effect at once: the share disappears."""
    people = appointment.persons or (appointment.household.members if appointment.household else [])
    return bool(people) and all(volunteer_sharing_allowed(p) for p in people)


def share(user: User, appointment: Appointment, volunteer: User, options: dict) -> AppointmentShare:
    if volunteer.role != roles.VOLUNTEER or volunteer.organisation_id != user.organisation_id:
        raise AppointmentError(_("Nur Ehrenamtliche des eigenen Trägers."), "volunteer_ids")
    if not sharing_consented(appointment):
        raise AppointmentError(no_sharing_consent_message(), "volunteer_ids")
    existing = db.session.scalar(
        select(AppointmentShare).where(
            AppointmentShare.appointment_id == appointment.id,
            AppointmentShare.volunteer_id == volunteer.id,
        )
    )
    item = existing or AppointmentShare(appointment=appointment, volunteer=volunteer)
    for name in ("show_first_name", "show_language", "show_meeting_point", "meeting_point"):
        setattr(item, name, options.get(name, getattr(item, name)))
    item.show_phone = bool(options.get("show_phone")) and volunteer_sharing_allowed(
        appointment.persons[0] if appointment.persons else None
    )
    db.session.add(item)
    db.session.flush()
    record(
        "share",
        "appointment",
        appointment.id,
        f"volunteer {volunteer.id}; fields: "
        + ", ".join(
            n
            for n in ("show_first_name", "show_language", "show_meeting_point", "show_phone")
            if getattr(item, n)
        ),
        user_id=user.id,
    )
    return item


def revoke_share(user: User, item: AppointmentShare) -> None:
    record(
        "unshare",
        "appointment",
        item.appointment_id,
        f"volunteer {item.volunteer_id}",
        user_id=user.id,
    )
    db.session.delete(item)


def share_for_volunteer(volunteer: User, share_id: int) -> AppointmentShare | None:
    item = db.session.scalar(
        select(AppointmentShare).where(
            AppointmentShare.id == share_id, AppointmentShare.volunteer_id == volunteer.id
        )
    )
    return item if item is not None and sharing_consented(item.appointment) else None


def answer_share(volunteer: User, share_id: int, answer: str) -> AppointmentShare:
    """Accept or decline; refuses (and audits) shares that are not the volunteer's."""
    item = share_for_volunteer(volunteer, share_id)
    if item is None:
        record("denied", "appointment_share", share_id, "answer", user_id=volunteer.id)
        raise AppointmentError(_("Dieser Termin ist nicht mit Ihnen geteilt."))
    if answer not in ("accepted", "declined"):
        raise AppointmentError(_("Bitte zusagen oder absagen."))
    item.answer = answer
    item.answered_at = utcnow()
    record("update", "appointment_share", item.id, "fields: answer", user_id=volunteer.id)
    return item


def shares_for(volunteer: User, *, upcoming_only: bool = True) -> list[AppointmentShare]:
    stmt = (
        select(AppointmentShare)
        .join(AppointmentShare.appointment)
        .where(AppointmentShare.volunteer_id == volunteer.id)
    )
    if upcoming_only:
        stmt = stmt.where(Appointment.ends_at >= utcnow() - timedelta(days=1))
    shares = db.session.scalars(stmt.order_by(Appointment.starts_at))
    return [s for s in shares if sharing_consented(s.appointment)]


@dataclass
class VolunteerView:
    """Exactly what a volunteer sees of a shared appointment."""

    share_id: int
    appointment_id: int
    starts_at: datetime
    ends_at: datetime
    kind: str
    manager: str
    first_name: str
    language: str
    meeting_point: str
    phone: str
    answer: str
    cancelled: bool


def volunteer_view(item: AppointmentShare) -> VolunteerView:
    appointment = item.appointment
    person = appointment.persons[0] if appointment.persons else None
    language = appointment.language or (person.languages if person else "")
    phone = ""
    if item.show_phone and person is not None and volunteer_sharing_allowed(person):
        phone = person.phone or appointment.household.phone
    return VolunteerView(
        share_id=item.id,
        appointment_id=appointment.id,
        starts_at=appointment.starts_at,
        ends_at=appointment.ends_at,
        kind=appointment.kind_label,
        manager=appointment.manager.display_name,
        first_name=person.given_name if (item.show_first_name and person) else "",
        language=language if item.show_language else "",
        meeting_point=(item.meeting_point or appointment.place) if item.show_meeting_point else "",
        phone=phone,
        answer=item.answer,
        cancelled=appointment.status == "cancelled",
    )


# --- calendar feeds ---------------------------------------------------------------------------


def issue_calendar_token(user: User) -> str:
    """A new feed token (shown once); earlier tokens of the user are revoked."""
    revoke_calendar_tokens(user, audit=False)
    raw = secrets.token_urlsafe(24)
    db.session.add(CalendarToken(user_id=user.id, token_hash=token_hash(raw)))
    db.session.flush()
    record("create", "calendar_token", user.id, "", user_id=user.id)
    return raw


def revoke_calendar_tokens(user: User, *, audit: bool = True) -> None:
    for token in db.session.scalars(
        select(CalendarToken).where(
            CalendarToken.user_id == user.id, CalendarToken.revoked_at.is_(None)
        )
    ):
        token.revoked_at = utcnow()
    if audit:
        record("revoke", "calendar_token", user.id, "", user_id=user.id)


def has_calendar_token(user: User) -> bool:
    return bool(
        db.session.scalar(
            select(CalendarToken.id).where(
                CalendarToken.user_id == user.id, CalendarToken.revoked_at.is_(None)
            )
        )
    )


def user_for_calendar_token(raw: str) -> User | None:
    if not raw or len(raw) > 100:
        return None
    token = db.session.scalar(
        select(CalendarToken).where(
            CalendarToken.token_hash == token_hash(raw), CalendarToken.revoked_at.is_(None)
        )
    )
    if token is None or not token.user.is_active_account:
        return None
    return token.user


def feed_locale(user: User) -> str:
    """Language of a calendar feed: the owner's saved interface language, else German.

    Calendar apps fetch the feed without a session and send their own Accept-Language (often
    none, or the server's), so the browser fallback of the interface does not apply here."""
    return user.locale if user.locale in UI_LOCALES else DEFAULT_LOCALE


def ical_feed(user: User) -> str:
    """The user's feed: a volunteer's shared appointments, or a manager's own ones, in the
    owner's language (feed_locale).

    Events carry no family names: calendars leave the app (phone calendars, cloud sync)."""
    with force_locale(feed_locale(user)):
        return _ical_document(_feed_events(user))


def _feed_events(user: User) -> list[dict]:
    since = utcnow() - timedelta(days=30)
    events: list[dict] = []
    if user.role == roles.VOLUNTEER:
        for item in shares_for(user, upcoming_only=False):
            if item.answer == "declined" or item.appointment.starts_at < since:
                continue
            view = volunteer_view(item)
            summary = (
                _("%(kind)s mit %(name)s", kind=view.kind, name=view.first_name)
                if view.first_name
                else view.kind
            )
            description = _("Ansprechperson: %(name)s", name=view.manager)
            if view.language:
                description += "\n" + _("Sprache: %(language)s", language=view.language)
            events.append(
                {
                    "uid": f"wb-share-{item.id}",
                    "appointment": item.appointment,
                    "summary": summary,
                    "location": view.meeting_point,
                    "description": description,
                }
            )
    else:
        stmt = select(Appointment).where(
            Appointment.manager_id == user.id, Appointment.starts_at >= since
        )
        for appointment in db.session.scalars(stmt.order_by(Appointment.starts_at)):
            events.append(
                {
                    "uid": f"wb-appointment-{appointment.id}",
                    "appointment": appointment,
                    "summary": f"{appointment.kind_label} ({appointment.short_code})",
                    "location": appointment.location.label
                    if appointment.location
                    else appointment.place,
                    "description": _("Einzelheiten in Wegbegleiter"),
                }
            )
    return events


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC)  # stored naive in UTC


def _ical_document(events: list[dict]) -> str:
    """The feed, written by the icalendar library: it escapes text (CR, LF, ;,\\) and folds
    long lines, so no text of a place or note can start a property or an event of its own."""
    calendar = Calendar()
    calendar.add("prodid", "-//Wegbegleiter//Termine//DE")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "Wegbegleiter")
    stamp = _utc(utcnow())
    for item in events:
        appointment = item["appointment"]
        event = Event()
        event.add("uid", f"{item['uid']}@wegbegleiter")
        event.add("dtstamp", stamp)
        event.add("dtstart", _utc(appointment.starts_at))
        event.add("dtend", _utc(appointment.ends_at))
        for name in ("summary", "location", "description"):
            event.add(name, item[name] or "")
        event.add("status", "CANCELLED" if appointment.status == "cancelled" else "CONFIRMED")
        calendar.add_component(event)
    return calendar.to_ical().decode()
