"""Data protection for the case-work features: what subject access shows of each, and what
anonymisation removes. Free text, places and names go; codes, dates and statuses that the
statistics count stay. Imported once by app/web.py so the registry is complete everywhere
(web app and CLI alike)."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select, update
from sqlalchemy.orm import selectinload

from app.appointments.models import Appointment, AppointmentShare, appointment_person
from app.contacts.models import Contact, ContactComment, ContactVersion, Task, contact_participant
from app.extensions import db
from app.households.models import Household, Person
from app.indicators.models import Indicator, IndicatorValue
from app.officehours.models import QueueEntry
from app.plans.models import (
    CounsellingExtension,
    Goal,
    GoalStep,
    IntegrationPlan,
    PlanArea,
    PlanReview,
    PlanVersion,
    Referral,
)
from app.privacy.registry import ANONYMISED, anonymiser, subject_access_section


def _contacts_of(person: Person) -> list[Contact]:
    return list(
        db.session.scalars(
            select(Contact)
            .join(contact_participant, contact_participant.c.contact_id == Contact.id)
            .where(contact_participant.c.person_id == person.id, Contact.deleted_at.is_(None))
            .options(
                selectinload(Contact.topics),
                selectinload(Contact.tasks),
                selectinload(Contact.comments),
            )
            .order_by(Contact.occurred_at, Contact.id)
        )
    )


@subject_access_section("contacts", _l("Beratungskontakte"), order=40)
def contacts_section(person: Person) -> list[dict]:
    return [
        {
            _("Datum"): c.occurred_at.isoformat(timespec="minutes"),
            _("Art"): c.setting,
            _("Ort"): c.location,
            _("Themen"): [t.label for t in c.topics],
            _("Notiz"): c.note,
            _("Nächste Schritte"): [t.description for t in c.tasks],
            _("Kommentare"): [k.body for k in c.comments],
        }
        for c in _contacts_of(person)
    ]


@subject_access_section("indicators", _l("Kennzahlen (Verlauf)"), order=45)
def indicators_section(person: Person) -> list[dict]:
    rows = db.session.execute(
        select(
            Indicator.label_de, IndicatorValue.value, IndicatorValue.valid_from, IndicatorValue.kind
        )
        .join(IndicatorValue.indicator)
        .where(
            or_(
                IndicatorValue.person_id == person.id,
                (IndicatorValue.household_id == person.household_id)
                & IndicatorValue.person_id.is_(None),
            )
        )
        .order_by(Indicator.label_de, IndicatorValue.valid_from)
    )
    return [
        {_("Kennzahl"): label, _("Wert"): value, _("gilt ab"): str(since), _("Art"): kind}
        for label, value, since, kind in rows
    ]


@subject_access_section("plans", _l("Integrationspläne und Verweise"), order=55)
def plans_section(person: Person) -> dict:
    plans = db.session.scalars(
        select(IntegrationPlan)
        .where(
            IntegrationPlan.household_id == person.household_id,
            or_(IntegrationPlan.person_id.is_(None), IntegrationPlan.person_id == person.id),
        )
        .options(selectinload(IntegrationPlan.goals))
        .order_by(IntegrationPlan.id)
    )
    referrals = db.session.scalars(
        select(Referral)
        .where(
            Referral.household_id == person.household_id,
            or_(Referral.person_id.is_(None), Referral.person_id == person.id),
        )
        .order_by(Referral.referred_on, Referral.id)
    )
    return {
        _("Pläne"): [
            {
                _("begonnen"): str(p.started_on),
                _("Ziele"): [
                    {_("Feld"): g.field, _("Ziel"): g.title, _("Stand"): g.status} for g in p.goals
                ],
            }
            for p in plans
        ],
        _("Verweise"): [
            {
                _("Dienst"): r.service,
                _("Datum"): str(r.referred_on),
                _("Grund"): r.reason,
                _("Ergebnis"): r.outcome,
            }
            for r in referrals
        ],
    }


@subject_access_section("appointments", _l("Termine"), order=60)
def appointments_section(person: Person) -> list[dict]:
    appointments = db.session.scalars(
        select(Appointment)
        .join(appointment_person, appointment_person.c.appointment_id == Appointment.id)
        .where(appointment_person.c.person_id == person.id)
        .order_by(Appointment.starts_at)
    )
    return [
        {
            _("Beginn"): a.starts_at.isoformat(timespec="minutes"),
            _("Art"): a.kind,
            _("Ort"): a.place,
            _("Status"): a.status,
        }
        for a in appointments
    ]


@anonymiser("contacts")
def anonymise_contacts(household: Household) -> None:
    ids = select(Contact.id).where(Contact.household_id == household.id).scalar_subquery()
    db.session.execute(
        update(Contact)
        .where(Contact.household_id == household.id)
        .values(note=ANONYMISED, location="", interpreter_language="", deleted_reason="")
    )
    db.session.execute(
        update(ContactVersion).where(ContactVersion.contact_id.in_(ids)).values(old_values={})
    )
    db.session.execute(
        update(ContactComment).where(ContactComment.contact_id.in_(ids)).values(body=ANONYMISED)
    )
    db.session.execute(
        update(Task).where(Task.household_id == household.id).values(description=ANONYMISED)
    )


@anonymiser("indicators")
def anonymise_indicators(household: Household) -> None:
    # Choice codes, numbers and dates stay for the statistics; typed-in text goes.
    free_text = select(Indicator.id).where(Indicator.type == "text").scalar_subquery()
    db.session.execute(
        update(IndicatorValue)
        .where(
            IndicatorValue.household_id == household.id, IndicatorValue.indicator_id.in_(free_text)
        )
        .values(value=ANONYMISED)
    )


@anonymiser("plans")
def anonymise_plans(household: Household) -> None:
    plans = select(IntegrationPlan.id).where(IntegrationPlan.household_id == household.id)
    plan_ids = plans.scalar_subquery()
    goal_ids = select(Goal.id).where(Goal.plan_id.in_(plan_ids)).scalar_subquery()
    db.session.execute(
        update(IntegrationPlan)
        .where(IntegrationPlan.household_id == household.id)
        .values(language="", interpreter="")
    )
    db.session.execute(
        update(PlanArea).where(PlanArea.plan_id.in_(plan_ids)).values(needs="", resources="")
    )
    db.session.execute(update(Goal).where(Goal.plan_id.in_(plan_ids)).values(title=ANONYMISED))
    db.session.execute(
        update(GoalStep).where(GoalStep.goal_id.in_(goal_ids)).values(description=ANONYMISED)
    )
    db.session.execute(update(PlanReview).where(PlanReview.plan_id.in_(plan_ids)).values(note=""))
    db.session.execute(
        update(PlanVersion)
        .where(PlanVersion.plan_id.in_(plan_ids))
        .values(signed_by=ANONYMISED, snapshot="{}")
    )
    db.session.execute(
        update(Referral)
        .where(Referral.household_id == household.id)
        .values(reason="", outcome_note="")
    )
    db.session.execute(
        update(CounsellingExtension)
        .where(CounsellingExtension.household_id == household.id)
        .values(reason=ANONYMISED)
    )


@anonymiser("appointments")
def anonymise_appointments(household: Household) -> None:
    ids = select(Appointment.id).where(Appointment.household_id == household.id)
    db.session.execute(
        update(Appointment)
        .where(Appointment.household_id == household.id)
        .values(place="", note="", bring="", language="")
    )
    db.session.execute(
        update(AppointmentShare)
        .where(AppointmentShare.appointment_id.in_(ids.scalar_subquery()))
        .values(meeting_point="")
    )
    db.session.execute(
        update(QueueEntry).where(QueueEntry.household_id == household.id).values(walk_in_name="")
    )
