"""The as-of rule: which indicator value holds on a day (pure, no database)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from app.indicators.services import as_of


@dataclass
class V:
    id: int
    value: str
    valid_from: date
    recorded_at: datetime
    kind: str = "change"
    corrects_id: int | None = None


D = date
T = datetime


def test_latest_valid_from_not_after_the_day_wins():
    values = [
        V(1, "A1", D(2024, 1, 1), T(2024, 1, 2)),
        V(2, "A2", D(2024, 6, 1), T(2024, 6, 2)),
        V(3, "B1", D(2025, 1, 1), T(2025, 1, 3)),
    ]
    assert as_of(values, D(2023, 12, 31)) is None
    assert as_of(values, D(2024, 1, 1)).value == "A1"
    assert as_of(values, D(2024, 12, 31)).value == "A2"
    assert as_of(values, D(2030, 1, 1)).value == "B1"
    assert as_of([], D(2030, 1, 1)) is None


def test_backdated_entry_counts_from_its_date_not_from_when_it_was_typed():
    values = [
        V(1, "waiting", D(2024, 3, 1), T(2024, 3, 1)),
        # typed in November: the course had started in June
        V(2, "attending", D(2024, 6, 1), T(2024, 11, 20)),
    ]
    assert as_of(values, D(2024, 5, 31)).value == "waiting"
    assert as_of(values, D(2024, 7, 1)).value == "attending"
    # before November the app did not know, but the situation on 1 July was "attending"
    assert as_of(values, D(2024, 6, 1)).value == "attending"


def test_equal_valid_from_latest_recorded_wins_then_higher_id():
    values = [
        V(1, "x", D(2024, 1, 1), T(2024, 1, 5)),
        V(2, "y", D(2024, 1, 1), T(2024, 1, 9)),
        V(3, "z", D(2024, 1, 1), T(2024, 1, 7)),
    ]
    assert as_of(values, D(2024, 2, 1)).value == "y"
    same_time = [V(4, "a", D(2024, 1, 1), T(2024, 1, 5)), V(5, "b", D(2024, 1, 1), T(2024, 1, 5))]
    assert as_of(same_time, D(2024, 1, 1)).value == "b"


def test_correction_replaces_the_wrong_value_for_every_day():
    values = [
        V(1, "A1", D(2024, 1, 1), T(2024, 1, 1)),
        V(2, "C2", D(2024, 6, 1), T(2024, 6, 1)),  # typo
        V(3, "A2", D(2024, 6, 1), T(2024, 9, 1), "correction", 2),
    ]
    assert as_of(values, D(2024, 7, 1)).value == "A2"
    assert as_of(values, D(2024, 5, 1)).value == "A1"


def test_correction_wins_even_when_recorded_before_a_same_day_change_was_typed_later():
    values = [
        V(1, "no", D(2024, 1, 1), T(2024, 1, 1)),
        V(2, "yes", D(2024, 1, 1), T(2024, 1, 10), "correction", 1),
    ]
    # the wrong value never held, even on its own day
    assert as_of(values, D(2024, 1, 1)).value == "yes"


def test_correction_of_a_backdated_value_with_its_own_date():
    values = [
        V(1, "employed", D(2024, 3, 1), T(2024, 3, 2)),
        # the job had actually started in April, not March: corrected with the right date
        V(2, "employed", D(2024, 4, 1), T(2024, 5, 1), "correction", 1),
        V(0, "unemployed", D(2023, 1, 1), T(2023, 1, 1)),
    ]
    assert as_of(values, D(2024, 3, 15)).value == "unemployed"
    assert as_of(values, D(2024, 4, 1)).value == "employed"


def test_corrections_can_be_corrected_and_later_changes_still_win():
    values = [
        V(1, "1", D(2024, 1, 1), T(2024, 1, 1)),
        V(2, "2", D(2024, 1, 1), T(2024, 2, 1), "correction", 1),
        V(3, "3", D(2024, 1, 1), T(2024, 3, 1), "correction", 2),
        V(4, "4", D(2024, 8, 1), T(2024, 8, 1)),
    ]
    assert as_of(values, D(2024, 7, 31)).value == "3"
    assert as_of(values, D(2024, 8, 1)).value == "4"


def test_correcting_the_only_value_to_a_later_date_leaves_nothing_before():
    values = [
        V(1, "x", D(2024, 1, 1), T(2024, 1, 1)),
        V(2, "x", D(2024, 5, 1), T(2024, 6, 1), "correction", 1),
    ]
    assert as_of(values, D(2024, 2, 1)) is None
    assert as_of(values, D(2024, 5, 1)).id == 2
