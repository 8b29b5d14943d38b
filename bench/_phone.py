"""A virtual manager's phone for the load-and-fault benchmark: plain HTTP to gunicorn on
loopback (http.client: the venv has no requests/httpx), a cookie jar, a browser-like reading of
the contact form, and an outbox that keeps every unconfirmed note and resends it with backoff
(as static/outbox.js should: 5xx, 429 and network errors keep the entry waiting)."""

from __future__ import annotations

import http.client
import json
import random
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from urllib.parse import urlencode

Fields = list[tuple[str, str]]
RETRY = {429} | set(range(500, 600))  # and connection errors (status None)


@dataclass
class Answer:
    status: int | None  # None: no answer (connection refused/reset, timeout)
    headers: dict[str, str]
    body: str


@dataclass
class Sample:
    kind: str  # "read", "write", "login", "token", "form"
    label: str
    status: int | None
    ok: bool
    start: float  # time.monotonic()
    seconds: float
    retry_after: str | None = None  # the header, for 429/503 answers

    @property
    def end(self) -> float:
        return self.start + self.seconds


class Ledger:
    """Everything the phones saw, shared by all threads (list.append is atomic)."""

    def __init__(self) -> None:
        self.samples: list[Sample] = []
        self.keys: dict[str, str] = {}  # every idempotency key handed out -> username
        self.confirmed: set[str] = set()  # keys that got a success answer
        self.saw_500: set[str] = set()  # keys that got a 500 at least once
        self.refused: dict[str, tuple[int | None, str]] = {}  # 4xx: status, reason
        self.lock = threading.Lock()


class _FormReader(HTMLParser):
    """The fields a browser would submit for the form `form_id` (defaults as rendered), and
    the values every checkbox/radio group offers."""

    def __init__(self, form_id: str) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.fields: Fields = []
        self.options: dict[str, list[str]] = {}
        self._select: str | None = None
        self._select_value: str | None = None
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.inside = a.get("id") == self.form_id
        if tag == "option" and self.inside and self._select is not None:
            if self._select_value is None or "selected" in a:
                self._select_value = a.get("value", "")
            return
        if not self.inside or "name" not in a:
            return
        name = a["name"]
        if tag == "input":
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                self.options.setdefault(name, []).append(a.get("value", "on"))
                if "checked" in a:
                    self.fields.append((name, a.get("value", "on")))
            elif kind not in ("submit", "button"):
                self.fields.append((name, a.get("value", "")))
        elif tag == "select":
            self._select, self._select_value = name, None
        elif tag == "textarea":
            self._textarea, self._text = name, ""

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "select" and self._select is not None:
            self.fields.append((self._select, self._select_value or ""))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self.fields.append((self._textarea, self._text.lstrip("\n")))
            self._textarea = None


def read_form(html: str, form_id: str) -> tuple[Fields, dict[str, list[str]]]:
    reader = _FormReader(form_id)
    reader.feed(html)
    return reader.fields, reader.options


def value(fields: Fields, name: str) -> str:
    return next((v for k, v in fields if k == name), "")


def replace(fields: Fields, name: str, values: list[str]) -> Fields:
    return [(k, v) for k, v in fields if k != name] + [(name, v) for v in values]


class Phone:
    """One signed-in session. Every request is recorded in the ledger."""

    def __init__(self, port: int, ledger: Ledger, timeout: float = 30) -> None:
        self.port = port
        self.ledger = ledger
        self.timeout = timeout
        self.cookies: dict[str, str] = {}

    def request(
        self,
        kind: str,
        label: str,
        method: str,
        path: str,
        fields: Fields | None = None,
        headers: dict[str, str] | None = None,
        ok: Callable[[Answer], bool] = lambda a: a.status == 200,
    ) -> Answer:
        send = dict(headers or {})
        if self.cookies:
            send["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if fields is not None:
            body = urlencode(fields).encode()
            send["Content-Type"] = "application/x-www-form-urlencoded"
        start = time.monotonic()
        try:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
            try:
                conn.request(method, path, body=body, headers=send)
                response = conn.getresponse()
                answer = Answer(
                    response.status,
                    {k.lower(): v for k, v in response.getheaders()},
                    response.read().decode("utf-8", "replace"),
                )
                for raw in response.headers.get_all("Set-Cookie") or []:
                    for name, morsel in SimpleCookie(raw).items():
                        self.cookies[name] = morsel.value
            finally:
                conn.close()
        except OSError:
            answer = Answer(None, {}, "")
        seconds = time.monotonic() - start
        self.ledger.samples.append(
            Sample(
                kind,
                label,
                answer.status,
                ok(answer),
                start,
                seconds,
                answer.headers.get("retry-after"),
            )
        )
        return answer

    def login(self, username: str, password: str) -> bool:
        page = self.request("login", "GET /login", "GET", "/login")
        token = _token(page.body)
        if not token:
            return False
        answer = self.request(
            "login",
            "POST /login",
            "POST",
            "/login",
            [("csrf_token", token), ("username", username), ("password", password)],
            ok=lambda a: a.status == 302,
        )
        return answer.status == 302 and "/login" not in answer.headers.get("location", "")

    def csrf(self) -> tuple[int | None, str]:
        """(status, token) from the outbox's token endpoint; 401 means signed out."""
        answer = self.request("token", "GET /session/csrf", "GET", "/session/csrf")
        if answer.status != 200:
            return answer.status, ""
        return 200, json.loads(answer.body)["token"]


def _token(html: str) -> str:
    marker = 'name="csrf_token" type="hidden" value="'
    at = html.find(marker)
    return html[at + len(marker) : html.find('"', at + len(marker))] if at >= 0 else ""


def saved(answer: Answer) -> bool:
    """A success answer to a contact POST: the replay's 201, htmx's timeline swap, or the
    plain form's redirect to the household page with `saved=<key>`."""
    if answer.status == 201:
        return True
    if answer.status == 200:
        return answer.headers.get("hx-retarget") == "#timeline"
    return answer.status == 302 and "saved=" in answer.headers.get("location", "")


def reason(answer: Answer) -> str:
    """Why a save was refused: the 422's text or the error messages of the form shown again."""
    if answer.status == 422:
        return answer.body[:200]
    return " ".join(re.findall(r'class="error"[^>]*>([^<]+)<', answer.body))[:200]


@dataclass
class Entry:
    """A note the phone holds until the server confirmed it (the outbox's entry)."""

    key: str
    url: str
    fields: Fields
    attempts: int = 0
    due: float = 0.0
    history: list[int | None] = field(default_factory=list)


class Outbox:
    """Unconfirmed entries are resent as replays (X-Outbox-Replay, fresh CSRF token) with
    exponential backoff; 4xx other than 401/429 means "needs correction" and stops."""

    def __init__(self, phone: Phone, rng: random.Random, relogin: Callable[[], bool]) -> None:
        self.phone = phone
        self.rng = rng
        self.relogin = relogin
        self.waiting: dict[str, Entry] = {}

    def outcome(self, entry: Entry, answer: Answer) -> None:
        """Book one answer to a POST of this entry."""
        ledger = self.phone.ledger
        entry.history.append(answer.status)
        with ledger.lock:
            if answer.status == 500:
                ledger.saw_500.add(entry.key)
            if saved(answer):
                ledger.confirmed.add(entry.key)
                self.waiting.pop(entry.key, None)
                return
            if entry.key in ledger.confirmed:
                return  # a concurrent copy already got its answer
        if answer.status is None or answer.status in RETRY or answer.status == 401:
            entry.attempts += 1
            backoff = min(2.0**entry.attempts, 16.0) * self.rng.uniform(0.5, 1.0)
            hint = answer.headers.get("retry-after", "")
            if hint.isdigit():
                backoff = max(backoff, min(float(hint), 60.0))
            entry.due = time.monotonic() + backoff
            self.waiting[entry.key] = entry
        else:  # 400/403/404/422 or a form shown again: the phone asks for a correction
            with ledger.lock:
                ledger.refused[entry.key] = (answer.status, reason(answer))
            self.waiting.pop(entry.key, None)

    def replay(self, entry: Entry) -> None:
        status, token = self.phone.csrf()
        if status == 401 and self.relogin():
            status, token = self.phone.csrf()
        if not token:  # no token, no connection either: the entry stays and waits
            self.outcome(entry, Answer(status if status == 401 else None, {}, ""))
            return
        answer = self.phone.request(
            "write",
            "POST contact (outbox replay)",
            "POST",
            entry.url,
            replace(entry.fields, "csrf_token", [token]),
            {"X-Outbox-Replay": "1", "X-CSRFToken": token},
            ok=saved,
        )
        self.outcome(entry, answer)

    def send_due(self, until: float) -> None:
        for entry in sorted(self.waiting.values(), key=lambda e: e.due):
            if time.monotonic() >= until:
                return
            if entry.due <= time.monotonic():
                self.replay(entry)
