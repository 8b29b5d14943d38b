"""Queue polling: 30 manager phones poll the live queue every 5 s while visitors check in.

Ten minutes of polling are simulated in compressed time: the app's clock is replaced by a
simulated one, every view polls at its own phase every 5 s and sends If-None-Match with the
ETag it last received; a walk-in checks in about every 40 s. Reported: the share of 304
answers and the CPU time per poll (time.process_time around each request; the test client
runs in the same process, so the figures include its own work and are an upper bound).

.venv/bin/python bench/queue_polling.py
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select

from app.extensions import db
from app.officehours import routes as office_routes
from app.officehours import services
from app.officehours.models import OfficeLocation
from app.timeutil import utcnow
from bench._common import demo_app, logged_in_client, write_section

VIEWS = 30
INTERVAL = 5.0
DURATION = 600.0
CHECKIN_EVERY = 40.0


def main() -> None:
    rng = random.Random(6)
    app = demo_app()
    with app.app_context():
        location = db.session.scalar(select(OfficeLocation).order_by(OfficeLocation.id).limit(1))
        location_id = location.id
    start = utcnow().replace(second=0, microsecond=0)
    clock = {"now": start}
    office_routes.utcnow = lambda: clock["now"]  # the view reads the simulated clock

    clients = [logged_in_client(app, "manager") for _ in range(VIEWS)]
    url = f"/officehours/locations/{location_id}/queue"
    etags: list[str | None] = [None] * VIEWS
    events: list[tuple[float, str, int]] = []
    for view in range(VIEWS):
        t = rng.uniform(0, INTERVAL)
        while t < DURATION:
            events.append((t, "poll", view))
            t += INTERVAL
    t = rng.uniform(20, 60)
    checkins = 0
    while t < DURATION:
        events.append((t, "checkin", -1))
        t += rng.uniform(0.5, 1.5) * CHECKIN_EVERY
    events.sort()

    cpu_304: list[float] = []
    cpu_200: list[float] = []
    wall_start = time.perf_counter()
    for at, kind, view in events:
        clock["now"] = start + timedelta(seconds=at)
        if kind == "checkin":
            with app.app_context():
                loc = db.session.get(OfficeLocation, location_id)
                services.check_in_walk_in(
                    loc, f"Gast{checkins}", "Arabisch", "bench", now=clock["now"]
                )
                db.session.commit()
            checkins += 1
            continue
        headers = {"HX-Request": "true", "Accept-Encoding": "gzip"}
        if etags[view]:
            headers["If-None-Match"] = etags[view]
        before = time.process_time()
        response = clients[view].get(url, headers=headers)
        spent = time.process_time() - before
        if response.status_code == 304:
            cpu_304.append(spent)
        else:
            assert response.status_code == 200, response.status_code
            etags[view] = response.headers["ETag"]
            cpu_200.append(spent)
    wall = time.perf_counter() - wall_start

    polls = len(cpu_304) + len(cpu_200)
    share = len(cpu_304) / polls

    def row(label: str, samples: list[float], share_text: str) -> str:
        median = statistics.median(samples) * 1000
        mean = statistics.fmean(samples) * 1000
        return f"| {label} | {len(samples):,} | {share_text} | {median:.2f} ms | {mean:.2f} ms |"

    rows = "\n".join(
        [
            row("304 Not Modified", cpu_304, f"{share:.1%}"),
            row("200 with fragment", cpu_200, f"{1 - share:.1%}"),
            row("all", cpu_304 + cpu_200, ""),
        ]
    )
    body = f"""
{VIEWS} queue views of the manager's phone, each polling every {INTERVAL:.0f} s with
If-None-Match, over {DURATION / 60:.0f} simulated minutes; {checkins} walk-in check-ins
(about one every {CHECKIN_EVERY:.0f} s). Flask test client, SQLite, demo county; CPU time is
`time.process_time()` around each request (client and server in one process).

| | polls | share | CPU per poll (median) | CPU per poll (mean) |
|---|---|---|---|---|
{rows}

Whole run: {wall:.1f} s wall time for {polls:,} polls. The ETag covers the queue's rows
(count, newest id, sum of row versions) and the current minute, because the view shows waiting
minutes: each view therefore gets one full answer per state change and one per minute; all
other polls are answered by one aggregate query and an empty 304.
"""
    print(body)
    write_section("Queue polling", body)


if __name__ == "__main__":
    main()
