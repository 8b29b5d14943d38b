"""Load and faults: managers save contacts through gunicorn (4 workers) on PostgreSQL while the
database is restarted and killed; afterwards nothing may be lost, doubled or miscounted.

Everything runs on loopback and is thrown away at the end: a private PostgreSQL cluster
(initdb into a temp dir, port 55432 — never the machine's shared PostgreSQL), the schema by
`flask db upgrade`, the demo county by `flask demo-data`, gunicorn on port 8765.

N virtual managers of one team (the demo's managers, topped up with extra accounts) sign in
through the login form and loop: resend what their outbox holds, GET the contact form of a
household (htmx fragment or the plain page), wait for the next shared tick (so saves land at
the same moment), POST it once, 2–3 times in a row, 2–3 times at once, or as an outbox replay
(sometimes twice), then read the household page, the timeline and the start page. A team lead
reads the report dashboard. Targets are one household all managers share and households that
share its report cell (same town and manager). Every unconfirmed note (5xx, 429, no answer)
stays in the phone's outbox and is resent with backoff until the end of a drain phase.

At a third of the run PostgreSQL is restarted (`pg_ctl restart -m fast`), at two thirds it is
killed (`pg_ctl stop -m immediate`) and started again after `--down` seconds.

Asserted afterwards (exit status 1 if any fails): contacts in the database == keys that got a
success answer, no key twice, nothing confirmed missing, no note left unsent or refused,
report rollups equal a fresh computation, audit chain intact, no 5xx other than 503.

    .venv/bin/python bench/load_faults.py                            # 60 s, figures printed
    .venv/bin/python bench/load_faults.py --soak 300 --label "after fixes"   # into the docs
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.timeutil import utcnow
from bench._phone import (
    Answer,
    Entry,
    Ledger,
    Outbox,
    Phone,
    Sample,
    read_form,
    replace,
    saved,
    value,
)
from bench._servers import ROOT, VENV_BIN, Gunicorn, PgCluster

HASH = "pbkdf2:sha256:1000"  # fast logins; the demo accounts are created with it
NOTES = [
    "Hausbesuch: Wohnungssuche besprochen, zwei Anzeigen angesehen, Unterlagen geprüft.",
    "Telefonat wegen des Sprachkurses; Anmeldung für den Abendkurs vorbereitet.",
    "Begleitung zum Jobcenter, Weiterbewilligungsantrag abgegeben.",
    "Gespräch über die Schulanmeldung der Kinder und die Hausaufgabenbetreuung.",
]


@dataclass
class World:
    managers: list[str]
    lead: str
    cell: list[int]  # households in one report cell (same town, same manager); [0] is shared
    team: list[int]  # every open household of the team that takes counselling data


@dataclass
class Fault:
    name: str
    start: float
    up: float = 0.0


def flask(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [str(VENV_BIN / "python"), "-m", "flask", "--app", "wsgi", *args],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
    )
    if done.returncode:
        sys.exit(f"flask {' '.join(args)} failed:\n{done.stderr[-2000:]}")
    return done.stdout


def bench_app(url: str):
    from app import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench-load"})


def build_world(url: str, count: int) -> World:
    """The demo manager's team, topped up with manager accounts to `count`."""
    from sqlalchemy import select
    from werkzeug.security import generate_password_hash

    from app.accounts import roles
    from app.accounts.models import User
    from app.consent.services import counselling_allowed_ids
    from app.demo.generator import DEMO_PASSWORD
    from app.extensions import db
    from app.households.models import Household

    app = bench_app(url)
    with app.app_context():
        manager = db.session.scalar(select(User).where(User.username == "manager"))
        team = select(User).where(User.team_id == manager.team_id).order_by(User.id)
        names = [u.username for u in db.session.scalars(team.where(User.role == roles.MANAGER))]
        lead = db.session.scalar(team.where(User.role == roles.TEAM_LEAD)).username
        for n in range(len(names), count):
            db.session.add(
                User(
                    username=f"last-im{n + 1:02d}",
                    display_name=f"Lasttest Manager {n + 1}",
                    password_hash=generate_password_hash(DEMO_PASSWORD, method=HASH),
                    role=roles.MANAGER,
                    organisation_id=manager.organisation_id,
                    team_id=manager.team_id,
                )
            )
            names.append(f"last-im{n + 1:02d}")
        households = db.session.scalars(
            select(Household)
            .where(Household.team_id == manager.team_id, Household.status == "active")
            .order_by(Household.id)
        ).all()
        usable = [h for h in households if counselling_allowed_ids(h.members)]
        cells: dict[tuple, list[int]] = {}
        for h in usable:
            cells.setdefault((h.municipality_id, h.manager_id), []).append(h.id)
        cell = max(cells.values(), key=len)[:4]
        usable_ids = [h.id for h in usable]
        db.session.commit()
    if len(cell) < 2:
        sys.exit("no report cell with two usable households in the demo team")
    return World(names[:count], lead, cell, usable_ids)


class VirtualManager:
    def __init__(self, username: str, world: World, args, ledger: Ledger, seed: int) -> None:
        from app.demo.generator import DEMO_PASSWORD

        self.username = username
        self.password = DEMO_PASSWORD
        self.world = world
        self.args = args
        self.ledger = ledger
        self.rng = random.Random(seed)
        self.phone = Phone(args.port, ledger)
        self.outbox = Outbox(self.phone, self.rng, self.login)
        self.origin = 0.0

    def login(self) -> bool:
        self.phone.cookies.clear()
        return self.phone.login(self.username, self.password)

    def pick(self) -> int:
        roll = self.rng.random()
        if roll < 0.5:
            return self.world.cell[0]  # the household every manager writes to
        if roll < 0.85:
            return self.rng.choice(self.world.cell[1:])  # the same report cell
        return self.rng.choice(self.world.team)

    def wait_tick(self, until: float) -> None:
        tick = self.args.tick
        now = time.monotonic()
        at = self.origin + (int((now - self.origin) / tick) + 1) * tick
        time.sleep(max(0.0, min(at, until) - now))

    def open_form(self, household: int, js: bool) -> tuple[Entry, dict] | None:
        path = f"/households/{household}/contacts/new"
        hx = {"HX-Request": "true", "HX-Target": "contact-entry"} if js else {}
        answer = self.phone.request(
            "read", "GET contact form", "GET", path + ("?embedded=1" if js else ""), headers=hx
        )
        if answer.status == 302:
            self.login()
            return None
        if answer.status != 200:
            time.sleep(self.rng.uniform(0.5, 1.5))  # the phone would show an error; try later
            return None
        fields, options = read_form(answer.body, "contact-form")
        key = value(fields, "idempotency_key")
        if not key or not value(fields, "participants"):
            return None
        fields = replace(fields, "note", [f"{self.rng.choice(NOTES)} [{key[:8]}]"])
        topics = self.rng.sample(options["topics"], self.rng.choice((1, 2)))
        fields = replace(fields, "topics", topics)
        fields = replace(fields, "setting", [self.rng.choice(options["setting"])])
        # needed for an office hour or an accompaniment, ignored otherwise
        fields = replace(fields, "location", ["Rathaus, Zimmer 104"])
        self.ledger.keys[key] = self.username
        headers = {"HX-Request": "true", "HX-Target": "contact-form"} if js else {}
        return Entry(key, path, fields), headers

    def post(self, entry: Entry, headers: dict) -> Answer:
        label = "POST contact (htmx)" if headers else "POST contact (form)"
        return self.phone.request("write", label, "POST", entry.url, entry.fields, headers, saved)

    def save(self, entry: Entry, headers: dict) -> None:
        roll = self.rng.random()
        if roll < 0.55:  # once
            self.outbox.outcome(entry, self.post(entry, headers))
        elif roll < 0.7:  # a double or triple tap, one after the other
            for _ in range(self.rng.choice((2, 3))):
                self.outbox.outcome(entry, self.post(entry, headers))
        elif roll < 0.85:  # the same key sent 2–3 times at once
            copies = self.rng.choice((2, 3))
            start = threading.Barrier(copies)
            answers: list[Answer] = []

            def send() -> None:
                start.wait(timeout=10)
                answers.append(self.post(entry, headers))

            threads = [threading.Thread(target=send) for _ in range(copies)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=60)
            for answer in answers:
                self.outbox.outcome(entry, answer)
        else:  # typed offline: sent by the outbox, sometimes twice (the 201 got lost)
            self.outbox.replay(entry)
            if self.rng.random() < 0.5:
                self.outbox.replay(entry)

    def read(self, household: int) -> None:
        for label, path, headers in (
            ("GET household page", f"/households/{household}", {}),
            (
                "GET timeline (htmx)",
                f"/households/{household}/timeline",
                {"HX-Request": "true", "HX-Target": "timeline"},
            ),
            ("GET start page", "/", {}),
        ):
            answer = self.phone.request("read", label, "GET", path, headers=headers)
            if answer.status == 302 and "/login" in answer.headers.get("location", ""):
                self.login()

    def run(self, until: float, drain_until: float) -> None:
        while not self.login():
            if time.monotonic() > until:
                return
            time.sleep(1)
        while time.monotonic() < until:
            self.outbox.send_due(until)
            household = self.pick()
            opened = self.open_form(household, js=self.rng.random() < 0.75)
            if opened:
                self.wait_tick(until)
                self.save(*opened)
            self.read(household)
        while self.outbox.waiting and time.monotonic() < drain_until:
            self.outbox.send_due(drain_until)
            time.sleep(0.2)


def lead_reader(world: World, args, ledger: Ledger, until: float) -> None:
    from app.demo.generator import DEMO_PASSWORD

    phone = Phone(args.port, ledger)
    while not phone.login(world.lead, DEMO_PASSWORD) and time.monotonic() < until:
        time.sleep(1)
    while time.monotonic() < until:
        phone.request("read", "GET report dashboard", "GET", "/reports")
        time.sleep(1.0)


def inject_faults(cluster: PgCluster, start: float, soak: float, down: float) -> list[Fault]:
    faults = [
        Fault("restart (pg_ctl restart -m fast)", start + soak / 3),
        Fault(f"kill (stop -m immediate, {down:.0f} s down, start)", start + soak * 2 / 3),
    ]
    for fault in faults:
        time.sleep(max(0.0, fault.start - time.monotonic()))
        fault.start = time.monotonic()
        if fault.name.startswith("restart"):
            cluster.restart_fast()
        else:
            cluster.stop_immediate()
            time.sleep(down)
            cluster.start()
        fault.up = time.monotonic()
    return faults


# --- afterwards ----------------------------------------------------------------------------
def check(
    url: str, ledger: Ledger, world: World, stranded: int, since: datetime
) -> list[tuple[str, bool, str]]:
    from sqlalchemy import func, select

    from app.accounts.models import User
    from app.audit.services import verify_chain
    from app.contacts.models import Contact
    from app.extensions import db
    from app.reports import rollups

    app = bench_app(url)
    with app.app_context():
        rows = db.session.execute(
            select(Contact.idempotency_key, func.count())
            .join(User, Contact.author_id == User.id)
            .where(User.username.in_(world.managers), Contact.created_at >= since)
            .group_by(Contact.idempotency_key)
        ).all()
        with db.engine.connect() as conn:
            stored, fresh = rollups.stored(conn), rollups.computed(conn)
        broken = verify_chain()
    in_db = {key: n for key, n in rows}
    doubled = sorted(k for k, n in in_db.items() if n > 1)
    missing = ledger.confirmed - set(in_db)
    unconfirmed = set(in_db) - ledger.confirmed
    wrong_rows = sum(
        len(set(stored[t]) ^ set(fresh[t]))
        + sum(1 for k in set(stored[t]) & set(fresh[t]) if stored[t][k] != fresh[t][k])
        for t in fresh
    )
    refusals = Counter(ledger.refused.values())
    bad_5xx = Counter(
        s.status for s in ledger.samples if s.status and s.status >= 500 and s.status != 503
    )
    bare_503 = sum(1 for s in ledger.samples if s.status == 503 and not s.retry_after)
    return [
        (
            "contacts in the database == keys with a success answer",
            set(in_db) == ledger.confirmed,
            f"{len(in_db)} in the database, {len(ledger.confirmed)} confirmed; "
            f"{len(unconfirmed)} saved but never confirmed",
        ),
        ("no key twice", not doubled, f"{len(doubled)} keys stored more than once"),
        ("nothing confirmed is missing", not missing, f"{len(missing)} confirmed, not stored"),
        (
            "every note typed was saved in the end",
            not stranded and not ledger.refused,
            f"{stranded} still waiting after the drain, {len(ledger.refused)} refused"
            + "".join(f"; {n} × {s} {r!r}" for (s, r), n in refusals.items()),
        ),
        ("report rollups == a fresh count", stored == fresh, f"{wrong_rows} rows differ"),
        ("audit chain intact", not broken, f"{len(broken)} broken links {broken[:5]}"),
        (
            "no 5xx answer other than 503, every 503 with Retry-After",
            not bad_5xx and not bare_503,
            (", ".join(f"{n} × {s}" for s, n in sorted(bad_5xx.items())) or "no other 5xx")
            + f"; {bare_503} × 503 without Retry-After",
        ),
    ]


def _ms(values: list[float], q: float) -> str:
    if not values:
        return "–"
    if len(values) == 1:
        return f"{values[0] * 1000:.0f} ms"
    return f"{statistics.quantiles(values, n=100, method='inclusive')[int(q) - 1] * 1000:.0f} ms"


def outage(fault: Fault, ledger: Ledger) -> tuple[str, Counter]:
    """From the fault to the first success again: the first successful answer to a request
    sent after the first failed answer of the fault. Failed answers are counted from the
    fault until 10 s after the database accepted connections again."""
    window = [s for s in ledger.samples if fault.start <= s.end <= fault.up + 10]
    failures = [s for s in window if not s.ok and (s.status is None or s.status >= 500)]
    statuses = Counter("no answer" if s.status is None else str(s.status) for s in failures)
    if not failures:
        return "no failed answer", statuses
    first = min(s.end for s in failures)
    ends = [s.end for s in ledger.samples if s.ok and s.start > first]
    if not ends:
        return "no success afterwards", statuses
    return f"{min(ends) - fault.start:.1f} s", statuses


def exceptions_in(log: Path) -> Counter:
    pattern = re.compile(r"^([\w.]+(?:Error|Violation|Exception)):", re.M)
    return Counter(pattern.findall(log.read_text(errors="replace")))


def in_fault(sample: Sample, faults: list[Fault]) -> bool:
    return any(f.start <= sample.end <= f.up + 10 for f in faults)


def report(args, world, ledger, faults, rss, results, exceptions, load_seconds) -> str:
    samples = ledger.samples
    calm_500 = [s for s in samples if s.status == 500 and not in_fault(s, faults)]
    calm_writes = sum(1 for s in calm_500 if s.kind == "write")
    ok = [s for s in samples if s.ok]
    reads = [s.seconds for s in ok if s.kind == "read"]
    writes = [s.seconds for s in ok if s.kind == "write"]
    by_label: dict[str, Counter] = {}
    for s in samples:
        status = "no answer" if s.status is None else str(s.status)
        by_label.setdefault(s.label, Counter())[status] += 1
    lines = [
        f"{len(world.managers)} virtual managers of one team and its team lead, gunicorn "
        f"{args.workers} sync workers, private PostgreSQL cluster, demo county; "
        f"{load_seconds:.0f} s of load (`--soak {args.soak:g}`), ticks every {args.tick:g} s; "
        f"load average {args.loadavg:.1f} at the start. "
        f"Targets: household {world.cell[0]} (all managers) and households "
        f"{', '.join(map(str, world.cell[1:]))} of its report cell (same town and manager); "
        "15 % other households of the team.",
        "",
        "| figure | value |",
        "| --- | --- |",
        f"| requests answered (all) | {len(samples):,} ({len(samples) / load_seconds:.1f}/s) |",
        f"| successful answers | {len(ok):,} ({len(ok) / load_seconds:.1f}/s) |",
        f"| notes typed (distinct keys) / confirmed | {len(ledger.keys):,} / "
        f"{len(ledger.confirmed):,} ({len(ledger.confirmed) / load_seconds * 60:.0f}/min) |",
        f"| keys that got a 500 at least once (today's outbox strands them) | "
        f"{len(ledger.saw_500):,} |",
        f"| 500 answers outside the fault windows (saves among them) | {len(calm_500)} "
        f"({calm_writes}) |",
        f"| reads p50 / p95 (successful) | {_ms(reads, 50)} / {_ms(reads, 95)} |",
        f"| writes p50 / p95 (successful) | {_ms(writes, 50)} / {_ms(writes, 95)} |",
    ]
    for fault in faults:
        window, statuses = outage(fault, ledger)
        failed = ", ".join(f"{n} × {s}" for s, n in statuses.most_common()) or "none"
        lines.append(
            f"| {fault.name}: database down / outage window | {fault.up - fault.start:.1f} s / "
            f"{window} (failed answers: {failed}) |"
        )
    start, end = rss
    lines.append(
        "| worker RSS at start → end (MiB) | "
        + ", ".join(f"{v:.0f}" for v in start.values())
        + " → "
        + ", ".join(f"{v:.0f}" for v in end.values())
        + (" (workers were replaced)" if set(start) != set(end) else "")
        + " |"
    )
    lines += ["", "| request | answers |", "| --- | --- |"]
    for label, statuses in sorted(by_label.items()):
        lines.append(f"| {label} | {', '.join(f'{n} × {s}' for s, n in statuses.most_common())} |")
    lines += ["", "| assertion | result | detail |", "| --- | --- | --- |"]
    for name, passed, detail in results:
        lines.append(f"| {name} | {'pass' if passed else '**FAIL**'} | {detail} |")
    if exceptions:
        named = ", ".join(f"{n} × `{e}`" for e, n in exceptions.most_common(8))
        lines += ["", f"Exceptions in the gunicorn log: {named}."]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--soak", type=float, default=60, help="seconds of load (300: soak)")
    parser.add_argument("--managers", type=int, default=10)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--tick", type=float, default=2.0, help="seconds between shared ticks")
    parser.add_argument("--down", type=float, default=5.0, help="seconds the killed DB stays down")
    parser.add_argument("--drain", type=float, default=90.0, help="max seconds to resend after")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--pg-port", type=int, default=55432)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--label", default="", help="docs section name, e.g. 'after fixes'")
    args = parser.parse_args()
    args.loadavg = os.getloadavg()[0]  # the machine may be shared: say how busy it was

    cluster = PgCluster(args.pg_port)
    server = None
    try:
        print(f"cluster in {cluster.tmp}, port {args.pg_port} …", flush=True)
        cluster.create()
        env = {
            "DATABASE_URL": cluster.url,
            "SECRET_KEY": "bench-load",
            "PASSWORD_HASH_METHOD": HASH,
            "ENFORCE_2FA": "false",  # the team lead reader signs in without TOTP (loopback)
            "PYTHONPATH": str(ROOT),
        }
        flask(env, "db", "upgrade")
        flask(env, "demo-data")
        world = build_world(cluster.url, args.managers)
        log = cluster.tmp / "gunicorn.log"
        server = Gunicorn(args.port, args.workers, env, log)
        ledger = Ledger()
        rss_start = server.worker_rss_mib()
        print(f"gunicorn up; {args.soak:g} s of load with faults …", flush=True)
        since, begin = utcnow(), time.monotonic()
        until, drain_until = begin + args.soak, begin + args.soak + args.drain
        phones = [
            VirtualManager(name, world, args, ledger, args.seed * 100 + i)
            for i, name in enumerate(world.managers)
        ]
        threads = [threading.Thread(target=p.run, args=(until, drain_until)) for p in phones]
        threads.append(threading.Thread(target=lead_reader, args=(world, args, ledger, until)))
        for phone in phones:
            phone.origin = begin
        for t in threads:
            t.start()
        faults = inject_faults(cluster, begin, args.soak, args.down)
        time.sleep(max(0.0, until - time.monotonic()))
        rss_end = server.worker_rss_mib()
        for t in threads:
            t.join(timeout=max(1.0, drain_until + 60 - time.monotonic()))
        stranded = sum(len(p.outbox.waiting) for p in phones)
        results = check(cluster.url, ledger, world, stranded, since)
        body = report(
            args, world, ledger, faults, (rss_start, rss_end), results, exceptions_in(log),
            args.soak,
        )  # fmt: skip
    finally:
        if server:
            server.stop()
        cluster.destroy()
    print(body)
    if args.label:
        from bench._common import write_section

        write_section(f"Load and faults (bench/load_faults.py), {args.label}", body)
    failed = [name for name, passed, _detail in results if not passed]
    print(f"\n{len(results) - len(failed)} of {len(results)} assertions hold.")
    for name in failed:
        print(f"FAILED: {name}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
