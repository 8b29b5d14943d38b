"""Funding rules as pure functions (no database, no HTTP). See docs/staffing-and-funding.md.

- A contract runs two years: it ends the day before the same calendar day two years later
  (1 March 2025 -> 28 February 2027; 29 February 2024 -> 28 February 2026).
- Subsidy of a position in a funding period = yearly rate for its qualification x FTE x
  funded months / 12. Funded months are the calendar months in which the contract and the
  period overlap; a month covered only partly counts with its covered days divided by the
  days of that month (15 of 30 days = 0.5 months). The amount is rounded to the cent
  (half up) per position; totals add the rounded amounts.
- Warning: a contract that ends on or after the given day and no later than six calendar
  months after it ("ends within six months").
- FTE per 100 eligible persons = FTE of the positions whose contract covers the day x 100 /
  eligible persons; persons per full position = eligible persons / FTE.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Protocol

from app.households.rules import add_months

CONTRACT_MONTHS = 24
WARN_MONTHS = 6
CENT = Decimal("0.01")
MIN_FTE = Decimal("0.25")
MAX_FTE = Decimal("1.00")


class PositionLike(Protocol):
    fte: Decimal
    qualification: str
    contract_start: date
    contract_end: date


def default_contract_end(start: date, months: int = CONTRACT_MONTHS) -> date:
    """The day before the same calendar day `months` later (two years by default)."""
    anniversary = add_months(start, months)
    if anniversary.day < start.day:  # 29 Feb (or the 31st) had no twin: the next day
        anniversary += timedelta(days=1)
    return anniversary - timedelta(days=1)


def funded_months(start: date, end: date, period_start: date, period_end: date) -> Fraction:
    """Calendar months in which [start, end] and [period_start, period_end] overlap (both
    inclusive); a partly covered month counts covered days / days of the month."""
    lo, hi = max(start, period_start), min(end, period_end)
    if lo > hi:
        return Fraction(0)
    total = Fraction(0)
    year, month = lo.year, lo.month
    while (year, month) <= (hi.year, hi.month):
        days = calendar.monthrange(year, month)[1]
        first = max(lo, date(year, month, 1))
        last = min(hi, date(year, month, days))
        total += Fraction((last - first).days + 1, days)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return total


def to_cents(value: Fraction | Decimal) -> Decimal:
    if isinstance(value, Fraction):
        value = Decimal(value.numerator) / Decimal(value.denominator)
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def subsidy(
    yearly_rate: Decimal,
    fte: Decimal,
    start: date,
    end: date,
    period_start: date,
    period_end: date,
) -> Decimal:
    """Subsidy in euros (to the cent) for one position in one funding period."""
    months = funded_months(start, end, period_start, period_end)
    return to_cents(Fraction(yearly_rate) * Fraction(fte) * months / 12)


@dataclass(frozen=True)
class PositionFunding:
    position: PositionLike
    yearly_rate: Decimal | None
    months: Fraction
    amount: Decimal

    @property
    def months_display(self) -> Decimal:
        return to_cents(self.months)


@dataclass(frozen=True)
class FundingTotals:
    granted: Decimal
    used: Decimal
    remaining: Decimal
    # used / granted as a percentage with one decimal; None without a grant
    share_percent: Decimal | None
    rows: list[PositionFunding]
    # positions whose qualification has no rate in the period (counted with 0 €)
    missing_rate: list[PositionLike]

    @property
    def over_grant(self) -> bool:
        return self.used > self.granted


def funding_totals(
    period_start: date,
    period_end: date,
    granted: Decimal,
    rates: dict[str, Decimal],
    positions: Iterable[PositionLike],
) -> FundingTotals:
    """Subsidy of each position in the period, their sum against the grant."""
    rows, missing = [], []
    for position in positions:
        rate = rates.get(position.qualification)
        months = funded_months(
            position.contract_start, position.contract_end, period_start, period_end
        )
        if rate is None:
            missing.append(position)
            amount = Decimal("0.00")
        else:
            amount = to_cents(Fraction(rate) * Fraction(position.fte) * months / 12)
        rows.append(PositionFunding(position, rate, months, amount))
    used = sum((r.amount for r in rows), Decimal("0.00"))
    share = None
    if granted > 0:
        share = (used * 100 / granted).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return FundingTotals(granted, used, granted - used, share, rows, missing)


def warn_until(on: date, months: int = WARN_MONTHS) -> date:
    return add_months(on, months)


def contract_state(position: PositionLike, on: date, months: int = WARN_MONTHS) -> str:
    """ "future" (not started), "ended", "ending" (ends within `months`), or "running"."""
    if position.contract_start > on:
        return "future"
    if position.contract_end < on:
        return "ended"
    if position.contract_end <= warn_until(on, months):
        return "ending"
    return "running"


def contract_warnings(
    positions: Iterable[PositionLike], on: date, months: int = WARN_MONTHS
) -> list[PositionLike]:
    """Contracts ending on or after `on` and at most `months` calendar months later, soonest
    first (a contract that has not started yet is included when it ends that soon)."""
    limit = warn_until(on, months)
    found = [p for p in positions if on <= p.contract_end <= limit]
    return sorted(found, key=lambda p: p.contract_end)


def is_staffed_on(position: PositionLike, on: date) -> bool:
    return position.contract_start <= on <= position.contract_end


def staffed_fte(positions: Iterable[PositionLike], on: date) -> Decimal:
    """FTE of the positions whose contract covers the day."""
    return sum((p.fte for p in positions if is_staffed_on(p, on)), Decimal("0.00"))


def fte_per(fte: Decimal, eligible: int, per: int = 100) -> Decimal | None:
    """FTE per `per` eligible persons, two decimals; None when nobody is eligible."""
    if eligible <= 0:
        return None
    return to_cents(Fraction(fte) * per / eligible)


def persons_per_fte(fte: Decimal, eligible: int) -> Decimal | None:
    """Eligible persons per full position, one decimal; None without staff."""
    if fte <= 0:
        return None
    value = Fraction(eligible) / Fraction(fte)
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )


@dataclass(frozen=True)
class StaffingSummary:
    positions: int
    people: int
    fte: Decimal
    fte_by_qualification: dict[str, Decimal]


def staffing_summary(positions: Sequence, on: date) -> StaffingSummary:
    """Positions staffed on the day: how many, how many named people, FTE (total and by
    qualification)."""
    current = [p for p in positions if is_staffed_on(p, on)]
    by_q: dict[str, Decimal] = {}
    for p in current:
        by_q[p.qualification] = by_q.get(p.qualification, Decimal("0.00")) + p.fte
    people = len({p.user_id for p in current if getattr(p, "user_id", None) is not None})
    return StaffingSummary(len(current), people, staffed_fte(current, on), by_q)
