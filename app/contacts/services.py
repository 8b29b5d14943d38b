"""Business functions for contacts, tasks, topics and the household timeline.

Every change is audited with record(); audit details name fields, never personal data.
Callers commit."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, and_, case, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from app.access import household_scope
from app.accounts import roles
from app.accounts.models import User
from app.accounts.services import active_volunteers
from app.audit.services import record
from app.collation import sorted_by_name
from app.contacts import choices
from app.contacts.models import (
    Contact,
    ContactComment,
    ContactVersion,
    Task,
    Topic,
    topic_hidden,
)
from app.extensions import db
from app.households.models import Household, Person
from app.organisations import ownership
from app.timeutil import utcnow

TIMELINE_PAGE_SIZE = 20
# The setting and place of the last contact are a good guess for the next one on the same
# working day only; later the form starts without a setting, so that yesterday's "Video" is
# never saved unnoticed (issue #17).
LAST_DEFAULTS_MAX_AGE = timedelta(hours=12)
PDF_MAX_CONTACTS = 150  # per household PDF; rendering takes roughly 0.1 s per contact
# Fields of a contact whose old values a ContactVersion keeps.
VERSIONED_FIELDS = (
    "occurred_at",
    "duration_minutes",
    "setting",
    "location",
    "interpreter_kind",
    "interpreter_language",
    "note",
    "participants",
    "topics",
)
FIELD_LABELS = {
    "occurred_at": _l("Zeitpunkt"),
    "duration_minutes": _l("Dauer"),
    "setting": _l("Art"),
    "location": _l("Ort"),
    "interpreter_kind": _l("Dolmetscher:in"),
    "interpreter_language": _l("Sprache"),
    "note": _l("Notiz"),
    "participants": _l("Teilnehmende"),
    "topics": _l("Themen"),
}


# --- topics -------------------------------------------------------------------------------
def ensure_default_topics() -> int:
    """Add the default catalogue's topics that are missing (by key). Returns how many."""
    existing = set(db.session.scalars(select(Topic.key)))
    added = 0
    for order, (key, label) in enumerate(choices.DEFAULT_TOPICS, start=1):
        if key not in existing:
            db.session.add(Topic(key=key, label=label, active=True, sort_order=order * 10))
            added += 1
    db.session.flush()
    return added


def topics_of(organisation_id: int) -> list[tuple[Topic, bool]]:
    """(topic, hidden) for every topic the organisation uses: the defaults (hidden = the
    organisation hid it) and its own, retired ones included (old contacts keep them). One
    statement."""
    hidden = Topic.id.in_(ownership.hidden_ids(topic_hidden, "topic_id", organisation_id))
    rows = db.session.execute(
        select(Topic, hidden)
        .where(ownership.visible_to(Topic.organisation_id, organisation_id))
        .order_by(Topic.sort_order, Topic.id)
    ).all()
    return [(topic, bool(is_hidden)) for topic, is_hidden in rows]


def all_topics(organisation_id: int) -> list[Topic]:
    return [topic for topic, _hidden in topics_of(organisation_id)]


def active_topics(organisation_id: int) -> list[Topic]:
    """The topics new contacts of the organisation offer."""
    return [t for t, hidden in topics_of(organisation_id) if t.active and not hidden]


def topic_choices(
    organisation_id: int, selected: list[Topic] | None = None
) -> list[tuple[str, str]]:
    """Offered topics, plus retired or hidden ones that an edited contact still carries."""
    keep = {t.key for t in selected or []}
    return [
        (t.key, t.shown_label)
        for t, hidden in topics_of(organisation_id)
        if (t.active and not hidden) or t.key in keep
    ]


def slugify_topic(label: str) -> str:
    from app.households.search import fold

    base = "".join(ch if ch.isalnum() else "_" for ch in fold(label)).strip("_")[:30] or "topic"
    key, n = base, 1
    taken = set(db.session.scalars(select(Topic.key)))
    while key in taken:
        n += 1
        key = f"{base}_{n}"
    return key


def create_topic(
    label: str, sort_order: int | None, active: bool = True, organisation_id: int | None = None
) -> Topic:
    """A new topic: the organisation's own, or a default when `organisation_id` is None."""
    if sort_order is None:
        highest = select(func.max(Topic.sort_order))
        if organisation_id is not None:
            highest = highest.where(ownership.visible_to(Topic.organisation_id, organisation_id))
        sort_order = (db.session.scalar(highest) or 0) + 10
    topic = Topic(
        key=slugify_topic(label),
        label=label,
        sort_order=sort_order,
        active=active,
        organisation_id=organisation_id,
    )
    db.session.add(topic)
    db.session.flush()
    record("create", "topic", topic.id, "default" if organisation_id is None else "own")
    return topic


def update_topic(topic: Topic, data: dict) -> list[str]:
    """Change a topic (the caller checked ownership.may_change)."""
    changed = sorted(k for k, v in data.items() if getattr(topic, k) != v)
    for name in changed:
        setattr(topic, name, data[name])
    if changed:
        record("update", "topic", topic.id, ", ".join(changed))
    return changed


def set_topic_hidden(user: User, topic: Topic, hidden: bool) -> bool:
    """Hide a default topic for the user's organisation (or show it again); audited."""
    changed = ownership.set_hidden(topic_hidden, "topic_id", user.organisation_id, topic.id, hidden)
    if changed:
        what = "hidden" if hidden else "shown again"  # i18n: not UI
        record("update", "topic", topic.id, f"{what} for organisation {user.organisation_id}")
    return changed


# --- contacts -----------------------------------------------------------------------------
def contact_scope(user: User, stmt: Select) -> Select:
    """Restrict a statement over Contact to households the user may see; hide deleted."""
    return household_scope(user, stmt.join(Contact.household)).where(Contact.deleted_at.is_(None))


def contact_or_none(user: User, contact_id: int) -> Contact | None:
    return db.session.scalar(
        contact_scope(user, select(Contact).where(Contact.id == contact_id)).options(
            selectinload(Contact.participants),
            selectinload(Contact.topics),
            selectinload(Contact.tasks).joinedload(Task.owner),
            selectinload(Contact.comments).joinedload(ContactComment.author),
            joinedload(Contact.author),
        )
    )


def find_by_key(author_id: int, key: str) -> Contact | None:
    return db.session.scalar(
        select(Contact).where(Contact.author_id == author_id, Contact.idempotency_key == key)
    )


def last_defaults(user: User, now: datetime | None = None) -> dict:
    """The setting and place of this user's most recent contact, for the next one; nothing
    when it was recorded more than LAST_DEFAULTS_MAX_AGE ago."""
    since = (now or utcnow()) - LAST_DEFAULTS_MAX_AGE
    row = db.session.execute(
        select(Contact.setting, Contact.location)
        .where(
            Contact.author_id == user.id,
            Contact.deleted_at.is_(None),
            Contact.created_at >= since,
        )
        .order_by(Contact.created_at.desc(), Contact.id.desc())
        .limit(1)
    ).first()
    return {"setting": row.setting, "location": row.location} if row else {}


def team_colleagues(user: User, household: Household) -> list[User]:
    return sorted_by_name(
        db.session.scalars(
            select(User).where(
                User.organisation_id == household.organisation_id,
                User.team_id == household.team_id,
                User.role.in_((roles.MANAGER, roles.TEAM_LEAD)),
                User.is_active_account.is_(True),
                User.id != user.id,
            )
        ),
        lambda u: u.display_name,
    )


def volunteers(household: Household) -> list[User]:
    return active_volunteers(household.organisation_id)


@dataclass
class ContactData:
    occurred_at: datetime
    duration_minutes: int
    setting: str
    location: str
    interpreter_kind: str
    interpreter_language: str
    note: str
    participant_ids: list[int]
    topic_keys: list[str]
    tasks: list[dict] = field(default_factory=list)


def _topics_by_key(keys: list[str], organisation_id: int, kept: list[Topic]) -> list[Topic]:
    """The chosen topics among those the household's organisation uses, or that the contact
    already carried (a household that moved keeps its old organisation's topics)."""
    if not keys:
        return []
    allowed = ownership.visible_to(Topic.organisation_id, organisation_id)
    if kept:
        allowed = or_(allowed, Topic.id.in_([t.id for t in kept]))
    return list(db.session.scalars(select(Topic).where(Topic.key.in_(keys), allowed)))


def _persons(household: Household, ids: list[int]) -> list[Person]:
    by_id = {p.id: p for p in household.members}
    return [by_id[i] for i in ids if i in by_id]


def _add_tasks(contact: Contact, author: User, tasks: list[dict]) -> list[Task]:
    added = []
    for data in tasks:
        owner_id = data.get("owner_id") or None
        if data["owner_kind"] == "manager":
            owner_id = author.id
        task = Task(
            contact=contact,
            household_id=contact.household_id,
            description=data["description"],
            owner_kind=data["owner_kind"],
            owner_id=owner_id,
            due_on=data.get("due_on"),
            status="open",
            created_by_id=author.id,
        )
        db.session.add(task)
        added.append(task)
    return added


def create_contact(
    author: User, household: Household, key: str, data: ContactData
) -> tuple[Contact, bool]:
    """Create a contact once per (author, key). Returns (contact, created).

    A replay finds the existing contact first; two identical requests racing each other are
    decided by the database's unique constraint: the loser rolls back and loads the winner's.
    """
    existing = find_by_key(author.id, key)
    if existing is not None:
        return existing, False
    contact = Contact(
        household_id=household.id,
        author_id=author.id,
        idempotency_key=key,
        occurred_at=data.occurred_at,
        duration_minutes=data.duration_minutes,
        setting=data.setting,
        location=data.location if data.setting in choices.SETTINGS_WITH_PLACE else "",
        interpreter_kind=data.interpreter_kind,
        interpreter_language=data.interpreter_language if data.interpreter_kind else "",
        note=data.note,
    )
    contact.participants = _persons(household, data.participant_ids)
    contact.topics = _topics_by_key(data.topic_keys, household.organisation_id, [])
    db.session.add(contact)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        existing = find_by_key(author.id, key)
        if existing is None:  # some other integrity problem: let it surface
            raise
        return existing, False
    tasks = _add_tasks(contact, author, data.tasks)
    db.session.flush()
    record("create", "contact", contact.id, f"household {household.id}")
    for task in tasks:
        record("create", "task", task.id, f"contact {contact.id}")
    return contact, True


def _snapshot(contact: Contact) -> dict:
    return {
        "occurred_at": contact.occurred_at.isoformat(timespec="minutes"),
        "duration_minutes": contact.duration_minutes,
        "setting": contact.setting,
        "location": contact.location,
        "interpreter_kind": contact.interpreter_kind,
        "interpreter_language": contact.interpreter_language,
        "note": contact.note,
        "participants": [p.id for p in contact.participants],
        "topics": [t.key for t in contact.topics],
    }


def update_contact(editor: User, contact: Contact, data: ContactData) -> list[str]:
    """Apply an edit; the previous values go to a ContactVersion. Returns changed fields."""
    before = _snapshot(contact)
    contact.occurred_at = data.occurred_at
    contact.duration_minutes = data.duration_minutes
    contact.setting = data.setting
    contact.location = data.location if data.setting in choices.SETTINGS_WITH_PLACE else ""
    contact.interpreter_kind = data.interpreter_kind
    contact.interpreter_language = data.interpreter_language if data.interpreter_kind else ""
    contact.note = data.note
    contact.participants = _persons(contact.household, data.participant_ids)
    contact.topics = _topics_by_key(
        data.topic_keys, contact.household.organisation_id, list(contact.topics)
    )
    after = _snapshot(contact)
    changed = [name for name in VERSIONED_FIELDS if before[name] != after[name]]
    tasks = _add_tasks(contact, editor, data.tasks)
    if changed:
        db.session.add(
            ContactVersion(
                contact=contact,
                changed_by_id=editor.id,
                changed_at=utcnow(),
                changed_fields=", ".join(changed),
                old_values={name: before[name] for name in changed},
            )
        )
        record("update", "contact", contact.id, ", ".join(changed))
    db.session.flush()
    for task in tasks:
        record("create", "task", task.id, f"contact {contact.id}")
    return changed


def delete_contact(user: User, contact: Contact, reason: str) -> None:
    contact.deleted_at = utcnow()
    contact.deleted_by_id = user.id
    contact.deleted_reason = reason
    # The reason may describe the case; the audit log only says that one was given.
    record("delete", "contact", contact.id, "deleted_reason")


def add_comment(user: User, contact: Contact, body: str) -> ContactComment:
    comment = ContactComment(contact=contact, author_id=user.id, body=body)
    db.session.add(comment)
    db.session.flush()
    record("comment", "contact", contact.id, "body")
    return comment


# --- tasks --------------------------------------------------------------------------------
def task_scope(user: User, stmt: Select) -> Select:
    return household_scope(user, stmt.join(Task.household)).where(
        Task.contact.has(Contact.deleted_at.is_(None))
    )


def task_or_none(user: User, task_id: int) -> Task | None:
    return db.session.scalar(
        task_scope(user, select(Task).where(Task.id == task_id)).options(
            joinedload(Task.owner), joinedload(Task.household)
        )
    )


def set_task_status(user: User, task: Task, done: bool) -> None:
    new = "done" if done else "open"
    if task.status == new:
        return
    task.status = new
    task.done_at = utcnow() if done else None
    task.done_by_id = user.id if done else None
    record("update", "task", task.id, "status")


def my_tasks(user: User, on: date, include_done: bool = False) -> list[Task]:
    """The user's tasks: owned by them, or without an owner user in contacts they wrote.
    Overdue first, then due this week, then later, then without due date."""
    week_end = on + timedelta(days=6 - on.weekday())
    stmt = task_scope(
        user,
        select(Task).where(
            or_(
                Task.owner_id == user.id,
                and_(Task.owner_id.is_(None), Task.created_by_id == user.id),
            )
        ),
    )
    if not include_done:
        stmt = stmt.where(Task.status == "open")
    bucket = case(
        (Task.status == "done", 4),
        (Task.due_on < on, 0),
        (Task.due_on <= week_end, 1),
        (Task.due_on.is_not(None), 2),
        else_=3,
    )
    # the list names each task's household by its label (surname and first member's name)
    stmt = stmt.options(
        joinedload(Task.household).selectinload(Household.members), joinedload(Task.owner)
    ).order_by(bucket, Task.due_on, Task.id)
    return list(db.session.scalars(stmt.limit(500)))


def task_bucket(task: Task, on: date) -> str:
    week_end = on + timedelta(days=6 - on.weekday())
    if task.is_done:
        return "done"
    if task.due_on is None:
        return "none"
    if task.due_on < on:
        return "overdue"
    if task.due_on <= week_end:
        return "week"
    return "later"


# --- timeline -----------------------------------------------------------------------------
@dataclass
class TimelinePage:
    contacts: list[Contact]
    page: int
    has_more: bool
    open_tasks: list[Task]


def _eager(stmt: Select) -> Select:
    return stmt.options(
        joinedload(Contact.author),
        selectinload(Contact.participants),
        selectinload(Contact.topics),
        selectinload(Contact.tasks).joinedload(Task.owner),
        selectinload(Contact.comments).joinedload(ContactComment.author),
    )


def timeline(
    household: Household,
    page: int = 1,
    topic: str = "",
    setting: str = "",
    per_page: int = TIMELINE_PAGE_SIZE,
) -> TimelinePage:
    """One page of a household's contacts, newest first, with everything the page shows
    loaded in a fixed number of queries (independent of how many contacts there are)."""
    page = max(page, 1)
    stmt = select(Contact).where(Contact.household_id == household.id, Contact.deleted_at.is_(None))
    if topic:
        stmt = stmt.where(Contact.topics.any(Topic.key == topic))
    if setting:
        stmt = stmt.where(Contact.setting == setting)
    stmt = _eager(stmt).order_by(Contact.occurred_at.desc(), Contact.id.desc())
    rows = list(db.session.scalars(stmt.offset((page - 1) * per_page).limit(per_page + 1)))
    open_tasks: list[Task] = []
    if page == 1 and not topic and not setting:
        open_tasks = list(
            db.session.scalars(
                select(Task)
                .join(Task.contact)
                .where(
                    Task.household_id == household.id,
                    Task.status == "open",
                    Contact.deleted_at.is_(None),
                )
                .options(joinedload(Task.owner))
                .order_by(Task.due_on.is_(None), Task.due_on, Task.id)
            )
        )
    return TimelinePage(rows[:per_page], page, len(rows) > per_page, open_tasks)


def contacts_in_range(household: Household, start: date | None, end: date | None) -> list[Contact]:
    """Contacts of a household (not deleted), oldest first, for the household PDF. The range
    is in local dates; stored times are UTC, so the bounds are widened by the offset."""
    from app.contacts.forms import local_to_utc

    stmt = select(Contact).where(Contact.household_id == household.id, Contact.deleted_at.is_(None))
    if start:
        since = local_to_utc(datetime.combine(start, datetime.min.time()))
        stmt = stmt.where(Contact.occurred_at >= since)
    if end:
        stmt = stmt.where(
            Contact.occurred_at
            < local_to_utc(datetime.combine(end + timedelta(days=1), datetime.min.time()))
        )
    return list(db.session.scalars(_eager(stmt).order_by(Contact.occurred_at, Contact.id)))


def persons_by_id(ids: list[int]) -> dict[int, Person]:
    if not ids:
        return {}
    return {p.id: p for p in db.session.scalars(select(Person).where(Person.id.in_(ids)))}
