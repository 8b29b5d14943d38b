"""The front desk checks a walk-in in; the manager's queue shows it without a reload."""

from __future__ import annotations

import pytest

from tests.appointment_world import build_world
from tests.browser.conftest import PHONE, sign_in
from tests.browser.test_mobile_layout import MIN_TARGET, TARGETS_JS
from tests.conftest import PASSWORD


def test_walk_in_appears_in_managers_queue_without_reload(chromium, live_server, county):
    world = build_world(county)
    queue_url = f"/officehours/locations/{world.location.id}/queue"
    manager_ctx = chromium.new_context(viewport=PHONE, base_url=live_server, is_mobile=True)
    desk_ctx = chromium.new_context(viewport={"width": 800, "height": 900}, base_url=live_server)
    try:
        manager = manager_ctx.new_page()
        sign_in(manager, "manager", PASSWORD)
        manager.goto(queue_url)
        assert manager.locator("#queue").is_visible()
        assert "Yonas" not in manager.inner_text("#queue")
        assert manager.evaluate("document.documentElement.scrollWidth") <= 360
        # Unchanged queue: the poll sends the ETag and gets an empty 304; nothing is swapped.
        with manager.expect_response(
            lambda r: queue_url in r.url and r.status == 304, timeout=12_000
        ):
            pass
        assert manager.locator("#queue").is_visible()

        desk = desk_ctx.new_page()
        sign_in(desk, "frontdesk", PASSWORD)
        desk.goto(f"/desk/{world.location.id}")
        desk.fill("#first_name", "Yonas")
        desk.fill("#language", "Tigrinya")
        desk.click("#walk-in button[type=submit]")
        desk.wait_for_selector("text=Angemeldet: Yonas")

        # No reload: the polling fragment (every 5 s) brings the new entry.
        manager.wait_for_selector("#queue >> text=Yonas", timeout=15_000)
        assert manager.url.endswith(queue_url)
        assert "Tigrinya" in manager.inner_text("#queue")

        # Signed out elsewhere: the next poll leads the queue page to the login page,
        # rather than swapping the login form into the queue.
        other = manager_ctx.new_page()
        other.goto("/")
        other.click("form[data-logout] button")
        other.wait_for_url("**/login**")
        manager.wait_for_url("**/login**", timeout=15_000)
    finally:
        manager_ctx.close()
        desk_ctx.close()


@pytest.mark.parametrize("who", ["manager", "frontdesk", "volunteer"])
def test_new_pages_fit_a_phone(phone, county, who):
    world = build_world(county)
    urls = {
        "manager": [
            "/appointments",
            "/appointments/week",
            f"/appointments/{world.appointment.id}",
            f"/appointments/{world.appointment.id}/edit",
            f"/appointments/{world.appointment.id}/share",
            f"/officehours/locations/{world.location.id}/queue",
            f"/households/{county.household_a.id}/office-hours",
            "/calendar",
        ],
        "frontdesk": [f"/desk/{world.location.id}", f"/desk/{world.location.id}?q=sam"],
        "volunteer": ["/volunteer"],
    }[who]
    sign_in(phone, who, PASSWORD)
    problems = []
    for url in urls:
        response = phone.goto(url)
        assert response.status == 200, url
        width = phone.evaluate("document.documentElement.scrollWidth")
        if width > 360:
            problems.append(f"{url}: page is {width}px wide")
        for target in phone.evaluate(TARGETS_JS):
            if target["h"] < MIN_TARGET - 0.5:
                problems.append(f"{url}: {target['tag']} '{target['text']}' is {target['h']}px")
    assert problems == [], "\n".join(problems)


def test_new_pages_have_no_serious_accessibility_violations(chromium, live_server, county):
    from tests.browser.test_accessibility import violations

    world = build_world(county)
    context = chromium.new_context(viewport=PHONE, base_url=live_server, bypass_csp=True)
    page = context.new_page()
    problems = {}
    try:
        page.goto("/zustaendigkeit?q=Nordheim")
        problems["finder"] = violations(page)
        sign_in(page, "manager", PASSWORD)
        for url in (
            "/appointments",
            f"/appointments/{world.appointment.id}",
            f"/appointments/{world.appointment.id}/edit",
            f"/appointments/{world.appointment.id}/share",
            f"/officehours/locations/{world.location.id}/queue",
            f"/households/{county.household_a.id}/office-hours",
            f"/desk/{world.location.id}?q=sam",
        ):
            page.goto(url)
            problems[url] = violations(page)
    finally:
        context.close()
    assert {url: v for url, v in problems.items() if v} == {}
