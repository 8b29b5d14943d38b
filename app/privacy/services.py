"""Subject access (Art. 15), rectification history (Art. 16) and the access history of a person.

The built-in subject access sections live here; other features register theirs in
app.privacy.registry."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

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
    "given_name": "Vorname(n)",
    "family_name": "Familienname",
    "native_name": "Name in eigener Schrift",
    "birth_year": "Geburtsjahr",
    "birth_month": "Geburtsmonat",
    "birth_day": "Geburtstag",
    "sex": "Geschlecht",
    "country_of_origin": "Herkunftsland",
    "languages": "Sprachen",
    "interpreter_needed": "Dolmetscher:in nötig",
    "residence_status": "Aufenthaltsstatus",
    "residence_legal_basis": "Rechtsgrundlage",
    "entry_date": "Einreise",
    "asylum_application_date": "Asylantrag",
    "decision_date": "Entscheidung",
    "prospect": "Bleibeperspektive",
    "phone": "Telefon",
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
    """Every audit event about the person or their household, oldest first."""
    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(
                or_(
                    and_(AuditEvent.object_type == "person", AuditEvent.object_id == person.id),
                    and_(
                        AuditEvent.object_type == "household",
                        AuditEvent.object_id == person.household_id,
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


@subject_access_section("person", "Stammdaten", order=10)
def person_section(person: Person) -> dict:
    data = {label: _json(getattr(person, name)) for name, label in PERSON_LABELS.items()}
    data["Geschlecht"] = choices.SEX.get(person.sex, person.sex)
    data["Aufenthaltsstatus"] = choices.RESIDENCE_STATUS.get(
        person.residence_status, person.residence_status
    )
    data["Bleibeperspektive"] = choices.PROSPECT.get(person.prospect, person.prospect)
    data["Erfasst am"] = _json(person.created_at)
    data["Zuletzt geändert"] = _json(person.updated_at)
    return data


@subject_access_section("household", "Haushalt", order=20)
def household_section(person: Person) -> dict:
    h: Household = person.household
    return {
        "Bezeichnung": h.name,
        "Gemeinde": h.municipality.name,
        "Adresse": h.street,
        "PLZ": h.postcode,
        "Telefon": h.phone,
        "Unterbringung": choices.ACCOMMODATION.get(h.accommodation, h.accommodation),
        "Zuständig": h.manager.display_name if h.manager else "",
        "Team": h.team.name,
        "Träger": h.organisation.name,
        "Status": choices.CASE_STATUS.get(h.status, h.status),
        "Abgeschlossen am": _json(h.closed_on),
        "Weitere Personen im Haushalt": len(h.members) - 1,
    }


@subject_access_section("corrections", "Berichtigungen", order=50)
def corrections_section(person: Person) -> list[dict]:
    return [
        {
            "Zeit": _json(c.at),
            "Feld": PERSON_LABELS.get(c.field, c.field),
            "Alt": c.old_value,
            "Neu": c.new_value,
            "Grund": c.reason,
            "Von": c.user.display_name if c.user else "",
        }
        for c in corrections(person)
    ]


@subject_access_section("access", "Zugriffe und Änderungen (Protokoll)", order=90)
def access_section(person: Person) -> list[dict]:
    return [
        {
            "Zeit": _json(e.at),
            "Wer": e.user.display_name if e.user else "",
            "Rolle": e.user.role_label if e.user else "",
            "Aktion": ACTION_LABELS.get(e.action, e.action),
            "Datensatz": "Person" if e.object_type == "person" else "Haushalt",
            "Details": e.detail,
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
