"""Integration plans with goals and steps, referrals, networking contacts, extensions."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.timeutil import utcnow


class IntegrationPlan(db.Model):
    """An integration plan for a household, or for one person of it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    status: Mapped[str] = mapped_column(String(10), default="open")
    started_on: Mapped[date]
    closed_on: Mapped[date | None]
    language: Mapped[str] = mapped_column(String(80), default="")
    interpreter: Mapped[str] = mapped_column(String(120), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    areas: Mapped[list[PlanArea]] = relationship(order_by="PlanArea.id")
    goals: Mapped[list[Goal]] = relationship(back_populates="plan", order_by="Goal.id")
    reviews: Mapped[list[PlanReview]] = relationship(order_by="PlanReview.reviewed_on.desc()")
    versions: Mapped[list[PlanVersion]] = relationship(order_by="PlanVersion.version.desc()")


class PlanArea(db.Model):
    """Needs and resources in one field of the plan."""

    __table_args__ = (UniqueConstraint("plan_id", "field"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("integration_plan.id"), index=True)
    field: Mapped[str] = mapped_column(String(30))
    needs: Mapped[str] = mapped_column(Text, default="")
    resources: Mapped[str] = mapped_column(Text, default="")


class Goal(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("integration_plan.id"), index=True)
    field: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(15), default="new")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    plan: Mapped[IntegrationPlan] = relationship(back_populates="goals")
    steps: Mapped[list[GoalStep]] = relationship(order_by="GoalStep.id")
    changes: Mapped[list[GoalStatusChange]] = relationship(order_by="GoalStatusChange.id")


class GoalStatusChange(db.Model):
    """History of a goal's status; the count sheet counts achieved goals from it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    goal_id: Mapped[int] = mapped_column(ForeignKey("goal.id"), index=True)
    from_status: Mapped[str] = mapped_column(String(15))
    to_status: Mapped[str] = mapped_column(String(15))
    changed_on: Mapped[date] = mapped_column(index=True)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))


class GoalStep(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    goal_id: Mapped[int] = mapped_column(ForeignKey("goal.id"), index=True)
    description: Mapped[str] = mapped_column(String(300))
    responsible: Mapped[str] = mapped_column(String(15))
    due_on: Mapped[date | None]
    review_on: Mapped[date | None]
    done: Mapped[bool] = mapped_column(default=False)


class PlanReview(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("integration_plan.id"), index=True)
    reviewed_on: Mapped[date]
    note: Mapped[str] = mapped_column(Text, default="")
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))


class PlanVersion(db.Model):
    """The plan as agreed and signed: a JSON snapshot with date and who signed."""

    __table_args__ = (UniqueConstraint("plan_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("integration_plan.id"), index=True)
    version: Mapped[int]
    agreed_on: Mapped[date]
    signed_by: Mapped[str] = mapped_column(String(300))
    snapshot: Mapped[str] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)


class Referral(db.Model):
    """A referral (Verweisung) to a regular service."""

    __table_args__ = (Index("ix_referral_household_date", "household_id", "referred_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    service: Mapped[str] = mapped_column(String(30))
    referred_on: Mapped[date]
    reason: Mapped[str] = mapped_column(String(300), default="")
    outcome: Mapped[str] = mapped_column(String(20), default="open")
    outcome_note: Mapped[str] = mapped_column(String(300), default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), index=True)
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    contact_id: Mapped[int | None]  # FK to contact added when contacts are merged


class NetworkingContact(db.Model):
    """A manager's contact with an institution (Netzwerkarbeit), not about a person."""

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    group: Mapped[str] = mapped_column(String(30))
    institution: Mapped[str] = mapped_column(String(160))
    contacted_on: Mapped[date] = mapped_column(index=True)
    topic: Mapped[str] = mapped_column(String(300), default="")
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)


class CounsellingExtension(db.Model):
    """Counselling runs up to 3 years; extended to 4 with a recorded reason."""

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), unique=True)
    extended_on: Mapped[date]
    reason: Mapped[str] = mapped_column(String(500))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
