"""Median time to render one contact's Beratungsprotokoll, against WeasyPrint's floor in the
same run. Target: at most 1.5 x the floor.

Two floors are measured, because "a one-page plain document" can mean either:
  A. a minimal page (a heading and one sentence, no stylesheet);
  B. one A4 page of plain paragraphs (about as much text as the protocol, no stylesheet).

    .venv/bin/python bench/contact_pdf.py [--runs 21] [--no-write]
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._world import add_contact, login, machine_note, make_app, write_section

HEAD = '<!doctype html><html lang="de"><head><meta charset="utf-8"><title>Test</title></head>'
MINIMAL = HEAD + "<body><h1>Ein einfaches Dokument</h1><p>Eine Seite Text.</p></body></html>"
SENTENCE = (
    "Die Familie sucht eine größere Wohnung, weil die jetzige für fünf Personen zu klein ist. "
)
FULL_PAGE = (
    HEAD
    + "<body><h1>Ein einfaches Dokument</h1>"
    + ("<p>" + SENTENCE * 6 + "</p>") * 4
    + "</body></html>"
)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()

    from pypdf import PdfReader
    from weasyprint import HTML
    from weasyprint import __version__ as weasy_version

    import app.contacts.routes as contact_routes

    app, ids = make_app()
    contact_id = add_contact(app, ids)
    client = login(app)
    render_times: list[float] = []
    original = contact_routes.render_pdf

    def timed_render(*a, **kw):
        start = time.perf_counter()
        out = original(*a, **kw)
        render_times.append(time.perf_counter() - start)
        return out

    contact_routes.render_pdf = timed_render

    def minimal() -> None:
        HTML(string=MINIMAL).write_pdf()

    def full_page() -> None:
        data = HTML(string=FULL_PAGE).write_pdf()
        assert len(PdfReader(io.BytesIO(data)).pages) == 1

    def contact_pdf() -> None:
        r = client.get(f"/contacts/{contact_id}/pdf")
        assert r.status_code == 200 and r.data.startswith(b"%PDF")

    samples: dict[str, list[float]] = {"minimal": [], "full_page": [], "contact": []}
    for fn in (minimal, full_page, contact_pdf):  # warm-up: fontconfig, pyphen, caches
        fn()
    render_times.clear()
    # Interleaved, so that drift on a shared machine hits all three alike.
    for _ in range(args.runs):
        for name, fn in (("minimal", minimal), ("full_page", full_page), ("contact", contact_pdf)):
            start = time.perf_counter()
            fn()
            samples[name].append(time.perf_counter() - start)
    med = {name: statistics.median(values) for name, values in samples.items()}
    render_med = statistics.median(render_times)
    data = client.get(f"/contacts/{contact_id}/pdf").data
    pages = len(PdfReader(io.BytesIO(data)).pages)
    ms = {k: f"{v * 1000:.0f} ms" for k, v in med.items()}
    body = f"""
{datetime.now(UTC):%Y-%m-%d %H:%M} UTC · {machine_note()} · WeasyPrint {weasy_version}.
Median of {args.runs} interleaved runs each, after a warm-up.

| what | median |
| --- | --- |
| floor A: minimal page (heading + one sentence, no CSS) | {ms["minimal"]} |
| floor B: one A4 page of plain paragraphs (no CSS) | {ms["full_page"]} |
| contact PDF, whole request `GET /contacts/<id>/pdf` | {ms["contact"]} |
| of which `render_pdf()` (WeasyPrint) | {render_med * 1000:.0f} ms |

| ratio | value | target |
| --- | --- | --- |
| request / floor A | {med["contact"] / med["minimal"]:.2f} × | ≤ 1.5 × |
| request / floor B | {med["contact"] / med["full_page"]:.2f} × | ≤ 1.5 × |
| render only / floor B | {render_med / med["full_page"]:.2f} × | |

The protocol: two participants (one with an Arabic native name: a second script, shaped),
two topics, a note of four sentences, two next steps, signature lines; {pages} page,
{len(data) / 1024:.0f} KiB. The request also checks access, loads the contact with its
relations (5 queries), writes an audit event and commits.
"""
    print(body)
    if not args.no_write:
        write_section("Contact PDF (bench/contact_pdf.py)", body)


if __name__ == "__main__":
    main()
