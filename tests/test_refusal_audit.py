"""Refused accesses to case data leave an audit entry (bounded per user, route and minute) that
the admin sees in the audit view (app/audit/refusals.py)."""

from __future__ import annotations

from sqlalchemy import select

from app.audit.models import AuditEvent
from app.audit.refusals import ACTION, PER_USER_ROUTE_AND_MINUTE
from app.audit.services import verify_chain
from app.extensions import db
from tests.dp_helpers import page


def refusals() -> list[AuditEvent]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == ACTION).order_by(AuditEvent.id)
        )
    )


def test_other_teams_household_is_refused_and_audited(login, county):
    hid = county.household_a.id
    b = login("manager_b")
    assert b.get(f"/households/{hid}").status_code == 404
    [event] = refusals()
    assert event.user_id == county.users["manager_b"].id
    assert (event.object_type, event.object_id) == ("household", hid)
    assert event.detail == f"households.show 404 GET /households/{hid}"
    assert verify_chain() == []


def test_role_refusal_and_refused_post_are_audited(login, county):
    volunteer = login("volunteer")
    assert volunteer.get("/households").status_code == 403
    manager_b = login("manager_b")
    hid = county.household_a.id
    r = manager_b.post(
        f"/households/{hid}/close", {"reason": "moved_away", "closed_on": "2026-01-15"}
    )
    assert r.status_code == 404
    events = refusals()
    assert [(e.user_id, e.detail) for e in events] == [
        (county.users["volunteer"].id, "households.index 403 GET /households"),
        (county.users["manager_b"].id, f"households.close 404 POST /households/{hid}/close"),
    ]


def test_a_crawler_leaves_a_bounded_number_of_entries(login, county):
    b = login("manager_b")
    for hid in range(1000, 1050):  # 50 refusals within a minute
        assert b.get(f"/households/{hid}").status_code == 404
    events = refusals()
    assert len(events) == PER_USER_ROUTE_AND_MINUTE
    assert "further refusals this minute are not recorded" in events[-1].detail
    # Another route and another user are counted on their own.
    assert b.get("/persons/999999").status_code == 404
    assert login("manager").get("/households/999999").status_code == 404
    assert len(refusals()) == PER_USER_ROUTE_AND_MINUTE + 2
    assert verify_chain() == []


def test_unknown_addresses_and_anonymous_visitors_are_not_audited(login, browser, county):
    assert browser.get(f"/households/{county.household_a.id}").status_code == 302  # to login
    b = login("manager")
    assert b.get("/no-such-page").status_code == 404
    assert b.get("/static/no-such-file.css").status_code == 404
    assert refusals() == []


def test_admin_sees_refusals_in_the_audit_view(login, county):
    login("manager_b").get(f"/households/{county.household_a.id}")
    admin = login("admin")
    html = page(admin.get(f"/admin/audit/?action={ACTION}"))
    assert "Zugriff verweigert" in html
    assert "Manager_B" in html and "households.show 404" in html
    assert f"Haushalt {county.household_a.id}" in html
    assert 'option value="access_denied" selected' in html
    # Filtering by another action hides them.
    assert "households.show 404" not in page(admin.get("/admin/audit/?action=logout"))
    english = page(admin.get(f"/admin/audit/?action={ACTION}", headers={"Accept-Language": "en"}))
    assert "Access denied" in english


def test_refusals_show_in_who_accessed_the_person(login, county):
    login("manager_b").get(f"/households/{county.household_a.id}")
    html = page(login("admin").get(f"/admin/persons/{county.person_a.id}/access"))
    assert "Zugriff verweigert" in html and "Manager_B" in html
