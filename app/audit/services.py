"""Writing and verifying audit events."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_login import current_user
from sqlalchemy import func, select, text

from app.audit.models import AuditCheckpoint, AuditEvent
from app.extensions import db
from app.timeutil import utcnow

ACTION_LABELS = {
    "view": _l("angesehen"),
    "create": _l("angelegt"),
    "update": _l("geändert"),
    "close": _l("abgeschlossen"),
    "reopen": _l("wieder geöffnet"),
    "login": lazy_pgettext("Protokoll", "Anmeldung"),  # not the office-hour check-in
    "login_failed": _l("Anmeldung fehlgeschlagen"),
    "login_locked": _l("Anmeldung gesperrt"),
    "logout": _l("Abmeldung"),
    "deactivate": _l("deaktiviert"),
    "password_reset": _l("Passwort zurückgesetzt"),
    "unlock": _l("entsperrt"),
    "search": _l("gesucht"),
    "delete": _l("gelöscht"),
    "comment": _l("kommentiert"),
    "export": _l("exportiert"),
    "print": _l("gedruckt"),
    "login_password_ok": _l("Passwort richtig, zweiter Faktor ausstehend"),
    "2fa_failed": _l("Zwei-Faktor-Code falsch"),
    "2fa_enrolled": _l("Zwei-Faktor eingerichtet"),
    "2fa_disabled": _l("Zwei-Faktor ausgeschaltet"),
    "2fa_reset": _l("Zwei-Faktor zurückgesetzt"),
    "2fa_recovery_codes": _l("Wiederherstellungscodes erneuert"),
    "password_change": _l("Passwort geändert"),
    "password_change_failed": _l("Passwortänderung fehlgeschlagen"),
    "session_timeout": _l("automatisch abgemeldet"),
    "consent_given": _l("Einwilligung erfasst"),
    "consent_withdrawn": _l("Einwilligung widerrufen"),
    "correct": _l("berichtigt"),
    "anonymise": _l("anonymisiert"),
    "retention_run": _l("Löschfristen angewandt"),
    "access_denied": _l("Zugriff verweigert"),
    "handover": _l("übergeben"),
    "transfer_start": _l("Übertragung gesendet"),
    "transfer_notice": _l("Umzug gemeldet"),
    "transfer_accept": _l("Übertragung angenommen"),
    "transfer_decline": _l("Übertragung abgelehnt"),
    "merge": _l("zusammengeführt"),
}

_CHAIN_LOCK_ID = 7_310_001  # any constant: serialises chain appends on PostgreSQL


def _digest(event: AuditEvent) -> str:
    payload = "|".join(
        str(part)
        for part in (
            event.prev_hash,
            event.at.isoformat(timespec="microseconds"),
            event.user_id or "",
            event.action,
            event.object_type,
            event.object_id if event.object_id is not None else "",
            event.detail,
        )
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def _lock_chain() -> None:
    """Serialise appends across threads and worker processes: the head is read only while
    holding a database lock that every other appender waits for until this transaction ends,
    so no two events ever get the same predecessor."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _CHAIN_LOCK_ID})
        return
    # SQLite has one write lock per database file, taken by a transaction's first write and
    # held until it ends. The driver opens a transaction only at the first write, so a plain
    # read of the head would not wait; this write changes nothing but takes the lock first.
    db.session.execute(text("UPDATE audit_event SET id = id WHERE 1 = 0"))


def _head() -> tuple[int, str] | None:
    row = db.session.execute(
        select(AuditEvent.id, AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)
    ).first()
    return (row.id, row.hash) if row else None


def record(
    action: str,
    object_type: str = "",
    object_id: int | None = None,
    detail: str = "",
    user_id: int | None = None,
) -> AuditEvent:
    """Add an audit event to the current transaction (the caller commits)."""
    if user_id is None and current_user and current_user.is_authenticated:
        user_id = current_user.id
    _lock_chain()
    head = _head()
    event = AuditEvent(
        at=utcnow(),
        user_id=user_id,
        action=action,
        object_type=object_type,
        object_id=object_id,
        detail=detail[:500],
        prev_hash=head[1] if head else "",
    )
    event.hash = _digest(event)
    db.session.add(event)
    db.session.flush()
    every = current_app.config.get("AUDIT_CHECKPOINT_EVERY", 100)
    if head and every > 0 and head[0] // every != event.id // every:
        _write_checkpoint(event.id, event.hash)
    return event


def _write_checkpoint(event_id: int, event_hash: str) -> AuditCheckpoint:
    """Checkpoint the head; the caller holds the chain lock. The count builds on the previous
    checkpoint, so only the events since it are counted."""
    last = db.session.scalar(select(AuditCheckpoint).order_by(AuditCheckpoint.id.desc()).limit(1))
    since = select(func.count(AuditEvent.id)).where(AuditEvent.id <= event_id)
    if last is not None:
        since = since.where(AuditEvent.id > last.event_id)
    count = (last.event_count if last else 0) + db.session.scalar(since)
    checkpoint = AuditCheckpoint(at=utcnow(), event_id=event_id, event_count=count, hash=event_hash)
    db.session.add(checkpoint)
    db.session.flush()
    return checkpoint


def checkpoint_head() -> AuditCheckpoint | None:
    """Checkpoint the current head unless the newest checkpoint already covers it (the caller
    commits). `flask audit verify` calls this after a successful check."""
    _lock_chain()
    head = _head()
    last_id = db.session.scalar(select(func.max(AuditCheckpoint.event_id)))
    if head is None or (last_id is not None and last_id >= head[0]):
        return None
    return _write_checkpoint(*head)


@dataclass
class ChainReport:
    events: int = 0
    head_id: int | None = None
    head_hash: str = ""
    broken: list[int] = field(default_factory=list)  # ids whose hash or link does not match
    truncated: list[str] = field(default_factory=list)  # checkpoints the table contradicts

    @property
    def ok(self) -> bool:
        return not self.broken and not self.truncated


def verify() -> ChainReport:
    """Walk the chain once: every event must carry its predecessor's hash and its own correct
    hash, and every checkpoint's event must still be there, with its hash and its count."""
    checkpoints = list(db.session.scalars(select(AuditCheckpoint).order_by(AuditCheckpoint.id)))
    wanted = {cp.event_id for cp in checkpoints}
    seen: dict[int, tuple[int, str]] = {}  # event id -> (events up to it, hash)
    report = ChainReport()
    prev = ""
    stmt = select(AuditEvent).order_by(AuditEvent.id).execution_options(yield_per=1000)
    for event in db.session.scalars(stmt):
        report.events += 1
        if event.prev_hash != prev or event.hash != _digest(event):
            report.broken.append(event.id)
        if event.id in wanted:
            seen[event.id] = (report.events, event.hash)
        prev = event.hash
        report.head_id, report.head_hash = event.id, event.hash
    for cp in checkpoints:
        label = f"checkpoint {cp.id} of {cp.at:%Y-%m-%d %H:%M} UTC"
        if cp.event_id not in seen:
            report.truncated.append(
                f"{label}: event {cp.event_id} is missing "
                f"(the log now ends at event {report.head_id} with {report.events} events)"
            )
        elif seen[cp.event_id][1] != cp.hash:
            report.truncated.append(f"{label}: event {cp.event_id} has another hash")
        elif seen[cp.event_id][0] != cp.event_count:
            report.truncated.append(
                f"{label}: {cp.event_count} events up to event {cp.event_id} expected, "
                f"{seen[cp.event_id][0]} found"
            )
    return report


def verify_chain() -> list[int]:
    """Ids of events whose hash or link does not match; empty when the chain is intact."""
    return verify().broken
