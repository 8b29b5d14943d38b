"""Issue 17: every page a role reaches from the bottom navigation, and one link further, fits a
360x740 phone in German and English: no sideways scrolling, every touch target at least
44x44 px (tests/browser/layout.py says exactly which inline links are exempt), no serious or
critical axe finding, and no text of the other interface language.

The demo county is the world: every feature has data there (plans, indicators, appointments,
office hours, shares with the volunteer, a kiosk token, staffing), with realistic long names.
One test per language builds it once; one shared browser, one context per role.
"""

from __future__ import annotations

import pytest

from app.demo.generator import DEMO_PASSWORD, build_demo_county
from tests.browser.conftest import PHONE
from app.documents.languages import LANGUAGES
from app.extensions import db
from tests.browser.walk import TypedData, problems, walk
from tests.conftest import TEST_HASH

ROLES = ("admin", "teamleitung", "manager", "empfang", "ehrenamt")
LOCALES = ("de-DE", "en-GB")


def _context(chromium, live_server: str, locale: str):
    # bypass_csp lets the walk inject axe; the app's own pages never need inline scripts.
    return chromium.new_context(
        viewport=PHONE,
        base_url=live_server,
        locale=locale,
        is_mobile=True,
        has_touch=True,
        bypass_csp=True,
        service_workers="block",  # every page from the server, never an offline copy
    )


def _signed_in(chromium, live_server: str, locale: str, username: str):
    context = _context(chromium, live_server, locale)
    page = context.new_page()
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/")
    return context, page


def _nav(page) -> list[str]:
    return page.eval_on_selector_all("nav.bottom a[href]", "links => links.map(a => a.href)")


@pytest.mark.parametrize("locale", LOCALES)
def test_every_page_fits_a_phone_for_every_role(chromium, live_server, ctx, locale):
    summary = build_demo_county(2018, TEST_HASH)
    # Names of languages in their own language are the client's, not the interface's.
    data = TypedData(db.session.connection(), [lang.native for lang in LANGUAGES.values()])
    db.session.commit()
    found: dict[str, list[str]] = {}
    visited: dict[str, int] = {}
    import os, time
    depth = int(os.environ.get("WALK_DEPTH", "1"))
    axed = set() if os.environ.get("WALK_AXE_ONCE") else None
    for username in ROLES:
        t0 = time.time()
        context, page = _signed_in(chromium, live_server, locale, username)
        findings = walk(page, _nav(page), locale, data=data, depth=depth, axed=axed)
        print("TIME", username, len(findings), time.time() - t0)
        visited[username] = len(findings)
        print(username, [f.url for f in findings])
        found[username] = problems(findings)
        context.close()
    # Signed out: the sign-in page, the public finder (with an answer) and the kiosk device.
    context = _context(chromium, live_server, locale)
    page = context.new_page()
    page.goto("/zustaendigkeit")
    town = page.eval_on_selector_all("#municipality_id option", "o => o.map(x => x.value)")[1]
    findings = walk(
        page,
        ["/login", "/zustaendigkeit", f"/zustaendigkeit?municipality_id={town}"],
        locale,
        data=data,
    )
    page.goto(summary.office_hours["kiosk_path"])  # enrols the device, opens its desk
    findings += walk(page, [page.url], locale, data=data)
    visited["public"] = len(findings)
    found["public"] = problems(findings)
    context.close()
    print(locale, visited)
    for username, lines in found.items():
        for line in lines:
            print(locale, username, line)
    # Every role reaches its pages (a walk that stopped at the sign-in would prove nothing).
    assert all(count >= 2 for count in visited.values()), visited
    assert {user: lines for user, lines in found.items() if lines} == {}
