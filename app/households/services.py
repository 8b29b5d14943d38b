"""Queries and changes for households and persons; every change is audited."""

from __future__ import annotations

import functools
import operator
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, and_, case, exists, func, literal, or_, select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from app.access import household_scope
from app.accounts import roles
from app.accounts.models import User
from app.audit.services import record
from app.collation import sorted_by_name
from app.extensions import db
from app.households import rules
from app.households.labels import household_order
from app.households.models import Household, Person
from app.households.search import (
    fold,
    latin,
    parse_birth_query,
    phonetic,
    search_keys,
    skeleton,
    squeeze,
)
from app.organisations.models import Municipality

SEARCH_LIMIT = 30
# The person fields a user edits (the person form, rectification, merging duplicates).
PERSON_FIELDS = (
    "given_name",
    "family_name",
    "native_name",
    "birth_year",
    "birth_month",
    "birth_day",
    "sex",
    "country_of_origin",
    "languages",
    "interpreter_needed",
    "residence_status",
    "residence_legal_basis",
    "entry_date",
    "asylum_application_date",
    "decision_date",
    "prospect",
    "phone",
)


def refresh_search_keys(person: Person) -> None:
    keys = search_keys(person.given_name, person.family_name, person.native_name)
    person.search_name = keys.name
    person.search_skeleton = keys.skeleton
    person.search_latin = keys.latin
    person.search_phonetic = keys.phonetic


def changed_fields(obj: object, data: dict) -> list[str]:
    return sorted(name for name, value in data.items() if getattr(obj, name) != value)


def apply_changes(obj: object, data: dict) -> list[str]:
    changed = changed_fields(obj, data)
    for name in changed:
        setattr(obj, name, data[name])
    return changed


def municipalities_for(user: User) -> list[Municipality]:
    """Towns whose households the user may record: their team's, or the organisation's."""
    stmt = select(Municipality).where(Municipality.organisation_id == user.organisation_id)
    if user.role != roles.ADMIN:
        stmt = stmt.where(Municipality.team_id == user.team_id)
    return sorted_by_name(db.session.scalars(stmt))


def managers_for(user: User, team_id: int | None = None) -> list[User]:
    stmt = select(User).where(
        User.organisation_id == user.organisation_id,
        User.role.in_((roles.MANAGER, roles.TEAM_LEAD)),
        User.is_active_account.is_(True),
    )
    if team_id is not None:
        stmt = stmt.where(User.team_id == team_id)
    elif user.role != roles.ADMIN:
        stmt = stmt.where(User.team_id == user.team_id)
    return sorted_by_name(db.session.scalars(stmt), lambda u: u.display_name)


@dataclass
class ListFilters:
    status: str = "active"
    eligibility: str = ""
    prospect: str = ""
    municipality_id: int = 0
    manager_id: int | None = None


def household_list_query(user: User, filters: ListFilters, today: date) -> Select:
    stmt = household_scope(user, select(Household))
    if filters.status:
        stmt = stmt.where(Household.status == filters.status)
    if filters.municipality_id:
        stmt = stmt.where(Household.municipality_id == filters.municipality_id)
    if filters.manager_id:
        stmt = stmt.where(Household.manager_id == filters.manager_id)
    if filters.eligibility in ("yes", "no"):
        eligible_member = exists().where(
            Person.household_id == Household.id, rules.eligibility_clause(Person, Household, today)
        )
        stmt = stmt.where(eligible_member if filters.eligibility == "yes" else ~eligible_member)
    if filters.prospect:
        stmt = stmt.where(
            exists().where(Person.household_id == Household.id, Person.prospect == filters.prospect)
        )
    return stmt.options(
        selectinload(Household.members), joinedload(Household.municipality)
    ).order_by(*household_order())


# Relevance of one query word for one person; a person's rank is the sum over the words.
EXACT, PREFIX, VARIANT, FUZZY = 4, 3, 2, 1


def _word_relevance(word: str):
    """(condition, rank) of one query word: the condition finds the persons it matches, the
    rank says how well (a whole word > the start of a word > a transliteration or sound-alike
    > a part of a word or the consonant skeleton)."""
    folded = squeeze(fold(word))
    transliterated = squeeze(latin(word))
    name = literal(" ").concat(Person.search_name).concat(" ")
    options = [Person.search_name.contains(folded, autoescape=True)]
    variants = []
    if transliterated:
        options.append(Person.search_latin.contains(transliterated, autoescape=True))
        # the start of a word in Latin letters: Юсуф for "yus"
        latin_name = literal(" ").concat(Person.search_latin).concat(" ")
        variants.append(latin_name.contains(f" {transliterated}", autoescape=True))
    sound = phonetic(word)
    # one sound key per query word; short words (Al, Bo) would match too much by sound alone
    if len(transliterated) >= 3 and sound and " " not in sound:
        sounds_alike = Person.search_phonetic.contains(f" {sound} ", autoescape=True)
        options.append(sounds_alike)
        variants.append(sounds_alike)
    word_skeleton = skeleton(word)
    if len(word_skeleton) >= 3:
        options.append(Person.search_skeleton.contains(word_skeleton, autoescape=True))
    rank = case(
        (name.contains(f" {folded} ", autoescape=True), EXACT),
        (name.contains(f" {folded}", autoescape=True), PREFIX),
        *([(or_(*variants), VARIANT)] if variants else []),
        else_=FUZZY,
    )
    return or_(*options), rank


def search_persons(user: User, query: str) -> list[Person]:
    """Persons the user may see, by any part of a name (tolerant) or by birth date; name
    matches best first (`_word_relevance`)."""
    query = query.strip()[:100]
    if not query:
        return []
    stmt = household_scope(user, select(Person).join(Person.household)).options(
        contains_eager(Person.household).joinedload(Household.municipality)
    )
    order = []
    if birth := parse_birth_query(query):
        year, month, day = birth
        conditions = [Person.birth_year == year]
        if month:
            conditions += [
                or_(Person.birth_month == month, Person.birth_month.is_(None)),
                or_(Person.birth_day == day, Person.birth_day.is_(None)),
            ]
        stmt = stmt.where(and_(*conditions))
    else:
        words = squeeze(fold(query)).split()
        if not words:
            return []
        matches = [_word_relevance(word) for word in words[:10]]
        stmt = stmt.where(and_(*(condition for condition, _rank in matches)))
        order.append(functools.reduce(operator.add, (rank for _c, rank in matches)).desc())
    stmt = stmt.order_by(*order, Household.status, Person.sort_key, Person.id)
    return list(db.session.scalars(stmt.limit(SEARCH_LIMIT)))


def possible_duplicates(
    user: User,
    given_name: str,
    family_name: str,
    birth_year: int | None,
    exclude_id: int | None = None,
) -> list[Person]:
    """Persons in the user's organisation with the same family name (skeleton or sound), a
    given name in common (skeleton or sound: Yusuf, Jusuf, يوسف) and a birth year within one
    year. Searched organisation-wide (within what the user may see) because families move
    between towns; the caller shows them before anything is saved."""
    family_skeleton = skeleton(family_name)
    # one-digit sound keys (Haddad: "2") say too little about a family name on their own
    family_sounds = [code for code in phonetic(family_name).split() if len(code) >= 2]
    family = [Person.search_phonetic.contains(f" {code} ") for code in family_sounds]
    if family_skeleton:
        family.append(Person.search_skeleton.contains(family_skeleton, autoescape=True))
    if not family:
        return []
    stmt = household_scope(user, select(Person).join(Person.household)).where(or_(*family))
    if birth_year:
        stmt = stmt.where(
            or_(Person.birth_year.is_(None), func.abs(Person.birth_year - birth_year) <= 1)
        )
    if exclude_id:
        stmt = stmt.where(Person.id != exclude_id)
    given = set(skeleton(given_name).split())
    given_sounds = set(phonetic(given_name).split())
    candidates = db.session.scalars(stmt.order_by(Person.id).limit(50))
    return [
        p
        for p in candidates
        if given & set(p.search_skeleton.split()) or given_sounds & set(p.search_phonetic.split())
    ][:10]


def create_household(user: User, data: dict) -> Household:
    municipality = db.session.get(Municipality, data["municipality_id"])
    household = Household(
        organisation_id=municipality.organisation_id, team_id=municipality.team_id, **data
    )
    db.session.add(household)
    db.session.flush()
    record("create", "household", household.id)
    return household


def update_household(household: Household, data: dict) -> list[str]:
    changed = apply_changes(household, data)
    if "municipality_id" in changed:
        municipality = db.session.get(Municipality, household.municipality_id)
        household.team_id = municipality.team_id
        household.organisation_id = municipality.organisation_id
    if changed:
        record("update", "household", household.id, ", ".join(changed))
    return changed


def close_household(household: Household, reason: str, closed_on: date) -> None:
    household.status = "closed"
    household.closed_reason = reason
    household.closed_on = closed_on
    record("close", "household", household.id, reason)


def reopen_household(household: Household) -> None:
    household.status = "active"
    household.closed_reason = None
    household.closed_on = None
    record("reopen", "household", household.id)


def create_person(household: Household, data: dict) -> Person:
    person = Person(household_id=household.id, **data)
    refresh_search_keys(person)
    db.session.add(person)
    db.session.flush()
    record("create", "person", person.id, f"household {household.id}")
    return person


def update_person(person: Person, data: dict, reason: str = "") -> list[str]:
    from app.privacy.services import record_corrections

    old_values = {name: getattr(person, name) for name in data}
    changed = apply_changes(person, data)
    if changed:
        refresh_search_keys(person)
        record("update", "person", person.id, ", ".join(changed))
        # Rectification history: old and new values, shown to team leads and admins only.
        record_corrections(person, {name: old_values[name] for name in changed}, reason)
    return changed
