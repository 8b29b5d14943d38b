"""Appointment card: size and render time in German only vs German + Arabic, in the same run
(interleaved, median of N), plus the size of the card in every language once.

    .venv/bin/python bench/card_languages.py [--runs 21] [--no-write]
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._world import login, machine_note, make_app, write_section


def add_appointment(app, ids) -> int:
    from app.accounts.models import User
    from app.appointments.models import Appointment
    from app.appointments.services import new_short_code
    from app.extensions import db
    from app.households.models import Household, Person
    from app.timeutil import utcnow

    with app.app_context():
        start = utcnow().replace(second=0, microsecond=0) + timedelta(days=2)
        appointment = Appointment(
            household=db.session.get(Household, ids["household"]),
            manager=db.session.get(User, ids["user"]),
            kind="office",
            starts_at=start,
            ends_at=start + timedelta(minutes=45),
            place="Rathaus Nordheim, Zimmer 3, Marktplatz 1",
            short_code=new_short_code(),
            persons=[db.session.get(Person, ids["persons"][0])],
        )
        db.session.add(appointment)
        db.session.commit()
        return appointment.id


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()

    from pypdf import PdfReader
    from weasyprint import __version__ as weasy_version

    import app.pdf as pdf_module
    from app.documents.languages import LANGUAGES

    app, ids = make_app()
    appointment_id = add_appointment(app, ids)
    client = login(app)
    url = f"/appointments/{appointment_id}/card.pdf?lang="
    renders: list[float] = []
    original = pdf_module.render_pdf  # the card route imports it at call time

    def timed(*a, **kw):
        start = time.perf_counter()
        out = original(*a, **kw)
        renders.append(time.perf_counter() - start)
        return out

    pdf_module.render_pdf = timed
    for code in ("de", "ar"):  # warm-up: fonts, stylesheets, catalogues
        client.get(url + code)
    renders.clear()
    timings: dict[str, dict[str, list[float]]] = {
        c: {"render": [], "request": []} for c in ("de", "ar")
    }
    sizes: dict[str, int] = {}
    for _ in range(args.runs):
        for code in ("de", "ar"):
            start = time.perf_counter()
            response = client.get(url + code)
            timings[code]["request"].append(time.perf_counter() - start)
            timings[code]["render"].append(renders[-1])
            assert response.status_code == 200
            sizes[code] = len(response.data)
            assert len(PdfReader(io.BytesIO(response.data)).pages) == 1
    every = {}
    for code in LANGUAGES:
        every[code] = len(client.get(url + code).data)
    pdf_module.render_pdf = original

    def ms(values: list[float]) -> str:
        return f"{statistics.median(values) * 1000:.0f} ms"

    lines = [
        f"Median of {args.runs} interleaved runs; WeasyPrint {weasy_version}; {machine_note()}.",
        "German only: A6 landscape; German + Arabic: A5 landscape (both texts on one page).",
        "",
        "| card | size | render (WeasyPrint) | whole request |",
        "|---|---|---|---|",
    ]
    for code, label in (("de", "German only"), ("ar", "German + Arabic")):
        lines.append(
            f"| {label} | {sizes[code] / 1024:.1f} KB | {ms(timings[code]['render'])} "
            f"| {ms(timings[code]['request'])} |"
        )
    ratio = statistics.median(timings["ar"]["render"]) / statistics.median(timings["de"]["render"])
    lines += [
        "",
        f"German + Arabic renders in {ratio:.2f} x the time of German only; the size grows by "
        f"{(sizes['ar'] - sizes['de']) / 1024:.1f} KB (subset of Noto Naskh Arabic, regular "
        "and bold). Fonts are embedded as subsets (HarfBuzz), so the card stays small.",
        "",
        "Size of the card in every language (one render each):",
        "",
        "| " + " | ".join(every) + " |",
        "|" + "---|" * len(every),
        "| " + " | ".join(f"{size / 1024:.0f} KB" for size in every.values()) + " |",
    ]
    body = "\n".join(lines)
    print(body)
    if not args.no_write:
        write_section("Appointment card: German only vs German + Arabic", body)


if __name__ == "__main__":
    main()
