"""Who may see what. Every case-data query goes through these helpers."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort, redirect, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import Select, false, select

from app.accounts import roles
from app.accounts.models import User
from app.extensions import db
from app.households.models import Household, Person


def role_required(*allowed: str) -> Callable:
    """Login required; then 403 unless the user's role is one of `allowed`."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if current_user.role not in allowed:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


case_data_required = role_required(*roles.CASE_ROLES)
admin_required = role_required(roles.ADMIN)
# Team leads (for their own team) and admins (for the organisation): figures, staffing, office
# hours' set-up. Each view still narrows what it shows to the user's scope.
leads_required = role_required(roles.ADMIN, roles.TEAM_LEAD)


def household_scope(user: User, stmt: Select) -> Select:
    """Restrict a statement over Household to what `user` may see.

    Admins see their organisation; team leads and managers their team (team members stand in
    for each other); everybody else no case data at all."""
    # Anonymised cases (app/privacy/retention.py) are statistics only, never case data again.
    stmt = stmt.where(
        Household.organisation_id == user.organisation_id, Household.status != "anonymised"
    )
    if user.role == roles.ADMIN:
        return stmt
    if user.role in (roles.TEAM_LEAD, roles.MANAGER) and user.team_id is not None:
        return stmt.where(Household.team_id == user.team_id)
    return stmt.where(false())


def household_or_404(user: User, household_id: int) -> Household:
    """404 rather than 403 for households out of scope: guessing ids reveals nothing."""
    household = db.session.scalar(
        household_scope(user, select(Household).where(Household.id == household_id))
    )
    if household is None:
        _follow_merge(user, "household", household_id)
        abort(404)
    return household


def person_or_404(user: User, person_id: int) -> Person:
    person = db.session.scalar(
        household_scope(user, select(Person).join(Person.household).where(Person.id == person_id))
    )
    if person is None:
        _follow_merge(user, "person", person_id)
        abort(404)
    return person


def _follow_merge(user: User, kind: str, record_id: int) -> None:
    """The pages of a merged record (app/merge/) moved to its survivor: a GET is redirected
    (302) there when the user may see the survivor. Anything else stays 404: a stale form
    must not act on the survivor."""
    from app.merge.models import RecordMerge

    if not request or request.method not in ("GET", "HEAD"):
        return
    key = f"{kind}_id"
    args = dict(request.view_args or {})
    if args.get(key) != record_id:
        return
    survivor_id = db.session.scalar(
        select(RecordMerge.survivor_id).where(
            RecordMerge.kind == kind, RecordMerge.merged_id == record_id
        )
    )
    if survivor_id is None:
        return
    model = Person if kind == "person" else Household
    stmt = select(model.id).where(model.id == survivor_id)
    if model is Person:
        stmt = stmt.join(Person.household)
    if db.session.scalar(household_scope(user, stmt)) is None:
        return
    args[key] = survivor_id
    target = url_for(request.endpoint, **args)
    if request.query_string:
        target += "?" + request.query_string.decode("latin-1")
    abort(redirect(target, 302))
