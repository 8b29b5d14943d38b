"""The report filter: a GET form (links are shareable) with period presets or from/to dates,
team and municipality."""

from __future__ import annotations

from datetime import date, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms.validators import Optional, ValidationError

from app.forms import Form, GermanDateField, Select
from app.households.rules import add_months

PRESETS = {
    "this_year": _l("dieses Jahr"),
    "last_year": _l("letztes Jahr"),
    "this_quarter": _l("dieses Quartal"),
    "last_quarter": _l("letztes Quartal"),
    "this_month": _l("dieser Monat"),
    "last_month": _l("letzter Monat"),
    "last_12_months": _l("letzte 12 Monate"),
    "custom": _l("eigener Zeitraum (von–bis)"),
}


def preset_period(preset: str, today: date) -> tuple[date, date]:
    """Inclusive start and end of a preset; periods of the present end today."""
    year_start = date(today.year, 1, 1)
    month_start = date(today.year, today.month, 1)
    quarter_start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    if preset == "last_year":
        return date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)
    if preset == "this_quarter":
        return quarter_start, today
    if preset == "last_quarter":
        return add_months(quarter_start, -3), quarter_start - timedelta(days=1)
    if preset == "this_month":
        return month_start, today
    if preset == "last_month":
        return add_months(month_start, -1), month_start - timedelta(days=1)
    if preset == "last_12_months":
        return add_months(today, -12) + timedelta(days=1), today
    return year_start, today


class PeriodForm(Form):
    """The period alone (the combined county view has no team or municipality)."""

    class Meta:
        csrf = False

    period = Select(_l("Zeitraum"), choices=list(PRESETS.items()), default="custom")
    date_from = GermanDateField(_l("Von"))
    date_to = GermanDateField(_l("Bis"))

    def validate_date_to(self, field):
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_("„Bis“ liegt vor „Von“."))
        if field.data and self.date_from.data and (field.data - self.date_from.data).days > 3660:
            raise ValidationError(_("Höchstens zehn Jahre auf einmal."))

    def resolved_period(self, today: date) -> tuple[date, date]:
        """The chosen preset, unless from/to were given and differ from it (then those, the
        missing end filled in). The fields then show the period used, "custom" when dates won.
        """
        preset = self.period.data if self.period.data in PRESETS else "custom"
        if self.date_from.errors or self.date_to.errors:
            return preset_period(preset if preset != "custom" else "this_year", today)
        start, end = self.date_from.data, self.date_to.data
        period = preset_period(preset, today) if preset != "custom" else None
        if (start or end) and (period is None or (start, end) != period):
            start = start or date(end.year, 1, 1)
            end = end or max(start, min(today, date(start.year, 12, 31)))
            self.period.data = "custom"
            period = (start, end)
        period = period or preset_period("this_year", today)
        if self.period.data == "custom" and not (start or end):
            self.period.data = "this_year"
        self.date_from.data, self.date_to.data = period
        self.date_from.raw_data = self.date_to.raw_data = None
        return period


class ReportFilterForm(PeriodForm):
    team_id = Select(_l("Team"), coerce=int, default=0, validators=[Optional()])
    municipality_id = Select(_l("Gemeinde"), coerce=int, default=0, validators=[Optional()])


class AsOfForm(ReportFilterForm):
    """The filter plus a reporting date (Stichtag) for the indicator distribution."""

    on = GermanDateField(_l("Stichtag"))
