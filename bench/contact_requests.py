"""Requests and bytes needed to record one contact, starting on the household page.

With JavaScript (htmx): tap "+ Kontakt" (GET the form fragment), save (POST; the answer is
the refreshed timeline). Without JavaScript: GET the form page, POST, follow the redirect
back to the household page. Static files (CSS, JS) are cached after the first page and are
listed separately. Sizes are as sent (uncompressed) and gzip-compressed, as a reverse proxy
would usually send them.

    .venv/bin/python bench/contact_requests.py [--no-write]
"""

from __future__ import annotations

import argparse
import gzip
import re
import sys
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._world import add_contact, login, machine_note, make_app, write_section

NOTE = (
    "Hausbesuch bei Familie Haddad. Die Wohnungssuche besprochen, zwei Anzeigen angesehen; "
    "Unterlagen für den Wohnberechtigungsschein geprüft, es fehlt die Verdienstbescheinigung."
)


def _header_bytes(headers) -> int:
    return sum(len(f"{k}: {v}\r\n") for k, v in headers.items()) + 2


class Meter:
    def __init__(self) -> None:
        self.rows: list[tuple[str, int, int, int]] = []

    def add(self, label: str, request_bytes: int, response) -> None:
        body = response.get_data()
        self.rows.append(
            (
                label,
                request_bytes,
                len(body) + _header_bytes(response.headers),
                len(gzip.compress(body)) + _header_bytes(response.headers),
            )
        )

    def totals(self) -> tuple[int, int, int]:
        return (
            sum(r[1] for r in self.rows),
            sum(r[2] for r in self.rows),
            sum(r[3] for r in self.rows),
        )


def _payload(html: str, ids: dict) -> dict:
    key = re.search(r'name="idempotency_key" type="hidden" value="([^"]+)"', html).group(1)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    # What a user changes: one more topic, the note, one next step. Everything else is
    # the form's defaults (members preselected, last setting, now, 30 minutes).
    return {
        "csrf_token": token,
        "idempotency_key": key,
        "participants": [str(i) for i in ids["persons"]],
        "occurred_at": re.search(r'name="occurred_at" [^>]*value="([^"]+)"', html).group(1),
        "duration_preset": "30",
        "duration_minutes": "",
        "setting": "home_visit",
        "location": "",
        "topics": ["housing", "benefits_money"],
        "interpreter_kind": "",
        "interpreter_language": "",
        "note": NOTE,
        "tasks-0-description": "Verdienstbescheinigung nachreichen",
        "tasks-0-owner_kind": "client",
        "tasks-0-owner_id": "0",
        "tasks-0-due_on": "",
        "tasks-1-description": "",
        "tasks-1-owner_kind": "manager",
        "tasks-1-owner_id": "0",
        "tasks-1-due_on": "",
    }


def _request_bytes(method: str, url: str, headers: dict, body: bytes = b"") -> int:
    base = {"Host": "localhost", "Cookie": "session=" + "x" * 180, **headers}
    if body:
        base["Content-Type"] = "application/x-www-form-urlencoded"
        base["Content-Length"] = str(len(body))
    return len(f"{method} {url} HTTP/1.1\r\n") + _header_bytes(base) + len(body)


def run(app, ids, with_js: bool) -> Meter:
    client = login(app)
    h = ids["household"]
    client.get(f"/households/{h}")  # the starting point, already on screen
    meter = Meter()
    hx = {"HX-Request": "true", "HX-Target": "contact-entry"} if with_js else {}
    url = f"/households/{h}/contacts/new" + ("?embedded=1" if with_js else "")
    r = client.get(url, headers=hx)
    meter.add("GET form" + (" fragment" if with_js else " page"), _request_bytes("GET", url, hx), r)
    data = _payload(r.get_data(as_text=True), ids)
    if with_js:
        data["embedded"] = "1"
        hx = {"HX-Request": "true", "HX-Target": "contact-form"}
    body = urlencode(data, doseq=True).encode()
    post_url = f"/households/{h}/contacts/new"
    r = client.post(post_url, data=data, headers=hx)
    assert r.status_code == (200 if with_js else 302), r.status_code
    meter.add(
        "POST (answer: timeline)" if with_js else "POST (answer: redirect)",
        _request_bytes("POST", post_url, hx, body),
        r,
    )
    if not with_js:
        location = r.headers["Location"]
        r = client.get(location)
        assert "Kontakt gespeichert." in r.get_data(as_text=True)
        meter.add("GET household page", _request_bytes("GET", location, {}), r)
    else:
        assert "Kontakt gespeichert." in r.get_data(as_text=True)
    return meter


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    app, ids = make_app()
    for _ in range(3):  # the household already has a few contacts in its timeline
        add_contact_unique(app, ids)
    lines = [
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC · {machine_note()}. Flask test client; "
        "request sizes are estimated (request line, usual headers, a session cookie, body).",
        "",
        "| path | request | requests | sent | received | received (gzip) |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    summary = []
    for with_js in (True, False):
        meter = run(app, ids, with_js)
        name = "with JavaScript (htmx)" if with_js else "without JavaScript"
        for label, sent, received, gz in meter.rows:
            lines.append(f"| {name} | {label} | 1 | {sent:,} B | {received:,} B | {gz:,} B |")
        sent, received, gz = meter.totals()
        lines.append(
            f"| **{name}** | **total** | **{len(meter.rows)}** | **{sent:,} B** | "
            f"**{received:,} B** | **{gz:,} B** |"
        )
        summary.append((name, len(meter.rows), sent, received, gz))
    static = Path(app.static_folder)
    assets = ["app.css", "app.js", "contacts.js", "vendor/htmx-2.0.11.min.js"]
    sizes = ", ".join(
        f"{name} {len((static / name).read_bytes()):,} B "
        f"({len(gzip.compress((static / name).read_bytes())):,} B gzip)"
        for name in assets
    )
    lines += [
        "",
        f"Static files, loaded once with the first page and cached afterwards: {sizes}.",
        "The household page itself (the starting point) is not counted.",
    ]
    body = "\n".join(lines)
    print(body)
    if not args.no_write:
        write_section("Requests to record a contact (bench/contact_requests.py)", body)


def add_contact_unique(app, ids) -> None:
    import uuid

    from app.contacts.models import Contact
    from app.extensions import db

    contact_id = add_contact(app, ids | {})
    with app.app_context():
        db.session.get(Contact, contact_id).idempotency_key = str(uuid.uuid4())
        db.session.commit()


if __name__ == "__main__":
    main()
