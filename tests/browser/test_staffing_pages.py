"""Staffing pages and the experience report page on a 360 px phone: no sideways scrolling,
touch targets >= 44 px, no serious accessibility violations."""

from __future__ import annotations

from datetime import date

from app.extensions import db
from tests.browser.conftest import PHONE, sign_in
from tests.browser.test_mobile_layout import MIN_TARGET, TARGETS_JS
from tests.conftest import PASSWORD
from tests.staffing_helpers import make_period, make_position

PAGES = (
    "/staffing?on=2025-06-15",
    "/staffing/positions?on=2025-06-15",
    "/staffing/positions/new",
    "/staffing/periods/new",
    "/reports/experience?year=2025",
)


def _positions(county) -> None:
    period = make_period(county.county, name="Förderjahr 2025 mit langem Namen")
    make_period(county.county, name="Förderjahr 2026", starts_on=date(2026, 1, 1))
    make_position(period, county.team_a, county.users["lead"], "1.00", "university")
    make_position(
        period,
        county.team_b,
        county.users["manager_b"],
        "0.75",
        "vocational",
        start=date(2023, 12, 1),
    )
    db.session.commit()


def test_staffing_pages_fit_a_360px_phone(phone, county, make):
    _positions(county)
    sign_in(phone, "admin", PASSWORD)
    for url in PAGES:
        response = phone.goto(url)
        assert response.status == 200, url
        assert phone.evaluate("document.documentElement.scrollWidth") <= 360, url
        small = [t for t in phone.evaluate(TARGETS_JS) if t["h"] < MIN_TARGET - 0.5]
        assert small == [], (url, small)


def test_staffing_pages_have_no_serious_accessibility_violations(
    chromium, live_server, county, make
):
    from tests.browser.test_accessibility import violations

    _positions(county)
    context = chromium.new_context(viewport=PHONE, base_url=live_server, bypass_csp=True)
    page = context.new_page()
    try:
        sign_in(page, "admin", PASSWORD)
        problems = {}
        for url in PAGES:
            page.goto(url)
            problems[url] = violations(page)
        assert {url: v for url, v in problems.items() if v} == {}
    finally:
        context.close()
