"""Writing and verifying audit events."""

from __future__ import annotations

import hashlib

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_login import current_user
from sqlalchemy import select, text

from app.audit.models import AuditEvent
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
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _CHAIN_LOCK_ID})
    prev = db.session.scalar(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1))
    event = AuditEvent(
        at=utcnow(),
        user_id=user_id,
        action=action,
        object_type=object_type,
        object_id=object_id,
        detail=detail[:500],
        prev_hash=prev or "",
    )
    event.hash = _digest(event)
    db.session.add(event)
    db.session.flush()
    return event


def verify_chain() -> list[int]:
    """Ids of events whose hash or link does not match; empty when the chain is intact."""
    broken: list[int] = []
    prev = ""
    for event in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)):
        if event.prev_hash != prev or event.hash != _digest(event):
            broken.append(event.id)
        prev = event.hash
    return broken
