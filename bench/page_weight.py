"""Page weight of the main pages against the 14 KB of the first round trip.

.venv/bin/python bench/page_weight.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select

from app.extensions import db
from app.households.models import Household, Person
from app.pageweight import FIRST_ROUND_TRIP, measure
from bench._common import demo_app, logged_in_client, write_section


def main() -> None:
    app = demo_app()
    client = logged_in_client(app)
    with app.app_context():
        # The largest household of the manager's team: the heaviest household page.
        manager_team = db.session.scalar(select(Household.team_id).limit(1))
        household_id = db.session.scalar(
            select(Person.household_id)
            .join(Person.household)
            .where(Household.team_id == manager_team)
            .group_by(Person.household_id)
            .order_by(func.count().desc())
            .limit(1)
        )
    pages = {
        "Anmeldung": "/login",
        "Start": "/",
        "Suche": "/search",
        "Haushaltsliste": "/households",
        "Haushalt (größter)": f"/households/{household_id}",
        "Person erfassen": f"/households/{household_id}/persons/new",
        "Kontakt erfassen": f"/households/{household_id}/contacts/new",
    }
    rows = [
        "| page | HTML raw | HTML gzip | first load (HTML+CSS+JS+icon, gzip) | ≤ 14 KB? |",
        "|---|---|---|---|---|",
    ]
    for name, url in pages.items():
        c = app.test_client() if url == "/login" else client
        w = measure(c.get, url)
        html_fits = "yes" if w.html_bytes <= FIRST_ROUND_TRIP else "no"
        load_fits = "yes" if w.first_load_bytes <= FIRST_ROUND_TRIP else "no"
        rows.append(
            f"| {name} | {w.html_raw_bytes:,} B | {w.html_bytes:,} B | "
            f"{w.first_load_bytes:,} B | HTML {html_fits}, first load {load_fits} |"
        )
    body = "\n".join(rows) + (
        "\n\nFirst load includes htmx (the largest asset); later pages reuse the cached, "
        "fingerprinted assets, so each further page costs only its HTML."
    )
    print(body)
    write_section("Page weight", body)


if __name__ == "__main__":
    main()
