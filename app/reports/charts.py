"""Chart geometry for server-rendered SVG (templates/reports/_charts.html draws it).

Pure functions: numbers in, coordinates out. Charts use a viewBox 320 units wide and scale to
the width of their container, so they fit a 360 px phone; every chart comes with a table of
the same numbers (and the drill-down links)."""

from __future__ import annotations

from dataclasses import dataclass

from babel.numbers import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.i18n import current_locale

WIDTH = 320
VALUE_ROOM = 56  # right of the longest bar, for its value
ROW = 36  # a horizontal bar: label line + bar
BAR = 14
COLUMN_HEIGHT = 120  # plot height of a column chart
MONTHS = (
    _l("Jan"),
    _l("Feb"),
    _l("Mär"),
    _l("Apr"),
    _l("Mai"),
    _l("Jun"),
    _l("Jul"),
    _l("Aug"),
    _l("Sep"),
    _l("Okt"),
    _l("Nov"),
    _l("Dez"),
)


def _locale() -> str:
    try:
        return current_locale()
    except RuntimeError:  # outside a request or app (unit tests of the geometry)
        return "de"


def local_number(value: float | int | None, digits: int = 0) -> str:
    """A figure in the interface language: 1.234 / 4,5 in German, 1,234 / 4.5 in English;
    "–" for no value."""
    if value is None:
        return "–"
    text = f"{value:,.{digits}f}"
    if _locale().startswith("de"):
        return text.replace(",", "\u2009").replace(".", ",").replace("\u2009", ".")
    return format_decimal(value, "#,##0" + ("." + "0" * digits if digits else ""), locale=_locale())


def local_percent(value: float | None) -> str:
    if value is None:
        return "–"
    number = local_number(value * 100)
    return f"{number} %" if _locale().startswith("de") else f"{number}%"


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    display: str
    href: str | None
    x: float
    y: float
    width: float
    height: float
    label_x: float
    label_y: float
    value_x: float
    value_y: float


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    kind: str  # "bars" (horizontal) or "columns"
    bars: tuple[Bar, ...]
    width: int
    height: int
    column_label: str  # header of the table's label column
    value_label: str  # header of the table's value column

    @property
    def summary(self) -> str:
        """A one-line text alternative: the largest values first."""
        top = sorted(self.bars, key=lambda b: -b.value)[:3]
        return "; ".join(f"{b.label}: {b.display}" for b in top if b.value) or _("keine Werte")


def _scale(values: list[float], room: float) -> float:
    top = max(values, default=0)
    return room / top if top > 0 else 0.0


def bar_chart(
    chart_id: str,
    title: str,
    rows: list[tuple[str, float, str | None]],
    *,
    column_label: str = "",
    value_label: str = "Anzahl",
    digits: int = 0,
) -> Chart:
    """Horizontal bars, one per (label, value, href): the label above its bar, the value
    right of it. Phones read labels better on their own line than under narrow columns."""
    factor = _scale([v for _, v, _ in rows], WIDTH - VALUE_ROOM)
    bars = []
    for index, (label, value, href) in enumerate(rows):
        top = index * ROW
        width = max(value * factor, 1.0 if value else 0.0)
        bars.append(
            Bar(
                label=label,
                value=value,
                display=local_number(value, digits),
                href=href,
                x=0,
                y=top + 16,
                width=round(width, 1),
                height=BAR,
                label_x=0,
                label_y=top + 12,
                value_x=round(width + 4, 1),
                value_y=top + 27,
            )
        )
    return Chart(
        chart_id,
        title,
        "bars",
        tuple(bars),
        WIDTH,
        max(len(rows), 1) * ROW,
        column_label,
        value_label,
    )


def column_chart(
    chart_id: str,
    title: str,
    rows: list[tuple[str, float, str | None]],
    *,
    column_label: str = "",
    value_label: str = "Anzahl",
) -> Chart:
    """Vertical columns (a time series such as months), labels below, values above."""
    count = max(len(rows), 1)
    slot = WIDTH / count
    width = max(slot * 0.7, 2)
    factor = _scale([v for _, v, _ in rows], COLUMN_HEIGHT)
    top = 14  # room for the value above the highest column
    bars = []
    for index, (label, value, href) in enumerate(rows):
        height = max(value * factor, 1.0 if value else 0.0)
        x = index * slot + (slot - width) / 2
        bars.append(
            Bar(
                label=label,
                value=value,
                display=local_number(value),
                href=href,
                x=round(x, 1),
                y=round(top + COLUMN_HEIGHT - height, 1),
                width=round(width, 1),
                height=round(height, 1),
                label_x=round(index * slot + slot / 2, 1),
                label_y=top + COLUMN_HEIGHT + 14,
                value_x=round(index * slot + slot / 2, 1),
                value_y=round(top + COLUMN_HEIGHT - height - 3, 1),
            )
        )
    return Chart(
        chart_id,
        title,
        "columns",
        tuple(bars),
        WIDTH,
        top + COLUMN_HEIGHT + 20,
        column_label,
        value_label,
    )


def month_label(month, with_year: bool) -> str:
    return f"{MONTHS[month.month - 1]}{' ' + str(month.year)[2:] if with_year else ''}"
