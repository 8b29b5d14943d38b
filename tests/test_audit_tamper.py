from __future__ import annotations

import pytest
from sqlalchemy import exc, select, text

from app.audit.models import AuditEvent
from app.audit.services import verify_chain
from app.extensions import db
from tests.conftest import is_postgres
from tests.dp_helpers import page


def _some_events(login, county) -> list[int]:
    b = login("manager")
    b.get(f"/persons/{county.person_a.id}")
    b.get(f"/households/{county.household_a.id}")
    return list(db.session.scalars(select(AuditEvent.id).order_by(AuditEvent.id)))


def _tamper(sql: str, **params) -> None:
    """Change the table behind the application's back (on PostgreSQL the append-only trigger
    must be switched off first, as only the table owner could)."""
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only"))
        conn.execute(text(sql), params)
        if conn.dialect.name == "postgresql":
            conn.execute(text("ALTER TABLE audit_event ENABLE TRIGGER audit_event_append_only"))
    db.session.expire_all()


def test_intact_chain(app, login, county):
    _some_events(login, county)
    assert verify_chain() == []
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and "intact" in result.output


def test_modified_row_is_reported(app, login, county):
    ids = _some_events(login, county)
    _tamper("UPDATE audit_event SET detail = 'harmlos' WHERE id = :id", id=ids[1])
    assert verify_chain() == [ids[1]]
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code != 0 and str(ids[1]) in result.output


def test_deleted_row_is_reported(app, login, county):
    ids = _some_events(login, county)
    _tamper("DELETE FROM audit_event WHERE id = :id", id=ids[1])
    assert verify_chain() == [ids[2]]
    assert app.test_cli_runner().invoke(args=["audit", "verify"]).exit_code != 0


def test_postgres_refuses_update_and_delete(login, county):
    if not is_postgres():
        pytest.skip("the append-only trigger exists on PostgreSQL only")
    ids = _some_events(login, county)
    for sql in (
        "UPDATE audit_event SET detail = 'x' WHERE id = :id",
        "DELETE FROM audit_event WHERE id = :id",
    ):
        with pytest.raises(exc.DBAPIError, match="append-only"), db.engine.begin() as conn:
            conn.execute(text(sql), {"id": ids[0]})
    assert verify_chain() == []


def test_audit_page_is_admin_only_and_read_only(login, county):
    _some_events(login, county)
    assert login("manager").get("/admin/audit/").status_code == 403
    html = page(login("admin").get("/admin/audit/"))
    assert "angesehen" in html and 'method="post" action="/admin/audit' not in html
