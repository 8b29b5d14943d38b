"""The report filter: a GET form (links are shareable) with period presets or from/to dates,
team and municipality."""

from __future__ import annotations

from datetime import date, timedelta

from wtforms.validators import Optional, ValidationError

from app.forms import Form, GermanDateField, Select
from app.households.rules import add_months

PRESETS = {
    "this_year": "dieses Jahr",
    "last_year": "letztes Jahr",
    "this_quarter": "dieses Quartal",
    "last_quarter": "letztes Quartal",
    "this_month": "dieser Monat",
    "last_month": "letzter Monat",
    "last_12_months": "letzte 12 Monate",
    "custom": "eigener Zeitraum (von–bis)",
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


class ReportFilterForm(Form):
    class Meta:
        csrf = False

    period = Select("Zeitraum", choices=list(PRESETS.items()), default="this_year")
    date_from = GermanDateField("Von")
    date_to = GermanDateField("Bis")
    team_id = Select("Team", coerce=int, default=0, validators=[Optional()])
    municipality_id = Select("Gemeinde", coerce=int, default=0, validators=[Optional()])

    def validate_date_to(self, field):
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError("„Bis“ liegt vor „Von“.")
        if field.data and self.date_from.data and (field.data - self.date_from.data).days > 3660:
            raise ValidationError("Höchstens zehn Jahre auf einmal.")

    def resolved_period(self, today: date) -> tuple[date, date]:
        """From/to when given (the other end filled in), else the preset."""
        start, end = self.date_from.data, self.date_to.data
        if self.errors:
            return preset_period("this_year", today)
        if start or end:
            start = start or date(end.year, 1, 1)
            end = end or max(start, min(today, date(start.year, 12, 31)))
            return start, end
        return preset_period(self.period.data or "this_year", today)


class AsOfForm(ReportFilterForm):
    """The filter plus a reporting date (Stichtag) for the indicator distribution."""

    on = GermanDateField("Stichtag")
