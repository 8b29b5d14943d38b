"""A failed htmx request shows a visible German message in an aria-live region, and the form
keeps what was typed: htmx does not swap the outage page over it."""

from __future__ import annotations

import pytest

from app.extensions import db
from tests.browser.conftest import PHONE, sign_in, wait_until
from tests.conftest import PASSWORD
from tests.contacts_helpers import make_contact, seed_topics
from tests.test_outage import DatabaseDown

pytestmark = pytest.mark.usefixtures("consented")


def test_outage_and_network_error_are_announced_and_the_comment_stays(
    phone_without_worker, county, ctx
):
    page = phone_without_worker
    seed_topics()
    contact = make_contact(county.household_a, county.users["manager"])
    db.session.commit()
    sign_in(page, "lead", PASSWORD)
    page.goto(f"/contacts/{contact.id}")
    box = page.locator("#comments textarea[name=body]")
    box.fill("Bitte Mietvertrag nachreichen.")
    status = page.locator("#request-status")
    assert status.is_hidden()

    with DatabaseDown(db.engine):  # the server answers its real 503 outage page
        page.click("#comments button[type=submit]")
        page.wait_for_selector("#request-status:visible")
    assert "Der Server ist gerade nicht erreichbar (Fehler 503)" in status.inner_text()
    assert status.get_attribute("aria-live") == "assertive"
    assert box.input_value() == "Bitte Mietvertrag nachreichen."
    assert "Vorübergehend nicht erreichbar" not in page.content()  # nothing swapped in

    page.route("**/comments", lambda route: route.abort("internetdisconnected"))
    status.evaluate("el => { el.hidden = true; }")
    page.click("#comments button[type=submit]")
    page.wait_for_selector("#request-status:visible")
    assert "Keine Verbindung zum Server" in status.inner_text()
    assert box.input_value() == "Bitte Mietvertrag nachreichen."
    page.unroute("**/comments")

    page.click("#comments button[type=submit]")  # the connection is back: saved
    page.wait_for_selector("#comments .comments >> text=Bitte Mietvertrag nachreichen.")
    assert status.is_hidden()


def test_refused_request_says_so_in_english_for_an_english_browser(chromium, live_server, county):
    context = chromium.new_context(
        viewport=PHONE, base_url=live_server, service_workers="block", locale="en-GB"
    )
    try:
        page = context.new_page()
        sign_in(page, "manager", PASSWORD)
        page.goto("/search")
        page.route("**/search", lambda route: route.fulfill(status=403, body="forbidden"))
        page.fill("#q", "Haddad")
        page.wait_for_selector("#request-status:visible")
        assert "could not be processed (error 403)" in page.locator("#request-status").inner_text()
        assert page.input_value("#q") == "Haddad"
    finally:
        context.close()


def test_during_an_outage_a_kept_household_page_is_shown_else_the_notice(phone, county, ctx):
    from tests.browser.test_offline import PAGES_JS, wait_for_service_worker

    household = f"/households/{county.household_a.id}"
    sign_in(phone, "manager", PASSWORD)
    wait_for_service_worker(phone)
    phone.goto(household)
    wait_until(phone, f"({PAGES_JS})().then(p => p.includes('{household}'))")
    with DatabaseDown(db.engine):
        phone.goto(household)
        assert phone.locator(".offline-copy").inner_text().startswith("Offline-Kopie vom")
        assert "Samira Haddad" in phone.content()
        answer = phone.goto("/households")  # never opened: the outage notice, in German
        assert answer.status == 503
        assert "Vorübergehend nicht erreichbar" in phone.content()
