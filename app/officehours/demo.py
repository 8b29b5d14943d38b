"""Demo office hours, appointments, a queue, shares and one kiosk token (see app/demo)."""

from __future__ import annotations

import random
from datetime import date, time, timedelta

from sqlalchemy import select

from app.accounts import roles
from app.accounts.models import User
from app.appointments.models import Appointment, AppointmentShare
from app.appointments.services import CODE_ALPHABET, local_to_utc, token_hash
from app.extensions import db
from app.households.models import Household
from app.officehours.models import (
    KioskToken,
    OfficeException,
    OfficeLocation,
    OfficeSchedule,
    QueueEntry,
)
from app.organisations.models import Municipality
from app.timeutil import utcnow

# (municipality, location name, room, street, weekdays, start, end)
LOCATIONS = [
    ("Uhingen", "Rathaus Uhingen", "Zimmer 104", "Kirchstraße 2", (0, 3), time(9), time(12)),
    (
        "Geislingen an der Steige",
        "Rathaus Geislingen",
        "Bürgerbüro",
        "Hauptstraße 1",
        (1,),
        time(9),
        time(12),
    ),
    (
        "Süßen",
        "Rathaus Süßen",
        "Sitzungszimmer",
        "Heidenheimer Straße 30",
        (2,),
        time(14),
        time(17),
    ),
    ("Bad Boll", "Rathaus Bad Boll", "Zimmer 5", "Hauptstraße 94", (4,), time(9), time(11)),
    ("Deggingen", "Rathaus Deggingen", "EG", "Bahnhofstraße 9", (1,), time(14), time(16)),
    ("Göppingen", "Bürgerhaus Göppingen", "Raum 2", "Hauptstraße 1", (0, 2), time(9), time(13)),
]
HOLIDAYS = {
    (12, 24): "Heiligabend",
    (12, 25): "1. Weihnachtstag",
    (12, 26): "2. Weihnachtstag",
    (12, 31): "Silvester",
    (1, 1): "Neujahr",
    (1, 6): "Heilige Drei Könige",
}
KINDS = ["home_visit", "office", "accompaniment", "home_visit", "other"]
BRING = ["Pass und Aufenthaltstitel", "Bescheid des Jobcenters", "Mietvertrag", ""]


def _code(rng: random.Random, used: set[str]) -> str:
    while True:
        code = "".join(rng.choice(CODE_ALPHABET) for _ in range(6))
        if code not in used:
            used.add(code)
            return code


def build_office_hours(rng: random.Random, today: date) -> dict:
    """Locations, weekly schedules, holidays, five weeks of appointments, today's queue,
    shares with the volunteer "ehrenamt" and one kiosk token (returned, shown once)."""
    from app.demo.generator import POSTCODES

    towns = {m.name: m for m in db.session.scalars(select(Municipality))}
    staff = list(
        db.session.scalars(
            select(User).where(User.role.in_((roles.MANAGER, roles.TEAM_LEAD))).order_by(User.id)
        )
    )
    by_team: dict[int, list[User]] = {}
    for user in staff:
        by_team.setdefault(user.team_id, []).append(user)
    locations = []
    for town_name, name, room, street, weekdays, start, end in LOCATIONS:
        town = towns[town_name]
        location = OfficeLocation(
            municipality=town,
            name=name,
            room=room,
            street=street,
            postcode=POSTCODES.get(town_name, ""),
        )
        db.session.add(location)
        on_duty = [u for u in by_team.get(town.team_id, []) if u.role == roles.MANAGER][:2]
        for weekday in weekdays:
            db.session.add(
                OfficeSchedule(
                    location=location,
                    weekday=weekday,
                    start_time=start,
                    end_time=end,
                    slot_minutes=20,
                    managers=on_duty,
                )
            )
        for offset in range(0, 60):
            day = today + timedelta(days=offset)
            if (day.month, day.day) in HOLIDAYS and day.weekday() in weekdays:
                db.session.add(
                    OfficeException(location=location, on=day, reason=HOLIDAYS[day.month, day.day])
                )
        locations.append(location)
    db.session.flush()

    used: set[str] = set()
    households = list(
        db.session.scalars(
            select(Household).where(Household.status == "active").order_by(Household.id)
        )
    )
    by_manager: dict[int, list[Household]] = {}
    for household in households:
        if household.manager_id:
            by_manager.setdefault(household.manager_id, []).append(household)
    now = utcnow()
    monday = today - timedelta(days=today.weekday())
    appointments: list[Appointment] = []
    for manager in staff:
        mine = by_manager.get(manager.id)
        if not mine:
            continue
        for week in range(-2, 3):
            for day_offset in range(5):
                day = monday + timedelta(days=7 * week + day_offset)
                for _ in range(rng.choice([0, 1, 1, 2, 2])):
                    household = rng.choice(mine)
                    start = local_to_utc(day, time(rng.choice([8, 9, 10, 11, 13, 14, 15])))
                    end = start + timedelta(minutes=rng.choice([30, 45, 60, 90]))
                    status = "planned"
                    if end < now:
                        status = rng.choices(["done", "no_show", "cancelled"], [85, 8, 7])[0]
                    first = household.members[0] if household.members else None
                    appointment = Appointment(
                        household=household,
                        manager=manager,
                        kind=rng.choice(KINDS),
                        starts_at=start,
                        ends_at=end,
                        place=f"{household.street}, {household.postcode} "
                        f"{household.municipality.name}",
                        language=first.languages.split(",")[0] if first else "",
                        interpreter=bool(first and first.interpreter_needed),
                        bring=rng.choice(BRING),
                        status=status,
                        short_code=_code(rng, used),
                        persons=[first] if first else [],
                    )
                    appointments.append(appointment)
    # Office-hour bookings: a few per coming session.
    for location in locations:
        for schedule in location.schedules:
            for week in range(0, 3):
                day = monday + timedelta(days=7 * week + schedule.weekday)
                team_households = [
                    h for h in households if h.municipality_id == location.municipality_id
                ] or [h for h in households if h.team_id == location.municipality.team_id]
                if not team_households:
                    continue
                slots = rng.sample(range(6), 3)
                for slot in slots:
                    start = local_to_utc(day, schedule.start_time) + timedelta(minutes=20 * slot)
                    household = rng.choice(team_households)
                    first = household.members[0] if household.members else None
                    manager = schedule.managers[0] if schedule.managers else household.manager
                    if manager is None:
                        continue
                    appointments.append(
                        Appointment(
                            household=household,
                            manager=manager,
                            kind="office_hour",
                            location=location,
                            starts_at=start,
                            ends_at=start + timedelta(minutes=20),
                            place=f"{location.label}, {location.street}",
                            language=first.languages.split(",")[0] if first else "",
                            bring=rng.choice(BRING),
                            status="planned" if start > now else "done",
                            short_code=_code(rng, used),
                            persons=[first] if first else [],
                        )
                    )
    db.session.add_all(appointments)
    db.session.flush()

    # Today's queue at the first location: booked and walk-in visitors.
    uhingen = locations[0]
    booked_today = [a for a in appointments if a.location is uhingen][:2]
    for minutes, appointment in zip((25, 10), booked_today, strict=False):
        person = appointment.persons[0] if appointment.persons else None
        db.session.add(
            QueueEntry(
                location=uhingen,
                day=today,
                appointment_id=None,
                person_id=person.id if person else None,
                household_id=appointment.household_id,
                language=appointment.language,
                checked_in_at=now - timedelta(minutes=minutes),
            )
        )
    for minutes, first_name, language in ((18, "Amanuel", "Tigrinya"), (4, "Olha", "Ukrainisch")):
        db.session.add(
            QueueEntry(
                location=uhingen,
                day=today,
                walk_in_name=first_name,
                language=language,
                checked_in_at=now - timedelta(minutes=minutes),
            )
        )

    # Shares with the demo volunteer.
    volunteer = db.session.scalar(select(User).where(User.username == "ehrenamt"))
    manager = db.session.scalar(select(User).where(User.username == "manager"))
    shares = 0
    if volunteer and manager:
        from app.appointments.services import sharing_consented

        db.session.flush()
        # Only appointments whose persons consented to sharing with volunteers.
        upcoming = [
            a
            for a in appointments
            if a.manager_id == manager.id
            and a.status == "planned"
            and a.kind != "office_hour"
            and sharing_consented(a)
        ][:4]
        for index, appointment in enumerate(upcoming):
            appointment.kind = "accompaniment"
            db.session.add(
                AppointmentShare(
                    appointment=appointment,
                    volunteer=volunteer,
                    meeting_point="Vor dem Rathaus" if index % 2 else appointment.place,
                    answer="accepted" if index == 0 else "open",
                )
            )
            shares += 1

    # One kiosk device for the first location; the token exists only in this output.
    import secrets

    raw = secrets.token_urlsafe(24)
    db.session.add(KioskToken(location=uhingen, token_hash=token_hash(raw), label="Demo-Tablet"))
    db.session.flush()
    return {
        "locations": len(locations),
        "appointments": len(appointments),
        "shares": shares,
        "kiosk_path": f"/kiosk/{raw}",
        "kiosk_location": uhingen.label,
    }
