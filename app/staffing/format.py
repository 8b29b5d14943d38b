"""Money, FTE and percentages in the interface language (Babel), and the translated
qualification labels. Registered as template filters by the staffing blueprint."""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import format_currency, format_decimal
from flask_babel import lazy_gettext as _l

from app.i18n import current_locale

# Same keys as app/accounts/roles.QUALIFICATION_LABELS.
QUALIFICATIONS = {
    "vocational": _l("Mittlerer Abschluss mit Berufsausbildung"),
    "university": _l("Hochschulabschluss"),
}


def euro(value: Decimal | None) -> str:
    if value is None:
        return "–"
    return format_currency(value, "EUR", locale=current_locale())


def decimal2(value: Decimal | None) -> str:
    return "–" if value is None else format_decimal(value, "#,##0.00", locale=current_locale())


def decimal1(value: Decimal | None) -> str:
    return "–" if value is None else format_decimal(value, "#,##0.0", locale=current_locale())


def percent1(value: Decimal | None) -> str:
    """A percentage already multiplied by 100 (16.8 -> "16,8 %")."""
    return "–" if value is None else f"{decimal1(value)}\u00a0%"


def share(value: float | None) -> str:
    """A share 0..1 as a percentage with one decimal (0.3333 -> "33,3 %")."""
    return "–" if value is None else percent1(Decimal(str(value)) * 100)


FILTERS = {
    "share": share,
    "euro": euro,
    "decimal2": decimal2,
    "decimal1": decimal1,
    "percent1": percent1,
}
