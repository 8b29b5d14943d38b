"""Appointments: form and bad input, overlaps, views, card PDF, contacts hook, shares, feeds."""

from __future__ import annotations

import io
from datetime import timedelta

from pypdf import PdfReader
from sqlalchemy import select

from app.appointments import services
from app.appointments.models import Appointment, AppointmentShare, CalendarToken
from app.audit.models import AuditEvent
from app.extensions import db
from app.officehours.models import QueueEntry
from app.timeutil import to_local, today, utcnow
from tests.appointment_world import build_world
from tests.conftest import count_rows


def _form(day, start="10:00", end="11:00", **extra) -> dict:
    return {
        "kind": "home_visit",
        "day": day.isoformat(),
        "start_time": start,
        "end_time": end,
        "place": "Hauptstr. 5",
        "manager_id": "",
        "language": "Arabisch",
        "bring": "Pass",
        "note": "geheime Notiz",
        "status": "planned",
        **extra,
    }


def _new(county, b, **kw):
    data = _form(today() + timedelta(days=3), **kw)
    data["manager_id"] = str(county.users["manager"].id)
    data.setdefault("person_ids", str(county.person_a.id))
    return b.post(f"/households/{county.household_a.id}/appointments/new", data)


def test_create_appointment_audits_field_names_only(county, login):
    response = _new(county, login("manager"))
    assert response.status_code == 302
    appointment = db.session.scalar(select(Appointment))
    assert appointment.persons == [county.person_a]
    assert len(appointment.short_code) == 6
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.object_type == "appointment"))
    assert event.action == "create" and "note" in event.detail
    assert "geheime" not in event.detail


def test_end_before_start_is_refused_in_german(county, login):
    response = _new(county, login("manager"), start="11:00", end="10:00")
    assert response.status_code == 200
    assert "Das Ende muss nach dem Beginn liegen." in response.get_data(as_text=True)
    assert count_rows(Appointment) == 0


def test_overlap_is_a_warning_that_can_be_confirmed(county, login):
    b = login("manager")
    assert _new(county, b).status_code == 302
    response = _new(county, b, start="10:30", end="11:30")
    assert response.status_code == 200
    assert "Überschneidung" in response.get_data(as_text=True)
    assert count_rows(Appointment) == 1
    assert _new(county, b, start="10:30", end="11:30", confirm_overlap="y").status_code == 302
    assert count_rows(Appointment) == 2
    # Back to back is no overlap.
    assert _new(county, b, start="11:30", end="12:00").status_code == 302


def test_overlapping_service_ignores_other_managers_and_cancelled(county, ctx):
    world = build_world(county)
    a = world.appointment
    assert services.overlapping(a.manager_id, a.starts_at, a.ends_at) == [a]
    assert services.overlapping(county.users["colleague"].id, a.starts_at, a.ends_at) == []
    a.status = "cancelled"
    assert services.overlapping(a.manager_id, a.starts_at, a.ends_at) == []


def test_day_week_and_team_views(county, login, ctx):
    world = build_world(county)
    day = to_local(world.appointment.starts_at).date()
    manager = login("manager")
    assert "Haddad" in manager.get(f"/appointments?day={day}").get_data(as_text=True)
    fragment = manager.htmx_get(f"/appointments?day={day}")
    assert "<html" not in fragment.get_data(as_text=True)
    assert "Haddad" in manager.get(f"/appointments/week?start={day}").get_data(as_text=True)
    # The colleague's own views do not list it; the team lead's team calendar does.
    colleague = login("colleague")
    assert "Haddad" not in colleague.get(f"/appointments?day={day}").get_data(as_text=True)
    assert colleague.get("/appointments/team").status_code == 403
    team = login("lead").get(f"/appointments/team?start={day}").get_data(as_text=True)
    assert "Haddad" in team and "Manager" in team
    assert "Haddad" not in login("manager_b").get(f"/appointments?day={day}").get_data(as_text=True)


def test_edit_and_status(county, login, ctx):
    world = build_world(county)
    b = login("manager")
    page = b.get(f"/appointments/{world.appointment.id}/edit")
    assert page.status_code == 200
    response = b.post(f"/appointments/{world.appointment.id}/status", {"status": "done"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Appointment, world.appointment.id).status == "done"
    # Out of scope: 404, nothing changes.
    other = login("manager_b")
    assert other.get(f"/appointments/{world.appointment.id}").status_code == 404
    assert (
        other.post(
            f"/appointments/{world.appointment.id}/status", {"status": "cancelled"}
        ).status_code
        == 404
    )
    db.session.expire_all()
    assert db.session.get(Appointment, world.appointment.id).status == "done"


def test_card_pdf_has_code_and_date(county, login, ctx):
    world = build_world(county)
    response = login("manager").get(f"/appointments/{world.appointment.id}/card.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages)
    assert world.appointment.short_code in text
    assert to_local(world.appointment.starts_at).strftime("%d.%m.%Y") in text
    assert "Terminkarte" in text


def test_render_pdf_fetches_nothing_outside_static(app, ctx):
    from app.pdf import render_pdf

    with app.test_request_context():
        pdf = render_pdf('<p>x</p><img src="file:///etc/passwd"><img src="http://127.0.0.1:9/x">')
    assert pdf.startswith(b"%PDF")


def test_contact_prefill_from_appointment_and_queue_entry(county, ctx, app):
    world = build_world(county)
    prefill = services.contact_prefill(world.appointment)
    assert prefill == {
        "household_id": county.household_a.id,
        "person_ids": [county.person_a.id],
        "setting": "home_visit",
        "location": "Hauptstr. 5, Nordheim",
        "started_at": world.appointment.starts_at,
        "duration": 60,
    }
    entry = QueueEntry(
        location=world.location,
        day=today(),
        appointment=world.appointment,
        household_id=county.household_a.id,
        person_id=county.person_a.id,
        called_at=utcnow(),
    )
    prefill = services.contact_prefill(entry)
    assert prefill["setting"] == "office_hour" and prefill["started_at"] == entry.called_at
    walk_in = services.contact_prefill(world.entry)
    assert walk_in["household_id"] is None and walk_in["location"] == "Rathaus Nordheim, Zimmer 3"
    # The link opens the contact form prefilled with the appointment's data.
    with app.test_request_context():
        link = services.contact_link(world.appointment)
    assert link.startswith(f"/households/{county.household_a.id}/contacts/new?")


def test_sharing_needs_consent_and_a_withdrawal_hides_the_share_at_once(county, login, ctx):
    from app.consent.models import ConsentRecord

    world = build_world(county)  # Samira consented to sharing with volunteers
    volunteer = county.users["volunteer"]
    assert services.volunteer_sharing_allowed(None) is False
    assert [s.id for s in services.shares_for(volunteer)] == [world.share.id]
    assert "Samira" in login("volunteer").get("/volunteer").text

    # Withdrawn (as the consent page records it): a new record supersedes the old one.
    db.session.add(
        ConsentRecord(
            person_id=county.person_a.id, state="withdrawn", effective_on=today(), method="paper"
        )
    )
    db.session.commit()
    assert services.shares_for(volunteer) == []
    assert services.share_for_volunteer(volunteer, world.share.id) is None
    assert "Samira" not in login("volunteer").get("/volunteer").text
    manager = login("manager")
    response = manager.post(
        f"/appointments/{world.appointment.id}/share",
        {"volunteer_ids": [str(volunteer.id)], "show_first_name": "y"},
    )
    assert "Ohne Einwilligung zur Weitergabe an Ehrenamtliche" in response.text


def test_share_with_consent_may_show_the_phone_number(county, login, ctx):
    county.person_a.phone = "0151 2345678"
    world = build_world(county)  # consent to sharing with volunteers is recorded
    manager = login("manager")
    page = manager.get(f"/appointments/{world.appointment.id}/share").get_data(as_text=True)
    assert "keine Einwilligung" not in page
    response = manager.post(
        f"/appointments/{world.appointment.id}/share",
        {
            "volunteer_ids": str(county.users["volunteer"].id),
            "show_first_name": "y",
            "show_phone": "y",
            "meeting_point": "Bahnhof",
            "show_meeting_point": "y",
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    item = db.session.scalar(select(AppointmentShare))
    assert item.show_phone is True and item.meeting_point == "Bahnhof"
    body = login("volunteer").get("/volunteer").get_data(as_text=True)
    assert "Samira" in body and "Bahnhof" in body and "2345678" in body
    assert "Haddad" not in body and "geheim" not in body


def test_volunteer_reaches_nothing_but_shared(county, login, ctx):
    world = build_world(county)
    hidden = Appointment(
        household=county.household_a,
        manager=county.users["manager"],
        kind="office",
        starts_at=world.appointment.starts_at + timedelta(days=1),
        ends_at=world.appointment.ends_at + timedelta(days=1),
        short_code=services.new_short_code(),
        place="Geheimweg 1",
    )
    db.session.add(hidden)
    db.session.commit()
    b = login("volunteer")
    for url in (
        f"/households/{county.household_a.id}",
        f"/persons/{county.person_a.id}",
        f"/appointments/{world.appointment.id}",
        f"/appointments/{hidden.id}",
        f"/appointments/{hidden.id}/card.pdf",
        f"/appointments/{hidden.id}/share",
        "/appointments",
        f"/officehours/locations/{world.location.id}/queue",
        f"/desk/{world.location.id}",
    ):
        assert b.get(url).status_code in (403, 404), url
    body = b.get("/volunteer").get_data(as_text=True)
    assert "Geheimweg" not in body and "Haddad" not in body
    assert body.count("Zusagen") == 1


def test_volunteer_answers_and_manager_sees_it(county, login, ctx):
    world = build_world(county)
    b = login("volunteer")
    b.get("/volunteer")
    assert (
        b.post(f"/volunteer/shares/{world.share.id}/answer", {"answer": "accepted"}).status_code
        == 302
    )
    db.session.expire_all()
    assert db.session.get(AppointmentShare, world.share.id).answer == "accepted"
    page = login("manager").get(f"/appointments/{world.appointment.id}").get_data(as_text=True)
    assert "zugesagt" in page


def test_volunteer_cannot_answer_unshared_and_revoking_takes_effect(county, login, make, ctx):
    from app.accounts import roles

    world = build_world(county)
    other = make.user("other_volunteer", roles.VOLUNTEER, county.county, None)
    db.session.commit()
    b = login("other_volunteer")
    b.get("/volunteer")
    response = b.post(f"/volunteer/shares/{world.share.id}/answer", {"answer": "accepted"})
    assert response.status_code == 404
    assert "Dieser Termin ist nicht mit Ihnen geteilt." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(AppointmentShare, world.share.id).answer == "open"
    denied = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "denied"))
    assert denied.user_id == other.id and denied.object_type == "appointment_share"
    # The manager stops sharing: at once the volunteer neither sees nor answers it.
    volunteer = login("volunteer")
    assert "Zusagen" in volunteer.get("/volunteer").get_data(as_text=True)
    manager = login("manager")
    manager.get(f"/appointments/{world.appointment.id}/share")
    url = f"/appointments/{world.appointment.id}/shares/{world.share.id}/revoke"
    assert manager.post(url).status_code == 302
    assert "Zusagen" not in volunteer.get("/volunteer").get_data(as_text=True)
    response = volunteer.post(f"/volunteer/shares/{world.share.id}/answer", {"answer": "declined"})
    assert response.status_code == 404


def _issue_feed(b) -> str:
    import re

    b.get("/calendar")
    body = b.post("/calendar/new").get_data(as_text=True)
    return re.search(r'value="http://localhost(/calendar/[^"]+\.ics)"', body).group(1)


def test_calendar_feeds_are_private_stable_and_revocable(county, login, browser, ctx):
    world = build_world(county)
    manager = login("manager")
    url = _issue_feed(manager)
    raw = url.split("/")[-1].removesuffix(".ics")
    assert db.session.scalar(select(CalendarToken.token_hash)) == services.token_hash(raw)
    first = browser.get(url)
    assert first.status_code == 200 and first.mimetype == "text/calendar"
    text = first.get_data(as_text=True)
    assert f"UID:wb-appointment-{world.appointment.id}@wegbegleiter" in text
    assert "Haddad" not in text and "BEGIN:VCALENDAR" in text
    assert f"UID:wb-appointment-{world.appointment.id}@" in browser.get(url).get_data(as_text=True)
    # Volunteer feed: shared appointment only.
    volunteer_url = _issue_feed(login("volunteer"))
    vtext = browser.get(volunteer_url).get_data(as_text=True)
    assert f"UID:wb-share-{world.share.id}@wegbegleiter" in vtext and "Samira" in vtext
    # A new link revokes the old one; revoking works at once.
    url2 = _issue_feed(manager)
    assert browser.get(url).status_code == 404
    assert browser.get(url2).status_code == 200
    manager.post("/calendar/revoke")
    assert browser.get(url2).status_code == 404
    assert browser.get("/calendar/guessed-token.ics").status_code == 404


HOSTILE = (
    "Hauptstr. 5\rEND:VEVENT\rBEGIN:VEVENT\rUID:evil\r\nSUMMARY:x\nDTSTART:19700101T000000Z"
    "; a,b\\c\\nd " + "ä" * 90
)


def _feed_lines(body: bytes) -> list[str]:
    """The content lines of a feed as RFC 5545 reads them: CRLF-separated, unfolded."""
    assert b"\r" not in body.replace(b"\r\n", b"") and b"\n" not in body.replace(b"\r\n", b"")
    return body.decode().replace("\r\n ", "").removesuffix("\r\n").split("\r\n")


def test_hostile_text_cannot_start_a_property_or_an_event(county, login, browser, ctx):
    from icalendar import Calendar

    world = build_world(county)
    world.appointment.place = HOSTILE
    world.share.meeting_point = HOSTILE
    db.session.commit()
    for role, uid in (
        ("manager", f"wb-appointment-{world.appointment.id}@wegbegleiter"),
        ("volunteer", f"wb-share-{world.share.id}@wegbegleiter"),
    ):
        body = browser.get(_issue_feed(login(role))).data
        assert all(len(line) <= 75 for line in body.split(b"\r\n"))  # folded, in octets
        lines = _feed_lines(body)
        # A lax client that splits on any CR or LF still sees one event and one UID.
        raw_lines = body.decode().replace("\r\n ", "").splitlines()
        assert [x for x in raw_lines if x.startswith("BEGIN:VEVENT")] == ["BEGIN:VEVENT"]
        assert [x for x in raw_lines if x.startswith("UID:")] == [f"UID:{uid}"]
        event = lines[lines.index("BEGIN:VEVENT") + 1 : lines.index("END:VEVENT")]
        names = sorted(line.split(":", 1)[0].split(";", 1)[0] for line in event)
        assert names == sorted(
            ["UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "LOCATION", "DESCRIPTION", "STATUS"]
        )
        (parsed,) = Calendar.from_ical(body).walk("VEVENT")
        assert str(parsed["UID"]) == uid
        assert str(parsed["LOCATION"]) == HOSTILE.replace("\r\n", "\n").replace("\r", "\n")
        assert parsed.decoded("DTSTART").replace(tzinfo=None) == world.appointment.starts_at


def test_contact_link_opens_the_contact_form_prefilled(county, login, ctx, app):
    world = build_world(county)
    with app.test_request_context():
        link = services.contact_link(world.appointment)
    assert f"person_ids={county.person_a.id}" in link and "duration=60" in link
    html = login("manager").get(link).text
    assert f'value="{county.person_a.id}" checked' in html
    assert 'name="setting" value="home_visit" checked' in html
    assert 'name="duration_preset" value="60" checked' in html
    assert "Hauptstr. 5, Nordheim" in html


def test_volunteer_sees_a_cancellation(county, login, ctx):
    world = build_world(county)
    world.appointment.status = "cancelled"
    db.session.commit()
    body = login("volunteer").get("/volunteer").get_data(as_text=True)
    assert "abgesagt" in body and "Zusagen" not in body
