"""Reports and key pages on the state-sized data set of bench/scale_data.py (PostgreSQL).

.venv/bin/python bench/scale_reports.py [--runs 5] [--label after] [--explain] [--no-write]

Builds the data set unless it exists (`scale_data.build(reuse=True)`), then measures with the
Flask test client, logged in as the admin (whole organisation), a team lead and a manager:
the dashboard figures for the last 365 days and the whole organisation, the exports and the
report PDF (when their routes exist), and the key pages. Median of `--runs` runs after one
warm-up each. `--explain` prints EXPLAIN (ANALYZE, BUFFERS) of every dashboard statement.
Writes a section to docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event, select, text
from sqlalchemy.exc import OperationalError

from bench._common import logged_in_client, write_section
from bench.scale_data import ORG_NAME, build, database_url, make_app

TIMEOUT_S = 300
TABLES = [
    "household",
    "person",
    "app_user",
    "contact",
    "contact_participant",
    "contact_topic_link",
    "contact_task",
    "indicator_value",
    "appointment",
    "queue_entry",
    "referral",
]


def machine(conn) -> str:
    mem = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = int(line.split()[1]) // 1024 // 1024
    except OSError:
        pass
    version = conn.execute(text("SHOW server_version")).scalar()
    return (
        f"{platform.machine()}, {os.cpu_count()} cores (shared with other sessions), "
        f"{mem} GiB RAM, PostgreSQL {version}, Python {platform.python_version()}"
    )


class Counter:
    def __init__(self, engine) -> None:
        self.engine = engine
        self.statements: list[tuple[str, object]] = []

    def _listen(self, conn, cursor, statement, parameters, context, executemany) -> None:
        self.statements.append((statement, parameters))

    def __enter__(self):
        self.statements.clear()
        event.listen(self.engine, "before_cursor_execute", self._listen)
        return self

    def __exit__(self, *exc) -> None:
        event.remove(self.engine, "before_cursor_execute", self._listen)


SLOW_S = 30  # a request whose warm-up takes longer is timed twice only (the machine is shared)


def median_ms(fn, runs: int) -> tuple[float, float, float]:
    start = time.perf_counter()
    fn()  # warm-up
    if time.perf_counter() - start > SLOW_S:
        runs = 2
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), min(times), max(times)


def get(client, url: str):
    def fetch():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response

    return fetch


def upkeep_costs(household_id: int, author, runs: int) -> list[tuple]:
    """Saving a contact (service, flush) with and without the rollup upkeep, interleaved in
    one run, each rolled back: what keeping the reports current costs a manager."""
    from sqlalchemy.orm import Session

    from app.contacts import services as contact_services
    from app.extensions import db
    from app.households.models import Household
    from app.reports import rollups
    from app.timeutil import utcnow

    def save() -> None:
        household = db.session.get(Household, household_id)
        data = contact_services.ContactData(
            occurred_at=utcnow() - timedelta(days=40),
            duration_minutes=30,
            setting="home_visit",
            location="",
            interpreter_kind="",
            interpreter_language="",
            note="Wohnungssuche besprochen.",
            participant_ids=[p.id for p in household.members],
            topic_keys=["housing", "language"],
        )
        contact_services.create_contact(author, household, str(uuid.uuid4()), data)
        db.session.flush()
        db.session.rollback()

    listener = rollups._refresh_after_flush
    timings: dict[bool, list[float]] = {True: [], False: []}
    statements: dict[bool, int] = {}
    counter = Counter(db.engine)
    for i in range(2 * max(runs, 5) + 2):
        on = i % 2 == 0
        if not on:
            event.remove(Session, "after_flush", listener)
        try:
            with counter:
                started = time.perf_counter()
                save()
                elapsed = time.perf_counter() - started
            if i >= 2:  # warm-up
                timings[on].append(elapsed * 1000)
                statements[on] = len(counter.statements)
        finally:
            if not on:
                event.listen(Session, "after_flush", listener)
    rows = []
    for on, label in ((False, "without rollup upkeep"), (True, "with rollup upkeep")):
        ms = timings[on]
        rows.append(
            (
                "manager",
                f"contact save (service, flush) {label}",
                statistics.median(ms),
                min(ms),
                max(ms),
                statements[on],
            )
        )
        print(f"{rows[-1][1]:50} {rows[-1][2]:8.1f} ms  {statements[on]} statements", flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--label", default="")
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--upgrade-to", default="heads", help="migration to measure with")
    parser.add_argument("--skip-figures", action="store_true")
    parser.add_argument("--only", default="", help="measure only what whose label has this")
    args = parser.parse_args()
    url = database_url()
    build(url, reuse=True, upgrade_to=args.upgrade_to)
    app = make_app(url)
    results: list[tuple[str, str, float, float, float, int]] = []

    with app.app_context():
        from app.accounts.models import User
        from app.extensions import db
        from app.organisations.models import Organisation
        from app.reports import figures
        from app.timeutil import today

        @event.listens_for(db.engine, "connect")
        def _timeout(dbapi_connection, _record) -> None:
            # a pathological plan shows up as a failure, not as a bench that never ends
            with dbapi_connection.cursor() as cur:
                cur.execute(f"SET statement_timeout = '{TIMEOUT_S}s'")
            dbapi_connection.commit()

        conn = db.session.connection()
        sizes = {t: conn.execute(text(f'SELECT count(*) FROM "{t}"')).scalar() for t in TABLES}
        where = machine(conn)
        db_size = conn.execute(text("SELECT pg_size_pretty(pg_database_size(current_database()))"))
        db_size = db_size.scalar()
        org = db.session.scalar(select(Organisation).where(Organisation.name == ORG_NAME))
        lead = db.session.scalar(select(User).where(User.username == "lead-001"))
        manager = db.session.scalar(select(User).where(User.username == "im-001-01"))
        on = today()
        year = figures.ReportScope(organisation_id=org.id, start=on - timedelta(days=364), end=on)
        team = figures.ReportScope(
            organisation_id=org.id, team_id=lead.team_id, start=year.start, end=year.end
        )
        # the team's household with the most contacts, for the household page and timeline
        household_id = db.session.execute(
            text(
                "SELECT c.household_id FROM contact c JOIN household h ON h.id = c.household_id "
                "WHERE h.manager_id = :m AND h.status = 'active' GROUP BY c.household_id "
                "ORDER BY count(*) DESC LIMIT 1"
            ),
            {"m": manager.id},
        ).scalar()
        person_id = db.session.execute(
            text("SELECT min(id) FROM person WHERE household_id = :h"), {"h": household_id}
        ).scalar()
        db.session.rollback()
        counter = Counter(db.engine)

        def figure(label: str, fn) -> None:
            if args.skip_figures or args.only not in label:
                return
            try:
                with counter:
                    fn()
            except OperationalError:
                db.session.rollback()
                results.append(("figures", label, float("nan"), 0, 0, len(counter.statements)))
                print(f"{label}: cancelled after {TIMEOUT_S} s", flush=True)
                return
            n = len(counter.statements)
            results.append(("figures", label, *median_ms(fn, args.runs), n))
            print(f"{label:50} {results[-1][2]:8.0f} ms  {n} statements", flush=True)
            db.session.rollback()

        figure("dashboard, whole organisation, 365 days", lambda: figures.dashboard(year, on))
        figure("dashboard, one team, 365 days", lambda: figures.dashboard(team, on))
        for name in (
            "reach",
            "contacts_by_setting",
            "contacts_by_topic",
            "contacts_per_household",
            "coverage",
            "new_eligible_per_month",
            "caseload_per_fte",
            "office_hours",
        ):
            fn = getattr(figures, name)
            figure(f"  {name} (organisation)", lambda fn=fn: fn(year))
        figure("  tasks (organisation)", lambda: figures.tasks(year, on))

        if args.only in "contact save (service, flush)":
            results.extend(upkeep_costs(household_id, manager, args.runs))

        if args.explain:
            with counter:
                figures.dashboard(year, on)
            raw = db.session.connection().connection.dbapi_connection
            for statement, parameters in counter.statements:
                with raw.cursor() as cur:
                    cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
                    plan = "\n".join(r[0] for r in cur.fetchall())
                print("=" * 100 + "\n" + statement[:400] + "\n" + plan + "\n")
            db.session.rollback()

    # HTTP: the pages as users see them (login once per role)
    clients = {
        "admin": logged_in_client(app, "admin"),
        "lead": logged_in_client(app, "lead-001"),
        "manager": logged_in_client(app, "im-001-01"),
    }
    period = f"date_from={year.start}&date_to={year.end}"
    pages = [
        ("admin", "households list", "/households"),
        ("lead", "households list", "/households"),
        ("lead", "household page", f"/households/{household_id}"),
        ("manager", "timeline", f"/households/{household_id}/timeline"),
        ("manager", "indicator sheet", f"/persons/{person_id}/indicators"),
        ("lead", "tasks", "/tasks"),
        ("manager", "tasks", "/tasks"),
        ("manager", "worklist", "/worklist"),
        ("manager", "appointments day", "/appointments"),
        ("manager", "appointments week", "/appointments/week"),
        ("admin", "count sheet, organisation", f"/reports/count-sheet?{period}"),
        (
            "admin",
            "count sheet XLSX, every manager + sum",
            f"/reports/count-sheet/all.xlsx?{period}",
        ),
    ]
    twelve = "period=last_12_months"
    pages += [
        ("admin", "dashboard page, organisation, last 12 months", f"/reports?{twelve}"),
        ("lead", "dashboard page, own team, last 12 months", f"/reports?{twelve}"),
        (
            "admin",
            "dashboard XLSX export, organisation",
            f"/reports/export/dashboard.xlsx?{twelve}",
        ),
        (
            "admin",
            "indicator distribution CSV, organisation",
            f"/reports/export/indicators.csv?{twelve}",
        ),
        (
            "admin",
            f"experience report PDF {on.year}, organisation",
            f"/reports/experience.pdf?year={on.year}",
        ),
    ]
    with app.app_context():
        from app.extensions import db

        counter = Counter(db.engine)
    # Requests run outside any app context of ours: each gets its own `g` and session, as
    # between two real requests (a shared context would keep the first user logged in).
    for who, label, url_ in pages:
        if args.only not in label:
            continue
        fetch = get(clients[who], url_)
        with counter:
            fetch()
        n = len(counter.statements)
        results.append((who, label, *median_ms(fetch, args.runs), n))
        print(f"{who:8} {label:40} {results[-1][2]:8.0f} ms  {n} statements", flush=True)

    lines = [
        f"State-sized synthetic data set (bench/scale_data.py), database {db_size}: "
        + ", ".join(f"{t} {n:,}" for t, n in sizes.items())
        + ".",
        "",
        f"Machine: {where}.",
        "",
        f"Median of {args.runs} runs after a warm-up (of 2 runs when the warm-up took more than "
        f"{SLOW_S} s); Flask test client (no network); period = the last 365 days (figures) or "
        "the preset 'last 12 months' (pages).",
        "",
        "| who | what | median | min | max | SQL statements |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for who, label, med, lo, hi, n in results:
        if med != med:  # NaN: cancelled
            lines.append(f"| {who} | {label} | > {TIMEOUT_S} s (cancelled) | | | {n} |")
        else:
            lines.append(f"| {who} | {label} | {med:,.0f} ms | {lo:,.0f} ms | {hi:,.0f} ms | {n} |")
    body = "\n".join(lines)
    print(body)
    if not args.no_write:
        title = "Scale: state-sized data set (bench/scale_reports.py)"
        write_section(f"{title}, {args.label}" if args.label else title, body)


if __name__ == "__main__":
    main()
