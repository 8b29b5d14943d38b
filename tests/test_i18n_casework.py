"""Plans, appointments and office hours really speak English when the user (or, without a saved
choice, the browser) asks for it; the calendar feed follows the owner's saved language."""

from __future__ import annotations

import re
from datetime import date, time

from babel.dates import get_day_names

from app.extensions import db
from app.plans import services as plan_services
from app.timeutil import today
from tests.appointment_world import build_world

ENGLISH = {"Accept-Language": "en-GB,en;q=0.9"}


def _speaks(user, locale: str | None) -> None:
    user.locale = locale
    db.session.commit()


def test_plan_pages_follow_the_saved_language(county, login, ctx):
    manager = county.users["manager"]
    plan = plan_services.create_plan(
        manager, county.household_a, county.person_a, date(2025, 1, 10), "Arabisch", ""
    )
    plan_services.add_goal(manager, plan, "german", "B1-Kurs abschließen", date(2025, 1, 10))
    db.session.commit()
    _speaks(manager, "en")
    b = login("manager")
    page = b.get(f"/plans/{plan.id}", headers={"Accept-Language": "de"}).text
    assert '<html lang="en">' in page
    assert "Integration plan Samira" in page and "German language" in page
    assert "Set status" in page and "+ Step" in page and "Close plan" in page
    assert "Bedarfe und Ressourcen" not in page and "Deutsche Sprache" not in page
    assert "B1-Kurs abschließen" in page  # what staff typed stays as typed
    overview = b.get(f"/households/{county.household_a.id}/casework").text
    assert "Plans and referrals" in overview and "1 goal" in overview
    assert "Pläne und Verweisungen" not in overview
    # Validation and rule messages speak English too.
    empty = b.post(f"/plans/{plan.id}/goals/new", {"field": "german", "title": ""}).text
    assert "Please describe the goal." in empty and "Bitte das Ziel" not in empty
    goal = plan.goals[0]
    refused = b.post(f"/goals/{goal.id}/status", {"status": "achieved"}).text
    assert "A goal cannot change from “new” to “achieved”." in refused
    assert "Possible: agreed, proposed." in refused


def test_appointment_pages_follow_the_browser_without_a_saved_choice(county, login, ctx):
    world = build_world(county)
    b = login("manager")
    url = f"/appointments/{world.appointment.id}"
    german = b.get(url).text
    assert "Hausbesuch" in german and "Status setzen" in german
    page = b.get(url, headers=ENGLISH).text
    assert "Home visit" in page and "Set status" in page and "Share with volunteers" in page
    assert "still open" not in page and "no answer yet" in page  # the volunteer's answer
    assert "Hausbesuch" not in page and "Status setzen" not in page
    done = b.post(f"{url}/status", {"status": "done"}, headers=ENGLISH, follow_redirects=True)
    assert "Status: took place." in done.text
    bad = b.post(
        f"/households/{county.household_a.id}/appointments/new",
        {"kind": "home_visit", "day": today().isoformat(), "start_time": "11:00"}
        | {"end_time": "10:00", "manager_id": county.users["manager"].id, "status": "planned"},
        headers=ENGLISH,
    ).text
    assert "The end must be after the start." in bad and "Create appointment" in bad
    week = b.get("/appointments/week", headers=ENGLISH).text
    assert "My week" in week and "Monday" in week and "Montag" not in week


def test_calendar_feed_follows_the_owner_not_the_calendar_app(county, login, browser, ctx):
    world = build_world(county)
    manager, volunteer = county.users["manager"], county.users["volunteer"]
    shared_uid = f"UID:wb-share-{world.share.id}@wegbegleiter"

    def feed(who: str) -> str:
        b = login(who)
        b.get("/calendar")
        body = b.post("/calendar/new").text
        return re.search(r'value="http://localhost(/calendar/[^"]+\.ics)"', body).group(1)

    manager_url, volunteer_url = feed("manager"), feed("volunteer")
    # No saved language: German, whatever the calendar app asks for.
    text = browser.get(manager_url, headers=ENGLISH).text
    assert "SUMMARY:Hausbesuch" in text and "Einzelheiten in Wegbegleiter" in text
    _speaks(manager, "en")
    _speaks(volunteer, "en")
    text = browser.get(manager_url, headers={"Accept-Language": "de"}).text
    assert "SUMMARY:Home visit" in text and "Details in Wegbegleiter" in text
    assert "Hausbesuch" not in text
    vtext = browser.get(volunteer_url).text
    assert shared_uid in vtext
    assert "SUMMARY:Home visit with Samira" in vtext and "Contact person: " in vtext
    assert "Ansprechperson" not in vtext


def test_office_hours_pages_and_the_kiosk_in_english(app, county, login, ctx):
    world = build_world(county)
    world.schedule.start_time, world.schedule.end_time = time(9, 0), time(12, 30)
    db.session.commit()
    _speaks(county.users["admin"], "en")
    page = login("admin").get(f"/officehours/locations/{world.location.id}").text
    weekday = get_day_names("abbreviated", locale="en")[today().weekday()]
    assert f"{weekday} 9:00\u202fAM–12:30\u202fPM · 30 min" in page
    assert "Weekly office hours" in page and "Front desk devices (kiosk)" in page
    assert "Wöchentliche Sprechzeiten" not in page
    german = login("manager").get(f"/officehours/locations/{world.location.id}").text
    assert "9:00–12:30 · 30 Min." in german
    queue = login("manager").get(
        f"/officehours/locations/{world.location.id}/queue", headers=ENGLISH
    )
    assert "Waiting (1)" in queue.text and "Call in" in queue.text
    # The kiosk has no user: the device's browser chooses.
    from tests.conftest import Browser

    kiosk = Browser(app.test_client())
    kiosk.get(f"/kiosk/{world.kiosk_raw}")
    desk = kiosk.get(f"/desk/{world.location.id}", headers=ENGLISH).text
    assert "Check in without appointment" in desk and "Ohne Termin" not in desk
    assert "Check in" in desk and "Sign in" not in desk
    checked_in = kiosk.post(
        f"/desk/{world.location.id}/checkin",
        {"mode": "walk_in", "first_name": "Yonas", "language": "Tigrinya"},
        headers=ENGLISH,
        follow_redirects=True,
    )
    assert "Checked in: Yonas. Please take a seat." in checked_in.text
    assert "Ohne Termin" in kiosk.get(f"/desk/{world.location.id}").text


def test_no_english_in_the_german_ui_and_default_topics_in_english(county, login, ctx):
    """The front desk's role reads "Empfang" in German; the default topics (stored in German)
    show in English for an English user, while a topic an admin named stays as typed."""
    from app.contacts.models import Topic
    from tests.contacts_helpers import make_contact, seed_topics

    desk = login("frontdesk").get("/", headers={"Accept-Language": "de"}).text
    assert "Empfang" in desk and "Front Desk" not in desk
    seed_topics()
    own = Topic(key="own_topic", label="Führerschein", sort_order=999)
    db.session.add(own)
    db.session.flush()
    contact = make_contact(
        county.household_a, county.users["manager"], topics=["housing", "own_topic"], note="x"
    )
    db.session.commit()
    _speaks(county.users["manager"], "en")
    b = login("manager")
    shown = b.get(f"/contacts/{contact.id}").text
    assert "Housing" in shown and "Wohnen" not in shown and "Führerschein" in shown
    form = b.get(f"/households/{county.household_a.id}/contacts/new").text
    assert "Children and family" in form and "Kinder und Familie" not in form
