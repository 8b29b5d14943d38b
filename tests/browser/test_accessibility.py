"""axe-core (vendored, 4.14) on the main pages, WCAG 2.2 AA rules included."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.conftest import PHONE, sign_in
from tests.conftest import PASSWORD

AXE = Path(__file__).parent / "vendor" / "axe-4.14.1.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
  return result.violations.map(v => ({id: v.id, impact: v.impact,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
}"""


@pytest.fixture
def audited_phone(chromium, live_server):
    # bypass_csp lets the test inject axe; the app's own pages never need inline scripts.
    context = chromium.new_context(viewport=PHONE, base_url=live_server, bypass_csp=True)
    yield context.new_page()
    context.close()


def violations(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(RUN_AXE, TAGS)
    return [v for v in found if v["impact"] in ("serious", "critical")]


def test_main_pages_have_no_serious_accessibility_violations(audited_phone, consented):
    county = consented
    page = audited_phone
    page.goto("/login")
    problems = {"/login": violations(page)}
    sign_in(page, "manager", PASSWORD)
    household = f"/households/{county.household_a.id}"
    for url in (
        "/",
        "/search",
        "/households",
        household,
        f"/persons/{county.person_a.id}",
        f"{household}/persons/new",
        f"{household}/contacts/new",
        "/tasks",
    ):
        page.goto(url)
        problems[url] = violations(page)
    assert {url: v for url, v in problems.items() if v} == {}
