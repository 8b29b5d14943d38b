"""The audit chain under concurrent writers, and truncation evidence through checkpoints."""

from __future__ import annotations

import threading

import pytest
from flask import Flask
from sqlalchemy import exc, func, select, text

from app.audit import services
from app.audit.models import AuditCheckpoint, AuditEvent
from app.extensions import db
from tests.conftest import is_postgres

THREADS = 8
ROUNDS = 5


def _append_from_threads(app: Flask, user_id: int) -> list[BaseException]:
    """THREADS threads append ROUNDS events each through the real service, every round
    released at once by a barrier so that the appends really meet."""
    barrier = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            with app.app_context():
                for r in range(ROUNDS):
                    barrier.wait(timeout=30)
                    services.record("view", "household", n, f"round {r}", user_id=user_id)
                    db.session.commit()
        except BaseException as exc:  # pragma: no cover - reported by the caller
            errors.append(exc)
            barrier.abort()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return errors


def test_concurrent_appends_never_fork_the_chain(app, county):
    errors = _append_from_threads(app, county.users["manager"].id)
    assert not errors, errors
    db.session.expire_all()
    assert db.session.scalar(select(func.count(AuditEvent.id))) == THREADS * ROUNDS
    shared = db.session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .group_by(AuditEvent.prev_hash)
        .having(func.count() > 1)
        .limit(1)
    )
    assert shared is None, "two events share one predecessor"
    assert services.verify_chain() == []
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and "intact" in result.output, result.output


def _events(n: int, user_id: int) -> list[int]:
    for i in range(n):
        services.record("view", "household", i, user_id=user_id)
    db.session.commit()
    return list(db.session.scalars(select(AuditEvent.id).order_by(AuditEvent.id)))


def _delete_newest(count: int) -> None:
    """Remove the newest rows behind the application's back, as only the table owner could
    (on PostgreSQL with the append-only trigger switched off)."""
    with db.engine.begin() as conn:
        pg = conn.dialect.name == "postgresql"
        if pg:
            conn.execute(text("ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only"))
        newest = conn.execute(
            text("SELECT id FROM audit_event ORDER BY id DESC LIMIT :n"), {"n": count}
        ).scalars()
        conn.execute(
            AuditEvent.__table__.delete().where(AuditEvent.__table__.c.id.in_(list(newest)))
        )
        if pg:
            conn.execute(text("ALTER TABLE audit_event ENABLE TRIGGER audit_event_append_only"))
    db.session.expire_all()


def test_checkpoints_are_written_every_n_events(app, county, monkeypatch):
    monkeypatch.setitem(app.config, "AUDIT_CHECKPOINT_EVERY", 5)
    ids = _events(12, county.users["manager"].id)
    checkpoints = db.session.scalars(select(AuditCheckpoint).order_by(AuditCheckpoint.id)).all()
    assert len(checkpoints) == len({i // 5 for i in ids} - {ids[0] // 5}) >= 2
    for cp in checkpoints:
        event = db.session.get(AuditEvent, cp.event_id)
        assert event.hash == cp.hash
        assert cp.event_count == sum(1 for i in ids if i <= cp.event_id)
    assert services.verify().ok


def test_deleting_the_newest_rows_is_reported_as_truncation(app, county, monkeypatch):
    monkeypatch.setitem(app.config, "AUDIT_CHECKPOINT_EVERY", 5)
    _events(12, county.users["manager"].id)
    runner = app.test_cli_runner()
    intact = runner.invoke(args=["audit", "verify"])
    assert intact.exit_code == 0 and "intact" in intact.output, intact.output
    # verify anchored the head it checked: removing even the single newest row is noticed.
    _delete_newest(1)
    assert services.verify_chain() == []  # what is left is a well-linked chain ...
    report = services.verify()
    assert not report.ok and report.truncated  # ... but the checkpoints know it was longer
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code != 0 and "truncated" in result.output, result.output


def test_deleting_many_newest_rows_is_reported_without_a_verify_run(app, county, monkeypatch):
    monkeypatch.setitem(app.config, "AUDIT_CHECKPOINT_EVERY", 5)
    _events(12, county.users["manager"].id)
    _delete_newest(9)  # back past the checkpoints the appends wrote themselves
    report = services.verify()
    assert report.broken == [] and report.truncated
    assert app.test_cli_runner().invoke(args=["audit", "verify"]).exit_code != 0


def test_checkpoints_are_append_only_on_postgres(app, county, monkeypatch):
    if not is_postgres():
        pytest.skip("the append-only trigger exists on PostgreSQL only (SQLite: see docs)")
    monkeypatch.setitem(app.config, "AUDIT_CHECKPOINT_EVERY", 5)
    _events(12, county.users["manager"].id)
    for sql in ("UPDATE audit_checkpoint SET event_count = 0", "DELETE FROM audit_checkpoint"):
        with pytest.raises(exc.DBAPIError, match="append-only"), db.engine.begin() as conn:
            conn.execute(text(sql))
    assert services.verify().ok
