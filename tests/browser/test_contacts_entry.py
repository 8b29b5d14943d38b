"""Quick entry in a real browser at phone size: htmx swap, the note draft surviving a reload,
one-tap task completion, validation errors in place, and no CSP violations."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.contacts.models import Contact, Task
from app.extensions import db
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD
from tests.contacts_helpers import make_contact, seed_topics

# Contacts are counselling data: recorded only for persons who consented.
pytestmark = pytest.mark.usefixtures("consented")


def collect_console(page) -> list[str]:
    messages: list[str] = []
    page.on("console", lambda m: messages.append(m.text))
    return messages


def open_entry(page) -> str:
    page.click(".quick-add a")
    page.wait_for_selector("#contact-entry form.contact-form[data-enhanced]")
    return page.input_value("#contact-entry [name=idempotency_key]")


def test_quick_entry_with_htmx_keeps_draft_across_reload(phone, county, ctx):
    seed_topics()
    console = collect_console(phone)
    household_id = county.household_a.id
    sign_in(phone, "manager", PASSWORD)
    phone.goto(f"/households/{household_id}")
    first_key = open_entry(phone)
    phone.fill("#contact-entry textarea[name=note]", "Entwurf: Wohnungssuche besprochen")
    draft = f"wb-contact-draft:{household_id}:{first_key}"
    phone.wait_for_function("(name) => localStorage.getItem(name) !== null", arg=draft)

    # An accidental reload: the script restores the draft and continues with its key.
    phone.goto(f"/households/{household_id}")
    assert open_entry(phone) == first_key
    assert (
        phone.input_value("#contact-entry textarea[name=note]")
        == "Entwurf: Wohnungssuche besprochen"
    )
    assert phone.locator("text=Entwurf der Notiz wiederhergestellt").count() == 1

    chip = phone.locator("#contact-entry label.chip:has(input[name=topics][value=housing])")
    if not chip.locator("input").is_checked():
        chip.click()  # a tap on the chip
    assert chip.locator("input").is_checked()
    # A first contact has no setting chosen for the manager (tests/test_contact_preselection.py).
    phone.click("#contact-entry label.chip:has(input[name=setting][value=home_visit])")
    phone.click("#contact-entry button[type=submit]")
    phone.wait_for_selector("#timeline-items li.contact:has-text('Entwurf: Wohnungssuche')")
    assert phone.locator("text=Kontakt gespeichert.").count() >= 1
    assert phone.evaluate("location.pathname") == f"/households/{household_id}"  # no navigation
    phone.wait_for_function("(name) => localStorage.getItem(name) === null", arg=draft)

    contacts = db.session.scalars(select(Contact)).all()
    assert [(c.idempotency_key, [t.key for t in c.topics]) for c in contacts] == [
        (first_key, ["housing"])
    ]
    assert not any("Content Security Policy" in m or "Refused to" in m for m in console)


def test_task_done_in_one_tap_and_validation_errors_stay_in_place(phone, county, ctx):
    seed_topics()
    household_id = county.household_a.id
    contact = make_contact(
        county.household_a, county.users["manager"], tasks=[{"description": "Pass abholen"}]
    )
    task_id = contact.tasks[0].id
    sign_in(phone, "manager", PASSWORD)
    phone.goto("/tasks")
    phone.click(f"#task-{task_id} button.tick")
    phone.wait_for_selector(f"#task-{task_id}.done")
    assert phone.evaluate("location.pathname") == "/tasks"
    db.session.expire_all()
    assert db.session.get(Task, task_id).status == "done"

    phone.goto(f"/households/{household_id}")
    open_entry(phone)
    form = phone.locator("#contact-entry form")
    form.locator("textarea[name=note]").fill("Nicht verlieren")
    for box in form.locator("input[name=topics]").all():
        box.uncheck(force=True)
    form.locator("button[type=submit]").click()
    phone.wait_for_selector("#contact-entry .error")
    assert "mindestens ein Thema" in phone.inner_text("#contact-entry")
    assert phone.input_value("#contact-entry textarea[name=note]") == "Nicht verlieren"
    assert phone.evaluate("location.pathname") == f"/households/{household_id}"
    db.session.expire_all()
    assert len(db.session.scalars(select(Contact)).all()) == 1
