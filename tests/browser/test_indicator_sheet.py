"""The indicator sheet on a 360 px phone: one value changed in place with one request, a group
confirmed with one tap, nothing wider than the screen, every target at least 44 px."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from app.extensions import db
from app.indicators.catalogue import seed_catalogue
from app.indicators.models import Indicator, IndicatorReview, IndicatorValue
from app.plans.models import Goal, IntegrationPlan
from tests.browser.conftest import PHONE, sign_in
from tests.browser.test_accessibility import violations
from tests.browser.test_mobile_layout import MIN_TARGET, TARGETS_JS
from tests.conftest import PASSWORD


def _fits(page, url: str) -> list[str]:
    problems = []
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > 360:
        problems.append(f"{url}: page is {width}px wide")
    for target in page.evaluate(TARGETS_JS):
        if target["h"] < MIN_TARGET - 0.5:
            problems.append(f"{url}: {target['tag']} '{target['text']}' is {target['h']}px")
    return problems


def test_indicator_sheet_on_a_phone(phone, county):
    seed_catalogue()
    plan = IntegrationPlan(household_id=county.household_a.id, started_on=date(2025, 1, 1))
    db.session.add(plan)
    db.session.flush()
    db.session.add(Goal(plan_id=plan.id, field="german", title="B1"))
    db.session.commit()
    level = db.session.scalar(select(Indicator).where(Indicator.key == "german_level"))
    sign_in(phone, "manager", PASSWORD)
    url = f"/persons/{county.person_a.id}/indicators"
    phone.goto(url)
    problems = _fits(phone, url)

    requests = []
    phone.on("request", lambda r: requests.append(r.url) if r.resource_type != "image" else None)
    row = phone.locator(f"#ind-{level.id}")
    row.get_by_role("link", name="Deutschkenntnisse ändern").tap()
    phone.locator(f"#ind-{level.id} select[name=value]").select_option("B1")
    requests.clear()
    phone.locator(f"#ind-{level.id} button[type=submit]").tap()
    phone.locator(f"#ind-{level.id} .badge.ok").wait_for()
    assert "B1" in phone.locator(f"#ind-{level.id}").inner_text()
    assert len([r for r in requests if "/indicators/" in r]) == 1  # one request, no reload
    assert phone.url.endswith(url)

    phone.locator("#g-housing button[type=submit]").tap()
    phone.locator("#g-housing .flash.success").wait_for()
    db.session.expire_all()
    assert db.session.scalar(select(IndicatorValue.value)) == "B1"
    assert db.session.scalar(select(IndicatorReview.group)) == "housing"

    for other in (
        "/worklist",
        "/networking",
        "/reports/count-sheet",
        f"/households/{county.household_a.id}/casework",
        f"/plans/{plan.id}",
    ):
        assert phone.goto(other).status == 200, other
        problems += _fits(phone, other)
    assert problems == []


@pytest.fixture
def axe_phone(chromium, live_server):
    # bypass_csp lets the test inject axe; the app's own pages never need inline scripts.
    context = chromium.new_context(viewport=PHONE, base_url=live_server, bypass_csp=True)
    yield context.new_page()
    context.close()


def test_indicator_and_plan_pages_have_no_serious_accessibility_violations(axe_phone, county):
    seed_catalogue()
    plan = IntegrationPlan(household_id=county.household_a.id, started_on=date(2025, 1, 1))
    db.session.add(plan)
    db.session.flush()
    db.session.add(Goal(plan_id=plan.id, field="german", title="B1"))
    db.session.commit()
    level = db.session.scalar(select(Indicator.id).where(Indicator.key == "german_level"))
    page = axe_phone
    sign_in(page, "manager", PASSWORD)
    person = county.person_a.id
    problems = {}
    for url in (
        f"/persons/{person}/indicators",
        f"/persons/{person}/indicators/{level}/edit",
        f"/persons/{person}/indicators/{level}",
        "/worklist",
        "/reports/count-sheet",
        "/networking",
        f"/households/{county.household_a.id}/casework",
        f"/plans/{plan.id}",
    ):
        page.goto(url)
        problems[url] = violations(page)
    assert {url: v for url, v in problems.items() if v} == {}
