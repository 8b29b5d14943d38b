"""Merging a family recorded twice, on a 360 px phone: from the household page to the
duplicates, the side-by-side compare (one radio pair per differing field), the confirmation
and the result. No sideways scrolling, touch targets >= 44 px, no serious axe violations."""

from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db
from app.households.models import Household, Person
from app.merge.models import RecordMerge
from tests.browser.conftest import PHONE, sign_in
from tests.browser.layout import SMALL_TARGETS_JS
from tests.browser.test_accessibility import violations
from tests.conftest import PASSWORD


def _fits(page, step: str) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], step
    assert page.evaluate(SMALL_TARGETS_JS) == [], step


def test_merge_two_households_on_a_phone(chromium, live_server, county, make):
    twin = make.household(
        county.town_a,
        "Haddad-Al-Khatib Großfamilie",
        manager=county.users["colleague"],
        street="Lindenweg 3, bei Familie Abdelrahman-Schmidt",
        phone="07161 1234567",
    )
    make.person(twin, "Samira", "Hadad", phone="0176 5550001", languages="Arabisch, Kurdisch")
    db.session.commit()
    keep_id, twin_id = county.household_a.id, twin.id
    # bypass_csp: the test injects axe; the app's pages need no inline script
    context = chromium.new_context(
        viewport=PHONE, base_url=live_server, is_mobile=True, has_touch=True, bypass_csp=True
    )
    page = context.new_page()
    try:
        sign_in(page, "manager", PASSWORD)
        page.goto(f"/households/{keep_id}")
        page.click("text=Dubletten prüfen")
        page.wait_for_url(f"**/households/{keep_id}/duplicates")
        _fits(page, "duplicates")
        page.click("#duplicates >> text=Vergleichen")
        page.wait_for_url(f"**/households/{keep_id}/merge/{twin_id}")
        _fits(page, "compare")
        assert violations(page) == []
        # take the twin's phone number: tap the label (the finger's target)
        page.click("label:has(#pick_phone-1)")
        assert page.is_checked("#pick_phone-1")
        page.click("button[name=preview]")
        page.wait_for_selector("#merge-result")
        _fits(page, "confirm")
        assert "07161 1234567" in page.inner_text("#merge-result")
        page.click("button[name=confirm]")
        page.wait_for_selector("#merge-done")
        _fits(page, "result")
        assert violations(page) == []
        assert "Zusammengeführt" in page.inner_text("h1")
        page.click("text=Zum Datensatz")
        page.wait_for_url(f"**/households/{keep_id}")
        assert "Samira Hadad" in page.inner_text("main")
        # the twin's old page leads to the survivor
        page.goto(f"/households/{twin_id}")
        assert page.url.endswith(f"/households/{keep_id}")
    finally:
        context.close()
    db.session.expire_all()
    assert db.session.get(Household, twin_id) is None
    assert db.session.get(Household, keep_id).phone == "07161 1234567"
    assert db.session.scalar(select(func.count()).select_from(RecordMerge)) == 1
    persons = db.session.scalars(select(Person.household_id)).all()
    assert twin_id not in persons
