"""Saving the contact form with errors at 360 px: an error summary at the top of the form takes
the focus and is in view (not ~780 px above the save button), it is announced (role=alert) and
each of its links leads to its field — after an htmx swap, on a full page and without JS."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.contacts.models import Contact
from app.extensions import db
from tests.browser.conftest import PHONE, sign_in
from tests.conftest import PASSWORD
from tests.contacts_helpers import seed_topics

pytestmark = pytest.mark.usefixtures("consented")

# The focused element and whether it is inside the viewport.
FOCUS_JS = """
() => {
  const el = document.activeElement;
  const r = el.getBoundingClientRect();
  return {id: el.id, role: el.getAttribute('role'), top: Math.round(r.top),
          bottom: Math.round(r.bottom), height: innerHeight,
          width: document.documentElement.scrollWidth};
}
"""


def _in_view(focus: dict) -> bool:
    return focus["top"] >= 0 and focus["top"] < focus["height"]


def _untick_topics_and_save(page, scope: str) -> None:
    form = page.locator(f"{scope} form.contact-form")
    for box in form.locator("input[name=topics]").all():
        box.uncheck(force=True)
    form.locator("input[name=setting][value=home_visit]").check(force=True)
    form.locator("textarea[name=note]").fill("Nicht verlieren")
    form.locator("button[type=submit]").scroll_into_view_if_needed()
    assert page.evaluate("scrollY") > 300  # the summary's place is far above the button
    form.locator("button[type=submit]").click()


def _contacts() -> int:
    db.session.expire_all()
    return len(db.session.scalars(select(Contact)).all())


def test_htmx_swap_moves_focus_to_the_summary_in_view(phone, county, ctx):
    seed_topics()
    sign_in(phone, "manager", PASSWORD)
    phone.goto(f"/households/{county.household_a.id}")
    phone.click(".quick-add a")
    phone.wait_for_selector("#contact-entry form.contact-form[data-enhanced]")
    _untick_topics_and_save(phone, "#contact-entry")
    phone.wait_for_selector("#contact-entry #error-summary")
    phone.wait_for_function("document.activeElement.id === 'error-summary'")
    focus = phone.evaluate(FOCUS_JS)
    assert focus["role"] == "alert"
    assert _in_view(focus), focus
    assert focus["width"] <= PHONE["width"]
    summary = phone.locator("#error-summary")
    assert "Es wurde nichts gespeichert." in summary.inner_text()
    assert "Themen: Bitte mindestens ein Thema wählen." in summary.inner_text()
    assert phone.evaluate("location.pathname") == f"/households/{county.household_a.id}"
    # The link leads to the field: its first chip takes the focus and is in view.
    summary.locator("a[href='#topics']").click()
    phone.wait_for_function("document.activeElement.name === 'topics'")
    chip = phone.evaluate("document.activeElement.closest('label').getBoundingClientRect().top")
    assert 0 <= chip < PHONE["height"]
    assert phone.input_value("#contact-entry textarea[name=note]") == "Nicht verlieren"
    assert _contacts() == 0


def test_full_page_form_focuses_the_summary(phone, county, ctx):
    seed_topics()
    sign_in(phone, "manager", PASSWORD)
    phone.goto(f"/households/{county.household_a.id}/contacts/new")
    phone.wait_for_selector("form.contact-form[data-enhanced]")
    _untick_topics_and_save(phone, "main")
    # The outbox sends the entry, hears 422 and submits the form for the server's messages.
    phone.wait_for_selector("#error-summary")
    phone.wait_for_function("document.activeElement.id === 'error-summary'")
    focus = phone.evaluate(FOCUS_JS)
    assert _in_view(focus), focus
    assert phone.title().startswith("Fehler:")
    assert _contacts() == 0


def test_without_javascript_the_summary_is_first_and_focused(chromium, live_server, county, ctx):
    seed_topics()
    context = chromium.new_context(
        viewport=PHONE, base_url=live_server, java_script_enabled=False, is_mobile=True
    )
    page = context.new_page()
    try:
        sign_in(page, "manager", PASSWORD)
        page.goto(f"/households/{county.household_a.id}/contacts/new")
        for box in page.locator("input[name=topics]").all():
            box.uncheck(force=True)
        page.locator("input[name=setting][value=home_visit]").check(force=True)
        page.click("#contact-form button[type=submit]")
        page.wait_for_selector("#error-summary")
        first = page.evaluate(
            "document.querySelector('#contact-form > :not(input):not([hidden])').id"
        )
        assert first == "error-summary"
        focus = page.evaluate(FOCUS_JS)
        assert focus["id"] == "error-summary"  # autofocus: the browser's own doing
        assert _in_view(focus), focus
        assert page.locator("#error-summary a[href='#topics']").count() == 1
    finally:
        context.close()
    assert _contacts() == 0
