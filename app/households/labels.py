"""How lists name households, and their German name order (app/collation.py).

`Household.label` is the surname with the first member's first name ("Ahmadi, Najib"); where
two households of one list would still read the same, `distinct_labels` adds the street.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from sqlalchemy import select

from app.collation import primary, sort_key
from app.households.models import Household, Person


def first_member_sort_key():
    """The sort key of a household's first member (the one its label names), for ORDER BY."""
    return (
        select(Person.sort_key)
        .where(Person.household_id == Household.id)
        .order_by(Person.id)
        .limit(1)
        .correlate(Household)
        .scalar_subquery()
    )


def household_order() -> tuple:
    """ORDER BY for household lists: surname, first member's name, then the id."""
    return (Household.sort_key, first_member_sort_key(), Household.id)


def household_sort_key(household: Household) -> tuple:
    """The same order in Python, for lists that are sorted after loading."""
    first = household.members[0] if household.members else None
    return (
        sort_key(household.name),
        sort_key(first.family_name, first.given_name) if first else sort_key(),
        household.id,
    )


def distinct_labels(households: Iterable[Household]) -> dict[int, str]:
    """Each household's label; the street is added where two households of the list would
    otherwise read the same (same surname and first name)."""
    households = list(households)
    seen = Counter(primary(h.label) for h in households)
    labels = {}
    for h in households:
        label = h.label
        if seen[primary(label)] > 1 and h.street:
            label = f"{label} · {h.street}"
        labels[h.id] = label
    return labels
