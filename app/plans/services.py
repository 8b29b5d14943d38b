"""Integration plans, goals and their status rules, referrals, networking, extensions.

Every change is audited (field names only). Functions raise PlanError with a message in the
interface language when a change makes no sense; then nothing is stored.
"""

from __future__ import annotations

import json
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from app.accounts.models import User
from app.audit.services import record
from app.extensions import db
from app.households.models import Household, Person
from app.plans import choices
from app.plans.models import (
    CounsellingExtension,
    Goal,
    GoalStatusChange,
    GoalStep,
    IntegrationPlan,
    NetworkingContact,
    PlanArea,
    PlanReview,
    PlanVersion,
    Referral,
)
from app.timeutil import utcnow


class PlanError(ValueError):
    """A message for the user (interface language); nothing is stored."""


def check_transition(current: str, new: str) -> None:
    if new not in choices.GOAL_STATUS:
        raise PlanError(_("Unbekannter Status."))
    if new == current:
        return
    if new not in choices.GOAL_TRANSITIONS[current]:
        allowed = ", ".join(
            str(choices.GOAL_STATUS[s]) for s in sorted(choices.GOAL_TRANSITIONS[current])
        )
        message = _(
            "Ein Ziel kann nicht von „%(old)s“ zu „%(new)s“ wechseln.",
            old=choices.GOAL_STATUS[current],
            new=choices.GOAL_STATUS[new],
        )
        hint = (
            _("Möglich: %(allowed)s.", allowed=allowed)
            if allowed
            else _("Der Status ist abschließend.")
        )
        raise PlanError(f"{message} {hint}")


def touch(plan: IntegrationPlan) -> None:
    plan.updated_at = utcnow()


def plans_of(household: Household) -> list[IntegrationPlan]:
    return list(
        db.session.scalars(
            select(IntegrationPlan)
            .where(IntegrationPlan.household_id == household.id)
            .order_by(IntegrationPlan.started_on.desc(), IntegrationPlan.id.desc())
        )
    )


def create_plan(
    user: User,
    household: Household,
    person: Person | None,
    started_on: date,
    language: str,
    interpreter: str,
) -> IntegrationPlan:
    if person is not None and person.household_id != household.id:
        raise PlanError(_("Diese Person gehört nicht zum Haushalt."))
    plan = IntegrationPlan(
        household_id=household.id,
        person_id=person.id if person else None,
        started_on=started_on,
        language=language,
        interpreter=interpreter,
        created_by_id=user.id,
    )
    db.session.add(plan)
    db.session.flush()
    record("create", "integration_plan", plan.id, f"household {household.id}")
    return plan


def save_areas(plan: IntegrationPlan, data: dict[str, tuple[str, str]]) -> list[str]:
    """data: field -> (needs, resources). Returns the changed fields."""
    existing = {a.field: a for a in plan.areas}
    changed = []
    for field_code, (needs, resources) in data.items():
        if field_code not in choices.FIELDS:
            raise PlanError(_("Unbekanntes Handlungsfeld."))
        area = existing.get(field_code)
        if area is None:
            if not needs and not resources:
                continue
            area = PlanArea(plan_id=plan.id, field=field_code)
            db.session.add(area)
            plan.areas.append(area)
        if (area.needs, area.resources) != (needs, resources):
            area.needs, area.resources = needs, resources
            changed.append(field_code)
    if changed:
        touch(plan)
        record("update", "integration_plan", plan.id, "Bedarfe/Ressourcen " + ", ".join(changed))
    return changed


def add_goal(user: User, plan: IntegrationPlan, field_code: str, title: str, on: date) -> Goal:
    if plan.status != "open":
        raise PlanError(_("Der Plan ist abgeschlossen."))
    if field_code not in choices.FIELDS:
        raise PlanError(_("Unbekanntes Handlungsfeld."))
    goal = Goal(plan_id=plan.id, field=field_code, title=title, status="new")
    db.session.add(goal)
    db.session.flush()
    touch(plan)
    record("create", "goal", goal.id, f"plan {plan.id}")
    return goal


def set_goal_status(user: User, goal: Goal, new: str, on: date) -> GoalStatusChange | None:
    check_transition(goal.status, new)
    if new == goal.status:
        return None
    change = GoalStatusChange(
        goal_id=goal.id,
        from_status=goal.status,
        to_status=new,
        changed_on=on,
        changed_by_id=user.id,
    )
    goal.status = new
    db.session.add(change)
    touch(goal.plan)
    db.session.flush()
    record("update", "goal", goal.id, "status")
    return change


def add_step(goal: Goal, description: str, responsible: str, due_on, review_on) -> GoalStep:
    if responsible not in choices.RESPONSIBLE:
        raise PlanError(_("Bitte auswählen, wer verantwortlich ist."))
    step = GoalStep(
        goal_id=goal.id,
        description=description,
        responsible=responsible,
        due_on=due_on,
        review_on=review_on,
    )
    db.session.add(step)
    db.session.flush()
    touch(goal.plan)
    record("create", "goal_step", step.id, f"goal {goal.id}")
    return step


def add_review(user: User, plan: IntegrationPlan, reviewed_on: date, note: str) -> PlanReview:
    review = PlanReview(plan_id=plan.id, reviewed_on=reviewed_on, note=note, reviewed_by_id=user.id)
    db.session.add(review)
    db.session.flush()
    touch(plan)
    record("create", "plan_review", review.id, f"plan {plan.id}")
    return review


def snapshot(plan: IntegrationPlan) -> dict:
    return {
        "plan_id": plan.id,
        "household_id": plan.household_id,
        "person_id": plan.person_id,
        "started_on": plan.started_on.isoformat(),
        "language": plan.language,
        "interpreter": plan.interpreter,
        "areas": [
            {"field": a.field, "needs": a.needs, "resources": a.resources} for a in plan.areas
        ],
        "goals": [
            {
                "field": g.field,
                "title": g.title,
                "status": g.status,
                "steps": [
                    {
                        "description": s.description,
                        "responsible": s.responsible,
                        "due_on": s.due_on.isoformat() if s.due_on else None,
                        "review_on": s.review_on.isoformat() if s.review_on else None,
                    }
                    for s in g.steps
                ],
            }
            for g in plan.goals
        ],
    }


def agree(user: User, plan: IntegrationPlan, agreed_on: date, signed_by: str) -> PlanVersion:
    if not plan.goals:
        raise PlanError(_("Ein Plan ohne Ziele kann nicht vereinbart werden."))
    number = max((v.version for v in plan.versions), default=0) + 1
    version = PlanVersion(
        plan_id=plan.id,
        version=number,
        agreed_on=agreed_on,
        signed_by=signed_by,
        snapshot=json.dumps(snapshot(plan), ensure_ascii=False, sort_keys=True),
        recorded_by_id=user.id,
    )
    db.session.add(version)
    plan.versions.insert(0, version)
    touch(plan)
    db.session.flush()
    record("agree", "integration_plan", plan.id, f"Version {number}")
    return version


def close_plan(plan: IntegrationPlan, closed_on: date) -> None:
    if plan.status == "closed":
        raise PlanError(_("Der Plan ist bereits abgeschlossen."))
    if closed_on < plan.started_on:
        raise PlanError(_("Der Abschluss liegt vor dem Beginn des Plans."))
    plan.status = "closed"
    plan.closed_on = closed_on
    touch(plan)
    record("close", "integration_plan", plan.id)


def add_referral(user: User, household: Household, person: Person | None, data: dict) -> Referral:
    if data["service"] not in choices.SERVICES:
        raise PlanError(_("Bitte eine Stelle aus der Liste wählen."))
    referral = Referral(
        household_id=household.id,
        person_id=person.id if person else None,
        recorded_by_id=user.id,
        **data,
    )
    db.session.add(referral)
    db.session.flush()
    record("create", "referral", referral.id, f"household {household.id}")
    return referral


def update_referral(referral: Referral, data: dict) -> list[str]:
    changed = sorted(k for k, v in data.items() if getattr(referral, k) != v)
    for name in changed:
        setattr(referral, name, data[name])
    if changed:
        record("update", "referral", referral.id, ", ".join(changed))
    return changed


def referrals_of(household: Household) -> list[Referral]:
    return list(
        db.session.scalars(
            select(Referral)
            .where(Referral.household_id == household.id)
            .order_by(Referral.referred_on.desc(), Referral.id.desc())
        )
    )


def add_networking(user: User, data: dict) -> NetworkingContact:
    if data["group"] not in choices.NETWORK_GROUPS:
        raise PlanError(_("Bitte eine Gruppe aus der Liste wählen."))
    contact = NetworkingContact(organisation_id=user.organisation_id, user_id=user.id, **data)
    db.session.add(contact)
    db.session.flush()
    record("create", "networking_contact", contact.id)
    return contact


def extension_of(household: Household) -> CounsellingExtension | None:
    return db.session.scalar(
        select(CounsellingExtension).where(CounsellingExtension.household_id == household.id)
    )


def extend_counselling(
    user: User, household: Household, extended_on: date, reason: str
) -> CounsellingExtension:
    if extension_of(household) is not None:
        raise PlanError(_("Die Beratung wurde bereits auf vier Jahre verlängert."))
    if not reason.strip():
        raise PlanError(_("Bitte den Grund der Verlängerung angeben."))
    extension = CounsellingExtension(
        household_id=household.id, extended_on=extended_on, reason=reason, recorded_by_id=user.id
    )
    db.session.add(extension)
    db.session.flush()
    record("create", "counselling_extension", extension.id, f"household {household.id}")
    return extension
