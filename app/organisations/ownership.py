"""Who owns a catalogue entry (consultation topics, indicators) and who may change it.

An entry whose organisation is NULL is a county-wide default: every organisation uses it and
only the county's admins change it (in an installation without a county organisation, the
admins of its organisation). An organisation's own entry is seen by its staff alone and
changed by its admins alone. An organisation may hide a default for itself; old records keep
it. Plain functions: the routes ask `may_change` and refuse with `refusal`."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, Select, Table, delete, exists, insert, or_, select
from sqlalchemy.exc import IntegrityError

from app.accounts import roles
from app.accounts.models import User
from app.extensions import db
from app.organisations.models import Organisation

COUNTY = "county"


def visible_to(owner: ColumnElement, organisation_id: int) -> ColumnElement:
    """SQL: the entry is a default or the organisation's own."""
    return or_(owner.is_(None), owner == organisation_id)


def hidden_ids(table: Table, key: str, organisation_id: int) -> Select:
    """SQL: ids of the defaults the organisation hid (`table` is topic_hidden or
    indicator_hidden, `key` its entry column)."""
    return select(table.c[key]).where(table.c.organisation_id == organisation_id)


def stewards_defaults(user: User) -> bool:
    """Whether `user` is an admin who maintains the county-wide defaults."""
    if user.role != roles.ADMIN:
        return False
    if user.organisation.kind == COUNTY:
        return True
    has_county = db.session.scalar(select(exists().where(Organisation.kind == COUNTY)))
    return not has_county


def may_see(user: User, owner_id: int | None) -> bool:
    return owner_id is None or owner_id == user.organisation_id


def may_change(user: User, owner_id: int | None) -> bool:
    """An admin changes their own organisation's entries; defaults only a steward."""
    if user.role != roles.ADMIN:
        return False
    if owner_id is None:
        return stewards_defaults(user)
    return owner_id == user.organisation_id


def new_owner(user: User, shared: bool) -> int | None:
    """The owner of an entry `user` creates: a steward's shared entry becomes a default."""
    if shared and stewards_defaults(user):
        return None
    return user.organisation_id


def set_hidden(table: Table, key: str, organisation_id: int, item_id: int, hidden: bool) -> bool:
    """Hide a default for the organisation, or show it again. Returns whether anything
    changed; a repeated request (double submit, replay) changes nothing."""
    row = {"organisation_id": organisation_id, key: item_id}
    present = db.session.scalar(
        select(exists().where(table.c.organisation_id == organisation_id, table.c[key] == item_id))
    )
    if hidden == bool(present):
        return False
    if not hidden:
        db.session.execute(
            delete(table).where(table.c.organisation_id == organisation_id, table.c[key] == item_id)
        )
        return True
    try:
        with db.session.begin_nested():
            db.session.execute(insert(table).values(**row))
    except IntegrityError:  # the same request racing itself: the other one hid it
        return False
    return True


def refusal(kind: str) -> str:
    """The German message for an admin who tried to change a default they do not maintain."""
    if kind == "topic":
        return _(
            "Dieses Thema ist eine Vorgabe des Landkreises: Nur die Administration des "
            "Landkreises kann es ändern. Sie können es für Ihren Träger ausblenden oder ein "
            "eigenes Thema anlegen."
        )
    return _(
        "Diese Kennzahl ist eine Vorgabe des Landkreises: Nur die Administration des "
        "Landkreises kann sie ändern. Sie können sie für Ihren Träger ausblenden oder eine "
        "eigene Kennzahl anlegen."
    )
