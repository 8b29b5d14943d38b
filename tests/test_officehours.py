"""Office hours: sessions and slots, booking, kiosk tokens, check-in, the live queue."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from app.appointments.models import Appointment
from app.audit.models import AuditEvent
from app.extensions import db
from app.officehours import services
from app.officehours.models import KioskToken, OfficeException, OfficeLocation, QueueEntry
from app.timeutil import today, utcnow
from tests.appointment_world import build_world
from tests.conftest import count_rows


def test_sessions_follow_weekday_validity_and_exceptions(county, ctx):
    world = build_world(county)
    days = services.sessions_between([world.location], today(), 14)
    assert [s.day for s in days] == [today(), today() + timedelta(days=7)]
    db.session.add(OfficeException(location=world.location, on=today() + timedelta(days=7)))
    world.schedule.valid_until = today() + timedelta(days=10)
    db.session.flush()
    assert [s.day for s in services.sessions_between([world.location], today(), 28)] == [today()]


def test_free_slots_skip_past_and_booked(county, ctx):
    world = build_world(county)
    day = today() + timedelta(days=7)
    slots = services.free_slots(world.location, day)
    assert len(slots) == 47  # 00:00–23:30 in 30-minute steps
    first = slots[0][0]
    services.book_slot(county.users["manager"], world.location, county.household_a, first, [], {})
    assert first not in [s[0] for s in services.free_slots(world.location, day)]
    now = utcnow()
    assert all(s[0] > now for s in services.free_slots(world.location, today()))


def test_booking_a_slot_makes_an_appointment(county, login, ctx):
    world = build_world(county)
    day = today() + timedelta(days=7)
    b = login("manager")
    url = f"/households/{county.household_a.id}/office-hours"
    url += f"?location_id={world.location.id}&day={day}"
    page = b.get(url).get_data(as_text=True)
    start = services.free_slots(world.location, day)[4][0]
    assert start.isoformat() in page
    response = b.post(url, {"starts": start.isoformat(), "person_ids": str(county.person_a.id)})
    assert response.status_code == 302
    booked = db.session.scalar(select(Appointment).where(Appointment.kind == "office_hour"))
    assert booked.location_id == world.location.id and booked.starts_at == start
    assert booked.manager_id == county.users["manager"].id  # on duty in the schedule


def test_booking_a_slot_in_the_past_is_refused(county, login, ctx):
    world = build_world(county)
    before = count_rows(Appointment)
    past = utcnow().replace(second=0, microsecond=0) - timedelta(hours=2)
    b = login("manager")
    url = f"/households/{county.household_a.id}/office-hours?location_id={world.location.id}"
    b.get(url)
    response = b.post(url, {"starts": past.isoformat()})
    assert response.status_code == 400
    assert "Dieser Termin liegt in der Vergangenheit." in response.get_data(as_text=True)
    assert count_rows(Appointment) == before


def test_maintaining_locations_schedules_and_exceptions(county, login, ctx):
    b = login("lead")
    b.get("/officehours/locations/new")
    response = b.post(
        "/officehours/locations/new",
        {"name": "Rathaus Nordheim", "room": "2", "municipality_id": str(county.town_a.id)},
    )
    assert response.status_code == 302
    location = db.session.scalar(select(OfficeLocation))
    url = f"/officehours/locations/{location.id}/schedules/new"
    b.get(url)
    bad = b.post(
        url, {"weekday": "1", "start_time": "12:00", "end_time": "09:00", "slot_minutes": "20"}
    )
    assert "Das Ende muss nach dem Beginn liegen." in bad.get_data(as_text=True)
    ok = b.post(
        url,
        {
            "weekday": "1",
            "start_time": "09:00",
            "end_time": "12:00",
            "slot_minutes": "20",
            "manager_ids": str(county.users["manager"].id),
        },
    )
    assert ok.status_code == 302
    db.session.expire_all()
    assert location.schedules[0].managers == [county.users["manager"]]
    b.get(f"/officehours/locations/{location.id}/exceptions/new")
    past = b.post(
        f"/officehours/locations/{location.id}/exceptions/new",
        {"on": (today() - timedelta(days=1)).isoformat()},
    )
    assert "Vergangenheit" in past.get_data(as_text=True)
    assert count_rows(OfficeException) == 0
    # The team lead of another team does not see it.
    assert login("manager_b").get(f"/officehours/locations/{location.id}").status_code == 404


def _kiosk(app, raw: str):
    from tests.conftest import Browser

    b = Browser(app.test_client())
    response = b.get(f"/kiosk/{raw}")
    return b, response


def test_kiosk_token_enrols_device_and_revoking_works_at_once(app, county, login, ctx):
    world = build_world(county)
    b, response = _kiosk(app, world.kiosk_raw)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/desk/{world.location.id}")
    page = b.get(f"/desk/{world.location.id}")
    assert page.status_code == 200 and "Ohne Termin" in page.get_data(as_text=True)
    walk_in = b.post(
        f"/desk/{world.location.id}/checkin",
        {"mode": "walk_in", "first_name": "Yonas", "language": "Tigrinya"},
    )
    assert walk_in.status_code == 303
    assert db.session.scalar(select(QueueEntry).where(QueueEntry.walk_in_name == "Yonas"))
    # Only the token's hash is stored.
    assert db.session.scalar(select(KioskToken.token_hash)) != world.kiosk_raw
    # Another location's desk is refused for this kiosk.
    other = OfficeLocation(municipality=county.town_a, name="Bürgerhaus")
    db.session.add(other)
    db.session.commit()
    assert b.get(f"/desk/{other.id}").status_code == 403
    # Revoked by the admin: the next request is refused.
    b, _ = _kiosk(app, world.kiosk_raw)
    admin = login("admin")
    admin.get(f"/officehours/locations/{world.location.id}")
    assert admin.post(f"/officehours/kiosks/{world.kiosk_token.id}/revoke").status_code == 302
    refused = b.get(f"/desk/{world.location.id}")
    assert refused.status_code == 403
    assert "gesperrt" in refused.get_data(as_text=True)
    before = count_rows(QueueEntry)
    b.post(f"/desk/{world.location.id}/checkin", {"mode": "walk_in", "first_name": "X"})
    assert count_rows(QueueEntry) == before
    assert _kiosk(app, world.kiosk_raw)[1].status_code == 404
    assert db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.action == "denied", AuditEvent.object_type == "kiosk_token"
        )
    )


def test_admin_creates_kiosk_link_shown_once(app, county, login, ctx):
    world = build_world(county)
    admin = login("admin")
    admin.get(f"/officehours/locations/{world.location.id}")
    body = admin.post(
        f"/officehours/locations/{world.location.id}/kiosks/new", {"label": "Tablet"}
    ).get_data(as_text=True)
    import re

    raw = re.search(r'value="http://localhost/kiosk/([^"]+)"', body).group(1)
    assert _kiosk(app, raw)[1].status_code == 302
    again = admin.get(f"/officehours/locations/{world.location.id}").get_data(as_text=True)
    assert raw not in again


def test_name_search_is_limited_and_shows_little(app, county, make, ctx):
    world = build_world(county)
    make.person(county.household_b, "Samira", "Sofi")  # other municipality
    db.session.commit()
    results = services.search_for_checkin(world.location, "sam")
    assert results == [{"person_id": county.person_a.id, "label": "Samira H. · Nordheim"}]
    assert services.search_for_checkin(world.location, "sa") == []
    b, _ = _kiosk(app, world.kiosk_raw)
    body = b.get(f"/desk/{world.location.id}?q=samira").get_data(as_text=True)
    assert "Samira H." in body and "Haddad" not in body and "1990" not in body
    fragment = b.htmx_get(f"/desk/{world.location.id}?q=samira", target="checkin-results")
    assert "<html" not in fragment.get_data(as_text=True)
    # Checking in a person of another municipality by a forged id is refused.
    person_b = county.household_b.members[0]
    response = b.post(
        f"/desk/{world.location.id}/checkin", {"mode": "person", "person_id": str(person_b.id)}
    )
    assert response.status_code == 303
    assert count_rows(QueueEntry) == 1  # only the world's walk-in
    ok = b.post(
        f"/desk/{world.location.id}/checkin",
        {"mode": "person", "person_id": str(county.person_a.id)},
    )
    assert ok.status_code == 303
    assert count_rows(QueueEntry) == 2


def test_code_checkin_and_bad_codes(app, county, ctx):
    world = build_world(county)
    appointment = world.appointment
    appointment.location = world.location
    other = OfficeLocation(municipality=county.town_a, name="Bürgerhaus")
    foreign = Appointment(
        household=county.household_a,
        manager=county.users["manager"],
        kind="office_hour",
        starts_at=appointment.starts_at,
        ends_at=appointment.ends_at,
        location=other,
        short_code="WXYZ34",
    )
    db.session.add_all([other, foreign])
    db.session.commit()
    b, _ = _kiosk(app, world.kiosk_raw)
    b.get(f"/desk/{world.location.id}")
    url = f"/desk/{world.location.id}/checkin"
    unknown = b.post(url, {"mode": "code", "code": "AAAAAA"})
    assert unknown.status_code == 400
    assert "Diesen Code gibt es nicht." in unknown.get_data(as_text=True)
    elsewhere = b.post(url, {"mode": "code", "code": "wxyz-34"})
    assert "Dieser Termin gehört zu einem anderen Ort." in elsewhere.get_data(as_text=True)
    assert count_rows(QueueEntry) == 1
    assert (
        len(db.session.scalars(select(AuditEvent).where(AuditEvent.action == "denied")).all()) == 2
    )
    ok = b.post(url, {"mode": "code", "code": appointment.short_code.lower()})
    assert ok.status_code == 303
    entry = db.session.scalar(select(QueueEntry).where(QueueEntry.appointment_id == appointment.id))
    assert entry.scheduled_at == appointment.starts_at and entry.person_id == county.person_a.id
    # Twice is once.
    b.post(url, {"mode": "code", "code": appointment.short_code})
    assert count_rows(QueueEntry) == 2


def test_kiosk_sees_no_case_data(app, county, ctx):
    world = build_world(county)
    b, _ = _kiosk(app, world.kiosk_raw)
    body = b.get(f"/desk/{world.location.id}").get_data(as_text=True)
    assert "Haddad" not in body and "Amal" not in body  # no list of clients, not even the queue
    for url in (
        f"/households/{county.household_a.id}",
        f"/officehours/locations/{world.location.id}/queue",
        f"/appointments/{world.appointment.id}",
        "/households",
        "/volunteer",
    ):
        response = b.get(url)
        assert response.status_code in (302, 403, 404), url
        assert "Haddad" not in response.get_data(as_text=True)


def test_queue_order_booked_due_first(county, ctx):
    world = build_world(county)
    now = utcnow()
    walk_in_early = QueueEntry(
        location=world.location, day=today(), checked_in_at=now - timedelta(minutes=30)
    )
    booked_due = QueueEntry(
        location=world.location,
        day=today(),
        checked_in_at=now - timedelta(minutes=5),
        scheduled_at=now - timedelta(minutes=1),
    )
    booked_later = QueueEntry(
        location=world.location,
        day=today(),
        checked_in_at=now - timedelta(minutes=40),
        scheduled_at=now + timedelta(minutes=60),
    )
    ordered = services.queue_order([walk_in_early, booked_later, booked_due], now)
    assert ordered == [booked_due, walk_in_early, booked_later]


def test_queue_polling_etag_and_304(county, login, app, ctx):
    world = build_world(county)
    b = login("manager")
    url = f"/officehours/locations/{world.location.id}/queue"
    page = b.get(url)
    assert page.status_code == 200 and 'hx-trigger="every 5s"' in page.get_data(as_text=True)
    first = b.htmx_get(url)
    assert first.status_code == 200 and "Amal" in first.get_data(as_text=True)
    etag = first.headers["ETag"]
    # The page carries the fragment's ETag, so its first poll is already a 304; the page
    # itself has an ETag of its own (different body).
    assert f"data-etag='{etag}'" in page.get_data(as_text=True)
    assert page.headers["ETag"] != etag
    second = b.client.get(url, headers={"HX-Request": "true", "If-None-Match": etag})
    assert second.status_code == 304 and second.data == b""
    # A check-in changes the state: the next poll gets the new list.
    kiosk, _ = _kiosk(app, world.kiosk_raw)
    kiosk.get(f"/desk/{world.location.id}")
    kiosk.post(f"/desk/{world.location.id}/checkin", {"mode": "walk_in", "first_name": "Yonas"})
    third = b.client.get(url, headers={"HX-Request": "true", "If-None-Match": etag})
    assert third.status_code == 200 and "Yonas" in third.get_data(as_text=True)


def test_queue_etag_changes_with_state_and_minute(county, ctx):
    world = build_world(county)
    now = utcnow().replace(second=10)
    tag = services.queue_etag(world.location, now)
    assert services.queue_etag(world.location, now + timedelta(seconds=5)) == tag
    services.take(county.users["manager"], world.entry, now)
    assert services.queue_etag(world.location, now) != tag
    assert services.queue_etag(world.location, now + timedelta(minutes=1)) != services.queue_etag(
        world.location, now
    )


def test_take_and_finish(county, login, ctx):
    world = build_world(county)
    b = login("manager")
    b.get(f"/officehours/locations/{world.location.id}/queue")
    response = b.post(f"/officehours/queue/{world.entry.id}/take")
    # A walk-in without household: on to the step that finds or records the person.
    assert response.headers["Location"] == f"/officehours/queue/{world.entry.id}/person"
    db.session.expire_all()
    entry = db.session.get(QueueEntry, world.entry.id)
    assert entry.status == "in_consultation" and entry.taken_by_id == county.users["manager"].id
    queue = b.get(f"/officehours/locations/{world.location.id}/queue").text
    assert "Im Gespräch (1)" in queue and "Person zuordnen" in queue
    b.post(f"/officehours/queue/{world.entry.id}/finish", {"status": "done"})
    db.session.expire_all()
    assert db.session.get(QueueEntry, world.entry.id).status == "done"
    assert login("manager_b").post(f"/officehours/queue/{world.entry.id}/take").status_code == 404


def test_waiting_minutes(county, ctx):
    world = build_world(county)
    now = world.entry.checked_in_at + timedelta(minutes=12, seconds=30)
    assert services.waiting_minutes(world.entry, now) == 12


def test_kiosk_outlives_the_idle_session_but_not_a_forged_cookie(app, county, ctx):
    world = build_world(county)
    b, _ = _kiosk(app, world.kiosk_raw)
    b.client.delete_cookie("session")  # the 30-minute session is gone, the device stays
    assert b.get(f"/desk/{world.location.id}").status_code == 200
    assert b.get("/desk").headers["Location"].endswith(f"/desk/{world.location.id}")
    b.client.set_cookie("wb_kiosk", "1.forged.signature")
    assert b.get(f"/desk/{world.location.id}").status_code == 302  # to the login


def test_taking_a_known_person_opens_the_contact_form_prefilled(consented, login, ctx):
    county = consented
    world = build_world(county)
    entry = QueueEntry(
        location=world.location,
        day=world.entry.day,
        household_id=county.household_a.id,
        person_id=county.person_a.id,
    )
    db.session.add(entry)
    db.session.commit()
    b = login("manager")
    b.get(f"/officehours/locations/{world.location.id}/queue")
    response = b.post(f"/officehours/queue/{entry.id}/take")
    location = response.headers["Location"]
    assert location.startswith(f"/households/{county.household_a.id}/contacts/new?")
    form = b.get(location).text
    assert 'name="setting" value="office_hour" checked' in form
    assert "Rathaus Nordheim" in form
    assert f'value="{county.person_a.id}" checked' in form


# --- a walk-in taken from the queue: find or record the person, then the contact form ---------


def _take_walk_in(b, world):
    b.get(f"/officehours/locations/{world.location.id}/queue")
    response = b.post(f"/officehours/queue/{world.entry.id}/take")
    step = f"/officehours/queue/{world.entry.id}/person"
    assert response.headers["Location"] == step
    return step


def _entry(entry_id: int) -> QueueEntry:
    db.session.expire_all()
    return db.session.get(QueueEntry, entry_id)


def _assert_prefilled_contact_form(b, location: str, household, person_id: int, world) -> None:
    assert location.startswith(f"/households/{household.id}/contacts/new?")
    form = b.get(location).text
    assert 'name="setting" value="office_hour" checked' in form
    assert 'value="Rathaus Nordheim, Zimmer 3"' in form
    assert f'name="participants" value="{person_id}" checked' in form
    called = _entry(world.entry.id).called_at
    from app.timeutil import to_local

    assert f'value="{to_local(called):%Y-%m-%dT%H:%M}"' in form  # the date: when taken


def test_walk_in_is_found_by_the_desk_name_and_opens_the_prefilled_contact_form(
    consented, make, login, ctx
):
    county = consented
    world = build_world(county)
    amal = make.person(county.household_a, "Amal")
    db.session.flush()
    from tests.conftest import given_consent

    db.session.add(given_consent(amal.id))
    db.session.commit()
    b = login("manager")
    step = _take_walk_in(b, world)
    page = b.get(step)
    assert page.status_code == 200
    html = page.text
    assert "Wer ist Amal?" in html
    # Searched at once for the first name given at the desk; the name is in no URL.
    assert "Amal Haddad" in html and "Samira Haddad" not in html
    assert 'value="Amal"' in html and "?q=" not in html
    response = b.post(step, {"mode": "choose", "person_id": str(amal.id)})
    assert response.status_code == 302
    entry = _entry(world.entry.id)
    assert (entry.person_id, entry.household_id) == (amal.id, county.household_a.id)
    _assert_prefilled_contact_form(
        b, response.headers["Location"], county.household_a, amal.id, world
    )
    # A double submit (or a second tab) changes nothing and lands on the same form.
    again = b.post(step, {"mode": "choose", "person_id": str(county.person_a.id)})
    assert again.headers["Location"] == response.headers["Location"]
    assert _entry(world.entry.id).person_id == amal.id
    linked = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.object_type == "queue_entry",
            AuditEvent.detail == "fields: person, household",
        )
    ).all()
    assert len(linked) == 1


def test_walk_in_search_by_post_and_only_within_scope(county, login, ctx):
    world = build_world(county)
    b = login("manager")
    step = _take_walk_in(b, world)
    assert "Niemand gefunden" in b.get(step).text  # nobody called Amal yet
    found = b.post(step, {"mode": "search", "q": "Samira"}).text
    assert "Samira Haddad" in found and 'value="Samira"' in found
    farid = county.household_b.members[0]  # another team's household
    other_team = b.post(step, {"mode": "search", "q": "Farid"}).text
    assert "Farid Rahimi" not in other_team and "Niemand gefunden" in other_team
    # Choosing a person one may not see by a forged id is refused; nothing is linked.
    assert b.post(step, {"mode": "choose", "person_id": str(farid.id)}).status_code == 404
    assert _entry(world.entry.id).household_id is None
    assert b.post(step, {"mode": "bogus"}).status_code == 400


def test_walk_in_recorded_as_a_new_person_once(county, login, ctx):
    from app.households.models import Household, Person

    world = build_world(county)
    b = login("manager")
    step = _take_walk_in(b, world)
    form = b.get(step).text
    assert re.search(r'<input[^>]*name="given_name"[^>]*value="Amal"', form)
    assert 'value="Arabisch"' in form  # the language given at the desk
    assert f'<option selected value="{county.town_a.id}">' in form  # the office's town
    households, persons = count_rows(Household), count_rows(Person)
    data = {
        "mode": "create",
        "given_name": "Amal",
        "family_name": "",
        "birth_year": "1988",
        "languages": "Arabisch",
        "municipality_id": str(county.town_a.id),
        "accommodation": "follow_up",
        "residence_status": "residence_permit",
    }
    bad = b.post(step, data)
    assert bad.status_code == 400
    assert "Bitte den Familiennamen angeben." in bad.text
    assert (count_rows(Household), count_rows(Person)) == (households, persons)
    response = b.post(step, data | {"family_name": "Nasser"})
    assert response.status_code == 302
    amal = db.session.scalar(select(Person).where(Person.family_name == "Nasser"))
    assert (
        amal.household.name == "Nasser" and amal.household.manager_id == county.users["manager"].id
    )
    assert amal.household.municipality_id == county.town_a.id and amal.languages == "Arabisch"
    entry = _entry(world.entry.id)
    assert (entry.person_id, entry.household_id) == (amal.id, amal.household_id)
    location = response.headers["Location"]
    assert location.startswith(f"/households/{amal.household_id}/contacts/new?")
    assert f"person_ids={amal.id}" in location and "setting=office_hour" in location
    # The same post again (a double tap, a replay): no second household.
    replay = b.post(step, data | {"family_name": "Nasser"})
    assert replay.headers["Location"] == location
    assert (count_rows(Household), count_rows(Person)) == (households + 1, persons + 1)

    # New, so no consent to counselling data yet: the form leads to the consent page and
    # that leads back to the same prefilled form, now with Amal chosen.
    form = b.get(location).text
    assert f'name="participants" value="{amal.id}" checked' not in form
    consent = re.search(rf'href="(/persons/{amal.id}/consent/new\?next=[^"]+)"', form)
    consent_url = consent.group(1).replace("&amp;", "&")
    b.get(consent_url)
    given = b.post(
        consent_url,
        {
            "counselling": "y",
            "language": "de",
            "form_version": "2026-1",
            "method": "paper",
            "given_on": today().strftime("%d.%m.%Y"),
        },
    )
    assert given.headers["Location"] == location
    _assert_prefilled_contact_form(b, location, amal.household, amal.id, world)


def test_consent_page_returns_only_to_a_path_of_this_site(county, login, ctx):
    b = login("manager")
    url = f"/persons/{county.person_a.id}/consent/new?next=//evil.example/x"
    assert 'href="//evil.example/x"' not in b.get(url).text
    data = {"counselling": "y", "language": "de", "form_version": "2026-1", "method": "paper"}
    response = b.post(url, data | {"given_on": today().strftime("%d.%m.%Y")})
    assert response.headers["Location"] == f"/persons/{county.person_a.id}"


def test_walk_in_similar_to_a_known_person_is_shown_before_anything_is_recorded(county, login, ctx):
    from app.households.models import Household

    world = build_world(county)
    b = login("manager")
    step = _take_walk_in(b, world)
    households = count_rows(Household)
    data = {
        "mode": "create",
        "given_name": "Samira",
        "family_name": "Hadad",  # as the desk heard it; known as "Haddad", born 1990
        "birth_year": "1991",
        "municipality_id": str(county.town_a.id),
        "accommodation": "follow_up",
        "residence_status": "residence_permit",
    }
    page = b.post(step, data)
    assert page.status_code == 200
    assert "Mögliche Doppelerfassung" in page.text and "Samira Haddad" in page.text
    assert count_rows(Household) == households
    assert _entry(world.entry.id).household_id is None
    chosen = b.post(step, {"mode": "choose", "person_id": str(county.person_a.id)})
    assert chosen.headers["Location"].startswith(f"/households/{county.household_a.id}/")
    assert count_rows(Household) == households


def test_walk_in_step_only_for_the_manager_who_took_the_walk_in(county, login, ctx):
    world = build_world(county)
    step = f"/officehours/queue/{world.entry.id}/person"
    b = login("manager")
    not_taken = b.get(step)  # still waiting: take first
    assert not_taken.headers["Location"] == f"/officehours/locations/{world.location.id}/queue"
    assert "Bitte zuerst aufnehmen" in b.get(not_taken.headers["Location"]).text
    _take_walk_in(b, world)
    colleague = login("colleague")
    refused = colleague.get(step)
    assert refused.status_code == 302
    assert "wird schon von Manager betreut" in colleague.get(refused.headers["Location"]).text
    colleague.get(f"/officehours/locations/{world.location.id}/queue")
    colleague.post(step, {"mode": "choose", "person_id": str(county.person_a.id)})
    assert _entry(world.entry.id).household_id is None
    assert login("manager_b").get(step).status_code == 404  # another team's location


def test_taking_a_walk_in_with_htmx_redirects_the_page_to_the_step(county, login, ctx):
    world = build_world(county)
    b = login("manager")
    b.get(f"/officehours/locations/{world.location.id}/queue")
    response = b.post(f"/officehours/queue/{world.entry.id}/take", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response.headers["HX-Redirect"] == f"/officehours/queue/{world.entry.id}/person"


# --- the desk on a day without an office hour -------------------------------------------------


def test_next_sessions_skip_today_and_exceptions(county, ctx):
    world = build_world(county)
    in_a_week = today() + timedelta(days=7)
    assert [s.day for s in services.next_sessions(world.location, today())] == [
        in_a_week,
        in_a_week + timedelta(days=7),
    ]
    db.session.add(OfficeException(location=world.location, on=in_a_week))
    db.session.flush()
    nxt = services.next_sessions(world.location, today(), limit=1)
    assert [s.day for s in nxt] == [in_a_week + timedelta(days=7)]
    world.schedule.valid_until = today()
    db.session.flush()
    assert services.next_sessions(world.location, today()) == []


def test_desk_without_office_hour_today_warns_and_asks_before_a_walk_in(app, county, ctx):
    from app.i18n import local_date, local_time

    world = build_world(county)
    db.session.add(OfficeException(location=world.location, on=today(), reason="Betriebsausflug"))
    db.session.commit()
    b, _ = _kiosk(app, world.kiosk_raw)
    url = f"/desk/{world.location.id}"
    page = b.get(url).text
    assert "Heute findet hier keine Sprechstunde statt." in page
    session = services.next_sessions(world.location, today())[0]
    with app.test_request_context(headers={"Accept-Language": "de"}):
        shown = f"{local_date(session.starts_at)}–{local_time(session.ends_at)} Uhr"
    assert shown in page
    assert "Trotzdem ohne Termin anmelden" in page and ">Ohne Termin anmelden<" not in page
    before = count_rows(QueueEntry)
    # Sent without the confirmation (an old page, the Enter key of another form): nothing is
    # created, the desk is asked, with what was typed kept.
    asked = b.post(
        f"{url}/checkin", {"mode": "walk_in", "first_name": "Yonas", "language": "Tigrinya"}
    )
    assert asked.status_code == 200
    assert "Noch nicht angemeldet" in asked.text and 'value="Yonas"' in asked.text
    assert shown in asked.text
    assert count_rows(QueueEntry) == before
    confirmed = b.post(
        f"{url}/checkin", {"mode": "walk_in", "first_name": "Yonas", "confirmed": "1"}
    )
    assert confirmed.status_code == 303
    assert count_rows(QueueEntry) == before + 1


def test_desk_with_an_office_hour_today_takes_walk_ins_as_before(app, county, ctx):
    world = build_world(county)
    b, _ = _kiosk(app, world.kiosk_raw)
    page = b.get(f"/desk/{world.location.id}").text
    assert "keine Sprechstunde" not in page and "Trotzdem" not in page
    before = count_rows(QueueEntry)
    response = b.post(f"/desk/{world.location.id}/checkin", {"mode": "walk_in", "first_name": "Y"})
    assert response.status_code == 303 and count_rows(QueueEntry) == before + 1


def test_desk_without_any_coming_office_hour_says_so(app, county, ctx):
    world = build_world(county)
    world.schedule.valid_until = today() - timedelta(days=1)
    db.session.commit()
    b, _ = _kiosk(app, world.kiosk_raw)
    page = b.get(f"/desk/{world.location.id}").text
    assert "In den nächsten acht Wochen ist hier keine Sprechstunde eingetragen." in page
