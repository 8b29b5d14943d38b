"""Offline outbox in a real browser at phone size: a note written without signal survives a
reload and arrives exactly once; a request cut after the server got it is not doubled."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.contacts.models import Contact
from app.extensions import db
from tests.browser.conftest import PHONE, sign_in, wait_until
from tests.browser.test_offline import wait_for_service_worker
from tests.conftest import PASSWORD
from tests.contacts_helpers import seed_topics

# Contacts are counselling data: recorded only for persons who consented.
pytestmark = pytest.mark.usefixtures("consented")


def notes() -> list[str]:
    db.session.expire_all()
    return list(db.session.scalars(select(Contact.note)))


def wait_until_outbox_empty(page) -> None:
    wait_until(
        page,
        "window.WegbegleiterOutbox "
        "? window.WegbegleiterOutbox.all().then(e => e.length === 0) : false",
    )


def open_entry(page, household: str) -> None:
    page.goto(household)
    page.click(".quick-add a")
    page.wait_for_selector("#contact-entry form[data-outbox][data-enhanced]")


def write_note(page, text: str) -> None:
    form = page.locator("#contact-entry form")
    form.locator("textarea[name=note]").fill(text)
    form.locator("input[name=topics][value=housing]").check(force=True)
    form.locator("input[name=setting][value=home_visit]").check(force=True)
    form.locator("button[type=submit]").click()


def test_offline_note_waits_survives_reload_and_is_sent_once(phone, county, ctx):
    seed_topics()
    household = f"/households/{county.household_a.id}"
    sign_in(phone, "manager", PASSWORD)
    wait_for_service_worker(phone)
    open_entry(phone, household)

    phone.context.set_offline(True)
    write_note(phone, "Im Keller ohne Netz notiert")
    phone.wait_for_selector("#outbox-count:has-text('1 wartet auf Senden')")
    assert "auf dem Gerät gespeichert" in phone.locator(".outbox-saved").inner_text()
    assert notes() == []

    phone.reload()  # offline: the service worker serves the kept copy of the household page
    phone.wait_for_selector("#outbox li:has-text('wartet auf Senden')")
    assert phone.locator(".offline-copy").count() == 1

    phone.context.set_offline(False)
    phone.evaluate("window.dispatchEvent(new Event('online'))")
    phone.wait_for_selector("#timeline >> text=Im Keller ohne Netz notiert", timeout=15000)
    assert notes() == ["Im Keller ohne Netz notiert"]
    assert phone.evaluate("window.WegbegleiterOutbox.all()") == []


def test_request_cut_after_server_received_it_is_not_doubled(phone_without_worker, county, ctx):
    seed_topics()
    page = phone_without_worker
    household = f"/households/{county.household_a.id}"
    sign_in(page, "manager", PASSWORD)
    open_entry(page, household)

    def cut_after_delivery(route) -> None:
        if route.request.method == "POST":
            route.fetch()  # the server receives and saves the contact...
            route.abort("internetdisconnected")  # ...but the answer never reaches the phone
        else:
            route.continue_()

    page.route("**/contacts/new", cut_after_delivery)
    write_note(page, "Antwort ging verloren")
    page.wait_for_selector("#outbox-count:has-text('1 wartet auf Senden')")
    assert notes() == ["Antwort ging verloren"]  # it did arrive
    page.unroute("**/contacts/new")

    page.click("[data-outbox-send]")
    wait_until_outbox_empty(page)
    page.wait_for_load_state("networkidle")  # the page reloads to show the sent contact
    assert notes() == ["Antwort ging verloren"]  # exactly once


def test_signed_out_entries_stay_until_signed_in(phone_without_worker, county, ctx, app):
    seed_topics()
    page = phone_without_worker
    sign_in(page, "manager", PASSWORD)
    open_entry(page, f"/households/{county.household_a.id}")
    page.context.set_offline(True)
    write_note(page, "Nach Ablauf der Sitzung")
    page.wait_for_selector("#outbox-count:has-text('1 wartet auf Senden')")
    page.context.clear_cookies()  # the session expired meanwhile
    page.context.set_offline(False)
    page.click("[data-outbox-send]")
    page.wait_for_selector("#outbox li:has-text('bitte neu anmelden')")
    assert "Nach Ablauf der Sitzung" not in notes()
    # A request of the old page still in flight could set a fresh session cookie after the
    # login form was served (its CSRF token then no longer matches): let it finish first.
    page.wait_for_load_state("networkidle")
    sign_in(page, "manager", PASSWORD)  # entries survive the login page...
    # ...and are sent from the first page after it.
    wait_until_outbox_empty(page)
    page.goto(f"/households/{county.household_a.id}")
    page.wait_for_selector("#timeline >> text=Nach Ablauf der Sitzung", timeout=15000)
    assert notes().count("Nach Ablauf der Sitzung") == 1


def test_outbox_and_offline_copy_speak_the_browser_language(chromium, live_server, county, ctx):
    """The scripts hold no text of their own: an English browser gets English from the page."""
    seed_topics()
    context = chromium.new_context(
        viewport=PHONE, base_url=live_server, is_mobile=True, has_touch=True, locale="en-GB"
    )
    try:
        page = context.new_page()
        household = f"/households/{county.household_a.id}"
        sign_in(page, "manager", PASSWORD)
        wait_for_service_worker(page)
        open_entry(page, household)
        context.set_offline(True)
        write_note(page, "Written in the basement")
        page.wait_for_selector("#outbox-count:has-text('1 waiting to be sent')")
        assert "saved on this device" in page.locator(".outbox-saved").inner_text()
        page.reload()  # the kept copy of the household page, marked in English
        page.wait_for_selector("#outbox li:has-text('waiting to be sent')")
        assert page.locator(".offline-copy").inner_text().startswith("Offline copy from")
        assert "wartet" not in page.locator("#outbox").inner_text()
        context.set_offline(False)
        page.evaluate("window.dispatchEvent(new Event('online'))")
        wait_until_outbox_empty(page)
        assert notes() == ["Written in the basement"]
    finally:
        context.close()
