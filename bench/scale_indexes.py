"""What each new index buys, on the state-sized data set of bench/scale_data.py.

.venv/bin/python bench/scale_indexes.py [--runs 5]

For each measurement the same app code runs with all indexes and, interleaved, inside a
transaction in which the index under test was dropped (rolled back afterwards, so the data
set keeps it). Needs the data set at migration head and no other session on it (DROP INDEX
locks the table). Writes a section to docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select, text

from bench._common import write_section
from bench.scale_data import build, database_url, make_app

NEW_INDEXES = {
    "ix_contact_occurred_at": "0007_reports",
    "ix_contact_task_status_due": "0007_reports",
    "ix_indicator_value_person_indicator_valid": "0010_scale_indexes",
}


def timed(fn, runs: int) -> float:
    from app.extensions import db

    fn()
    times = []
    for _ in range(runs):
        db.session.expire_all()
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def without(indexes: list[str], fn, runs: int) -> float:
    """fn's median time inside a transaction that dropped `indexes` (then rolled back)."""
    from app.extensions import db

    db.session.rollback()
    for name in indexes:
        db.session.execute(text(f'DROP INDEX "{name}"'))
    try:
        return timed(fn, runs)
    finally:
        db.session.rollback()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    url = database_url()
    build(url, reuse=True)
    app = make_app(url)
    rows = []
    with app.app_context():
        from app.accounts.models import User
        from app.extensions import db
        from app.households.models import Person
        from app.indicators import services as indicator_services
        from app.indicators.models import Indicator
        from app.reports import figures
        from app.timeutil import today

        on = today()
        lead = db.session.scalar(select(User).where(User.username == "lead-001"))
        month = figures.ReportScope(organisation_id=1, start=on - timedelta(days=29), end=on)
        year = figures.ReportScope(organisation_id=1, start=on - timedelta(days=364), end=on)
        team_month = figures.ReportScope(
            organisation_id=1, team_id=lead.team_id, start=month.start, end=on
        )
        person = db.session.get(Person, 5)
        indicators = list(db.session.scalars(select(Indicator).order_by(Indicator.position)))
        person_level = [i for i in indicators if i.applies_to == "person"]

        def histories():
            for indicator in person_level:
                indicator_services.history(person, indicator)

        cases = [
            ("dashboard, organisation, last 30 days", lambda: figures.dashboard(month, on), None),
            ("dashboard, organisation, 365 days", lambda: figures.dashboard(year, on), None),
            ("dashboard, one team, last 30 days", lambda: figures.dashboard(team_month, on), None),
            ("open/overdue tasks, organisation", lambda: figures.tasks(year, on), None),
            ("office-hour use, organisation, 365 days", lambda: figures.office_hours(year), None),
            (
                "indicator histories of one person (all person indicators)",
                histories,
                ["ix_indicator_value_person_indicator_valid"],
            ),
        ]
        for label, fn, only in cases:
            names = only or list(NEW_INDEXES)
            with_all = timed(fn, args.runs)
            without_all = without(names, fn, args.runs)
            rows.append((label, ", ".join(names), with_all, without_all))
            print(f"{label:60} with {with_all:8.1f} ms  without {without_all:8.1f} ms", flush=True)

    lines = [
        "Each new index dropped inside a rolled-back transaction vs. present; same app code, "
        f"median of {args.runs} runs after a warm-up, data set of bench/scale_data.py.",
        "",
        "| what | indexes dropped for 'without' | with | without |",
        "| --- | --- | --- | --- |",
    ]
    for label, names, with_all, without_all in rows:
        lines.append(f"| {label} | {names} | {with_all:,.0f} ms | {without_all:,.0f} ms |")
    body = "\n".join(lines)
    print(body)
    write_section("Scale: what the new indexes buy (bench/scale_indexes.py)", body)


if __name__ == "__main__":
    main()
