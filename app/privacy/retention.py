"""Retention: closed cases are anonymised RETENTION_MONTHS after closing.

Anonymisation is irreversible: names, native names, phone numbers, addresses and free text are
overwritten, search keys cleared, birth day and month dropped (the year stays). The rows stay,
with status "anonymised", so that statistics keep their counts. Registered anonymisers of other
features (contacts, ...) run first, in the same transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.audit.services import record
from app.extensions import db
from app.households.models import Household
from app.households.rules import add_months
from app.privacy.registry import ANONYMISED, anonymisers
from app.timeutil import to_local, today, utcnow

ANONYMISED_STATUS = "anonymised"


@dataclass(frozen=True)
class Due:
    household_id: int
    closed_on: date
    persons: int
    organisation_id: int


def cutoff(on: date | None = None) -> date:
    """Cases closed on or before this day are due."""
    return add_months(on or today(), -current_app.config["RETENTION_MONTHS"])


def due_households(organisation_id: int | None = None, on: date | None = None) -> list[Household]:
    stmt = (
        select(Household)
        .where(Household.status == "closed", Household.closed_on <= cutoff(on))
        .options(selectinload(Household.members))
        .order_by(Household.closed_on, Household.id)
    )
    if organisation_id is not None:
        stmt = stmt.where(Household.organisation_id == organisation_id)
    return list(db.session.scalars(stmt))


def over_maximum(organisation_id: int | None = None, on: date | None = None) -> list[Household]:
    """Active cases older than MAX_COUNSELLING_MONTHS: counselling should end (then close)."""
    limit = add_months(on or today(), -current_app.config["MAX_COUNSELLING_MONTHS"])
    stmt = select(Household).where(Household.status == "active").order_by(Household.created_at)
    if organisation_id is not None:
        stmt = stmt.where(Household.organisation_id == organisation_id)
    return [h for h in db.session.scalars(stmt) if to_local(h.created_at).date() <= limit]


def anonymise_household(household: Household) -> None:
    for _key, func in anonymisers():
        func(household)
    for person in household.members:
        person.given_name = ANONYMISED
        person.family_name = ANONYMISED
        person.native_name = ""
        person.phone = ""
        person.languages = ""
        person.search_name = ""
        person.search_skeleton = ""
        person.search_latin = ""
        person.search_phonetic = ""
        person.birth_month = None
        person.birth_day = None
        person.updated_at = utcnow()
    household.name = ANONYMISED
    household.street = ""
    household.postcode = ""
    household.phone = ""
    household.status = ANONYMISED_STATUS
    record("anonymise", "household", household.id, f"{len(household.members)} persons")


def run(*, dry_run: bool, organisation_id: int | None = None, on: date | None = None) -> list[Due]:
    """Anonymise every due case (or only list them with dry_run). The caller commits."""
    due = due_households(organisation_id, on)
    result = [Due(h.id, h.closed_on, len(h.members), h.organisation_id) for h in due]
    if not dry_run:
        for household in due:
            anonymise_household(household)
        if due:
            record("retention_run", "", None, f"{len(due)} households anonymised")
    return result
