"""Start page: each role lands where its work is."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required
from sqlalchemy import func, select

from app.access import household_scope
from app.extensions import db
from app.households.models import Household

bp = Blueprint("main", __name__)


@bp.get("/")
@login_required
def home():
    counts = None
    if current_user.sees_case_data:
        base = household_scope(current_user, select(func.count(Household.id)))
        counts = {
            "active": db.session.scalar(base.where(Household.status == "active")),
            "mine": db.session.scalar(
                base.where(Household.status == "active", Household.manager_id == current_user.id)
            ),
        }
    return render_template("main/home.html", counts=counts)


@bp.get("/healthz")
def health():
    db.session.execute(select(1))
    return {"status": "ok"}
