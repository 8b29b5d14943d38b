"""Eligibility for integration management (FlüAG BW), as pure functions.

A person belongs to the target group when they
- hold a residence permit (recognised refugees, § 24 and other humanitarian titles), or
- are tolerated (Duldung), or
- are asylum applicants whose procedure is not final 24 months after the application
  (eligible from that day on),
and live in follow-up housing (Anschlussunterbringung) or in collective accommodation
while already meeting one of these criteria.

`eligibility_clause` is the same rule as an SQL condition for list filters; a test checks that
both agree on generated cases.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask import has_request_context
from flask_babel import gettext as _
from sqlalchemy import ColumnElement, and_, or_

ASYLUM_WAIT_MONTHS = 24
QUALIFYING_ACCOMMODATION = ("follow_up", "collective")


def add_months(day: date, months: int) -> date:
    """Calendar months later (or earlier); the 31st falls back to the month's last day."""
    month_index = day.year * 12 + day.month - 1 + months
    year, month = divmod(month_index, 12)
    month += 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, candidate)
        except ValueError:
            continue
    raise ValueError(day)  # unreachable: every month has 28 days


def eligible_from(asylum_application_date: date) -> date:
    """First day on which the 24 months since the application are complete."""
    since = add_months(asylum_application_date, ASYLUM_WAIT_MONTHS)
    if add_months(since, -ASYLUM_WAIT_MONTHS) < asylum_application_date:  # 29 Feb
        since = since + timedelta(days=1)
    return since


def _day(value: date) -> str:
    """A date in the interface language; German digits outside a request (unit tests, CLI)."""
    if has_request_context():
        from app.i18n import local_date

        return local_date(value)
    return f"{value:%d.%m.%Y}"


@dataclass(frozen=True)
class Eligibility:
    eligible: bool
    reason: str
    since: date | None = None


def eligibility(
    *,
    residence_status: str,
    accommodation: str,
    asylum_application_date: date | None,
    decision_date: date | None,
    today: date,
) -> Eligibility:
    if accommodation not in QUALIFYING_ACCOMMODATION:
        return Eligibility(
            False, _("Wohnt nicht in Anschlussunterbringung oder Gemeinschaftsunterkunft")
        )
    if residence_status == "residence_permit":
        return Eligibility(True, _("Anerkannt mit Aufenthaltserlaubnis"), decision_date)
    if residence_status == "toleration":
        return Eligibility(True, _("Geduldet (Duldung)"), decision_date)
    if residence_status == "asylum_applicant":
        if asylum_application_date is None:
            return Eligibility(False, _("Asylverfahren läuft; Datum des Asylantrags fehlt"))
        since = eligible_from(asylum_application_date)
        if since <= today:
            return Eligibility(True, _("Asylverfahren nach 24 Monaten nicht abgeschlossen"), since)
        return Eligibility(
            False,
            _("Asylverfahren läuft; berechtigt ab %(date)s (24 Monate)", date=_day(since)),
            since,
        )
    if residence_status == "settlement_permit":
        return Eligibility(False, _("Niederlassungserlaubnis: nicht in der Zielgruppe"))
    if residence_status == "naturalised":
        return Eligibility(False, _("Eingebürgert: nicht in der Zielgruppe"))
    return Eligibility(False, _("Aufenthaltsstatus gehört nicht zur Zielgruppe"))


def person_eligibility(person, today: date) -> Eligibility:
    return eligibility(
        residence_status=person.residence_status,
        accommodation=person.household.accommodation,
        asylum_application_date=person.asylum_application_date,
        decision_date=person.decision_date,
        today=today,
    )


def eligibility_clause(person_cls, household_cls, today: date) -> ColumnElement[bool]:
    """SQL form of `eligibility(...).eligible`; the query must join Person to Household."""
    cutoff = add_months(today, -ASYLUM_WAIT_MONTHS)
    return and_(
        household_cls.accommodation.in_(QUALIFYING_ACCOMMODATION),
        or_(
            person_cls.residence_status.in_(("residence_permit", "toleration")),
            and_(
                person_cls.residence_status == "asylum_applicant",
                person_cls.asylum_application_date.is_not(None),
                person_cls.asylum_application_date <= cutoff,
            ),
        ),
    )
