"""Plug-in points for data protection. Each feature that stores personal data registers

- a subject access section: `@subject_access_section("contacts", "Beratungskontakte", order=40)`
  on a function `(person) -> JSON-serialisable data` (dict, list of dicts, or scalar);
- an anonymiser: `@anonymiser("contacts")` on a function `(household) -> None` that blanks the
  feature's personal data of the household and its members (called in the same transaction,
  before the household itself is anonymised; it must not delete rows that statistics count).

Registration happens at import time of the feature's services module (imported via its
blueprint in app/web.py), so the CLI and the web app see the same registry."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

ANONYMISED = "anonymisiert"


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    build: Callable[[Any], Any]
    order: int


_SECTIONS: dict[str, Section] = {}
_ANONYMISERS: dict[str, Callable[[Any], None]] = {}


def subject_access_section(key: str, title: str, order: int = 100) -> Callable:
    def register(build: Callable[[Any], Any]) -> Callable[[Any], Any]:
        _SECTIONS[key] = Section(key, title, build, order)
        return build

    return register


def anonymiser(key: str) -> Callable:
    def register(func: Callable[[Any], None]) -> Callable[[Any], None]:
        _ANONYMISERS[key] = func
        return func

    return register


def sections() -> list[Section]:
    return sorted(_SECTIONS.values(), key=lambda s: (s.order, s.key))


def anonymisers() -> list[tuple[str, Callable[[Any], None]]]:
    return sorted(_ANONYMISERS.items())
