"""Funding rules on hand-built positions with answers worked out by hand."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest

from app.staffing import rules


@dataclass
class P:
    fte: Decimal
    qualification: str
    contract_start: date
    contract_end: date
    user_id: int | None = None


Y25 = (date(2025, 1, 1), date(2025, 12, 31))


@pytest.mark.parametrize(
    "start, end",
    [
        (date(2025, 1, 1), date(2026, 12, 31)),
        (date(2025, 3, 1), date(2027, 2, 28)),
        (date(2024, 2, 29), date(2026, 2, 28)),  # no 29 Feb in 2026: ends the day before 1 March
        (date(2024, 3, 31), date(2026, 3, 30)),
        (date(2025, 8, 15), date(2027, 8, 14)),
    ],
)
def test_contracts_run_two_years(start, end):
    assert rules.default_contract_end(start) == end


def test_funded_months_whole_and_partial():
    assert rules.funded_months(date(2024, 1, 1), date(2026, 12, 31), *Y25) == 12
    # 16 of 31 January days plus 11 whole months
    assert rules.funded_months(date(2025, 1, 16), date(2027, 1, 15), *Y25) == Fraction(
        11
    ) + Fraction(16, 31)
    # 14 days of a leap February
    feb = (date(2024, 2, 1), date(2024, 2, 29))
    assert rules.funded_months(date(2023, 1, 1), date(2024, 2, 14), *feb) == Fraction(14, 29)
    # no overlap
    assert rules.funded_months(date(2026, 1, 1), date(2027, 12, 31), *Y25) == 0
    # a two-year contract inside a two-year period is 24 months, leap year or not
    two = (date(2024, 1, 1), date(2025, 12, 31))
    assert rules.funded_months(date(2024, 1, 1), date(2025, 12, 31), *two) == 24


def test_subsidy_is_rate_times_fte_times_months():
    assert rules.subsidy(
        Decimal("64000"), Decimal("0.5"), date(2024, 1, 1), date(2026, 1, 1), *Y25
    ) == Decimal("32000.00")
    assert rules.subsidy(
        Decimal("51000"), Decimal("1"), date(2025, 7, 1), date(2027, 6, 30), *Y25
    ) == Decimal("25500.00")
    # 51,000 x 0.75 x 16/31 / 12 = 1,645.1612... -> 1,645.16
    assert rules.subsidy(
        Decimal("51000"), Decimal("0.75"), date(2024, 1, 1), date(2025, 1, 16), *Y25
    ) == Decimal("1645.16")
    assert isinstance(rules.subsidy(Decimal("1"), Decimal("1"), *Y25, *Y25), Decimal)


def test_totals_against_the_grant():
    rates = {"university": Decimal("64000.00"), "vocational": Decimal("51000.00")}
    a = P(Decimal("1.00"), "university", date(2024, 6, 1), date(2026, 5, 31))
    b = P(Decimal("0.50"), "vocational", date(2025, 7, 1), date(2027, 6, 30))
    c = P(Decimal("0.25"), "unknown", date(2025, 1, 1), date(2026, 12, 31))
    totals = rules.funding_totals(*Y25, Decimal("100000.00"), rates, [a, b, c])
    assert [r.amount for r in totals.rows] == [Decimal("64000.00"), Decimal("12750.00"), 0]
    assert totals.used == Decimal("76750.00")
    assert totals.remaining == Decimal("23250.00")
    assert totals.share_percent == Decimal("76.8")  # 76.75 rounds half up
    assert totals.missing_rate == [c]
    assert not totals.over_grant
    over = rules.funding_totals(*Y25, Decimal("50000"), rates, [a])
    assert over.over_grant and over.remaining == Decimal("-14000.00")
    assert rules.funding_totals(*Y25, Decimal("0"), rates, [a]).share_percent is None


def test_contract_warnings_six_months_ahead():
    on = date(2025, 6, 15)
    ends = [date(2025, 6, 14), date(2025, 6, 15), date(2025, 12, 15), date(2025, 12, 16)]
    positions = [P(Decimal("1"), "university", date(2024, 1, 1), e) for e in reversed(ends)]
    warned = rules.contract_warnings(positions, on)
    assert [p.contract_end for p in warned] == [date(2025, 6, 15), date(2025, 12, 15)]
    states = {p.contract_end: rules.contract_state(p, on) for p in positions}
    assert states == {
        date(2025, 6, 14): "ended",
        date(2025, 6, 15): "ending",
        date(2025, 12, 15): "ending",
        date(2025, 12, 16): "running",
    }
    future = P(Decimal("1"), "university", date(2025, 7, 1), date(2027, 6, 30))
    assert rules.contract_state(future, on) == "future"


def test_fte_per_eligible_persons():
    assert rules.fte_per(Decimal("13.45"), 1400) == Decimal("0.96")
    assert rules.fte_per(Decimal("13.45"), 1400, per=1000) == Decimal("9.61")
    assert rules.persons_per_fte(Decimal("13.45"), 1400) == Decimal("104.1")
    assert rules.fte_per(Decimal("1"), 0) is None
    assert rules.persons_per_fte(Decimal("0"), 10) is None


def test_staffed_fte_and_summary_count_only_running_contracts():
    on = date(2025, 6, 1)
    positions = [
        P(Decimal("1.00"), "university", date(2024, 1, 1), date(2025, 12, 31), user_id=1),
        P(Decimal("0.75"), "vocational", date(2025, 1, 1), date(2026, 12, 31), user_id=2),
        P(Decimal("0.40"), "vocational", date(2025, 1, 1), date(2026, 12, 31)),  # vacant
        P(Decimal("0.50"), "university", date(2023, 1, 1), date(2024, 12, 31), user_id=3),
        P(Decimal("0.50"), "university", date(2025, 7, 1), date(2027, 6, 30), user_id=3),
    ]
    assert rules.staffed_fte(positions, on) == Decimal("2.15")
    summary = rules.staffing_summary(positions, on)
    assert summary.positions == 3
    assert summary.people == 2
    assert summary.fte == Decimal("2.15")
    assert summary.fte_by_qualification == {
        "university": Decimal("1.00"),
        "vocational": Decimal("1.15"),
    }
