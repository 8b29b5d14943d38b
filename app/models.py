"""Import every model so that Alembic and create_all see the whole schema."""

from app.accounts.models import LoginThrottle, User
from app.audit.models import AuditEvent
from app.contacts.models import Contact, ContactComment, ContactVersion, Task, Topic
from app.households.models import Household, Person
from app.organisations.models import Municipality, Organisation, Team

__all__ = [
    "AuditEvent",
    "Contact",
    "ContactComment",
    "ContactVersion",
    "Household",
    "LoginThrottle",
    "Municipality",
    "Organisation",
    "Person",
    "Task",
    "Team",
    "Topic",
    "User",
]
