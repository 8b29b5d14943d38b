"""Office hours, slots, check-in and the live queue: plain functions without HTTP."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from babel.dates import format_time, get_day_names
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select, update
from sqlalchemy.orm import contains_eager, joinedload

from app.accounts import roles
from app.accounts.models import User
from app.appointments import services as appointment_services
from app.appointments.models import Appointment
from app.appointments.services import (
    AppointmentError,
    local_day_bounds,
    local_to_utc,
    normalise_code,
    token_hash,
)
from app.audit.services import record
from app.collation import sort_key, sorted_by_name
from app.extensions import db
from app.households.models import Household, Person
from app.households.search import fold, squeeze
from app.i18n import current_locale
from app.officehours.labels import desk_labels, desk_order
from app.officehours.models import (
    KioskToken,
    OfficeException,
    OfficeLocation,
    OfficeSchedule,
    QueueEntry,
)
from app.organisations.models import Municipality
from app.timeutil import to_local, utcnow

QUEUE_STATUSES = {
    "waiting": _l("wartet"),
    "in_consultation": _l("im Gespräch"),
    "done": _l("fertig"),
    "left": _l("gegangen"),
}
WEEKDAYS = (
    _l("Montag"),
    _l("Dienstag"),
    _l("Mittwoch"),
    _l("Donnerstag"),
    _l("Freitag"),
    _l("Samstag"),
    _l("Sonntag"),
)


def weekday_short(index: int) -> str:
    """Abbreviated weekday (0 = Monday) in the interface language: "Mo.", "Mon"."""
    return get_day_names("abbreviated", locale=current_locale())[index]


def clock(value: time) -> str:
    """A wall-clock time of a weekly schedule in the interface language: "14:30", "2:30 PM"."""
    return format_time(value, "short", locale=current_locale())


class CheckinError(AppointmentError):
    """A check-in that cannot be done; a message for the front desk in its interface language."""


# --- scope ------------------------------------------------------------------------------------


def location_scope(user: User, stmt: Select) -> Select:
    """Locations in municipalities the user's organisation is responsible for; team leads,
    managers and front desks with a team see their team's municipalities."""
    stmt = stmt.join(OfficeLocation.municipality).where(
        Municipality.organisation_id == user.organisation_id
    )
    if user.role != roles.ADMIN and user.team_id is not None:
        stmt = stmt.where(Municipality.team_id == user.team_id)
    return stmt


def locations_for(user: User, *, active_only: bool = False) -> list[OfficeLocation]:
    stmt = location_scope(user, select(OfficeLocation))
    if active_only:
        stmt = stmt.where(OfficeLocation.active.is_(True))
    return sorted_by_name(db.session.scalars(stmt))


def location_for(user: User, location_id: int) -> OfficeLocation | None:
    return db.session.scalar(
        location_scope(user, select(OfficeLocation).where(OfficeLocation.id == location_id))
    )


def municipalities_for(user: User) -> list[Municipality]:
    stmt = select(Municipality).where(Municipality.organisation_id == user.organisation_id)
    if user.role != roles.ADMIN and user.team_id is not None:
        stmt = stmt.where(Municipality.team_id == user.team_id)
    return sorted_by_name(db.session.scalars(stmt))


# --- schedules, exceptions and slots ----------------------------------------------------------


@dataclass
class Session:
    location: OfficeLocation
    schedule: OfficeSchedule
    day: date
    starts_at: datetime  # naive UTC
    ends_at: datetime

    @property
    def managers(self) -> list[User]:
        return self.schedule.managers


def check_schedule(data: dict) -> None:
    if data["end_time"] <= data["start_time"]:
        raise AppointmentError(_("Das Ende muss nach dem Beginn liegen."), "end_time")
    if (
        data.get("valid_until")
        and data.get("valid_from")
        and data["valid_until"] < data["valid_from"]
    ):
        raise AppointmentError(_("„Gültig bis“ liegt vor „Gültig ab“."), "valid_until")


def sessions_between(locations: list[OfficeLocation], start: date, days: int) -> list[Session]:
    """Office hours that take place, exceptions removed, ordered by time."""
    if not locations:
        return []
    ids = [loc.id for loc in locations]
    closed = {
        (e.location_id, e.on)
        for e in db.session.scalars(
            select(OfficeException).where(
                OfficeException.location_id.in_(ids),
                OfficeException.on >= start,
                OfficeException.on < start + timedelta(days=days),
            )
        )
    }
    out: list[Session] = []
    for offset in range(days):
        day = start + timedelta(days=offset)
        for location in locations:
            if not location.active or (location.id, day) in closed:
                continue
            for schedule in location.schedules:
                if schedule.weekday != day.weekday():
                    continue
                if schedule.valid_from and day < schedule.valid_from:
                    continue
                if schedule.valid_until and day > schedule.valid_until:
                    continue
                out.append(
                    Session(
                        location,
                        schedule,
                        day,
                        local_to_utc(day, schedule.start_time),
                        local_to_utc(day, schedule.end_time),
                    )
                )
    return sorted(out, key=lambda s: (s.starts_at, sort_key(s.location.name)))


# How far the front desk looks ahead for the next office hour of a location.
NEXT_SESSION_DAYS = 56


def next_sessions(
    location: OfficeLocation, after: date, limit: int = 2, days: int = NEXT_SESSION_DAYS
) -> list[Session]:
    """The next office hours of a location after the day `after` (not on it), at most
    `limit`: what the front desk offers when none is held today."""
    return sessions_between([location], after + timedelta(days=1), days)[:limit]


def free_slots(location: OfficeLocation, day: date, now: datetime | None = None) -> list:
    """Bookable (start, end, schedule) triples of a day: not past, not already booked."""
    now = now or utcnow()
    lo, hi = local_day_bounds(day)
    booked = set(
        db.session.scalars(
            select(Appointment.starts_at).where(
                Appointment.location_id == location.id,
                Appointment.starts_at >= lo,
                Appointment.starts_at < hi,
                Appointment.status != "cancelled",
            )
        )
    )
    slots = []
    for session in sessions_between([location], day, 1):
        step = timedelta(minutes=session.schedule.slot_minutes)
        at = session.starts_at
        while at + step <= session.ends_at:
            if at > now and at not in booked:
                slots.append((at, at + step, session.schedule))
            at += step
    return slots


def book_slot(
    user: User,
    location: OfficeLocation,
    household: Household,
    starts_at: datetime,
    person_ids: list[int],
    extra: dict,
    now: datetime | None = None,
) -> Appointment:
    now = now or utcnow()
    if starts_at <= now:
        raise AppointmentError(_("Dieser Termin liegt in der Vergangenheit."), "starts_at")
    day = to_local(starts_at).date()
    match = [s for s in free_slots(location, day, now) if s[0] == starts_at]
    if not match:
        raise AppointmentError(appointment_services.slot_taken_message(), "starts_at")
    slot_start, slot_end, schedule = match[0]
    manager = next(iter(schedule.managers), None)
    data = {
        "kind": "office_hour",
        "starts_at": slot_start,
        "ends_at": slot_end,
        "place": f"{location.label}, {location.address}",
        "location_id": location.id,
        "manager_id": (manager or user).id,
        "status": "planned",
    } | extra
    return appointment_services.save_appointment(user, household, data, person_ids)


# --- kiosk tokens -----------------------------------------------------------------------------


def issue_kiosk_token(user: User, location: OfficeLocation, label: str = "") -> str:
    raw = secrets.token_urlsafe(24)
    token = KioskToken(
        location=location, token_hash=token_hash(raw), label=label[:80], created_by_id=user.id
    )
    db.session.add(token)
    db.session.flush()
    record("create", "kiosk_token", token.id, f"location {location.id}", user_id=user.id)
    return raw


def revoke_kiosk_token(user: User, token: KioskToken) -> None:
    token.revoked_at = utcnow()
    record("revoke", "kiosk_token", token.id, f"location {token.location_id}", user_id=user.id)


def kiosk_token_by_raw(raw: str) -> KioskToken | None:
    if not raw or len(raw) > 100:
        return None
    return db.session.scalar(select(KioskToken).where(KioskToken.token_hash == token_hash(raw)))


def valid_kiosk_token(token_id: int | None, location_id: int) -> KioskToken | None:
    """The token of a kiosk session, if it is still valid for that location."""
    if not token_id:
        return None
    token = db.session.get(KioskToken, token_id)
    if token is None or token.revoked_at is not None or token.location_id != location_id:
        return None
    return token


# --- check-in ---------------------------------------------------------------------------------


def search_for_checkin(location: OfficeLocation, q: str, limit: int = 6) -> list[dict]:
    """Persons of active households in the location's municipality; at least 3 letters, at
    most 6 answers: enough to find oneself, too little to list the clients."""
    key = squeeze(fold(q or ""))
    if len(key.replace(" ", "")) < 3:
        return []
    stmt = (
        select(Person)
        .join(Person.household)
        .where(
            Household.municipality_id == location.municipality_id,
            Household.status == "active",
            *[Person.search_name.contains(part) for part in key.split()],
        )
        .options(contains_eager(Person.household).joinedload(Household.municipality))
        .order_by(Person.given_name, Person.id)
        .limit(limit)
    )
    persons = desk_order(list(db.session.scalars(stmt)))
    labels = desk_labels(persons)  # year of birth only where two would read the same
    return [{"person_id": p.id, "label": label} for p, label in zip(persons, labels, strict=True)]


def _today_appointment(location: OfficeLocation, person: Person, day: date):
    lo, hi = local_day_bounds(day)
    return db.session.scalar(
        select(Appointment)
        .where(
            Appointment.location_id == location.id,
            Appointment.household_id == person.household_id,
            Appointment.starts_at >= lo,
            Appointment.starts_at < hi,
            Appointment.status == "planned",
        )
        .order_by(Appointment.starts_at)
        .limit(1)
    )


def _already_waiting(location: OfficeLocation, day: date, **match) -> QueueEntry | None:
    stmt = select(QueueEntry).where(
        QueueEntry.location_id == location.id,
        QueueEntry.day == day,
        QueueEntry.status.in_(("waiting", "in_consultation")),
    )
    for name, value in match.items():
        stmt = stmt.where(getattr(QueueEntry, name) == value)
    return db.session.scalar(stmt.limit(1))


def _audit_checkin(entry: QueueEntry, how: str, actor: str) -> None:
    record("checkin", "queue_entry", entry.id, f"{how}; location {entry.location_id}; {actor}")


def check_in_person(
    location: OfficeLocation, person_id: int, actor: str, now: datetime | None = None
) -> QueueEntry:
    now = now or utcnow()
    day = to_local(now).date()
    person = db.session.get(Person, person_id)
    if person is None or person.household.municipality_id != location.municipality_id:
        record("denied", "person", person_id, f"checkin at location {location.id}; {actor}")
        raise CheckinError(_("Diese Person ist hier nicht bekannt."), "person_id")
    if existing := _already_waiting(location, day, person_id=person.id):
        return existing
    appointment = _today_appointment(location, person, day)
    entry = QueueEntry(
        location=location,
        day=day,
        person_id=person.id,
        household_id=person.household_id,
        appointment=appointment,
        scheduled_at=appointment.starts_at if appointment else None,
        language=person.languages[:80],
        checked_in_at=now,
    )
    db.session.add(entry)
    db.session.flush()
    _audit_checkin(entry, "name", actor)
    return entry


def check_in_code(
    location: OfficeLocation, code: str, actor: str, now: datetime | None = None
) -> QueueEntry:
    now = now or utcnow()
    day = to_local(now).date()
    code = normalise_code(code)
    appointment = db.session.scalar(select(Appointment).where(Appointment.short_code == code))
    if appointment is None:
        record("denied", "appointment", None, f"unknown code at location {location.id}; {actor}")
        raise CheckinError(_("Diesen Code gibt es nicht. Bitte prüfen Sie die Eingabe."), "code")
    if appointment.location_id != location.id:
        record("denied", "appointment", appointment.id, f"code at location {location.id}; {actor}")
        raise CheckinError(_("Dieser Termin gehört zu einem anderen Ort."), "code")
    if to_local(appointment.starts_at).date() != day or appointment.status != "planned":
        raise CheckinError(_("Dieser Termin ist nicht heute."), "code")
    if existing := _already_waiting(location, day, appointment_id=appointment.id):
        return existing
    person = appointment.persons[0] if appointment.persons else None
    entry = QueueEntry(
        location=location,
        day=day,
        appointment=appointment,
        person_id=person.id if person else None,
        household_id=appointment.household_id,
        scheduled_at=appointment.starts_at,
        language=(appointment.language or (person.languages if person else ""))[:80],
        checked_in_at=now,
    )
    db.session.add(entry)
    db.session.flush()
    _audit_checkin(entry, "code", actor)
    return entry


def check_in_walk_in(
    location: OfficeLocation, first_name: str, language: str, actor: str, now=None
) -> QueueEntry:
    now = now or utcnow()
    first_name = (first_name or "").strip()
    if not first_name:
        raise CheckinError(_("Bitte den Vornamen angeben."), "first_name")
    entry = QueueEntry(
        location=location,
        day=to_local(now).date(),
        walk_in_name=first_name[:80],
        language=(language or "").strip()[:80],
        checked_in_at=now,
    )
    db.session.add(entry)
    db.session.flush()
    _audit_checkin(entry, "walk-in", actor)
    return entry


# --- the queue --------------------------------------------------------------------------------


def entry_name(entry: QueueEntry) -> str:
    if entry.person is not None:
        initial = entry.person.family_name[:1]
        return f"{entry.person.given_name} {initial}." if initial else entry.person.given_name
    return entry.walk_in_name


def queue_order(entries: list[QueueEntry], now: datetime) -> list[QueueEntry]:
    """Booked appointments whose time has come go first (by their time); then everybody else
    by the time they count from: walk-ins by arrival, early booked persons by their slot."""

    def key(entry: QueueEntry):
        if entry.scheduled_at is not None and entry.scheduled_at <= now:
            return (0, entry.scheduled_at, entry.id)
        return (1, entry.scheduled_at or entry.checked_in_at, entry.id)

    return sorted(entries, key=key)


def queue_entries(location: OfficeLocation, day: date) -> list[QueueEntry]:
    return list(
        db.session.scalars(
            select(QueueEntry)
            .where(QueueEntry.location_id == location.id, QueueEntry.day == day)
            # the queue shows each entry's name and who took it: one query, not one per entry
            # (and the household's street, where two names on it read the same)
            .options(
                joinedload(QueueEntry.person).joinedload(Person.household),
                joinedload(QueueEntry.taken_by),
            )
        )
    )


def queue_state(location: OfficeLocation, now: datetime | None = None) -> dict:
    now = now or utcnow()
    entries = queue_entries(location, to_local(now).date())
    waiting = queue_order([e for e in entries if e.status == "waiting"], now)
    active = [e for e in entries if e.status == "in_consultation"]
    finished = sorted(
        (e for e in entries if e.status in ("done", "left")),
        key=lambda e: e.finished_at or e.checked_in_at,
        reverse=True,
    )
    return {"waiting": waiting, "active": active, "finished": finished, "now": now}


def queue_etag(location: OfficeLocation, now: datetime | None = None) -> str:
    """Cheap fingerprint of what the queue view shows. One aggregate query; the minute is
    part of it because waiting times (and who is due) change with the clock."""
    now = now or utcnow()
    day = to_local(now).date()
    count, max_id, versions = db.session.execute(
        select(
            func.count(QueueEntry.id), func.max(QueueEntry.id), func.sum(QueueEntry.version)
        ).where(QueueEntry.location_id == location.id, QueueEntry.day == day)
    ).one()
    raw = f"{location.id}|{day}|{count}|{max_id}|{versions}|{now:%Y%m%d%H%M}"
    return hashlib.sha256(raw.encode()).hexdigest()[:20]


def waiting_minutes(entry: QueueEntry, now: datetime) -> int:
    return max(0, int((now - entry.checked_in_at).total_seconds() // 60))


def take(user: User, entry: QueueEntry, now: datetime | None = None) -> bool:
    """The manager takes a waiting person. One conditional UPDATE decides between managers
    pressing "Aufnehmen" at the same moment: only the one whose UPDATE still finds the entry
    waiting and untaken gets it; the others are told who has it. False when the manager had
    already taken it (a double tap): nothing changes, the caller carries on as if taken."""
    result = db.session.execute(
        update(QueueEntry)
        .where(
            QueueEntry.id == entry.id,
            QueueEntry.status == "waiting",
            QueueEntry.taken_by_id.is_(None),
        )
        .values(
            status="in_consultation",
            called_at=now or utcnow(),
            taken_by_id=user.id,
            version=QueueEntry.version + 1,
        )
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(entry)  # what the database holds now, whoever won
    if result.rowcount == 1:
        record("update", "queue_entry", entry.id, "fields: status, taken_by", user_id=user.id)
        return True
    if entry.status == "in_consultation" and entry.taken_by_id == user.id:
        return False
    if entry.status == "in_consultation" and entry.taken_by is not None:
        raise CheckinError(
            _(
                "%(name)s wird schon von %(who)s betreut.",
                name=entry_name(entry),
                who=entry.taken_by.display_name,
            )
        )
    raise CheckinError(_("%(name)s wartet nicht mehr.", name=entry_name(entry)))


# --- naming a walk-in ---------------------------------------------------------------------------


def walk_in_step_refusal(user: User, entry: QueueEntry) -> str | None:
    """Why this manager cannot name this walk-in now, or None: only the manager who took the
    entry does, while the conversation lasts."""
    if entry.status != "in_consultation":
        return _("%(name)s ist nicht im Gespräch. Bitte zuerst aufnehmen.", name=entry_name(entry))
    if entry.taken_by_id != user.id:
        who = entry.taken_by.display_name if entry.taken_by else ""
        return _("%(name)s wird schon von %(who)s betreut.", name=entry_name(entry), who=who)
    return None


def link_walk_in(user: User, entry: QueueEntry, person: Person) -> bool:
    """The walk-in is this person: the entry now belongs to them and their household, so the
    contact form opens for them. One conditional UPDATE: a double submit, a replay or a second
    tab links once; False (and nothing changes) when the entry had a household already."""
    result = db.session.execute(
        update(QueueEntry)
        .where(QueueEntry.id == entry.id, QueueEntry.household_id.is_(None))
        .values(
            person_id=person.id,
            household_id=person.household_id,
            version=QueueEntry.version + 1,
        )
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(entry)
    if result.rowcount != 1:
        return False
    record("update", "queue_entry", entry.id, "fields: person, household", user_id=user.id)
    return True


def create_walk_in_person(user: User, data: dict) -> Person:
    """A new household with the walk-in as its first person, managed by the manager who took
    them (households.services audits both)."""
    from app.households import services as household_services

    household = household_services.create_household(
        user,
        {
            "name": data["family_name"],
            "municipality_id": data["municipality_id"],
            "accommodation": data["accommodation"],
            "manager_id": user.id,
        },
    )
    fields = ("given_name", "family_name", "birth_year", "languages", "residence_status")
    return household_services.create_person(household, {name: data[name] for name in fields})


def finish(user: User, entry: QueueEntry, status: str, now: datetime | None = None) -> None:
    if status not in ("done", "left") or entry.status in ("done", "left"):
        raise CheckinError(_("Dieser Schritt ist nicht möglich."))
    entry.status = status
    entry.finished_at = now or utcnow()
    entry.version += 1
    if status == "done" and entry.appointment is not None:
        entry.appointment.status = "done"
        record("update", "appointment", entry.appointment.id, "fields: status", user_id=user.id)
    record("update", "queue_entry", entry.id, "fields: status", user_id=user.id)
