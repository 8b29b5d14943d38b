"""What the front desk sees of a person in the check-in search and on the queue.

"Vorname I. · Ort" only; where two answers would read the same, the year of birth is added, and
where even that is the same (or unknown), the initial of the household's street. Both are
shown only to tell two answers apart, never more of the case.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from flask_babel import gettext as _

from app.collation import primary, sort_key
from app.households.models import Person
from app.officehours.models import QueueEntry


def desk_label(
    person: Person, *, year: bool = False, street: bool = False, town: bool = True
) -> str:
    initial = (person.family_name[:1] + ".") if person.family_name else ""
    parts = [f"{person.given_name} {initial}".strip()]
    if town:
        parts.append(person.household.municipality.name)
    if year and person.birth_year:
        parts.append(_("geb. %(birth)s", birth=person.birth_year))
    if street and person.household.street.strip():
        parts.append(_("Straße %(initial)s.", initial=person.household.street.strip()[:1].upper()))
    return " · ".join(parts)


def desk_labels(persons: Sequence[Person], *, town: bool = True) -> list[str]:
    """One label per person, each as short as the others allow."""
    labels = [desk_label(p, town=town) for p in persons]
    for more in ({"year": True}, {"year": True, "street": True}):
        seen = Counter(primary(label) for label in labels)
        labels = [
            desk_label(p, town=town, **more) if seen[primary(label)] > 1 else label
            for p, label in zip(persons, labels, strict=True)
        ]
    return labels


def queue_names(entries: Sequence[QueueEntry]) -> dict[int, str]:
    """The queue's name per entry id: "Vorname I." as at the desk, and where two persons on
    the queue would read the same, their year of birth, then their street's initial. A walk-in
    is the name given at the desk."""
    persons = list({e.person.id: e.person for e in entries if e.person is not None}.values())
    label = dict(zip((p.id for p in persons), desk_labels(persons, town=False), strict=True))
    return {e.id: label[e.person.id] if e.person is not None else e.walk_in_name for e in entries}


def desk_order(persons: Sequence[Person]) -> list[Person]:
    """First name, then surname, in German order."""
    return sorted(persons, key=lambda p: (sort_key(p.given_name, p.family_name), p.id))
