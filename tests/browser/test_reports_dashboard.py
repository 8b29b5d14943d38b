"""The reports dashboard on a 360 px phone: no sideways scrolling, charts fit, targets >= 44 px,
filters work with htmx (fragment swap) and the numbers table opens."""

from __future__ import annotations

from tests.browser.conftest import sign_in
from tests.browser.test_mobile_layout import MIN_TARGET, TARGETS_JS
from tests.conftest import PASSWORD
from tests.reports_world import build

CHARTS_JS = """
() => [...document.querySelectorAll('svg.chart-svg')].map(svg => {
  const r = svg.getBoundingClientRect();
  return {id: svg.closest('figure').id, left: r.left, right: r.right, width: r.width};
})
"""


def test_dashboard_fits_a_360px_phone(phone, county, make):
    build(county, make)
    sign_in(phone, "lead", PASSWORD)
    response = phone.goto("/reports?date_from=01.01.2025&date_to=31.12.2025")
    assert response.status == 200
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    charts = phone.evaluate(CHARTS_JS)
    assert len(charts) == 5
    for chart in charts:
        assert chart["left"] >= 0 and chart["right"] <= 360, chart
        assert chart["width"] > 250, chart  # scaled to the phone, not shrunk to a stamp
    small = [
        t
        for t in phone.evaluate(TARGETS_JS)
        if t["h"] < MIN_TARGET - 0.5 and t["tag"] != "A"  # links in the numbers tables
    ]
    assert small == []
    # The numbers behind a chart open as a table; still no sideways scrolling.
    phone.click("#chart-settings summary")
    assert phone.is_visible("#chart-settings table")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360


def test_filter_swaps_the_figures_with_htmx(phone, county, make):
    build(county, make)
    sign_in(phone, "admin", PASSWORD)
    phone.goto("/reports?date_from=01.01.2025&date_to=31.12.2025")
    phone.wait_for_selector("#dashboard >> text=Personen in Kontakt")
    before = phone.inner_text("#dashboard .stats li:first-child strong")
    assert before == "10"
    phone.click(".filter-box > summary")  # the filter is collapsed behind its summary line
    phone.select_option("#team_id", str(county.team_b.id))
    phone.click("form.filters button[type=submit]")
    phone.wait_for_selector("#dashboard-title:has-text('Team Süd')")
    assert phone.inner_text("#dashboard .stats li:first-child strong") == "1"
    # swapped in place: the filter form is still the one of the first page load
    assert phone.evaluate("document.querySelectorAll('form.filters').length") == 1
    assert f"team_id={county.team_b.id}" in phone.url


def test_dashboard_and_a_list_have_no_serious_accessibility_violations(
    chromium, live_server, county, make
):
    from tests.browser.conftest import PHONE
    from tests.browser.test_accessibility import violations

    build(county, make)
    context = chromium.new_context(viewport=PHONE, base_url=live_server, bypass_csp=True)
    page = context.new_page()
    try:
        sign_in(page, "lead", PASSWORD)
        problems = {}
        for url in (
            "/reports?date_from=01.01.2025&date_to=31.12.2025",
            "/reports/list/kontakte?date_from=01.01.2025&date_to=31.12.2025",
        ):
            page.goto(url)
            if "/list/" not in url:
                page.click("#chart-topics summary")  # the numbers table is audited too
            problems[url] = violations(page)
        assert {url: v for url, v in problems.items() if v} == {}
    finally:
        context.close()
