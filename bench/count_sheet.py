"""Time to compute the yearly count sheet for the demo county (median of several runs).

.venv/bin/python bench/count_sheet.py [runs]
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select

from app.accounts.models import User
from app.extensions import db
from app.indicators import countsheet
from app.indicators.models import IndicatorValue
from app.timeutil import today
from bench._common import demo_app, write_section


def _median_ms(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        db.session.expire_all()
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main(runs: int = 7) -> None:
    app = demo_app()
    with app.app_context():
        period = countsheet.period_from(today().year, None, None)
        admin = db.session.scalar(select(User).where(User.username == "admin"))
        manager = db.session.scalar(select(User).where(User.username == "manager"))
        values = db.session.scalar(select(func.count(IndicatorValue.id)))
        organisation_ms = _median_ms(
            lambda: countsheet.compute(admin, period, "organisation"), runs
        )
        manager_ms = _median_ms(lambda: countsheet.compute(manager, period, "mine"), runs)
        xlsx_ms = _median_ms(
            lambda: countsheet.to_xlsx(countsheet.compute(admin, period, "organisation")), runs
        )
        reached = countsheet.compute(admin, period, "organisation").figure(
            "Erreichte Haushalte", "Haushalte insgesamt"
        )
    dialect = app.config["SQLALCHEMY_DATABASE_URI"].split(":", 1)[0]
    body = f"""
Yearly count sheet ({period[0]:%d.%m.%Y}–{period[1]:%d.%m.%Y}) for the demo county
({values:,} indicator values; {reached} households reached in the county organisation),
median of {runs} runs, database {dialect}:

| count sheet | median |
|---|---|
| whole county organisation (admin) | {organisation_ms:.0f} ms |
| one manager (`manager`) | {manager_ms:.0f} ms |
| county organisation incl. XLSX file | {xlsx_ms:.0f} ms |

A fixed number of SQL queries (tested in tests/test_count_sheet.py), independent of data size.
"""
    title = "Count sheet" if dialect.startswith("sqlite") else "Count sheet (PostgreSQL)"
    write_section(title, body)
    print(body)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 7)
