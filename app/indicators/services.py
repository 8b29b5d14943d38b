"""Indicator values: the as-of rule, normalising input, the sheet, reviews and the worklist.

`as_of` is the one rule for "which value holds on a day"; the sheet, the worklist and every
report go through it.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Protocol, TypeVar

from babel.numbers import get_decimal_symbol
from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload, selectinload

from app.accounts import roles
from app.accounts.models import User
from app.audit.services import record
from app.extensions import db
from app.households.models import Household, Person
from app.households.rules import add_months
from app.i18n import current_locale, local_date
from app.indicators.catalogue import GROUP_LABELS
from app.indicators.models import (
    Indicator,
    IndicatorReview,
    IndicatorValue,
    group_label,
    indicator_hidden,
)
from app.organisations import ownership
from app.timeutil import utcnow

TRUE, FALSE = "true", "false"


class ValueRow(Protocol):
    id: int | None
    valid_from: date
    recorded_at: object
    kind: str
    corrects_id: int | None


V = TypeVar("V", bound=ValueRow)


# --- the as-of rule ------------------------------------------------------------------------
def as_of(values: Iterable[V], on: date) -> V | None:
    """The value that holds on `on` among the values of ONE indicator for ONE subject.

    - A correction replaces the row it corrects (`corrects_id`), for every date: the wrong
      entry never held. Corrections may themselves be corrected.
    - Of the rest, the latest `valid_from` not after `on` wins; for equal `valid_from` the one
      recorded last (then the higher id) wins. Backdated entries therefore count from their
      date, whenever they were typed.
    """
    values = list(values)
    corrected = {v.corrects_id for v in values if v.kind == "correction" and v.corrects_id}
    candidates = [v for v in values if v.id not in corrected and v.valid_from <= on]
    return max(candidates, key=lambda v: (v.valid_from, v.recorded_at, v.id or 0), default=None)


def latest_per_subject(
    values: Iterable[IndicatorValue], on: date
) -> dict[tuple[int, int | None, int], IndicatorValue]:
    """as_of for many subjects at once: (household_id, person_id, indicator_id) -> value."""
    grouped: dict[tuple[int, int | None, int], list[IndicatorValue]] = defaultdict(list)
    for value in values:
        grouped[(value.household_id, value.person_id, value.indicator_id)].append(value)
    result = {}
    for key, rows in grouped.items():
        current = as_of(rows, on)
        if current is not None:
            result[key] = current
    return result


# --- values: parsing, normalising, displaying -----------------------------------------------
class InvalidValue(ValueError):
    """A message for the user (in the interface language); nothing is stored."""


def _number(raw: str) -> Decimal:
    try:
        number = Decimal(raw.strip().replace(",", "."))
    except InvalidOperation as exc:
        raise InvalidValue(_("Bitte eine Zahl angeben.")) from exc
    if not number.is_finite():
        raise InvalidValue(_("Bitte eine Zahl angeben."))
    return number


def normalise(indicator: Indicator, raw: str | Sequence[str], born: date | None = None) -> str:
    """The stored text form of a value typed by a user; InvalidValue if it is wrong.

    choice: option code; multi: JSON list of codes (sorted); number: canonical decimal;
    date: ISO; bool: "true"/"false"; text: stripped, at most 200 characters."""
    if indicator.is_retired:
        raise InvalidValue(_("Diese Kennzahl ist stillgelegt und kann nicht mehr geändert werden."))
    codes = {o.code for o in indicator.active_options}
    kind = indicator.type
    if kind == "multi":
        items = [raw] if isinstance(raw, str) else list(raw)
        items = sorted({i for i in items if i})
        unknown = [i for i in items if i not in codes]
        if unknown:
            raise InvalidValue(_("Bitte nur Werte aus der Liste wählen."))
        return json.dumps(items)
    if not isinstance(raw, str):
        raw = raw[0] if raw else ""
    raw = raw.strip()
    if not raw:
        raise InvalidValue(_("Bitte einen Wert angeben."))
    if kind == "choice":
        if raw not in codes:
            raise InvalidValue(_("Bitte einen Wert aus der Liste wählen."))
        return raw
    if kind == "bool":
        if raw not in (TRUE, FALSE):
            raise InvalidValue(_("Bitte „ja“ oder „nein“ wählen."))
        return raw
    if kind == "number":
        number = _number(raw)
        low, high = indicator.min_value, indicator.max_value
        if (low is not None and number < Decimal(str(low))) or (
            high is not None and number > Decimal(str(high))
        ):
            raise InvalidValue(
                _(
                    "Bitte eine Zahl von %(low)s bis %(high)s angeben.",
                    low=_fmt(low),
                    high=_fmt(high),
                )
            )
        text = format(number.normalize(), "f")
        return text
    if kind == "date":
        try:
            day = date.fromisoformat(raw)
        except ValueError:
            try:
                d, m, y = (int(part) for part in raw.split("."))
                day = date(y, m, d)
            except ValueError as exc:
                raise InvalidValue(_("Bitte ein gültiges Datum angeben (TT.MM.JJJJ).")) from exc
        if day.year < 1900:
            raise InvalidValue(_("Bitte ein Datum nach 1900 angeben."))
        if born and day < born:
            raise InvalidValue(_("Das Datum liegt vor der Geburt der Person."))
        return day.isoformat()
    if len(raw) > 200:
        raise InvalidValue(_("Höchstens %(max)d Zeichen.", max=200))
    return raw


def _decimal(text: str) -> str:
    """A number's text with the interface language's decimal sign (no grouping: the digits
    stay as typed)."""
    return text.replace(".", get_decimal_symbol(current_locale()))


def _fmt(number: float | None) -> str:
    if number is None:
        return "…"
    return _decimal(f"{number:g}")


def display(indicator: Indicator, stored: str | None) -> str:
    """A stored value as text for people, in the interface language (retired options keep
    their label)."""
    if stored is None:
        return ""
    labels = {o.code: o.label for o in indicator.options}
    if indicator.type == "choice":
        return labels.get(stored, stored)
    if indicator.type == "multi":
        codes = json.loads(stored)
        return ", ".join(labels.get(c, c) for c in codes) if codes else _("keine Angabe")
    if indicator.type == "bool":
        return {"true": _("ja"), "false": _("nein")}.get(stored, stored)
    if indicator.type == "date":
        return local_date(date.fromisoformat(stored))
    if indicator.type == "number":
        return _decimal(stored)
    return stored


# --- who sees what -------------------------------------------------------------------------
def may_see_restricted(user: User, household: Household) -> bool:
    """Health and disability: the household's responsible manager and the team lead only."""
    if user.role == roles.TEAM_LEAD:
        return household.team_id == user.team_id
    return user.role == roles.MANAGER and household.manager_id == user.id


def birth_date(person: Person) -> date | None:
    """Earliest possible birth date (for "not before birth" checks)."""
    if person.birth_year is None:
        return None
    return date(person.birth_year, person.birth_month or 1, person.birth_day or 1)


def age_on(person: Person, on: date) -> int | None:
    if person.birth_year is None:
        return None
    month, day = person.birth_month or 7, person.birth_day or 1
    return on.year - person.birth_year - ((on.month, on.day) < (month, day))


def applies(indicator: Indicator, person: Person, on: date) -> bool:
    if indicator.applies_to == "household":
        return True
    age = age_on(person, on)
    if age is None:
        return True
    if indicator.age_min is not None and age < indicator.age_min:
        return False
    return not (indicator.age_max is not None and age > indicator.age_max)


# --- the sheet ------------------------------------------------------------------------------
@dataclass
class SheetRow:
    indicator: Indicator
    current: IndicatorValue | None
    text: str
    confirmed_on: date | None
    stale: bool
    missing: bool


@dataclass
class SheetGroup:
    key: str
    label: str
    rows: list[SheetRow] = field(default_factory=list)
    reviewed_on: date | None = None

    @property
    def attention(self) -> int:
        return sum(1 for r in self.rows if r.stale or r.missing)


def catalogue(
    organisation_id: int, include_retired: bool = False, include_hidden: bool = False
) -> list[Indicator]:
    """The indicators the organisation uses: the county's defaults (without those it hid) and
    its own."""
    stmt = (
        select(Indicator)
        .where(ownership.visible_to(Indicator.organisation_id, organisation_id))
        .options(selectinload(Indicator.options))
        .order_by(Indicator.position, Indicator.id)
    )
    if not include_retired:
        stmt = stmt.where(Indicator.retired_at.is_(None))
    if not include_hidden:
        stmt = stmt.where(Indicator.id.not_in(hidden_indicator_ids(organisation_id)))
    return list(db.session.scalars(stmt))


def hidden_indicator_ids(organisation_id: int):
    """SQL: the defaults the organisation hid."""
    return ownership.hidden_ids(indicator_hidden, "indicator_id", organisation_id)


def set_indicator_hidden(user: User, indicator: Indicator, hidden: bool) -> bool:
    """Hide a default indicator for the user's organisation (or use it again); audited."""
    changed = ownership.set_hidden(
        indicator_hidden, "indicator_id", user.organisation_id, indicator.id, hidden
    )
    if changed:
        what = "hidden" if hidden else "shown again"  # i18n: not UI
        record(
            "update", "indicator", indicator.id, f"{what} for organisation {user.organisation_id}"
        )
    return changed


def subject_filter(person: Person):
    """Values of a person: their own, and their household's."""
    return (IndicatorValue.household_id == person.household_id) & or_(
        IndicatorValue.person_id == person.id, IndicatorValue.person_id.is_(None)
    )


def is_stale(indicator: Indicator, confirmed_on: date | None, on: date) -> bool:
    if confirmed_on is None or not indicator.stale_after_days:
        return False
    return confirmed_on + timedelta(days=indicator.stale_after_days) < on


def build_rows(
    indicators: Sequence[Indicator],
    person: Person,
    values: Sequence[IndicatorValue],
    reviews: Sequence[IndicatorReview],
    on: date,
) -> list[SheetRow]:
    """Sheet rows of one person from already-loaded rows (no queries)."""
    by_indicator: dict[tuple[int, bool], list[IndicatorValue]] = defaultdict(list)
    for v in values:
        by_indicator[(v.indicator_id, v.person_id is None)].append(v)
    reviewed: dict[tuple[str, bool], date] = {}
    for r in reviews:
        key = (r.group, r.person_id is None)
        if r.reviewed_on <= on and (key not in reviewed or r.reviewed_on > reviewed[key]):
            reviewed[key] = r.reviewed_on
    rows = []
    for indicator in indicators:
        if not applies(indicator, person, on):
            continue
        household_level = indicator.applies_to == "household"
        current = as_of(by_indicator[(indicator.id, household_level)], on)
        confirmed = None
        if current is not None:
            confirmed = max(
                d
                for d in (
                    current.valid_from,
                    current.recorded_at.date(),
                    reviewed.get((indicator.group, household_level)),
                )
                if d is not None
            )
        rows.append(
            SheetRow(
                indicator=indicator,
                current=current,
                text=display(indicator, current.value) if current else "",
                confirmed_on=confirmed,
                stale=is_stale(indicator, confirmed, on),
                missing=current is None and indicator.required,
            )
        )
    return rows


def sheet(user: User, person: Person, on: date) -> list[SheetGroup]:
    """The indicator sheet of a person, grouped; restricted groups only for those allowed."""
    indicators = catalogue(user.organisation_id)
    show_restricted = may_see_restricted(user, person.household)
    if not show_restricted:
        indicators = [i for i in indicators if not i.restricted]
    values = list(db.session.scalars(select(IndicatorValue).where(subject_filter(person))))
    reviews = list(
        db.session.scalars(
            select(IndicatorReview).where(
                IndicatorReview.household_id == person.household_id,
                or_(IndicatorReview.person_id == person.id, IndicatorReview.person_id.is_(None)),
            )
        )
    )
    groups = {key: SheetGroup(key, group_label(key)) for key in GROUP_LABELS}
    for row in build_rows(indicators, person, values, reviews, on):
        groups[row.indicator.group].rows.append(row)
    review_dates = defaultdict(list)
    for r in reviews:
        review_dates[r.group].append(r.reviewed_on)
    for group in groups.values():
        group.reviewed_on = max(review_dates[group.key], default=None)
    if show_restricted and any(g.rows for g in groups.values() if g.key == "health"):
        record("view_restricted", "person", person.id, "Kennzahlen Gesundheit")  # i18n: not UI
    return [g for g in groups.values() if g.rows]


def history(person: Person, indicator: Indicator) -> list[IndicatorValue]:
    stmt = select(IndicatorValue).where(
        subject_filter(person), IndicatorValue.indicator_id == indicator.id
    )
    if indicator.applies_to == "household":
        stmt = stmt.where(IndicatorValue.person_id.is_(None))
    else:
        stmt = stmt.where(IndicatorValue.person_id == person.id)
    return list(
        db.session.scalars(
            stmt.order_by(
                IndicatorValue.valid_from.desc(),
                IndicatorValue.recorded_at.desc(),
                IndicatorValue.id.desc(),
            )
        )
    )


def row_for(user: User, person: Person, indicator: Indicator, on: date) -> SheetRow:
    rows = history(person, indicator)
    reviews = list(
        db.session.scalars(
            select(IndicatorReview).where(
                IndicatorReview.household_id == person.household_id,
                IndicatorReview.group == indicator.group,
                or_(IndicatorReview.person_id == person.id, IndicatorReview.person_id.is_(None)),
            )
        )
    )
    built = build_rows([indicator], person, rows, reviews, on)
    if built:
        return built[0]
    return SheetRow(indicator, as_of(rows, on), "", None, False, False)


# --- changes --------------------------------------------------------------------------------
def record_value(
    user: User,
    person: Person,
    indicator: Indicator,
    raw: str | Sequence[str],
    valid_from: date,
    *,
    corrects: IndicatorValue | None = None,
    contact_id: int | None = None,
) -> IndicatorValue:
    """Store a new value (or a correction of `corrects`); InvalidValue if anything is wrong,
    and then nothing is stored. The caller commits."""
    born = birth_date(person)
    stored = normalise(indicator, raw, born if indicator.applies_to == "person" else None)
    if born and indicator.applies_to == "person" and valid_from < born:
        raise InvalidValue(_("„Gültig ab“ liegt vor der Geburt der Person."))
    if valid_from.year < 1900:
        raise InvalidValue(_("Bitte ein Datum nach 1900 angeben."))
    person_id = person.id if indicator.applies_to == "person" else None
    if corrects is not None and (
        corrects.indicator_id != indicator.id
        or corrects.person_id != person_id
        or corrects.household_id != person.household_id
    ):
        raise InvalidValue(_("Dieser Eintrag gehört nicht zu dieser Kennzahl."))
    value = IndicatorValue(
        indicator_id=indicator.id,
        household_id=person.household_id,
        person_id=person_id,
        value=stored,
        valid_from=valid_from,
        kind="correction" if corrects is not None else "change",
        corrects_id=corrects.id if corrects is not None else None,
        recorded_by_id=user.id,
        recorded_at=utcnow(),
        contact_id=contact_id,
    )
    db.session.add(value)
    db.session.flush()
    subject = ("person", person.id) if person_id else ("household", person.household_id)
    action = "correct" if corrects is not None else "update"
    record(action, subject[0], subject[1], f"Kennzahl {indicator.key}")  # i18n: not UI
    return value


def confirm_group(user: User, person: Person, group: str, on: date) -> list[IndicatorReview]:
    """ "Alles noch aktuell": one review row for the person's part and one for the household's
    part of the group (as far as the group has such indicators)."""
    levels = {
        i.applies_to
        for i in catalogue(user.organisation_id)
        if i.group == group and (not i.restricted or may_see_restricted(user, person.household))
    }
    reviews = []
    for level in sorted(levels):
        review = IndicatorReview(
            household_id=person.household_id,
            person_id=person.id if level == "person" else None,
            group=group,
            reviewed_on=on,
            reviewed_by_id=user.id,
        )
        db.session.add(review)
        reviews.append(review)
    db.session.flush()
    record("review", "person", person.id, f"Kennzahlen {group} bestätigt")  # i18n: not UI
    return reviews


# --- counselling period ---------------------------------------------------------------------
COUNSELLING_YEARS = 3
EXTENDED_YEARS = 4
WARN_MONTHS = 3


def counselling_start(household: Household) -> date:
    return household.counselling_started_on or household.created_at.date()


def counselling_end(start: date, extended: bool) -> date:
    return add_months(start, 12 * (EXTENDED_YEARS if extended else COUNSELLING_YEARS))


# --- the worklist ---------------------------------------------------------------------------
@dataclass
class WorkItem:
    person: Person
    missing: list[Indicator] = field(default_factory=list)
    stale: list[Indicator] = field(default_factory=list)
    counselling_ends: date | None = None
    extended: bool = False


def required_rows(organisation_id: int, persons: Sequence[Person], on: date) -> dict[int, list]:
    """Per person (of the organisation) the sheet rows of the required (not restricted)
    indicators as of `on`, for the worklist and the count sheet's check page. A fixed number
    of queries."""
    ids = list({p.household_id for p in persons})
    indicators = [i for i in catalogue(organisation_id) if i.required and not i.restricted]
    values = list(
        db.session.scalars(
            select(IndicatorValue).where(
                IndicatorValue.household_id.in_(ids),
                IndicatorValue.indicator_id.in_([i.id for i in indicators]),
            )
        )
    )
    reviews = list(
        db.session.scalars(select(IndicatorReview).where(IndicatorReview.household_id.in_(ids)))
    )
    values_by_household: dict[int, list[IndicatorValue]] = defaultdict(list)
    for v in values:
        values_by_household[v.household_id].append(v)
    reviews_by_household: dict[int, list[IndicatorReview]] = defaultdict(list)
    for r in reviews:
        reviews_by_household[r.household_id].append(r)
    result = {}
    for person in persons:
        own = [
            v for v in values_by_household[person.household_id] if v.person_id in (None, person.id)
        ]
        own_reviews = [
            r for r in reviews_by_household[person.household_id] if r.person_id in (None, person.id)
        ]
        result[person.id] = build_rows(indicators, person, own, own_reviews, on)
    return result


def worklist(user: User, on: date) -> list[WorkItem]:
    """Persons of the user's active households with missing or stale required indicators, or
    whose counselling period ends within three months. A fixed number of queries."""
    from app.plans.models import CounsellingExtension

    households = list(
        db.session.scalars(
            select(Household).where(Household.manager_id == user.id, Household.status == "active")
        )
    )
    if not households:
        return []
    ids = [h.id for h in households]
    persons = list(
        db.session.scalars(
            select(Person)
            .where(Person.household_id.in_(ids))
            # the list shows each person's household name: loaded with the person
            .options(joinedload(Person.household))
            .order_by(Person.sort_key, Person.id)
        )
    )
    extended = set(
        db.session.scalars(
            select(CounsellingExtension.household_id).where(
                CounsellingExtension.household_id.in_(ids)
            )
        )
    )
    by_household = {h.id: h for h in households}
    rows_by_person = required_rows(user.organisation_id, persons, on)
    warn_until = add_months(on, WARN_MONTHS)
    items = []
    for person in persons:
        household = by_household[person.household_id]
        rows = rows_by_person[person.id]
        item = WorkItem(
            person=person,
            missing=[r.indicator for r in rows if r.missing],
            stale=[r.indicator for r in rows if r.stale],
        )
        end = counselling_end(counselling_start(household), household.id in extended)
        if end <= warn_until:
            item.counselling_ends = end
            item.extended = household.id in extended
        if item.missing or item.stale or item.counselling_ends:
            items.append(item)
    return items
