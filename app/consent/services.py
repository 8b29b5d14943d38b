"""Recording and querying consent. Other features ask `has_consent()` and
`counselling_allowed()`; they never read ConsentRecord themselves."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from app.audit.services import record
from app.consent.models import ConsentAgency, ConsentRecord
from app.extensions import db
from app.households.models import Household, Person
from app.i18n import local_date
from app.privacy.registry import ANONYMISED, anonymiser, subject_access_section
from app.timeutil import today

COUNSELLING = "counselling"
VOLUNTEERS = "volunteers"
AGENCY = "agency"
TRANSFER = "transfer"
TRANSFER_NOTES = "transfer_notes"
SCOPES = {
    COUNSELLING: _l("Beratungsdaten speichern"),
    VOLUNTEERS: _l("Termindaten an Ehrenamtliche weitergeben"),
    AGENCY: _l("Datenaustausch mit Stellen (Schweigepflichtentbindung)"),
    TRANSFER: _l("Bei Umzug: Beratungsdaten an den neuen Träger übertragen"),
    TRANSFER_NOTES: _l("Bei Umzug auch die Gesprächsnotizen übertragen"),
}
METHODS = {
    "paper": _l("Unterschriebenes Papierformular"),
    "screen_interpreter": _l("Am Bildschirm mit Dolmetscher:in"),
}
STATES = {"given": _l("erteilt"), "withdrawn": _l("widerrufen")}


def history(person: Person) -> list[ConsentRecord]:
    """All consent records of the person, newest first."""
    return list(
        db.session.scalars(
            select(ConsentRecord)
            .where(ConsentRecord.person_id == person.id)
            # the history shows each record's agencies and recorder: no query per record
            .options(selectinload(ConsentRecord.agencies), joinedload(ConsentRecord.recorded_by))
            .order_by(ConsentRecord.effective_on.desc(), ConsentRecord.id.desc())
        )
    )


def latest(person: Person) -> ConsentRecord | None:
    """The newest record by date, whether or not it is in force yet."""
    return db.session.scalar(
        select(ConsentRecord)
        .where(ConsentRecord.person_id == person.id)
        .order_by(ConsentRecord.effective_on.desc(), ConsentRecord.id.desc())
        .limit(1)
    )


def date_problem(person: Person, on: date) -> str | None:
    """A new record must not be dated before the newest one: otherwise a withdrawal (or a new
    consent) entered today would not be the state in force."""
    newest = latest(person)
    if newest is not None and on < newest.effective_on:
        return _(
            "Das Datum liegt vor dem letzten Eintrag (%(date)s). Bitte das Datum prüfen.",
            date=local_date(newest.effective_on),
        )
    return None


def current(person: Person, on: date | None = None) -> ConsentRecord | None:
    """The record in force on `on` (default today): the latest one effective by then."""
    on = on or today()
    return db.session.scalar(
        select(ConsentRecord)
        .where(ConsentRecord.person_id == person.id, ConsentRecord.effective_on <= on)
        .order_by(ConsentRecord.effective_on.desc(), ConsentRecord.id.desc())
        .limit(1)
    )


def has_consent(
    person: Person, scope: str, on: date | None = None, agency: str | None = None
) -> bool:
    """Whether `person` consented to `scope` on `on` (default today). For AGENCY, pass the
    agency name; it is compared case-insensitively."""
    consent = current(person, on)
    if consent is None or not consent.is_given:
        return False
    if scope == COUNSELLING:
        return consent.counselling
    if scope == VOLUNTEERS:
        return consent.volunteer_sharing
    if scope == TRANSFER:
        return consent.transfer
    if scope == TRANSFER_NOTES:
        return consent.transfer and consent.transfer_notes
    if scope == AGENCY:
        wanted = (agency or "").strip().casefold()
        return bool(wanted) and wanted in {n.strip().casefold() for n in consent.agency_names}
    raise ValueError(f"unknown consent scope {scope!r}")


def counselling_allowed_ids(persons: list[Person], on: date | None = None) -> set[int]:
    """The ids of `persons` for whom counselling data may be recorded on `on` (default today):
    `counselling_allowed` for many persons in one query."""
    on = on or today()
    ids = [p.id for p in persons]
    if not ids:
        return set()
    records = db.session.scalars(
        select(ConsentRecord)
        .where(ConsentRecord.person_id.in_(ids), ConsentRecord.effective_on <= on)
        .order_by(ConsentRecord.effective_on, ConsentRecord.id)
    )
    in_force = {r.person_id: r for r in records}  # the last one per person wins
    return {pid for pid, r in in_force.items() if r.is_given and r.counselling}


def counselling_allowed(person: Person) -> bool:
    """Whether counselling data (contacts, notes) may be recorded for the person now. Without
    consent only the minimum (name, household, eligibility) is kept."""
    return has_consent(person, COUNSELLING)


def give(
    person: Person,
    *,
    counselling: bool,
    volunteer_sharing: bool,
    agencies: list[str],
    form_version: str,
    language: str,
    method: str,
    given_on: date,
    transfer: bool = False,
    transfer_notes: bool = False,
) -> ConsentRecord:
    consent = ConsentRecord(
        person_id=person.id,
        state="given",
        effective_on=given_on,
        counselling=counselling,
        volunteer_sharing=volunteer_sharing,
        transfer=transfer,
        transfer_notes=transfer and transfer_notes,
        form_version=form_version,
        language=language,
        method=method,
        recorded_by_id=current_user.id if current_user.is_authenticated else None,
        agencies=[ConsentAgency(agency_name=name) for name in agencies],
    )
    db.session.add(consent)
    db.session.flush()
    chosen = (
        (COUNSELLING, counselling),
        (VOLUNTEERS, volunteer_sharing),
        (TRANSFER, transfer),
        (TRANSFER_NOTES, transfer and transfer_notes),
    )
    scopes = [s for s, on in chosen if on]
    if agencies:
        scopes.append(f"{AGENCY} x{len(agencies)}")
    record("consent_given", "person", person.id, "scopes: " + (", ".join(scopes) or "none"))
    return consent


def withdraw(person: Person, withdrawn_on: date | None = None) -> ConsentRecord:
    """Withdraw all consent; effective at once (today unless an earlier date is given)."""
    previous = current(person)
    consent = ConsentRecord(
        person_id=person.id,
        state="withdrawn",
        effective_on=withdrawn_on or today(),
        form_version=previous.form_version if previous else "",
        language=previous.language if previous else "de",
        method=previous.method if previous else "",
        recorded_by_id=current_user.id if current_user.is_authenticated else None,
    )
    db.session.add(consent)
    db.session.flush()
    record("consent_withdrawn", "person", person.id)
    return consent


def _as_dict(consent: ConsentRecord) -> dict:
    """One record for the subject access export (JSON and PDF), labelled in the interface
    language; plain strings, so that the export can be serialised."""
    return {
        _("Stand"): str(STATES.get(consent.state, consent.state)),
        _("Gültig ab"): consent.effective_on.isoformat(),
        str(SCOPES[COUNSELLING]): consent.counselling,
        str(SCOPES[VOLUNTEERS]): consent.volunteer_sharing,
        str(SCOPES[TRANSFER]): consent.transfer,
        str(SCOPES[TRANSFER_NOTES]): consent.transfer_notes,
        _("Schweigepflichtentbindung gegenüber"): consent.agency_names,
        _("Formularversion"): consent.form_version,
        _("Sprache des Formulars"): consent.language,
        _("Wie erteilt"): str(METHODS.get(consent.method, consent.method)),
        _("Erfasst am"): consent.recorded_at.isoformat(timespec="seconds"),
        _("Erfasst von"): consent.recorded_by.display_name if consent.recorded_by else "",
    }


@subject_access_section("consents", _l("Einwilligungen"), order=30)
def consent_section(person: Person) -> list[dict]:
    return [_as_dict(c) for c in history(person)]


@anonymiser("consent")
def anonymise_consents(household: Household) -> None:
    """Agency names can reveal circumstances; the records themselves stay for statistics."""
    ids = [p.id for p in household.members]
    agencies = db.session.scalars(
        select(ConsentAgency).join(ConsentAgency.consent).where(ConsentRecord.person_id.in_(ids))
    )
    for agency in agencies:
        agency.agency_name = ANONYMISED
