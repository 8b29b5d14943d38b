"""Subject access (Art. 15), rectification history (Art. 16) and the access history of a person.

The built-in subject access sections live here; other features register theirs in
app.privacy.registry."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import pgettext
from flask_login import current_user
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import joinedload

from app.accounts import roles
from app.audit.models import AuditEvent
from app.audit.services import ACTION_LABELS
from app.extensions import db
from app.households import choices
from app.households.models import Household, Person
from app.privacy.models import PersonCorrection
from app.privacy.registry import ANONYMISED, anonymiser, sections, subject_access_section
from app.timeutil import utcnow

# Roles that see the correction history and may produce a subject access report.
PRIVACY_ROLES = frozenset({roles.ADMIN, roles.TEAM_LEAD})

PERSON_LABELS = {
    "given_name": _l("Vorname(n)"),
    "family_name": _l("Familienname"),
    "native_name": _l("Name in eigener Schrift"),
    "birth_year": _l("Geburtsjahr"),
    "birth_month": _l("Geburtsmonat"),
    "birth_day": _l("Geburtstag"),
    "sex": _l("Geschlecht"),
    "country_of_origin": _l("Herkunftsland"),
    "languages": _l("Sprachen"),
    "interpreter_needed": _l("Dolmetscher:in nötig"),
    "residence_status": _l("Aufenthaltsstatus"),
    "residence_legal_basis": _l("Rechtsgrundlage"),
    "entry_date": _l("Einreise"),
    "asylum_application_date": _l("Asylantrag"),
    "decision_date": _l("Entscheidung"),
    "prospect": _l("Bleibeperspektive"),
    "phone": _l("Telefon"),
}


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value)


def _json(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


# --- rectification ----------------------------------------------------------------------------


def record_corrections(person: Person, old_values: dict[str, Any], reason: str = "") -> None:
    """Keep old and new value of each changed field (called by the person edit)."""
    user_id = current_user.id if current_user and current_user.is_authenticated else None
    for name, old in sorted(old_values.items()):
        db.session.add(
            PersonCorrection(
                person_id=person.id,
                field=name,
                old_value=_text(old)[:400],
                new_value=_text(getattr(person, name))[:400],
                reason=(reason or "")[:200],
                user_id=user_id,
                at=utcnow(),
            )
        )


def corrections(person: Person) -> list[PersonCorrection]:
    return list(
        db.session.scalars(
            select(PersonCorrection)
            .where(PersonCorrection.person_id == person.id)
            .options(joinedload(PersonCorrection.user))
            .order_by(PersonCorrection.at.desc(), PersonCorrection.id.desc())
        )
    )


# --- access history ---------------------------------------------------------------------------


def access_events(person: Person) -> list[AuditEvent]:
    """Every audit event about the person or their household, oldest first, including those
    of the records merged into them (app/merge/)."""
    from app.merge.services import merged_ids

    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(
                or_(
                    and_(
                        AuditEvent.object_type == "person",
                        AuditEvent.object_id.in_(merged_ids("person", person.id)),
                    ),
                    and_(
                        AuditEvent.object_type == "household",
                        AuditEvent.object_id.in_(merged_ids("household", person.household_id)),
                    ),
                )
            )
            .options(joinedload(AuditEvent.user))
            .order_by(AuditEvent.id)
        )
    )


# --- subject access ---------------------------------------------------------------------------


def subject_access(person: Person) -> dict:
    """Everything stored about the person, section by section (JSON-serialisable)."""
    return {
        "generated_at": utcnow().isoformat(timespec="seconds") + "Z",
        "person_id": person.id,
        "sections": [
            {"key": s.key, "title": str(s.title), "data": s.build(person)} for s in sections()
        ],
    }


@subject_access_section("person", _l("Stammdaten"), order=10)
def person_section(person: Person) -> dict:
    data = {str(label): _json(getattr(person, name)) for name, label in PERSON_LABELS.items()}
    data[str(PERSON_LABELS["sex"])] = str(choices.SEX.get(person.sex, person.sex))
    data[str(PERSON_LABELS["residence_status"])] = str(
        choices.RESIDENCE_STATUS.get(person.residence_status, person.residence_status)
    )
    data[str(PERSON_LABELS["prospect"])] = str(
        choices.PROSPECT.get(person.prospect, person.prospect)
    )
    data[_("Erfasst am")] = _json(person.created_at)
    data[_("Zuletzt geändert")] = _json(person.updated_at)
    return data


@subject_access_section("household", _l("Haushalt"), order=20)
def household_section(person: Person) -> dict:
    h: Household = person.household
    return {
        _("Bezeichnung"): h.name,
        _("Gemeinde"): h.municipality.name,
        _("Adresse"): h.street,
        _("PLZ"): h.postcode,
        _("Telefon"): h.phone,
        _("Unterbringung"): str(choices.ACCOMMODATION.get(h.accommodation, h.accommodation)),
        _("Zuständig"): h.manager.display_name if h.manager else "",
        _("Team"): h.team.name,
        _("Träger"): h.organisation.name,
        _("Status"): str(choices.CASE_STATUS.get(h.status, h.status)),
        _("Abgeschlossen am"): _json(h.closed_on),
        _("Weitere Personen im Haushalt"): len(h.members) - 1,
    }


@subject_access_section("corrections", _l("Berichtigungen"), order=50)
def corrections_section(person: Person) -> list[dict]:
    return [
        {
            _("Zeit"): _json(c.at),
            _("Feld"): str(PERSON_LABELS.get(c.field, c.field)),
            _("Alt"): c.old_value,
            _("Neu"): c.new_value,
            _("Grund"): c.reason,
            pgettext("geändert von", "Von"): c.user.display_name if c.user else "",
        }
        for c in corrections(person)
    ]


@subject_access_section("access", _l("Zugriffe und Änderungen (Protokoll)"), order=90)
def access_section(person: Person) -> list[dict]:
    return [
        {
            _("Zeit"): _json(e.at),
            _("Wer"): e.user.display_name if e.user else "",
            _("Rolle"): e.user.role_label if e.user else "",
            _("Aktion"): str(ACTION_LABELS.get(e.action, e.action)),
            _("Datensatz"): _("Person") if e.object_type == "person" else _("Haushalt"),
            _("Details"): e.detail,
        }
        for e in access_events(person)
    ]


@anonymiser("corrections")
def anonymise_corrections(household: Household) -> None:
    ids = [p.id for p in household.members]
    for c in db.session.scalars(
        select(PersonCorrection).where(PersonCorrection.person_id.in_(ids))
    ):
        c.old_value = ANONYMISED
        c.new_value = ANONYMISED
        c.reason = ""
