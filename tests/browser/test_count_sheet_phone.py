"""The count sheet and its check page on a 360 px phone: the first figure on the first
screen (the filter collapsed behind its summary line), nothing wider than the screen, every
target at least 44 px, no serious accessibility violations."""

from __future__ import annotations

from datetime import datetime

from app.extensions import db
from tests.browser.conftest import PHONE, sign_in
from tests.browser.test_accessibility import violations
from tests.browser.test_indicator_sheet import _fits, axe_phone  # noqa: F401 (a fixture)
from tests.conftest import PASSWORD
from tests.contacts_helpers import make_contact, seed_topics

PERIOD = "date_from=2025-01-01&date_to=2025-12-31"


def _world(county) -> None:
    seed_topics()
    make_contact(county.household_a, county.users["manager"], when=datetime(2025, 3, 3, 10))
    make_contact(
        county.household_a, county.users["manager"], when=datetime(2025, 4, 4, 10), topics=[]
    )
    db.session.commit()


def test_count_sheet_on_a_phone(phone, county):
    _world(county)
    problems = []
    for user in ("manager", "admin"):
        sign_in(phone, user, PASSWORD)
        for url in (f"/reports/count-sheet?{PERIOD}", f"/reports/count-sheet/check?{PERIOD}"):
            phone.goto(url)
            problems += _fits(phone, f"{user} {url}")
        phone.goto(f"/reports/count-sheet?{PERIOD}")
        first = phone.locator(".sheet td.num").first.bounding_box()
        assert first["y"] + first["height"] <= PHONE["height"], (user, first)
        # the filter opens from its summary line and shows the period fields
        phone.locator(".filter-box summary").tap()
        assert phone.locator("input[name=date_from]").is_visible()
        phone.context.clear_cookies()
    assert problems == []


def test_count_sheet_pages_have_no_serious_accessibility_violations(request, county):
    page = request.getfixturevalue("axe_phone")  # test_indicator_sheet's, imported above
    _world(county)
    sign_in(page, "admin", PASSWORD)
    found = {}
    for url in (f"/reports/count-sheet?{PERIOD}", f"/reports/count-sheet/check?{PERIOD}"):
        page.goto(url)
        found[url] = violations(page)
    assert {url: v for url, v in found.items() if v} == {}
