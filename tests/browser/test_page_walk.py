"""Issue 17: every page a role reaches from the bottom navigation fits a 360x740 phone, in
German and in English: no sideways scrolling, every touch target at least 44x44 px
(tests/browser/layout.py says exactly which inline links are exempt), no serious or critical
axe finding, and no text of the other interface language (tests/browser/walk.py).

The demo county is the world: every feature has data there (plans, indicators, appointments,
office hours, shares with the volunteer, a kiosk token, staffing), with realistic long names.
Each role walks its bottom navigation two links deep, staff also the case pages below a
household (casework, a plan, an indicator sheet) one link deep; signed out, the sign-in page,
the finder and the kiosk. One test per language builds the county once; one shared browser,
one context per role; axe runs once per page pattern and language.
"""

from __future__ import annotations

import pytest

from app.demo.generator import DEMO_PASSWORD, build_demo_county
from app.documents.languages import LANGUAGES
from app.extensions import db
from tests.browser.walk import TypedData, case_pages, pattern, problems, walk_everyone
from tests.conftest import TEST_HASH

# Pages each walk must have reached: a walk that stopped early would prove nothing.
MUST_SEE = {
    "admin": ["/admin/users/", "/admin/indicators", "/reports", "/staffing", "/plans/{}"],
    "teamleitung": [
        "/reports/count-sheet",
        "/officehours/locations/{}",
        "/persons/{}/indicators/{}",  # an indicator's history ("Verlauf")
    ],
    "manager": ["/households/{}", "/households/{}/appointments/new", "/goals/{}/steps/new"],
    "empfang": ["/desk/{}"],
    "ehrenamt": ["/volunteer", "/calendar"],
    "public": ["/login", "/zustaendigkeit", "/desk/{}"],
}


@pytest.mark.parametrize("locale", ["de-DE", "en-GB"])
def test_every_page_fits_a_phone_for_every_role(chromium, live_server, ctx, locale):
    summary = build_demo_county(2018, TEST_HASH)
    # Names of languages in their own language are the client's, not the interface's.
    data = TypedData(db.session.connection(), [lang.native for lang in LANGUAGES.values()])
    cases = case_pages()
    db.session.commit()
    found = walk_everyone(
        chromium,
        live_server,
        locale,
        password=DEMO_PASSWORD,
        kiosk_path=summary.office_hours["kiosk_path"],
        cases=cases,
        data=data,
    )
    reached = {role: {pattern(f.url).split("?")[0] for f in fs} for role, fs in found.items()}
    missing = {role: set(pages) - reached[role] for role, pages in MUST_SEE.items()}
    assert {role: pages for role, pages in missing.items() if pages} == {}
    assert sum(len(fs) for fs in found.values()) > 150  # both languages walk ~210 pages
    wrong = {role: problems(findings) for role, findings in found.items()}
    assert {role: lines for role, lines in wrong.items() if lines} == {}
