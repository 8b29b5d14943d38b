"""One flow on the phone: while recording a contact, the indicator groups of the chosen topics
open inline; a group is confirmed with one tap, then the contact is saved."""

from __future__ import annotations

from sqlalchemy import select

from app.contacts.models import Contact
from app.extensions import db
from app.indicators.catalogue import seed_catalogue
from app.indicators.models import IndicatorReview
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD
from tests.contacts_helpers import seed_topics


def test_topics_open_their_indicator_groups_inline(phone, consented, ctx):
    seed_topics()
    seed_catalogue()
    db.session.commit()
    household = consented.household_a
    sign_in(phone, "manager", PASSWORD)
    phone.goto(f"/households/{household.id}")
    phone.click(".quick-add a")
    phone.wait_for_selector("#contact-entry form.contact-form[data-enhanced]")
    chip = phone.locator("#contact-entry label.chip:has(input[name=topics][value=housing])")
    if not chip.locator("input").is_checked():
        chip.click()
    phone.click(".indicator-links a:has-text('Samira')")
    phone.wait_for_selector("#contact-indicators #g-housing")
    assert phone.evaluate("location.pathname") == f"/households/{household.id}"
    phone.click("#contact-indicators #g-housing button:has-text('Alles noch aktuell')")
    phone.wait_for_selector("#contact-indicators #g-housing >> text=Bestätigt am")
    assert db.session.scalar(select(IndicatorReview.group)) == "housing"

    phone.fill("#contact-entry textarea[name=note]", "Wohnung besprochen, Kennzahlen geprüft")
    phone.click("#contact-entry label.chip:has(input[name=setting][value=home_visit])")
    phone.click("#contact-entry button[type=submit]")
    phone.wait_for_selector("#timeline-items li.contact:has-text('Kennzahlen geprüft')")
    db.session.expire_all()
    assert db.session.scalar(select(db.func.count()).select_from(Contact)) == 1
