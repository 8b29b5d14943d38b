"""Issue 17: every page a role reaches from the bottom navigation fits a 360x740 phone, in
German and in English: no sideways scrolling, every touch target at least 44x44 px
(tests/browser/layout.py says exactly which inline links are exempt), no serious or critical
axe finding, and no text of the other interface language (tests/browser/walk.py).

The demo county is the world: every feature has data there (plans, indicators, appointments,
office hours, shares with the volunteer, a kiosk token, staffing), with realistic long names.
Each role walks its bottom navigation two links deep, and the case pages below a household
(casework, a plan, an indicator sheet) one link deep. One test per language builds the county
once; one shared browser, one context per role; axe runs once per page pattern and language.
"""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
from sqlalchemy import select

from app.accounts.models import User
from app.demo.generator import DEMO_PASSWORD, build_demo_county
from app.documents.languages import LANGUAGES
from app.extensions import db
from app.households.models import Household
from app.indicators.models import IndicatorValue
from app.plans.models import Goal, IntegrationPlan
from tests.browser.conftest import PHONE
from tests.browser.walk import TypedData, pattern, problems, walk
from tests.conftest import TEST_HASH

STAFF = ("admin", "teamleitung", "manager")
ROLES = (*STAFF, "empfang", "ehrenamt")
LOCALES = ("de-DE", "en-GB")
# Pages each walk must have reached: a walk that stopped early would prove nothing.
MUST_SEE = {
    "admin": ["/admin/users/", "/admin/indicators", "/reports", "/staffing", "/plans/{}"],
    "teamleitung": [
        "/reports/count-sheet",
        "/officehours/locations/{}",
        "/persons/{}/indicators/{}",
    ],
    "manager": ["/households/{}", "/households/{}/appointments/new", "/goals/{}/steps/new"],
    "empfang": ["/desk/{}"],
    "ehrenamt": ["/volunteer", "/calendar"],
    "public": ["/login", "/zustaendigkeit", "/desk/{}"],
}


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


def _case_pages() -> list[str]:
    """Casework, a plan with goals and an indicator sheet with values, of a household of the
    first team (the one of "manager" and "teamleitung"): deeper than two links from the bar."""
    team_id = db.session.scalar(select(User.team_id).where(User.username == "manager"))
    plan_id, household_id = db.session.execute(
        select(IntegrationPlan.id, IntegrationPlan.household_id)
        .join(Household, Household.id == IntegrationPlan.household_id)
        .join(Goal, Goal.plan_id == IntegrationPlan.id)
        .where(Household.team_id == team_id)
        .order_by(IntegrationPlan.id)
        .limit(1)
    ).one()
    person_id = db.session.scalar(
        select(IndicatorValue.person_id)
        .where(IndicatorValue.household_id == household_id, IndicatorValue.person_id.is_not(None))
        .limit(1)
    ) or db.session.scalar(
        select(IndicatorValue.person_id)
        .join(Household, Household.id == IndicatorValue.household_id)
        .where(Household.team_id == team_id, IndicatorValue.person_id.is_not(None))
        .limit(1)
    )
    return [
        f"/households/{household_id}/casework",
        f"/plans/{plan_id}",
        f"/persons/{person_id}/indicators",
    ]


def _patterns(findings) -> set[str]:
    return {pattern(f.url).split("?")[0] for f in findings}


@pytest.mark.parametrize("locale", LOCALES)
def test_every_page_fits_a_phone_for_every_role(chromium, live_server, ctx, locale):
    summary = build_demo_county(2018, TEST_HASH)
    # Names of languages in their own language are the client's, not the interface's.
    data = TypedData(db.session.connection(), [lang.native for lang in LANGUAGES.values()])
    case_pages = _case_pages()
    db.session.commit()
    found: dict[str, list[str]] = {}
    reached: dict[str, set[str]] = {}
    axed: set[str] = set()
    for username in ROLES:
        context, page = _signed_in(chromium, live_server, locale, username)
        nav = page.eval_on_selector_all("nav.bottom a[href]", "links => links.map(a => a.href)")
        seen: set[str] = set()
        findings = walk(page, nav, locale, depth=2, data=data, seen=seen, axed=axed)
        if username in STAFF:
            findings += walk(page, case_pages, locale, depth=1, data=data, seen=seen, axed=axed)
        found[username], reached[username] = problems(findings), _patterns(findings)
        context.close()
    # Signed out: the sign-in page, the public finder (with an answer) and the kiosk device.
    context = _context(chromium, live_server, locale)
    page = context.new_page()
    page.goto("/zustaendigkeit")
    town = page.eval_on_selector_all("#municipality_id option", "o => o.map(x => x.value)")[1]
    public = ["/login", "/zustaendigkeit", f"/zustaendigkeit?municipality_id={town}"]
    findings = walk(page, public, locale, depth=1, data=data, axed=axed)
    page.goto(summary.office_hours["kiosk_path"])  # enrols the device, opens its desk
    assert urlparse(page.url).path.startswith("/desk/")
    findings += walk(page, [page.url], locale, depth=1, data=data, axed=axed)
    found["public"], reached["public"] = problems(findings), _patterns(findings)
    context.close()

    print(locale, {role: len(patterns) for role, patterns in reached.items()}, len(axed))
    missing = {role: set(MUST_SEE[role]) - reached[role] for role in MUST_SEE}
    assert {role: pages for role, pages in missing.items() if pages} == {}
    assert {role: lines for role, lines in found.items() if lines} == {}
