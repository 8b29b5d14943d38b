"""Chart geometry (pure functions), the SVG macro, and the period presets of the filter."""

from __future__ import annotations

from datetime import date

import pytest
from flask import render_template_string

from app.reports import charts
from app.reports.forms import ReportFilterForm, preset_period


def test_bars_scale_to_the_largest_value_and_fit_the_viewbox():
    chart = charts.bar_chart("c", "Titel", [("a", 10, None), ("b", 5, "/x"), ("c", 0, None)])
    longest = charts.WIDTH - charts.VALUE_ROOM
    assert [b.width for b in chart.bars] == [longest, longest / 2, 0]
    assert all(b.value_x + 40 <= charts.WIDTH for b in chart.bars)  # room for the value text
    assert chart.height == 3 * charts.ROW
    assert [b.y for b in chart.bars] == [16, 16 + charts.ROW, 16 + 2 * charts.ROW]
    assert chart.summary == "a: 10; b: 5"


def test_small_values_stay_visible_and_empty_charts_do_not_divide_by_zero():
    chart = charts.bar_chart("c", "T", [("big", 100000, None), ("tiny", 1, None)])
    assert chart.bars[1].width == 1.0
    empty = charts.bar_chart("e", "T", [("a", 0, None)])
    assert empty.bars[0].width == 0 and empty.summary == "keine Werte"


def test_columns_share_the_width_and_stand_on_one_baseline():
    rows = [(f"M{i}", v, None) for i, v in enumerate([0, 4, 2, 8])]
    chart = charts.column_chart("m", "Monate", rows)
    assert chart.kind == "columns"
    baselines = {round(b.y + b.height, 1) for b in chart.bars if b.value}
    assert len(baselines) == 1
    assert chart.bars[3].height == charts.COLUMN_HEIGHT
    assert chart.bars[1].height == pytest.approx(charts.COLUMN_HEIGHT / 2)
    assert chart.bars[-1].x + chart.bars[-1].width <= charts.WIDTH


def test_german_number_format():
    assert charts.local_number(1234567) == "1.234.567"
    assert charts.local_number(4.5, 1) == "4,5"
    assert charts.local_number(None) == "–"
    assert charts.local_percent(1 / 3) == "33 %"


def test_macro_renders_accessible_svg_with_a_table(app):
    chart = charts.bar_chart("chart-x", "Kontakte nach Art", [("Hausbesuch", 4, "/liste")])
    with app.test_request_context():
        html = render_template_string(
            '{% from "reports/_charts.html" import chart %}{{ chart(c) }}', c=chart
        )
    assert '<svg role="img" aria-labelledby="chart-x-t chart-x-d"' in html
    assert '<title id="chart-x-t">Kontakte nach Art</title>' in html
    assert '<desc id="chart-x-d">Hausbesuch: 4</desc>' in html
    assert '<th scope="row"><a href="/liste">Hausbesuch</a></th><td class="num">4</td>' in html
    assert "style=" not in html  # strict CSP: no inline styles


@pytest.mark.parametrize(
    ("preset", "expected"),
    [
        ("this_year", (date(2026, 1, 1), date(2026, 5, 20))),
        ("last_year", (date(2025, 1, 1), date(2025, 12, 31))),
        ("this_quarter", (date(2026, 4, 1), date(2026, 5, 20))),
        ("last_quarter", (date(2026, 1, 1), date(2026, 3, 31))),
        ("this_month", (date(2026, 5, 1), date(2026, 5, 20))),
        ("last_month", (date(2026, 4, 1), date(2026, 4, 30))),
        ("last_12_months", (date(2025, 5, 21), date(2026, 5, 20))),
    ],
)
def test_period_presets(preset, expected):
    assert preset_period(preset, date(2026, 5, 20)) == expected


def test_dates_that_differ_from_the_preset_win(app):
    today = date(2026, 5, 20)
    with app.test_request_context():
        from werkzeug.datastructures import MultiDict

        def resolve(**args):
            form = ReportFilterForm(MultiDict(args))
            form.team_id.choices = form.municipality_id.choices = [(0, "alle")]
            form.validate()
            return form.resolved_period(today), form.period.data

        assert resolve() == ((date(2026, 1, 1), today), "this_year")
        assert resolve(period="last_year") == (
            (date(2025, 1, 1), date(2025, 12, 31)),
            "last_year",
        )
        # the preset's own dates (as the page shows them) keep the preset
        assert resolve(period="last_year", date_from="2025-01-01", date_to="2025-12-31")[1] == (
            "last_year"
        )
        assert resolve(period="last_year", date_from="01.03.2025", date_to="31.03.2025") == (
            (date(2025, 3, 1), date(2025, 3, 31)),
            "custom",
        )
        assert resolve(date_from="01.03.2025")[0] == (date(2025, 3, 1), date(2025, 12, 31))
