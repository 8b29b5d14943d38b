"""Phone layout at 360x740 on the demo county: how far down the first report figure starts,
how wide the pages are (document.documentElement.scrollWidth), how tall the header is, and
the interactive elements under 44 px, for every role and both interface languages.

Walks the bottom navigation and the start page's cards of every demo role (GET links only),
plus the public finder. Needs Debian's Chromium (/usr/bin/chromium).

    .venv/bin/python bench/phone_layout.py [--no-write]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
from pathlib import Path
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from werkzeug.serving import make_server

from app import create_app
from app.demo.generator import DEMO_PASSWORD, build_demo_county
from app.extensions import db
from bench._common import write_section
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, PHONE
from tests.browser.layout import SMALL_TARGETS_JS, nav_links

DETAILS = "--details" in sys.argv
ROLES = ("admin", "teamleitung", "manager", "empfang", "ehrenamt")
FIRST_FIGURE_JS = "document.querySelector('.stats li').getBoundingClientRect().top + scrollY"
HEADER_JS = "document.querySelector('header.top').getBoundingClientRect().height"


def demo_app():
    # Two-factor enrolment would stop the walk at the admin's and team lead's first sign-in.
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tempfile.mkdtemp()}/bench.db",
            "SECRET_KEY": "bench",
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            "ENFORCE_2FA": False,
        }
    )
    with app.app_context():
        db.create_all()
        build_demo_county(password_method="pbkdf2:sha256:1000")
    return app


def walk(browser, base: str, locale: str, username: str) -> list[tuple[str, int, int]]:
    context = browser.new_context(viewport=PHONE, base_url=base, locale=locale, is_mobile=True)
    page = context.new_page()
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/")
    rows = []
    for url in nav_links(page):
        page.goto(url)
        if DETAILS:
            for target in page.evaluate(SMALL_TARGETS_JS):
                print(locale, username, urlparse(url).path, target, file=sys.stderr)
        rows.append(
            (
                url,
                page.evaluate("document.documentElement.scrollWidth"),
                len(page.evaluate(SMALL_TARGETS_JS)),
            )
        )
    extra = {}
    if username == "admin":
        page.goto("/reports")
        extra["reports_first_figure"] = page.evaluate(FIRST_FIGURE_JS)
        extra["header"] = page.evaluate(HEADER_JS)
    context.close()
    return rows, extra


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--details", action="store_true", help="list the small targets")
    args = parser.parse_args()
    app = demo_app()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    server.RequestHandlerClass.log_request = lambda *a, **k: None
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    from playwright.sync_api import sync_playwright

    lines = [
        "| locale | role | pages | widest page (px) | pages wider than 360 px | targets < 44 px |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    figures = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for locale in ("de-DE", "en-GB"):
            for username in ROLES:
                rows, extra = walk(browser, base, locale, username)
                wide = [f"{urlparse(u).path} ({w})" for u, w, _ in rows if w > PHONE["width"]]
                lines.append(
                    f"| {locale} | {username} | {len(rows)} | {max(w for _, w, _ in rows)} | "
                    f"{', '.join(wide) or '–'} | {sum(n for *_, n in rows)} |"
                )
                for key, value in extra.items():
                    figures.append(f"- {key} ({locale}): {value:.0f} px")
        context = browser.new_context(viewport=PHONE, base_url=base, locale="de-DE")
        page = context.new_page()
        page.goto("/zustaendigkeit")
        options = page.eval_on_selector_all("#municipality_id option", "o => o.map(x => x.value)")
        widths = []
        for value in options[1:]:
            page.goto(f"/zustaendigkeit?municipality_id={value}")
            widths.append(page.evaluate("document.documentElement.scrollWidth"))
        figures.append(f"- finder, widest answer page of {len(widths)} towns: {max(widths)} px")
        context.close()
        browser.close()
    server.shutdown()
    body = "\n".join(lines) + "\n\n" + "\n".join(figures)
    print(body)
    if not args.no_write:
        write_section("Phone layout at 360 px (bench/phone_layout.py)", body)


if __name__ == "__main__":
    main()
