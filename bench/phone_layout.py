"""Phone layout at 360x740 on the demo county: the page walk of tests/browser/test_page_walk.py
(every role's bottom navigation two links deep, the case pages, the public pages) with its
figures per role and language: pages, widest page (document.documentElement.scrollWidth),
touch targets under 44 px, serious/critical axe findings, texts in the other interface
language; plus how far down the first report figure starts, the header's height and the
widest finder answer of all towns. Needs Debian's Chromium (/usr/bin/chromium).

    .venv/bin/python bench/phone_layout.py [--no-write] [--details]
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
from app.documents.languages import LANGUAGES
from app.extensions import db
from bench._common import write_section
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, PHONE
from tests.browser.walk import TypedData, case_pages, problems, walk_everyone

FIRST_FIGURE_JS = "document.querySelector('.stats li').getBoundingClientRect().top + scrollY"
HEADER_JS = "document.querySelector('header.top').getBoundingClientRect().height"
# Earlier states, measured with the walk of the same commit's version of this script.
HISTORY = """\
Before issue 17 (main 0f8a1e9): first figure on /reports at y = 1,316 px (de) / 1,304 px (en);
finder answer page 450 px wide; header 64.6 px, up to 153.7 px with the outbox badge, broken
words in header and bottom bar. Then (bottom bar and start cards only, 21/14/11/2/2 pages):
targets under 44 px de 0/0/0/0/1, en 19/0/0/0/0.

Before issue 17 point 2 (main 0537d79, measured with this walk: two links deep, case pages,
public pages, strict inline-link rule): targets under 44 px de 444 (admin 231, team lead 191,
manager 21, volunteer 1), en 472 (267/188/17/0): 777 links 18-22 px high (names in report
lists, back links, "+ Sprechzeit", "verlängern", the import template), 98 checkboxes 22x22
(appointment persons, shares, an organisation's towns), "Edit" 29 px and "Week" 41 px wide
(en); texts in the other language de 63 (indicator catalogue "choice"/"bool" types and codes,
option list, check-in status "waiting"), en 54 (default topics untranslated on the count sheet
and the topic list, the option list, the audit log); axe serious/critical 0; widest page 360 px.

After (below): no target under 44 px, no axe finding, no page wider than 360 px. Left: the 10
en texts are audit entries ("Pläne und Verweisungen", "Kennzahlen") that the German walk wrote
before the English one ran; the audit stores that detail in German on purpose."""


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
        summary = build_demo_county(password_method="pbkdf2:sha256:1000")
        data = TypedData(db.session.connection(), [lang.native for lang in LANGUAGES.values()])
        cases = case_pages()
        db.session.commit()
    return app, summary.office_hours["kiosk_path"], data, cases


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--details", action="store_true", help="list every finding")
    args = parser.parse_args()
    app, kiosk_path, data, cases = demo_app()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    server.RequestHandlerClass.log_request = lambda *a, **k: None
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    from playwright.sync_api import sync_playwright

    lines = [
        "| locale | role | pages | widest page (px) | pages wider than 360 px "
        "| targets < 44 px | axe serious/critical | other-language texts |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    figures = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for locale in ("de-DE", "en-GB"):
            found = walk_everyone(
                browser,
                base,
                locale,
                password=DEMO_PASSWORD,
                kiosk_path=kiosk_path,
                cases=cases,
                data=data,
            )
            for role, findings in found.items():
                wide = [f"{urlparse(f.url).path} ({f.width})" for f in findings if f.width > 360]
                lines.append(
                    f"| {locale} | {role} | {len(findings)} | {max(f.width for f in findings)} "
                    f"| {', '.join(wide) or '–'} | {sum(len(f.small) for f in findings)} "
                    f"| {sum(len(f.axe) for f in findings)} "
                    f"| {sum(len(f.leaks) for f in findings)} |"
                )
                if args.details:
                    for line in problems(findings):
                        print(locale, role, line, file=sys.stderr)
            context = browser.new_context(viewport=PHONE, base_url=base, locale=locale)
            page = context.new_page()
            page.goto("/login")
            page.fill("#username", "admin")
            page.fill("#password", DEMO_PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url("**/")
            page.goto("/reports")
            figures.append(
                f"- reports_first_figure ({locale}): {page.evaluate(FIRST_FIGURE_JS):.0f} px"
            )
            figures.append(f"- header ({locale}): {page.evaluate(HEADER_JS):.0f} px")
            context.close()
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
    body = HISTORY + "\n\n" + "\n".join(lines) + "\n\n" + "\n".join(figures)
    print(body)
    if not args.no_write:
        write_section("Phone layout at 360 px (bench/phone_layout.py)", body)


if __name__ == "__main__":
    main()
