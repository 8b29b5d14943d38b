"""Time to compute the yearly count sheet for the demo county (median of several runs).

.venv/bin/python bench/count_sheet.py [runs]
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select, text

from app.accounts.models import User
from app.contacts.models import Contact
from app.extensions import db
from app.indicators import countsheet
from app.reports import figures
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
    with app.test_request_context():  # the sheet's wording follows the interface language
        if db.engine.dialect.name == "postgresql":
            # planner statistics, as a live database has them (right after the bulk load
            # PostgreSQL knows none and plans the year's joins as nested loops: ~12 s)
            db.session.execute(text("ANALYZE"))
            db.session.commit()
        period = countsheet.period_from(today().year, None, None)
        admin = db.session.scalar(select(User).where(User.username == "admin"))
        manager = db.session.scalar(select(User).where(User.username == "manager"))
        contacts = db.session.scalar(select(func.count(Contact.id)))
        batch_ms = _median_ms(lambda: countsheet.batch(admin, period), runs)
        manager_ms = _median_ms(lambda: countsheet.one(manager, period, manager), runs)

        def workbook() -> bytes:
            found = countsheet.batch(admin, period)
            return countsheet.to_xlsx([*found.managers, found.total])

        xlsx_ms = _median_ms(workbook, runs)
        found = countsheet.batch(admin, period)
        sheets = len(found.managers)
        persons = found.total.figure("persons.total")
        households = found.total.figure("households.total")
        added_up = sum(sheet.figure("persons.total") for sheet in found.managers)
        written = sum(sheet.figure("contacts.total") for sheet in found.managers)
        scope = figures.ReportScope(
            organisation_id=admin.organisation_id, start=period[0], end=period[1]
        )
        dashboard = figures.reach(scope)
        in_period = figures.contacts_by_setting(scope).total
    dialect = app.config["SQLALCHEMY_DATABASE_URI"].split(":", 1)[0]
    body = f"""
Yearly state count sheet ({period[0]:%d.%m.%Y}–{period[1]:%d.%m.%Y}) for the demo county
({contacts:,} contacts in all; {sheets} managers' sheets), median of {runs} runs, database
{dialect}. The sum sheet: {persons:,} persons and {households:,} households reached — the
dashboard: {dashboard.persons:,} / {dashboard.households:,} (the managers' sheets added up hold
{added_up:,} persons: many persons met several managers). Contacts on the managers' sheets
together: {written:,}; the dashboard's contacts of the period: {in_period:,}.

| count sheet | median |
|---|---|
| every manager's sheet of the county and their sum (admin) | {batch_ms:.0f} ms |
| one manager (`manager`) | {manager_ms:.0f} ms |
| batch workbook (XLSX, a sheet per manager + sum) | {xlsx_ms:.0f} ms |

A fixed number of SQL queries however many managers (tested in tests/test_count_sheet.py).
"""
    title = "Count sheet" if dialect.startswith("sqlite") else "Count sheet (PostgreSQL)"
    write_section(title, body)
    print(body)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 7)
