"""Refused accesses (403, or 404 on a route that exists) are audited, so that probing for other
teams' records shows in the log; at most a few entries per user, route and minute, so that a
crawler cannot flood it."""

from __future__ import annotations

import logging
from datetime import timedelta

from flask import request
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from app.audit.models import AuditEvent
from app.audit.services import record
from app.extensions import db
from app.timeutil import utcnow

ACTION = "access_denied"
PER_USER_ROUTE_AND_MINUTE = 5
_AUDITED_CODES = frozenset({403, 404})
_MAX_OBJECT_ID = 2**31 - 1  # audit_event.object_id is a 32-bit integer
_log = logging.getLogger(__name__)


def _object() -> tuple[str, int | None]:
    """The record the URL names: its first `<int:…_id>` argument ("household", 3)."""
    for name, value in (request.view_args or {}).items():
        if name.endswith("_id") and isinstance(value, int):
            return name.removesuffix("_id")[:30], value if 0 < value <= _MAX_OBJECT_ID else None
    return "", None


def _recent(user_id: int, endpoint: str) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(
            AuditEvent.user_id == user_id,
            AuditEvent.action == ACTION,
            AuditEvent.at >= utcnow() - timedelta(minutes=1),
            AuditEvent.detail.startswith(f"{endpoint} ", autoescape=True),
        )
    )


def record_refusal(code: int | None) -> None:
    """Audit a refused request of a signed-in user (called from the error handler)."""
    if code not in _AUDITED_CODES or request.url_rule is None or request.endpoint == "static":
        return  # an unknown address names no record
    if not current_user.is_authenticated:
        return
    user_id, endpoint = current_user.id, request.endpoint or ""
    try:
        db.session.rollback()  # whatever the refused request had begun is not kept
        seen = _recent(user_id, endpoint)
        if seen >= PER_USER_ROUTE_AND_MINUTE:
            return
        # Route and path (numbers only, never the query string: it may hold a search term).
        detail = f"{endpoint} {code} {request.method} {request.path[:300]}"
        if seen == PER_USER_ROUTE_AND_MINUTE - 1:
            detail += " (limit reached: further refusals this minute are not recorded)"
        object_type, object_id = _object()
        record(ACTION, object_type, object_id, detail, user_id=user_id)
        db.session.commit()
    except SQLAlchemyError:  # the error page must still be shown
        db.session.rollback()
        _log.warning("refused access could not be audited", exc_info=True)
