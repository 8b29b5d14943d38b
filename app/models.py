"""Import every model so that Alembic and create_all see the whole schema."""

from app.accounts.models import LoginThrottle, User
from app.appointments.models import Appointment, AppointmentShare, CalendarToken
from app.audit.models import AuditEvent
from app.households.models import Household, Person
from app.officehours.models import (
    KioskToken,
    OfficeException,
    OfficeLocation,
    OfficeSchedule,
    QueueEntry,
)
from app.organisations.models import Municipality, Organisation, Team

__all__ = [
    "Appointment",
    "AppointmentShare",
    "AuditEvent",
    "CalendarToken",
    "Household",
    "KioskToken",
    "LoginThrottle",
    "Municipality",
    "OfficeException",
    "OfficeLocation",
    "OfficeSchedule",
    "Organisation",
    "Person",
    "QueueEntry",
    "Team",
    "User",
]
