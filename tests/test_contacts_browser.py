"""Quick entry in a real browser (headless Chromium over the DevTools protocol): htmx swap,
the note draft surviving a reload, no CSP violations. Skipped when Chromium is missing."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from app.contacts.models import Contact
from app.extensions import db
from tests.conftest import PASSWORD
from tests.contacts_helpers import make_contact, seed_topics

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
websocket = pytest.importorskip("websocket", reason="websocket-client is not installed")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed")


class Page:
    """A minimal DevTools-protocol client for one tab."""

    def __init__(self, ws_url: str) -> None:
        self.ws = websocket.create_connection(ws_url, timeout=20)
        self.next_id = 0
        self.events: list[dict] = []

    def send(self, method: str, **params) -> dict:
        self.next_id += 1
        message_id = self.next_id
        self.ws.send(json.dumps({"id": message_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == message_id:
                if "error" in message:
                    raise RuntimeError(message["error"])
                return message.get("result", {})
            self.events.append(message)

    def js(self, expression: str):
        result = self.send(
            "Runtime.evaluate", expression=expression, awaitPromise=True, returnByValue=True
        )
        if "exceptionDetails" in result:
            raise RuntimeError(result["exceptionDetails"])
        return result["result"].get("value")

    def wait_for(self, expression: str, timeout: float = 10) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                value = self.js(f"!!({expression})")
            except RuntimeError:
                value = None
            if value:
                return
            time.sleep(0.1)
        raise AssertionError(f"timed out waiting for {expression}")

    def goto(self, url: str) -> None:
        self.js("window.__loaded = false")
        self.send("Page.navigate", url=url)
        self.wait_for(
            f"document.readyState === 'complete' && location.href.startsWith({url.split('?')[0]!r})"
            " && window.__loaded !== false"
        )
        self.wait_for("window.htmx !== undefined")

    def close(self) -> None:
        self.ws.close()


@pytest.fixture
def server(app) -> Iterator[str]:
    srv = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.server_port}"
    srv.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def page() -> Iterator[Page]:
    profile = tempfile.mkdtemp(prefix="wb-chromium-")
    proc = subprocess.Popen(
        [
            CHROMIUM,
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-extensions",
            "--remote-debugging-port=0",
            f"--user-data-dir={profile}",
            "--window-size=360,800",
            "about:blank",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        port_file = Path(profile) / "DevToolsActivePort"
        deadline = time.monotonic() + 20
        while not port_file.exists() or not port_file.read_text().strip():
            if time.monotonic() > deadline:
                pytest.fail("Chromium did not start")
            time.sleep(0.1)
        port = port_file.read_text().split()[0]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=5) as r:
            targets = json.load(r)
        target = next(t for t in targets if t["type"] == "page")
        tab = Page(target["webSocketDebuggerUrl"])
        tab.send("Page.enable")
        tab.send("Runtime.enable")
        tab.send("Log.enable")
        yield tab
        tab.close()
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(profile, ignore_errors=True)


def _login(page: Page, base: str) -> None:
    page.goto(f"{base}/login")
    page.js(
        "document.querySelector('[name=username]').value = 'manager';"
        f"document.querySelector('[name=password]').value = {PASSWORD!r};"
        "document.querySelector('form').submit(); true"
    )
    page.wait_for(f"location.href === {base + '/'!r} && document.readyState === 'complete'")


def _open_entry(page: Page) -> str:
    page.js("document.querySelector('.quick-add a').click(); true")
    page.wait_for("document.querySelector('#contact-entry form.contact-form[data-enhanced]')")
    return page.js("document.querySelector('#contact-entry [name=idempotency_key]').value")


def test_quick_entry_with_htmx_keeps_draft_across_reload(app, county, server, page):
    seed_topics()
    household_id = county.household_a.id
    _login(page, server)
    page.goto(f"{server}/households/{household_id}")
    first_key = _open_entry(page)
    # Typing a note saves a draft (debounced) under household + idempotency key.
    page.js(
        "const n = document.querySelector('#contact-entry textarea[name=note]');"
        "n.value = 'Entwurf: Wohnungssuche besprochen';"
        "n.dispatchEvent(new Event('input', {bubbles: true})); true"
    )
    draft_name = f"wb-contact-draft:{household_id}:{first_key}"
    page.wait_for(f"localStorage.getItem({draft_name!r}) !== null")

    # An accidental reload: the server renders a fresh key, the script restores the draft
    # and continues with the draft's key.
    page.goto(f"{server}/households/{household_id}")
    restored_key = _open_entry(page)
    assert restored_key == first_key
    assert (
        page.js("document.querySelector('#contact-entry textarea[name=note]').value")
        == "Entwurf: Wohnungssuche besprochen"
    )
    assert page.js("document.body.textContent.includes('Entwurf der Notiz wiederhergestellt')")

    # Choose a topic chip and save: the timeline is swapped in with the contact on top.
    page.js("document.querySelector('#contact-entry input[name=topics][value=housing]').click()")
    page.js("document.querySelector('#contact-entry button[type=submit]').click(); true")
    page.wait_for(
        "document.querySelector('#timeline-items li.contact') && "
        "document.querySelector('#timeline-items li.contact').textContent"
        ".includes('Entwurf: Wohnungssuche besprochen')"
    )
    assert page.js("document.body.textContent.includes('Kontakt gespeichert.')")
    assert page.js("location.pathname") == f"/households/{household_id}"  # no navigation
    page.wait_for(f"localStorage.getItem({draft_name!r}) === null")
    # Leaving the page afterwards does not bring the saved note back as a draft.
    page.goto(f"{server}/tasks")
    assert page.js("Object.keys(localStorage).filter(k => k.startsWith('wb-contact-draft:'))") == []

    db.session.expire_all()
    contacts = db.session.scalars(select(Contact)).all()
    assert len(contacts) == 1
    assert contacts[0].idempotency_key == first_key
    assert [t.key for t in contacts[0].topics] == ["housing"]

    messages = json.dumps(page.events)
    assert "Content Security Policy" not in messages
    assert "Refused to" not in messages


def test_task_done_in_one_tap_and_validation_errors_stay_in_place(app, county, server, page):
    seed_topics()
    household_id = county.household_a.id
    contact = make_contact(
        county.household_a, county.users["manager"], tasks=[{"description": "Pass abholen"}]
    )
    task_id = contact.tasks[0].id
    _login(page, server)
    page.goto(f"{server}/tasks")
    page.js(f"document.querySelector('#task-{task_id} button.tick').click(); true")
    page.wait_for(f"document.querySelector('#task-{task_id}.done')")
    assert page.js("location.pathname") == "/tasks"
    db.session.expire_all()
    assert db.session.get(type(contact.tasks[0]), task_id).status == "done"

    # A validation error re-renders the form in place, keeping what was typed.
    page.goto(f"{server}/households/{household_id}")
    _open_entry(page)
    page.js(
        "const f = document.querySelector('#contact-entry form');"
        "f.querySelector('textarea[name=note]').value = 'Nicht verlieren';"
        "f.querySelectorAll('input[name=topics]').forEach(i => i.checked = false);"
        "f.querySelector('button[type=submit]').click(); true"
    )
    page.wait_for("document.querySelector('#contact-entry .error')")
    assert page.js("document.querySelector('#contact-entry').textContent").count(
        "mindestens ein Thema"
    )
    assert (
        page.js("document.querySelector('#contact-entry textarea[name=note]').value")
        == "Nicht verlieren"
    )
    assert page.js("location.pathname") == f"/households/{household_id}"
    db.session.expire_all()
    assert len(db.session.scalars(select(Contact)).all()) == 1
