"""Invariants the database keeps for office hours: one appointment per slot (a cancelled one
frees it), and one manager per queue entry. Through the routes on both databases; the races
themselves with threads on PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.appointments.models import Appointment
from app.audit.models import AuditEvent
from app.extensions import db
from app.officehours import services
from app.officehours.models import QueueEntry
from app.timeutil import to_local, today
from tests.appointment_world import build_world
from tests.conftest import Browser, is_postgres

TAKEN = "Dieser Termin ist schon vergeben. Bitte wählen Sie einen anderen."


def _book_url(household_id: int, location_id: int, day) -> str:
    return f"/households/{household_id}/office-hours?location_id={location_id}&day={day}"


def _live_in_slot(location_id: int, starts_at) -> int:
    db.session.expire_all()
    return db.session.scalar(
        select(func.count(Appointment.id)).where(
            Appointment.location_id == location_id,
            Appointment.starts_at == starts_at,
            Appointment.status != "cancelled",
        )
    )


def _audited(action: str, object_type: str) -> int:
    return db.session.scalar(
        select(func.count(AuditEvent.id)).where(
            AuditEvent.action == action, AuditEvent.object_type == object_type
        )
    )


@pytest.fixture
def slot(county, ctx):
    """A world with office hours all day; a free slot a week ahead."""
    world = build_world(county)
    day = today() + timedelta(days=7)
    start = services.free_slots(world.location, day)[4][0]
    return world, day, start


def test_second_booking_of_a_slot_gets_a_message_next_to_the_slots(county, login, slot):
    world, day, start = slot
    url_a = _book_url(county.household_a.id, world.location.id, day)
    first, second = login("manager"), login("lead")
    assert start.isoformat() in first.get(url_a).text
    first_seen = second.get(url_a).text  # both pages offer the slot
    assert start.isoformat() in first_seen
    assert first.post(url_a, {"starts": start.isoformat()}).status_code == 302
    answer = second.post(url_a, {"starts": start.isoformat()})
    assert answer.status_code == 400
    page = answer.text
    begin = page.index('<fieldset class="invalid"')
    assert TAKEN in page[begin : page.index("</fieldset>", begin)]  # next to the slot buttons
    assert start.isoformat() not in page  # the taken slot is no longer offered
    assert _live_in_slot(world.location.id, start) == 1
    assert _audited("create", "appointment") == 1


def test_a_booking_that_races_past_the_free_slot_check_is_refused_by_the_index(
    county, login, slot, monkeypatch
):
    """Two requests both saw the slot free; the second INSERT meets the unique index. The
    IntegrityError becomes the same German message, nothing of the booking is saved."""
    world, day, start = slot
    stale = services.free_slots(world.location, day)
    url = _book_url(county.household_a.id, world.location.id, day)
    first, second = login("manager"), login("colleague")
    first.get(url)
    second.get(url)
    assert first.post(url, {"starts": start.isoformat()}).status_code == 302
    monkeypatch.setattr(services, "free_slots", lambda *args, **kwargs: stale)
    answer = second.post(url, {"starts": start.isoformat(), "person_ids": str(county.person_a.id)})
    assert answer.status_code == 400 and TAKEN in answer.text
    assert _live_in_slot(world.location.id, start) == 1
    assert _audited("create", "appointment") == 1
    assert db.session.scalar(select(func.count()).select_from(Appointment)) == 2  # + world's


def _cancel(b: Browser, appointment_id: int, status: str = "cancelled"):
    b.get(f"/appointments/{appointment_id}")
    return b.post(f"/appointments/{appointment_id}/status", {"status": status})


def test_a_cancelled_appointment_frees_its_slot_and_cannot_take_it_back(county, login, slot):
    world, day, start = slot
    url = _book_url(county.household_a.id, world.location.id, day)
    b = login("manager")
    b.get(url)
    cancelled_id = int(
        b.post(url, {"starts": start.isoformat()}).headers["Location"].split("/")[-1]
    )
    _cancel(b, cancelled_id)
    assert start.isoformat() in b.get(url).text  # offered again
    assert b.post(url, {"starts": start.isoformat()}).status_code == 302
    assert _live_in_slot(world.location.id, start) == 1
    # Setting the cancelled one back to "planned" would put two into the slot: refused.
    answer = _cancel(b, cancelled_id, "planned")
    assert answer.status_code == 302
    assert TAKEN in b.get(answer.headers["Location"]).text
    assert db.session.get(Appointment, cancelled_id).status == "cancelled"
    assert _live_in_slot(world.location.id, start) == 1


def test_moving_an_appointment_onto_a_booked_slot_is_refused_next_to_the_time(county, login, slot):
    world, day, start = slot
    url = _book_url(county.household_a.id, world.location.id, day)
    b = login("manager")
    b.get(url)
    b.post(url, {"starts": start.isoformat()})
    later = start + timedelta(hours=1)
    moved_id = int(b.post(url, {"starts": later.isoformat()}).headers["Location"].split("/")[-1])
    b.get(f"/appointments/{moved_id}/edit")
    local = to_local(start)
    answer = b.post(
        f"/appointments/{moved_id}/edit",
        {
            "kind": "office_hour",
            "day": local.date().isoformat(),
            "start_time": local.strftime("%H:%M"),
            "end_time": (local + timedelta(minutes=30)).strftime("%H:%M"),
            "place": "Rathaus Nordheim",
            "manager_id": str(county.users["manager"].id),
            "status": "planned",
            "person_ids": str(county.person_a.id),
            "confirm_overlap": "y",  # the same manager is on duty for both: overlap confirmed
        },
    )
    assert answer.status_code == 200
    html = answer.text
    assert TAKEN in html[html.index('id="start_time"') :][:800]  # under the start time field
    db.session.expire_all()
    assert db.session.get(Appointment, moved_id).starts_at == later
    assert _live_in_slot(world.location.id, start) == 1


def _race(browsers: dict[str, Browser], send: Callable[[Browser], object]) -> dict:
    """Every browser sends at the same moment (a barrier releases them together); the answers
    by the browsers' keys."""
    barrier = threading.Barrier(len(browsers))
    answers: dict = {}
    errors: list[BaseException] = []

    def run(key: str, b: Browser) -> None:
        try:
            barrier.wait(timeout=10)
            answers[key] = send(b)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=item) for item in browsers.items()]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    assert len(answers) == len(browsers)
    return answers


NAMES = ("manager", "colleague", "lead", "admin")


def _eight_browsers(login) -> dict[str, Browser]:
    """Two browsers each (a phone and a desktop) of four people who may take the queue."""
    return {f"{name}/{n}": login(name) for name in NAMES for n in (1, 2)}


def _needs_postgres() -> None:
    if not is_postgres():
        pytest.skip(
            "needs PostgreSQL: SQLite serialises writers with a file lock, so requests "
            "cannot race; run with TEST_DATABASE_URL=postgresql+psycopg://..."
        )


def test_eight_managers_booking_one_slot_at_once_make_one_appointment(county, login, slot):
    _needs_postgres()
    world, day, start = slot
    url = _book_url(county.household_a.id, world.location.id, day)
    browsers = _eight_browsers(login)
    for b in browsers.values():
        b.get(url)
    answers = _race(browsers, lambda b: b.post(url, {"starts": start.isoformat()}))
    codes = sorted(r.status_code for r in answers.values())
    assert codes == [302] + [400] * 7, codes
    assert all(TAKEN in r.text for r in answers.values() if r.status_code == 400)
    assert _live_in_slot(world.location.id, start) == 1
    assert _audited("create", "appointment") == 1


# --- taking a queue entry -----------------------------------------------------------------------


def _queue(b: Browser, location_id: int) -> None:
    b.get(f"/officehours/locations/{location_id}/queue")


def _take_htmx(b: Browser, entry_id: int):
    return b.client.post(
        f"/officehours/queue/{entry_id}/take",
        data={"csrf_token": b.csrf},
        headers={"HX-Request": "true", "HX-Target": "queue"},
    )


def test_second_manager_is_told_who_took_the_person_htmx(county, login, ctx):
    world = build_world(county)
    manager, colleague = login("manager"), login("colleague")
    _queue(manager, world.location.id)
    _queue(colleague, world.location.id)
    first = _take_htmx(manager, world.entry.id)
    assert first.status_code == 200
    # A walk-in: the page goes on to finding or recording the person (test_officehours.py).
    assert first.headers["HX-Redirect"] == f"/officehours/queue/{world.entry.id}/person"
    second = _take_htmx(colleague, world.entry.id)
    assert second.status_code == 200 and second.text.startswith('<section id="queue"')
    assert "Amal wird schon von Manager betreut." in second.text
    db.session.expire_all()
    entry = db.session.get(QueueEntry, world.entry.id)
    assert entry.taken_by_id == county.users["manager"].id and entry.version == 2
    assert _audited("update", "queue_entry") == 1


def test_second_manager_is_told_who_took_the_person_full_page(county, login, ctx):
    world = build_world(county)
    manager, colleague = login("manager"), login("colleague")
    _queue(manager, world.location.id)
    _queue(colleague, world.location.id)
    assert manager.post(f"/officehours/queue/{world.entry.id}/take").status_code == 302
    answer = colleague.post(f"/officehours/queue/{world.entry.id}/take")
    assert answer.status_code == 302
    page = colleague.get(answer.headers["Location"]).text
    assert "Amal wird schon von Manager betreut." in page
    assert "<html" in page
    # The manager's own double tap changes nothing and is no error.
    again = manager.post(f"/officehours/queue/{world.entry.id}/take")
    assert "schon von" not in manager.get(again.headers["Location"]).text
    assert _audited("update", "queue_entry") == 1
    db.session.expire_all()
    assert db.session.get(QueueEntry, world.entry.id).taken_by_id == county.users["manager"].id


def test_a_person_who_left_cannot_be_taken(county, login, ctx):
    world = build_world(county)
    b = login("manager")
    _queue(b, world.location.id)
    b.post(f"/officehours/queue/{world.entry.id}/finish", {"status": "left"})
    answer = _take_htmx(b, world.entry.id)
    assert "Amal wartet nicht mehr." in answer.text
    db.session.expire_all()
    assert db.session.get(QueueEntry, world.entry.id).taken_by_id is None


def test_eight_managers_taking_one_entry_at_once_one_gets_it(county, login, ctx):
    _needs_postgres()
    world = build_world(county)
    browsers = _eight_browsers(login)
    for b in browsers.values():
        _queue(b, world.location.id)
    entry_id = world.entry.id  # read here: the threads have no app context
    answers = _race(browsers, lambda b: _take_htmx(b, entry_id))
    assert {r.status_code for r in answers.values()} == {200}
    db.session.expire_all()
    entry = db.session.get(QueueEntry, world.entry.id)
    winner = entry.taken_by
    for key, answer in answers.items():
        if key.startswith(winner.username + "/"):  # the winner's other browser: no error
            assert answer.headers["HX-Redirect"] == f"/officehours/queue/{entry_id}/person"
        else:
            assert f"Amal wird schon von {winner.display_name} betreut." in answer.text, key
    assert entry.version == 2 and _audited("update", "queue_entry") == 1
