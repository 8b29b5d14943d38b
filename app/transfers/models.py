from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.extensions import db
from app.households.models import Household
from app.organisations.models import Municipality, Organisation
from app.timeutil import utcnow

PENDING = "pending"
ACCEPTED = "accepted"
DECLINED = "declined"
NOTICE = "notice"
STATUSES = {
    PENDING: _l("wartet auf Annahme"),
    ACCEPTED: _l("angenommen"),
    DECLINED: _l("abgelehnt"),
    NOTICE: _l("Umzug gemeldet"),
}
# At most one transfer of a household waits for an answer (replays and races included).
OPEN_WHERE = "status = 'pending'"


class Transfer(db.Model):
    """A household that moves into a town of another organisation: with the clients' transfer
    consent the case moves once the receiving side accepts; without it only a notice of the
    move ("Umzug gemeldet", name and town) goes and the sending side closes the case."""

    __table_args__ = (
        Index(
            "uq_transfer_open",
            "household_id",
            unique=True,
            postgresql_where=text(OPEN_WHERE),
            sqlite_where=text(OPEN_WHERE),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    from_org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    to_org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    to_municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"))
    status: Mapped[str] = mapped_column(String(10), default=PENDING)
    # The consent record the transfer relies on (the first member's); None for a notice.
    consent_id: Mapped[int | None] = mapped_column(ForeignKey("consent_record.id"))
    with_notes: Mapped[bool] = mapped_column(default=False)
    # What a notice shows the receiving side: the household's name, nothing else of the case.
    household_name: Mapped[str] = mapped_column(String(120))
    persons: Mapped[int] = mapped_column(default=0)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    decided_at: Mapped[datetime | None]

    household: Mapped[Household] = relationship()
    from_org: Mapped[Organisation] = relationship(foreign_keys=[from_org_id])
    to_org: Mapped[Organisation] = relationship(foreign_keys=[to_org_id])
    to_municipality: Mapped[Municipality] = relationship()
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    @property
    def status_label(self) -> str:
        return str(STATUSES.get(self.status, self.status))
