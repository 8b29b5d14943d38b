"""The catalogue admin pages and the combined county figures on a 360 px phone: no sideways
scrolling, targets >= 44 px, each figure's cells name their organisation, the town's consent
and hiding a default work by tapping through the forms."""

from __future__ import annotations

from tests.browser.conftest import PHONE, sign_in
from tests.browser.test_mobile_layout import MIN_TARGET, TARGETS_JS
from tests.conftest import PASSWORD
from tests.reports_world import build

PERIOD = "date_from=01.01.2025&date_to=31.12.2025"


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    small = [t for t in page.evaluate(TARGETS_JS) if t["h"] < MIN_TARGET - 0.5]
    assert small == [], small


def _as(chromium, live_server: str, username: str):
    context = chromium.new_context(viewport=PHONE, base_url=live_server, is_mobile=True)
    page = context.new_page()
    sign_in(page, username, PASSWORD)
    return context, page


def test_county_figures_fit_a_360px_phone(chromium, live_server, phone, consented, make):
    county = consented
    build(county, make)
    # The town's admin agrees on the set-up page.
    context, town = _as(chromium, live_server, "town_admin")
    try:
        town.goto("/admin/setup/")
        _fits(town)
        town.check("#shares_figures")
        town.click("#sharing ~ form button[type=submit]")
        town.wait_for_selector(".flash.success")
        assert "Der Landkreis sieht jetzt die Zahlen" in town.inner_text(".flash.success")
    finally:
        context.close()

    sign_in(phone, "admin", PASSWORD)
    phone.goto("/reports")
    phone.click("text=Zahlen des Landkreises und der Städte")
    phone.wait_for_url("**/reports/county**")
    response = phone.goto(f"/reports/county?{PERIOD}")
    assert response.status == 200
    _fits(phone)
    # On a phone every figure is a block; each cell says whose number it is.
    row = phone.locator("#f-contacts")
    cells = row.locator("td").all_inner_texts()
    assert [c.split(":")[0] for c in cells] == [county.county.name, county.town.name, "Summe"]
    assert cells[-1].replace("\n", " ").split(":")[1].strip() == "15"
    box = row.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360
    # The period filter swaps the figures in place (htmx).
    phone.click(".filter-box > summary")
    phone.fill("#date_from", "2024-01-01")
    phone.fill("#date_to", "2024-12-31")
    phone.click("form.filters button[type=submit]")
    phone.wait_for_selector("#county-title:has-text('31.12.2024')")
    assert phone.evaluate("document.querySelectorAll('form.filters').length") == 1
    _fits(phone)


def test_county_page_has_no_serious_accessibility_violations(chromium, live_server, county, make):
    from tests.browser.test_accessibility import violations

    build(county, make)
    context = chromium.new_context(viewport=PHONE, base_url=live_server, bypass_csp=True)
    page = context.new_page()
    try:
        sign_in(page, "admin", PASSWORD)
        found = {}
        for url in (f"/reports/county?{PERIOD}", "/admin/topics", "/admin/indicators"):
            page.goto(url)
            found[url] = violations(page)
        assert {url: v for url, v in found.items() if v} == {}
    finally:
        context.close()


def test_town_admin_hides_a_default_and_adds_an_own_topic_on_a_phone(phone, county):
    from app.contacts.models import Topic
    from app.extensions import db
    from app.indicators.catalogue import seed_catalogue
    from tests.contacts_helpers import seed_topics

    seed_topics()
    seed_catalogue()
    db.session.commit()
    sign_in(phone, "town_admin", PASSWORD)
    phone.goto("/admin/topics")
    _fits(phone)
    phone.fill("#label", "Kita-Platz")
    phone.click("form.stack button[type=submit]")
    phone.wait_for_selector("#own ~ ul >> text=Kita-Platz")
    # A default opens read-only, with the reason; hiding it is one tap.
    phone.click("#defaults ~ ul >> text=Wohnen")
    phone.wait_for_selector("#refused")
    assert "Vorgabe des Landkreises" in phone.inner_text("#refused")
    assert phone.locator("input[name=label]").count() == 0
    _fits(phone)
    phone.click("text=Für Stadt Eigenstadt ausblenden")
    phone.wait_for_selector(".flash.success")
    assert "bei uns ausgeblendet" in phone.inner_text("#defaults ~ ul")
    _fits(phone)
    phone.goto("/admin/indicators")
    _fits(phone)
    db.session.expire_all()
    own = db.session.query(Topic).filter_by(label="Kita-Platz").one()
    assert own.organisation_id == county.town.id
