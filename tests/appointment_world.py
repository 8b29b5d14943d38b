"""Appointments and office hours on top of the `county` fixture (team A, town "Nordheim")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time, timedelta

from app.appointments import services as appointment_services
from app.appointments.models import Appointment, AppointmentShare
from app.consent.models import ConsentRecord
from app.extensions import db
from app.officehours.models import (
    KioskToken,
    OfficeException,
    OfficeLocation,
    OfficeSchedule,
    QueueEntry,
)
from app.timeutil import to_local, today, utcnow


@dataclass
class World:
    location: OfficeLocation
    schedule: OfficeSchedule
    exception: OfficeException
    appointment: Appointment
    share: AppointmentShare
    kiosk_token: KioskToken
    kiosk_raw: str
    entry: QueueEntry


def build_world(county) -> World:
    """Call inside an app context (the `county` fixture provides one)."""
    users = county.users
    location = OfficeLocation(
        municipality=county.town_a, name="Rathaus Nordheim", room="Zimmer 3", street="Markt 1"
    )
    schedule = OfficeSchedule(
        location=location,
        weekday=today().weekday(),
        start_time=time(0, 0),
        end_time=time(23, 30),
        slot_minutes=30,
        managers=[users["manager"]],
    )
    exception = OfficeException(
        location=location, on=today() + timedelta(days=70), reason="Feiertag"
    )
    db.session.add_all([location, schedule, exception])
    db.session.flush()
    # An hour from now, unless that is already tomorrow in Berlin (tests run after 23:00):
    # then an hour ago. Check-in by code and the day views need the appointment today.
    now = utcnow().replace(second=0, microsecond=0)
    later = now + timedelta(hours=1)
    start = later if to_local(later).date() == to_local(now).date() else now - timedelta(hours=1)
    appointment = Appointment(
        household=county.household_a,
        manager=users["manager"],
        kind="home_visit",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        place="Hauptstr. 5, Nordheim",
        short_code=appointment_services.new_short_code(),
        persons=[county.person_a],
    )
    share = AppointmentShare(appointment=appointment, volunteer=users["volunteer"])
    # The share is valid: Samira consented to sharing appointment details with volunteers.
    consent = ConsentRecord(
        person_id=county.person_a.id,
        state="given",
        counselling=True,
        volunteer_sharing=True,
        effective_on=today() - timedelta(days=30),
        method="paper",
    )
    db.session.add_all([appointment, share, consent])
    raw = "kiosk-" + "x" * 30
    kiosk_token = KioskToken(location=location, token_hash=appointment_services.token_hash(raw))
    entry = QueueEntry(location=location, day=today(), walk_in_name="Amal", language="Arabisch")
    db.session.add_all([kiosk_token, entry])
    db.session.commit()
    return World(location, schedule, exception, appointment, share, kiosk_token, raw, entry)
