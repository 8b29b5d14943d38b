from __future__ import annotations

import secrets
from datetime import datetime
from decimal import Decimal

from flask_login import UserMixin
from sqlalchemy import ForeignKey, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts import roles
from app.extensions import db
from app.organisations.models import Organisation, Team
from app.timeutil import utcnow


class User(UserMixin, db.Model):
    """A staff member or volunteer. Never deleted: history keeps its author."""

    __tablename__ = "app_user"  # "user" is reserved in PostgreSQL

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(120), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"), index=True)
    fte: Mapped[Decimal] = mapped_column(Numeric(4, 2), default=Decimal("0"))
    qualification: Mapped[str | None] = mapped_column(String(20))
    is_active_account: Mapped[bool] = mapped_column(default=True)
    # Interface language chosen in the profile; None follows the browser (app/i18n.py).
    locale: Mapped[str | None] = mapped_column(String(5))
    # Part of the login id kept in every session and remember cookie: a new value (password
    # changed or reset) ends all sessions that were signed in before.
    session_token: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    deactivated_at: Mapped[datetime | None]

    organisation: Mapped[Organisation] = relationship()
    team: Mapped[Team | None] = relationship()

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.is_active_account

    def get_id(self) -> str:
        return f"{self.id}.{self.session_token or '0'}"

    def end_other_sessions(self) -> None:
        """Invalidate every session of this user; the caller signs the current one in again."""
        self.session_token = secrets.token_hex(16)

    @property
    def role_label(self) -> str:
        return str(roles.ROLE_LABELS.get(self.role, self.role))

    @property
    def sees_case_data(self) -> bool:
        return self.role in roles.CASE_ROLES

    @property
    def is_admin(self) -> bool:
        return self.role == roles.ADMIN


class LoginThrottle(db.Model):
    """Failed-login counters kept in the database, so they hold across app servers."""

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    window_started_at: Mapped[datetime] = mapped_column(default=utcnow)
    locked_until: Mapped[datetime | None]
