"""Import every model so that Alembic and create_all see the whole schema."""

from app.accounts.models import LoginThrottle, User
from app.audit.models import AuditEvent
from app.households.models import Household, Person
from app.indicators.models import Indicator, IndicatorOption, IndicatorReview, IndicatorValue
from app.organisations.models import Municipality, Organisation, Team
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

__all__ = [
    "AuditEvent",
    "CounsellingExtension",
    "Goal",
    "GoalStatusChange",
    "GoalStep",
    "Household",
    "Indicator",
    "IndicatorOption",
    "IndicatorReview",
    "IndicatorValue",
    "IntegrationPlan",
    "LoginThrottle",
    "Municipality",
    "NetworkingContact",
    "Organisation",
    "Person",
    "PlanArea",
    "PlanReview",
    "PlanVersion",
    "Referral",
    "Team",
    "User",
]
