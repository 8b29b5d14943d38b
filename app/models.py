"""Import every model so that Alembic and create_all see the whole schema."""

from app.accounts.models import LoginThrottle, User
from app.appointments.models import Appointment, AppointmentShare, CalendarToken
from app.audit.models import AuditCheckpoint, AuditEvent
from app.consent.models import ConsentAgency, ConsentRecord
from app.contacts.models import Contact, ContactComment, ContactVersion, Task, Topic
from app.households.models import Household, Person
from app.imports.models import ImportedRow, ImportMapping, ImportRun
from app.indicators.models import Indicator, IndicatorOption, IndicatorReview, IndicatorValue
from app.merge.models import RecordMerge
from app.officehours.models import (
    KioskToken,
    OfficeException,
    OfficeLocation,
    OfficeSchedule,
    QueueEntry,
)
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
from app.privacy.models import PersonCorrection
from app.reports.experience_models import ReportText
from app.reports.rollups import (
    household_rollup,
    participant_rollup,
    setting_cell,
    setting_rollup,
    topic_cell,
    topic_rollup,
)
from app.security.models import RecoveryCode, TotpCredential
from app.staffing.models import FundingPeriod, FundingRate, Position
from app.transfers.models import Transfer

__all__ = [
    "Appointment",
    "AppointmentShare",
    "AuditCheckpoint",
    "AuditEvent",
    "CalendarToken",
    "ConsentAgency",
    "ConsentRecord",
    "Contact",
    "ContactComment",
    "ContactVersion",
    "CounsellingExtension",
    "FundingPeriod",
    "FundingRate",
    "Goal",
    "GoalStatusChange",
    "GoalStep",
    "Household",
    "ImportMapping",
    "ImportRun",
    "ImportedRow",
    "Indicator",
    "IndicatorOption",
    "IndicatorReview",
    "IndicatorValue",
    "IntegrationPlan",
    "KioskToken",
    "LoginThrottle",
    "Municipality",
    "NetworkingContact",
    "OfficeException",
    "OfficeLocation",
    "OfficeSchedule",
    "Organisation",
    "Person",
    "PersonCorrection",
    "PlanArea",
    "PlanReview",
    "PlanVersion",
    "Position",
    "QueueEntry",
    "RecordMerge",
    "RecoveryCode",
    "Referral",
    "ReportText",
    "Task",
    "Team",
    "Topic",
    "TotpCredential",
    "Transfer",
    "User",
    "household_rollup",
    "participant_rollup",
    "setting_cell",
    "setting_rollup",
    "topic_cell",
    "topic_rollup",
]
