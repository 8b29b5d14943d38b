"""Import every model so that Alembic and create_all see the whole schema."""

from app.accounts.models import LoginThrottle, User
from app.audit.models import AuditEvent
from app.consent.models import ConsentAgency, ConsentRecord
from app.contacts.models import Contact, ContactComment, ContactVersion, Task, Topic
from app.households.models import Household, Person
from app.organisations.models import Municipality, Organisation, Team
from app.privacy.models import PersonCorrection
from app.security.models import RecoveryCode, TotpCredential

__all__ = [
    "AuditEvent",
    "ConsentAgency",
    "ConsentRecord",
    "Contact",
    "ContactComment",
    "ContactVersion",
    "Household",
    "LoginThrottle",
    "Municipality",
    "Organisation",
    "Person",
    "PersonCorrection",
    "RecoveryCode",
    "Task",
    "Team",
    "Topic",
    "TotpCredential",
    "User",
]
