"""At 360 px: a walk-in taken from the queue leads to finding or recording the person and on
into the prefilled contact form (through the consent a new person still needs) to a saved
contact; the desk on a day without an office hour warns and checks in only when told to."""

from __future__ import annotations

from sqlalchemy import select

from app.contacts.models import Contact
from app.extensions import db
from app.officehours.models import OfficeException, QueueEntry
from app.timeutil import today
from tests.appointment_world import build_world
from tests.browser.conftest import PHONE, sign_in
from tests.browser.layout import SMALL_TARGETS_JS
from tests.conftest import PASSWORD
from tests.contacts_helpers import seed_topics


def _fits_a_phone(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], page.url
    assert page.evaluate(SMALL_TARGETS_JS) == [], page.url


def test_taking_a_walk_in_leads_to_a_saved_contact(phone, county, ctx):
    seed_topics()
    world = build_world(county)
    sign_in(phone, "manager", PASSWORD)
    phone.goto(f"/officehours/locations/{world.location.id}/queue")
    phone.click(f"li[data-entry='{world.entry.id}'] button:has-text('Aufnehmen')")  # htmx

    phone.wait_for_url(f"**/officehours/queue/{world.entry.id}/person")
    assert phone.locator("h1").inner_text() == "Wer ist Amal?"
    assert "Niemand gefunden" in phone.inner_text("#walk-in-results")
    _fits_a_phone(phone)
    phone.fill("#family_name", "Nasser")
    phone.fill("#birth_year", "1988")
    assert phone.input_value("#given_name") == "Amal"
    phone.click("button:has-text('Erfassen und Kontakt aufnehmen')")

    phone.wait_for_url("**/contacts/new?*")
    form = phone.locator("form.contact-form")
    assert form.locator("input[name=setting][value=office_hour]").is_checked()
    assert form.locator("input[name=location]").input_value() == "Rathaus Nordheim, Zimmer 3"
    # A new person has not consented yet: the form leads there and back.
    phone.click("a:has-text('Einwilligung erfassen: Amal Nasser')")
    phone.wait_for_url(lambda url: "/consent/new?next=" in url)
    _fits_a_phone(phone)
    phone.check("#counselling")
    phone.click("main button[type=submit]")

    phone.wait_for_url("**/contacts/new?*")
    form = phone.locator("form.contact-form[data-enhanced]")
    amal = form.locator("label.chip:has-text('Amal Nasser') input")
    assert amal.is_checked()
    assert form.locator("input[name=setting][value=office_hour]").is_checked()
    _fits_a_phone(phone)
    form.locator("label.chip:has(input[name=topics][value=housing])").click()
    form.locator("textarea[name=note]").fill("Erstes Gespräch in der Sprechstunde")
    form.locator("button[type=submit]").click()
    phone.wait_for_selector("#timeline >> text=Erstes Gespräch in der Sprechstunde")

    db.session.expire_all()
    [contact] = db.session.scalars(select(Contact)).all()
    entry = db.session.get(QueueEntry, world.entry.id)
    assert contact.household_id == entry.household_id
    assert [p.given_name for p in contact.participants] == ["Amal"]
    assert contact.setting == "office_hour" and contact.location == "Rathaus Nordheim, Zimmer 3"


def test_desk_without_office_hour_today_warns_and_checks_in_only_when_told(phone, county, ctx):
    world = build_world(county)
    db.session.add(OfficeException(location=world.location, on=today(), reason="Ausflug"))
    db.session.commit()
    sign_in(phone, "frontdesk", PASSWORD)
    phone.goto(f"/desk/{world.location.id}")
    warning = phone.locator("#no-session")
    assert "Heute findet hier keine Sprechstunde statt." in warning.inner_text()
    assert "Nächste Sprechstunde" in warning.inner_text()
    box = warning.bounding_box()
    assert box["y"] + box["height"] <= PHONE["height"]  # on the first screen
    _fits_a_phone(phone)
    before = db.session.scalar(select(db.func.count()).select_from(QueueEntry))
    phone.fill("#first_name", "Yonas")
    # The only way to check a walk-in in today is the deliberate button.
    assert phone.locator("#walk-in button").all_inner_texts() == ["Trotzdem ohne Termin anmelden"]
    phone.click("#walk-in button:has-text('Trotzdem ohne Termin anmelden')")
    phone.wait_for_selector("text=Angemeldet: Yonas")
    db.session.expire_all()
    assert db.session.scalar(select(db.func.count()).select_from(QueueEntry)) == before + 1


def test_new_pages_have_no_serious_accessibility_violations(chromium, live_server, county, ctx):
    from tests.browser.test_accessibility import violations

    seed_topics()
    world = build_world(county)
    db.session.add(OfficeException(location=world.location, on=today(), reason="Ausflug"))
    db.session.commit()
    context = chromium.new_context(viewport=PHONE, base_url=live_server, bypass_csp=True)
    page = context.new_page()
    problems = {}
    try:
        sign_in(page, "manager", PASSWORD)
        page.goto(f"/desk/{world.location.id}")  # the warning and the deliberate button
        problems["desk"] = violations(page)
        page.goto(f"/officehours/locations/{world.location.id}/queue")
        page.click(f"li[data-entry='{world.entry.id}'] button:has-text('Aufnehmen')")
        page.wait_for_url(f"**/officehours/queue/{world.entry.id}/person")
        problems["walk-in step"] = violations(page)
        page.click("button:has-text('Erfassen und Kontakt aufnehmen')")  # nothing filled in
        page.wait_for_selector("#family_name-err")
        problems["walk-in step with errors"] = violations(page)
        page.goto(f"/households/{county.household_a.id}/contacts/new")
        page.wait_for_selector("form.contact-form[data-enhanced]")
        page.click("#contact-form button[type=submit]")  # no setting, no topic
        page.wait_for_selector("#error-summary")
        problems["contact form with error summary"] = violations(page)
    finally:
        context.close()
    assert {name: v for name, v in problems.items() if v} == {}
