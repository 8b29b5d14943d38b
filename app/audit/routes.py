"""Admin view of the audit log, filtered by user or record. Read-only by design."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.access import admin_required
from app.accounts.models import User
from app.audit.models import AuditEvent
from app.audit.services import ACTION_LABELS
from app.collation import sorted_by_name
from app.extensions import db
from app.urls import int_arg, page_arg

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")

OBJECT_TYPES = {
    "household": _l("Haushalt"),
    "person": _l("Person"),
    "user": _l("Konto"),
    "contact": _l("Kontakt"),
    "task": _l("Aufgabe"),
    "topic": _l("Thema"),
    "organisation": _l("Träger"),
}


@bp.get("/")
@admin_required
def index():
    org_users = select(User.id).where(User.organisation_id == current_user.organisation_id)
    stmt = select(AuditEvent).where(AuditEvent.user_id.in_(org_users))
    user_id = int_arg("user_id")
    object_type = request.args.get("object_type", "")
    object_id = int_arg("object_id")
    if user_id:
        stmt = stmt.where(AuditEvent.user_id == user_id)
    if object_type in OBJECT_TYPES:
        stmt = stmt.where(AuditEvent.object_type == object_type)
        if object_id:
            stmt = stmt.where(AuditEvent.object_id == object_id)
    # E.g. only refused accesses ("access_denied"): probing for other teams' records.
    action = request.args.get("action", "")
    if action in ACTION_LABELS:
        stmt = stmt.where(AuditEvent.action == action)
    stmt = stmt.options(joinedload(AuditEvent.user)).order_by(AuditEvent.id.desc())
    page = db.paginate(stmt, page=page_arg(), per_page=50, error_out=False)
    users = sorted_by_name(
        db.session.scalars(
            select(User).where(User.organisation_id == current_user.organisation_id)
        ),
        lambda u: u.display_name,
    )
    filters = {
        "user_id": user_id,
        "object_type": object_type,
        "object_id": object_id,
        "action": action if action in ACTION_LABELS else "",
    }
    return render_template(
        "audit/index.html",
        page=page,
        users=users,
        action_labels=ACTION_LABELS,
        object_types=OBJECT_TYPES,
        filters=filters,
        # Jinja has no dict comprehensions: the pager gets the non-empty filters from here.
        pager_args={k: v for k, v in filters.items() if v},
    )
