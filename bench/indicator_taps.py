"""Taps on the indicator sheet of a 360 px phone (Chromium): open one value's inline form and
save it (one htmx request each), and confirm a group. Median of several runs.

.venv/bin/python bench/indicator_taps.py [runs]
"""

from __future__ import annotations

import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playwright.sync_api import sync_playwright
from sqlalchemy import select
from werkzeug.serving import make_server

from app.accounts.models import User
from app.demo.generator import DEMO_PASSWORD
from app.extensions import db
from app.households.models import Household, Person
from app.indicators.models import Indicator
from bench._common import demo_app, write_section
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, PHONE


def main(runs: int = 9) -> None:
    app = demo_app()
    with app.app_context():
        manager = db.session.scalar(select(User).where(User.username == "manager"))
        person_id = db.session.scalar(
            select(Person.id)
            .join(Household, Household.id == Person.household_id)
            .where(Household.manager_id == manager.id, Person.birth_year < 1995)
            .limit(1)
        )
        level = db.session.scalar(select(Indicator.id).where(Indicator.key == "german_level"))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    opened, saved, confirmed, page_load = [], [], [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport=PHONE, base_url=base, is_mobile=True, has_touch=True)
        page = context.new_page()
        page.goto("/login")
        page.fill("#username", "manager")
        page.fill("#password", DEMO_PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url("**/")
        row = f"#ind-{level}"
        for n in range(runs):
            start = time.perf_counter()
            page.goto(f"/persons/{person_id}/indicators")
            page_load.append(time.perf_counter() - start)
            start = time.perf_counter()
            page.locator(f"{row} a.button").tap()
            page.locator(f"{row} select[name=value]").wait_for()
            opened.append(time.perf_counter() - start)
            page.locator(f"{row} select[name=value]").select_option(["A2", "B1"][n % 2])
            start = time.perf_counter()
            page.locator(f"{row} button[type=submit]").tap()
            page.locator(f"{row} .badge.ok").wait_for()
            saved.append(time.perf_counter() - start)
            start = time.perf_counter()
            page.locator("#g-language button[type=submit]").tap()
            page.locator("#g-language .flash.success").wait_for()
            confirmed.append(time.perf_counter() - start)
        browser.close()
    server.shutdown()

    def ms(values: list[float]) -> str:
        return f"{statistics.median(values) * 1000:.0f} ms"

    body = f"""
Demo county, user `manager`, Chromium at 360 px, app on loopback (Werkzeug), median of {runs}:

| step | median |
|---|---|
| open the indicator sheet (full page) | {ms(page_load)} |
| tap "Ändern": inline form swapped in (one htmx GET) | {ms(opened)} |
| tap "Speichern": row swapped back (one htmx POST) | {ms(saved)} |
| tap "Alles noch aktuell": group swapped (one htmx POST) | {ms(confirmed)} |
"""
    write_section("Indicator sheet taps", body)
    print(body)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 9)
