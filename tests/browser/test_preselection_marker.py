"""At 360 px the contact form shows what it chose for the manager: the last setting and place
marked "wie zuletzt" (visible on the chosen chip), all members marked as preselected; a marker
goes once its field is changed."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.extensions import db
from app.timeutil import utcnow
from tests.browser.conftest import PHONE, sign_in
from tests.browser.layout import SMALL_TARGETS_JS
from tests.conftest import PASSWORD, given_consent
from tests.contacts_helpers import make_contact, seed_topics

pytestmark = pytest.mark.usefixtures("consented")


def test_wie_zuletzt_is_visible_on_the_chosen_chip_and_goes_when_changed(phone, county, make, ctx):
    seed_topics()
    omar = make.person(county.household_a, "Omar")
    db.session.flush()
    db.session.add(given_consent(omar.id))
    contact = make_contact(county.household_a, county.users["manager"], setting="office_hour")
    contact.created_at = utcnow() - timedelta(hours=2)
    db.session.commit()
    sign_in(phone, "manager", PASSWORD)
    phone.goto(f"/households/{county.household_a.id}")
    phone.click(".quick-add a")
    phone.wait_for_selector("#contact-entry form.contact-form[data-enhanced]")
    chip = phone.locator("#contact-entry label.chip:has(input[name=setting][value=office_hour])")
    assert chip.locator("input").is_checked()
    marker = chip.locator("[data-preselected=setting]")
    assert marker.is_visible() and marker.inner_text() == "wie zuletzt"
    box = marker.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]  # not cut off
    place = phone.locator("#contact-entry [data-preselected=location]")
    assert place.is_visible()  # the place field shows for an office hour
    assert phone.locator("#contact-entry [data-preselected=participants]").is_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert phone.evaluate(SMALL_TARGETS_JS) == []

    # Changed by hand: a marker no longer tells what the form chose, and goes.
    phone.fill("#contact-entry input[name=location]", "Rathaus")
    assert not place.is_visible() and marker.is_visible()
    phone.click("#contact-entry label.chip:has(input[name=setting][value=video])")
    assert not marker.is_visible()
    phone.click(f"#contact-entry label.chip:has(input[name=participants][value='{omar.id}'])")
    assert not phone.locator("#contact-entry [data-preselected=participants]").is_visible()
