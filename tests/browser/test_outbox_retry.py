"""The outbox never strands a note: outages and network errors keep the entry waiting and
retry it; a 422 makes it "needs correction", reopened in the contact form and resent with the
same key; entries are sent only under the name of the user who typed them; a note typed into a
form rendered long ago gets the time it was typed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.contacts.models import Contact
from app.extensions import db
from app.timeutil import utcnow
from tests.browser.conftest import sign_in, wait_until
from tests.browser.test_outbox import notes, open_entry, wait_until_outbox_empty
from tests.conftest import PASSWORD
from tests.contacts_helpers import seed_topics
from tests.test_outage import DatabaseDown

pytestmark = pytest.mark.usefixtures("consented")

ENTRIES_JS = "window.WegbegleiterOutbox ? window.WegbegleiterOutbox.all() : []"


@pytest.fixture
def short_retry_after(app):
    app.config["OUTAGE_RETRY_AFTER_SECONDS"] = 1
    yield
    app.config["OUTAGE_RETRY_AFTER_SECONDS"] = 15


def type_note(page, text: str, topic: bool = True) -> None:
    form = page.locator("#contact-entry form")
    form.locator("textarea[name=note]").fill(text)
    if topic:
        form.locator("label.chip:has(input[name=topics][value=housing])").click()
    form.locator("input[name=setting][value=home_visit]").check(force=True)
    form.locator("button[type=submit]").click()


def contacts() -> list[Contact]:
    db.session.expire_all()
    return list(db.session.scalars(select(Contact)))


def test_outage_answer_keeps_the_entry_waiting_and_it_is_sent_once_after(
    phone_without_worker, county, ctx, short_retry_after
):
    page = phone_without_worker
    seed_topics()
    household = f"/households/{county.household_a.id}"
    sign_in(page, "manager", PASSWORD)
    open_entry(page, household)
    with DatabaseDown(db.engine):
        type_note(page, "Während des Neustarts notiert")
        page.wait_for_selector("#outbox-count:has-text('1 wartet auf Senden')")
        assert "Server ist gerade nicht erreichbar" in page.locator(".outbox-saved").inner_text()
        page.wait_for_selector("#outbox li:has-text('neuer Versuch um')")
        [entry] = page.evaluate(ENTRIES_JS)
        assert entry["state"] == "waiting" and entry["attempts"] >= 1
        assert page.locator("#outbox [data-discard]").count() == 0  # nothing to throw away
        assert notes() == []
    # The database is back: the next timed retry sends it, without any click.
    page.wait_for_selector("#timeline >> text=Während des Neustarts notiert", timeout=20000)
    wait_until_outbox_empty(page)
    assert notes() == ["Während des Neustarts notiert"]


def test_network_error_then_success_sends_once(phone_without_worker, county, ctx):
    page = phone_without_worker
    seed_topics()
    sign_in(page, "manager", PASSWORD)
    open_entry(page, f"/households/{county.household_a.id}")
    posts = []

    def first_post_lost(route) -> None:
        if route.request.method == "POST":
            posts.append(route.request.headers.get("x-outbox-replay", "htmx"))
            if len(posts) == 1:
                return route.abort("connectionreset")  # never reached the server
        route.continue_()

    page.route("**/contacts/new*", first_post_lost)
    type_note(page, "Verbindung brach ab")
    page.wait_for_selector("#timeline >> text=Verbindung brach ab", timeout=20000)
    wait_until_outbox_empty(page)
    assert posts == ["htmx", "1"]  # the htmx post, then one replay
    assert notes() == ["Verbindung brach ab"]


def test_invalid_entry_needs_correction_is_reopened_corrected_and_sent_with_its_key(
    phone_without_worker, county, ctx
):
    page = phone_without_worker
    seed_topics()
    household = f"/households/{county.household_a.id}"
    sign_in(page, "manager", PASSWORD)
    open_entry(page, household)
    page.context.set_offline(True)
    type_note(page, "Ohne Thema notiert", topic=False)  # no topic: the server will refuse
    page.wait_for_selector("#outbox-count:has-text('1 wartet auf Senden')")
    [waiting] = page.evaluate(ENTRIES_JS)
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")

    page.wait_for_selector("#outbox li:has-text('Korrektur nötig:')")
    assert "Thema" in page.locator("#outbox li").inner_text()
    assert page.locator("#outbox-count").inner_text() == "1 zu korrigieren"
    assert notes() == []

    page.click("#outbox a:has-text('Korrigieren')")
    page.wait_for_selector("form[data-outbox][data-outbox-reopen]")
    form = page.locator("form[data-outbox]")
    assert form.locator("textarea[name=note]").input_value() == "Ohne Thema notiert"
    assert form.locator("[name=idempotency_key]").input_value() == waiting["key"]
    assert "noch nicht gespeichert" in form.locator("p[role=alert]").first.inner_text()

    # Sent again unchanged: the server shows its message next to the field, nothing is lost.
    form.locator("button[type=submit]").click()
    page.wait_for_selector("#topics.invalid")
    form = page.locator("form[data-outbox]")
    assert form.locator("textarea[name=note]").input_value() == "Ohne Thema notiert"
    wait_until(page, "document.querySelector('form[data-outbox]').dataset.outboxReopen")
    assert form.locator("[name=idempotency_key]").input_value() == waiting["key"]
    assert [e["state"] for e in page.evaluate(ENTRIES_JS)] == ["correction"]

    form.locator("label.chip:has(input[name=topics][value=housing])").click()
    form.locator("button[type=submit]").click()
    page.wait_for_url(f"**{household}#timeline")
    page.wait_for_selector("#timeline >> text=Ohne Thema notiert")
    wait_until_outbox_empty(page)
    [saved] = contacts()
    assert saved.note == "Ohne Thema notiert" and saved.idempotency_key == waiting["key"]


def test_unsent_entry_is_never_sent_under_another_users_name(phone_without_worker, county, ctx):
    page = phone_without_worker
    seed_topics()
    household = f"/households/{county.household_a.id}"
    sign_in(page, "manager", PASSWORD)
    open_entry(page, household)
    page.route("**/contacts/new*", lambda route: route.abort("internetdisconnected"))
    type_note(page, "Von Manager getippt")
    page.wait_for_selector("#outbox-count:has-text('1 wartet auf Senden')")

    questions = []
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.accept()))
    page.click("form[data-logout] button")
    page.wait_for_url("**/login")
    assert "nicht gesendete" in questions[0]
    page.unroute("**/contacts/new*")

    sign_in(page, "colleague", PASSWORD)  # same team: the household is open to them too
    page.goto(household)
    # As "Jetzt senden" would (the panel stays hidden: nothing of theirs to show).
    page.evaluate("window.WegbegleiterOutbox.sendAll(true)")
    assert page.locator("#outbox").is_hidden() and page.locator("#outbox-count").is_hidden()
    assert notes() == []
    [kept] = page.evaluate(ENTRIES_JS)  # still on the device, still the manager's
    assert ["note", "Von Manager getippt"] in kept["fields"]
    assert kept["user"] == str(county.users["manager"].id)
    page.click("form[data-logout] button")
    page.wait_for_url("**/login")

    sign_in(page, "manager", PASSWORD)  # back on the device: sent under the right name
    wait_until_outbox_empty(page)
    [saved] = contacts()
    assert saved.note == "Von Manager getippt"
    assert saved.author_id == county.users["manager"].id


def test_note_typed_into_an_old_form_gets_the_time_it_was_typed(phone_without_worker, county, ctx):
    page = phone_without_worker
    seed_topics()
    sign_in(page, "manager", PASSWORD)
    open_entry(page, f"/households/{county.household_a.id}")
    # As if the form had been rendered three hours ago (an offline copy, a tab left open).
    page.evaluate(
        """() => {
        const input = document.querySelector('#contact-entry [name=occurred_at]');
        const d = new Date(Date.now() - 3 * 3600 * 1000);
        const pad = (n) => String(n).padStart(2, '0');
        const old = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`
          + `T${pad(d.getHours())}:${pad(d.getMinutes())}`;
        input.defaultValue = old;
        input.value = old;
    }"""
    )
    page.context.set_offline(True)
    type_note(page, "Später getippt")
    page.wait_for_selector("#outbox-count:has-text('1 wartet auf Senden')")
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    wait_until_outbox_empty(page)
    [saved] = contacts()
    assert abs(saved.occurred_at - utcnow()) < timedelta(minutes=3)


def test_time_set_by_hand_is_kept(phone_without_worker, county, ctx):
    page = phone_without_worker
    seed_topics()
    sign_in(page, "manager", PASSWORD)
    open_entry(page, f"/households/{county.household_a.id}")
    page.fill("#contact-entry [name=occurred_at]", "2026-01-15T09:30")
    type_note(page, "Nachgetragen")
    page.wait_for_selector("#timeline >> text=Nachgetragen")
    [saved] = contacts()
    assert f"{saved.occurred_at:%Y-%m-%d %H:%M}" == "2026-01-15 08:30"  # 09:30 in Berlin
