"""The combined county view: the dashboard's main figures of the county and of every town
with its own IM that shares them, side by side and summed.

Aggregates only: each organisation's column is `figures.dashboard` of that organisation's
whole scope (the same function the dashboard uses), reduced to counts; no name, list or record
crosses an organisation. A town's figures appear only after its admin agreed in the set-up
(`Organisation.shares_figures`); the others are listed as not shared. Shares are computed from
the summed counts, never by adding percentages. Only the county's admins see the view."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.accounts import roles
from app.accounts.models import User
from app.contacts import choices as contact_choices
from app.contacts.models import Topic
from app.extensions import db
from app.organisations.models import Organisation
from app.reports import figures
from app.reports.figures import Dashboard, ReportScope, share

COUNTY = "county"


def may_view(user: User) -> bool:
    """The county's admins: they answer for the county-wide reporting."""
    return user.role == roles.ADMIN and user.organisation.kind == COUNTY


@dataclass(frozen=True)
class Figure:
    key: str
    label: LazyString | str
    count: Callable[[Dashboard], float]  # summed across organisations
    digits: int = 0


def _setting_figures() -> list[Figure]:
    return [
        Figure(
            f"setting.{code}",
            _l("davon %(setting)s", setting=label),
            lambda d, code=code: d.settings.get(code),
        )
        for code, label in contact_choices.SETTINGS.items()
    ]


def count_figures() -> list[Figure]:
    """The counted figures of the dashboard, in its order (every one sums across
    organisations: a household and its persons belong to one organisation at a time)."""
    return [
        Figure("persons", _l("Personen in Kontakt"), lambda d: d.reach.persons),
        Figure("single_persons", _l("davon Einzelpersonen"), lambda d: d.reach.single_persons),
        Figure("households", _l("Haushalte in Kontakt"), lambda d: d.reach.households),
        Figure("contacts", _l("Beratungskontakte"), lambda d: d.settings.total),
        *_setting_figures(),
        Figure("eligible", _l("Berechtigte am Ende des Zeitraums"), lambda d: d.coverage.eligible),
        Figure(
            "eligible_in_contact",
            _l("davon in Kontakt"),
            lambda d: d.coverage.eligible_in_contact,
        ),
        Figure(
            "new_eligible",
            _l("neu berechtigt im Zeitraum"),
            lambda d: sum(m.count for m in d.new_eligible),
        ),
        Figure("tasks_open", _l("offene Aufgaben heute"), lambda d: d.tasks.open),
        Figure("tasks_overdue", _l("davon überfällig"), lambda d: d.tasks.overdue),
        Figure("checkins", _l("Anmeldungen zur Sprechstunde"), lambda d: d.office_hours.checkins),
        Figure(
            "fte", _l("VZÄ in der Beratung"), lambda d: sum(t.fte for t in d.caseload), digits=2
        ),
    ]


# Shares shown under the counts: (key, label, numerator key, denominator key, percent?)
SHARES = (
    ("coverage", _l("Anteil der Berechtigten in Kontakt"), "eligible_in_contact", "eligible", True),
    ("home_visits", _l("Anteil Hausbesuche"), "setting.home_visit", "contacts", True),
    ("per_fte", _l("Berechtigte je VZÄ"), "eligible", "fte", False),
)


@dataclass
class Column:
    """One organisation's figures (None when it does not share them)."""

    organisation_id: int | None
    name: str
    shared: bool
    counts: dict[str, float] = field(default_factory=dict)
    topics: dict[int, int] = field(default_factory=dict)  # default topic id -> contacts
    own_topics: int = 0  # mentions of the organisation's own topics

    def share(self, numerator: str, denominator: str) -> float | None:
        if not self.shared:
            return None
        return share(self.counts.get(numerator, 0), self.counts.get(denominator, 0))


@dataclass
class CountyFigures:
    start: date
    end: date
    columns: list[Column]  # the county first, then the towns that share, by name
    not_shared: list[str]  # towns with their own IM that did not agree
    total: Column
    figures: list[Figure]
    default_topics: list[tuple[int, str]]  # (id, label) most mentioned first


def organisations() -> list[Organisation]:
    """The county organisation(s) first, then the towns with their own IM, by name."""
    return list(
        db.session.scalars(
            select(Organisation).order_by(Organisation.kind != COUNTY, Organisation.name)
        )
    )


def column(organisation: Organisation, start: date, end: date, on: date, defaults: set[int]):
    """One organisation's column from its dashboard (its whole scope, the period)."""
    scope = ReportScope(organisation_id=organisation.id, start=start, end=end)
    data = figures.dashboard(scope, on)
    result = Column(organisation.id, organisation.name, True)
    result.counts = {f.key: f.count(data) for f in count_figures()}
    for topic in data.topics:
        if topic.topic_id in defaults:
            result.topics[topic.topic_id] = topic.count
        else:
            result.own_topics += topic.count
    return result


def combined(start: date, end: date, on: date) -> CountyFigures:
    """The county's and the sharing towns' figures for the period, and their sum."""
    defaults = dict(
        db.session.execute(
            select(Topic.id, Topic.label)
            .where(Topic.organisation_id.is_(None))
            .order_by(Topic.sort_order, Topic.id)
        ).all()
    )
    columns, not_shared = [], []
    for organisation in organisations():
        if organisation.kind == COUNTY or organisation.shares_figures:
            columns.append(column(organisation, start, end, on, set(defaults)))
        else:
            not_shared.append(organisation.name)
    total = Column(None, "", True)
    for key in (f.key for f in count_figures()):
        total.counts[key] = sum(c.counts[key] for c in columns)
    for topic_id in defaults:
        total.topics[topic_id] = sum(c.topics.get(topic_id, 0) for c in columns)
    total.own_topics = sum(c.own_topics for c in columns)
    ranked = sorted(defaults, key=lambda i: -total.topics[i])  # stable: catalogue order on ties
    return CountyFigures(
        start=start,
        end=end,
        columns=columns,
        not_shared=not_shared,
        total=total,
        figures=count_figures(),
        default_topics=[(i, contact_choices.topic_label(defaults[i])) for i in ranked],
    )
