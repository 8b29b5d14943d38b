"""Integration plans: goal status rules, steps, reviews, agreed versions, PDF; referrals,
networking and the counselling extension."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.extensions import db
from app.pdf import StaticOnlyFetcher
from app.plans import choices, services
from app.plans.models import (
    CounsellingExtension,
    Goal,
    GoalStatusChange,
    GoalStep,
    IntegrationPlan,
    NetworkingContact,
    PlanVersion,
    Referral,
)
from tests.conftest import count_rows


@pytest.fixture
def plan(county):
    p = services.create_plan(
        county.users["manager"],
        county.household_a,
        county.person_a,
        date(2025, 1, 10),
        "Arabisch",
        "Sprachmittlerpool Göppingen",
    )
    db.session.commit()
    return p


def test_transition_rules():
    services.check_transition("new", "agreed")
    services.check_transition("in_progress", "achieved")
    services.check_transition("not_achieved", "agreed")
    with pytest.raises(services.PlanError, match="von „erreicht“ zu „neu“"):
        services.check_transition("achieved", "new")
    with pytest.raises(services.PlanError, match="abschließend"):
        services.check_transition("achieved", "in_progress")
    with pytest.raises(services.PlanError):
        services.check_transition("new", "achieved")
    with pytest.raises(services.PlanError):
        services.check_transition("paused", "new")
    # every status is reachable from "new"
    seen, todo = {"new"}, ["new"]
    while todo:
        for nxt in choices.GOAL_TRANSITIONS[todo.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    assert seen == set(choices.GOAL_STATUS)


def test_goal_status_history_and_nonsense_jump_over_http(plan, county, login):
    goal = services.add_goal(
        county.users["manager"], plan, "german", "B1 erreichen", date(2025, 1, 10)
    )
    db.session.commit()
    b = login("manager")
    b.get(f"/plans/{plan.id}")
    for status in ("agreed", "in_progress", "achieved"):
        assert b.post(f"/goals/{goal.id}/status", {"status": status}).status_code == 302
    response = b.post(f"/goals/{goal.id}/status", {"status": "new"})
    assert response.status_code == 422
    assert "Ein Ziel kann nicht von „erreicht“ zu „neu“ wechseln." in response.text
    db.session.expire_all()
    assert db.session.get(Goal, goal.id).status == "achieved"
    changes = db.session.scalars(select(GoalStatusChange).order_by(GoalStatusChange.id)).all()
    assert [c.to_status for c in changes] == ["agreed", "in_progress", "achieved"]
    # htmx: the goal fragment comes back with the message, still nothing stored
    htmx = b.client.post(
        f"/goals/{goal.id}/status",
        data={"status": "paused", "csrf_token": b.csrf},
        headers={"HX-Request": "true"},
    )
    assert htmx.status_code == 200 and "<html" not in htmx.text
    assert "wechseln" in htmx.text
    assert count_rows(GoalStatusChange) == 3


def test_plan_pages_steps_review_agree_and_pdf(plan, county, login):
    b = login("manager")
    assert b.get(f"/plans/{plan.id}").status_code == 200
    r = b.post(
        f"/plans/{plan.id}/areas", {"german_needs": "Kurs fehlt", "german_resources": "motiviert"}
    )
    assert r.status_code == 302
    r = b.post(f"/plans/{plan.id}/agree", {"agreed_on": "2025-01-12", "signed_by": "S. Haddad"})
    assert "Ein Plan ohne Ziele kann nicht vereinbart werden." in r.text
    assert count_rows(PlanVersion) == 0
    assert (
        b.post(
            f"/plans/{plan.id}/goals/new", {"field": "german", "title": "Integrationskurs B1"}
        ).status_code
        == 302
    )
    assert b.post(f"/plans/{plan.id}/goals/new", {"field": "mars", "title": "x"}).status_code == 200
    goal = db.session.scalar(select(Goal))
    assert count_rows(Goal) == 1
    r = b.post(
        f"/goals/{goal.id}/steps/new",
        {
            "description": "Anmeldung VHS",
            "responsible": "client",
            "due_on": "2025-02-01",
            "review_on": "2025-03-01",
        },
    )
    assert r.status_code == 302 and count_rows(GoalStep) == 1
    r = b.post(f"/goals/{goal.id}/steps/new", {"description": "x", "responsible": "nobody"})
    assert r.status_code == 200 and count_rows(GoalStep) == 1
    r = b.post(f"/plans/{plan.id}/review", {"reviewed_on": "2025-01-20", "note": "läuft"})
    assert r.status_code == 302
    r = b.post(f"/plans/{plan.id}/agree", {"agreed_on": "2025-01-12", "signed_by": "S. Haddad"})
    assert r.status_code == 302
    version = db.session.scalar(select(PlanVersion))
    snap = json.loads(version.snapshot)
    assert version.version == 1 and version.agreed_on == date(2025, 1, 12)
    assert snap["goals"][0]["title"] == "Integrationskurs B1"
    assert snap["goals"][0]["steps"][0]["responsible"] == "client"
    assert snap["areas"] == [{"field": "german", "needs": "Kurs fehlt", "resources": "motiviert"}]

    pdf = b.get(f"/plans/{plan.id}/pdf")
    assert pdf.status_code == 200 and pdf.headers["Content-Type"] == "application/pdf"
    text = " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf.data)).pages
    )
    for expected in (
        "Integrationsplan",
        "Samira Haddad",
        "Integrationskurs B1",
        "Anmeldung VHS",
        "Arabisch",
        "Sprachmittlerpool Göppingen",
        "Unterschrift Klient:in",
        "Unterschrift Integrationsmanager:in",
        "Unterschrift Dolmetscher:in",
        "Vereinbarte Fassung 1 vom 12.01.2025, unterschrieben von S. Haddad",
    ):
        assert expected in text, expected
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.object_type == "integration_plan")
    ).all()
    assert {"create", "update", "agree", "export", "view"} <= set(actions)

    r = b.post(f"/plans/{plan.id}/close", {"closed_on": "2025-01-01"})
    assert r.status_code == 302
    db.session.expire_all()
    assert db.session.get(IntegrationPlan, plan.id).status == "open"  # before its start
    b.post(f"/plans/{plan.id}/close", {"closed_on": "2025-02-01"})
    db.session.expire_all()
    assert db.session.get(IntegrationPlan, plan.id).closed_on == date(2025, 2, 1)


def test_pdf_fetcher_serves_only_static_files(app, tmp_path):
    fetcher = StaticOnlyFetcher(app.static_folder)
    served = fetcher.fetch(f"file://{app.static_folder}/plan-pdf.css")
    assert b"@page" in served.read()
    for url in (
        "file:///etc/passwd",
        f"file://{app.static_folder}/../pyproject.toml",
        "http://127.0.0.1/secret",
        "https://example.org/x.css",
        "data:text/plain,hi",
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(url)


def test_pdf_of_html_with_forbidden_resource_still_renders_without_it(app):
    from app.pdf import render_pdf

    with app.test_request_context():
        pdf = render_pdf(
            '<p>Hallo</p><img src="file:///etc/passwd"><link rel=stylesheet '
            'href="http://127.0.0.1:9/x.css">'
        )
    assert "Hallo" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


def test_plans_of_other_team_are_out_of_scope(county, login):
    other = services.create_plan(
        county.users["manager_b"], county.household_b, None, date(2025, 1, 1), "", ""
    )
    db.session.commit()
    b = login("manager")
    for url in (f"/plans/{other.id}", f"/plans/{other.id}/pdf", f"/plans/{other.id}/areas"):
        assert b.get(url).status_code == 404
    assert (
        b.post(f"/plans/{other.id}/goals/new", {"field": "german", "title": "x"}).status_code == 404
    )
    assert count_rows(Goal) == 0


def test_referral_and_networking_and_extension(county, login):
    b = login("manager")
    h = county.household_a
    r = b.post(
        f"/households/{h.id}/referrals/new",
        {
            "person_id": str(county.person_a.id),
            "service": "debt_counselling",
            "referred_on": "2025-02-03",
            "reason": "Mahnungen",
            "outcome": "open",
        },
    )
    assert r.status_code == 302
    referral = db.session.scalar(select(Referral))
    assert (referral.service, referral.person_id) == ("debt_counselling", county.person_a.id)
    r = b.post(
        f"/referrals/{referral.id}",
        {
            "person_id": "0",
            "service": "debt_counselling",
            "referred_on": "2025-02-03",
            "reason": "Mahnungen",
            "outcome": "taken_up",
            "outcome_note": "Termin wahrgenommen",
        },
    )
    assert r.status_code == 302
    db.session.expire_all()
    assert db.session.get(Referral, referral.id).outcome == "taken_up"
    bad = b.post(
        f"/households/{h.id}/referrals/new",
        {
            "person_id": "0",
            "service": "nasa",
            "referred_on": "2025-02-03",
            "reason": "x",
            "outcome": "open",
        },
    )
    assert bad.status_code == 200 and count_rows(Referral) == 1
    assert "Haddad" in b.get(f"/households/{h.id}/casework").text

    r = b.post(
        "/networking",
        {
            "group": "churches",
            "institution": "Ev. Kirchengemeinde",
            "contacted_on": "2025-03-01",
            "topic": "Sprachcafé",
        },
    )
    assert r.status_code == 302
    bad = b.post(
        "/networking", {"group": "aliens", "institution": "", "contacted_on": "2025-03-01"}
    )
    assert bad.status_code == 422 and "Bitte die Einrichtung angeben." in bad.text
    assert count_rows(NetworkingContact) == 1
    assert "Ev. Kirchengemeinde" in b.get("/networking").text
    assert "Ev. Kirchengemeinde" not in login("colleague").get("/networking").text

    r = b.post(f"/households/{h.id}/extend", {"extended_on": "2025-03-01", "reason": ""})
    assert "Bitte den Grund angeben." in r.text and count_rows(CounsellingExtension) == 0
    r = b.post(
        f"/households/{h.id}/extend",
        {"extended_on": "2025-03-01", "reason": "Ausbildung endet 2027"},
    )
    assert r.status_code == 302 and count_rows(CounsellingExtension) == 1
    again = b.post(
        f"/households/{h.id}/extend", {"extended_on": "2025-03-02", "reason": "noch einmal bitte"}
    )
    assert "bereits auf vier Jahre" in again.text and count_rows(CounsellingExtension) == 1
