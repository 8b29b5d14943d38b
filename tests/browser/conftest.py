"""Browser tests: the app served on a loopback port, driven by Debian's Chromium."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator

import pytest
from flask import Flask
from werkzeug.serving import make_server

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# Without these flags Chromium tries to reach Google's hosts, which this network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PHONE = {"width": 360, "height": 740}


@pytest.fixture(scope="session")
def live_server(app: Flask) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


class _GermanChromium:
    """The browser, whose new contexts ask for German unless a test says otherwise: the
    interface follows the browser's language, and headless Chromium asks for en-US (its
    --lang switch does not change that; only a context's locale does)."""

    def __init__(self, browser) -> None:
        self._browser = browser

    def new_context(self, **kwargs):
        kwargs.setdefault("locale", "de-DE")
        return self._browser.new_context(**kwargs)

    def __getattr__(self, name: str):
        return getattr(self._browser, name)


@pytest.fixture(scope="session")
def chromium() -> Iterator[object]:
    if not shutil.which(CHROMIUM):
        message = f"Chromium not found at {CHROMIUM}: run ./dev.sh test to install it"
        if os.environ.get("CI"):
            pytest.fail(message)  # CI must run the browser tests, never skip them
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield _GermanChromium(browser)
        browser.close()


@pytest.fixture
def phone(chromium, live_server: str) -> Iterator[object]:
    context = chromium.new_context(
        viewport=PHONE, base_url=live_server, is_mobile=True, has_touch=True, device_scale_factor=2
    )
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def phone_without_worker(chromium, live_server: str) -> Iterator[object]:
    # page.route sees the page's own requests only when no service worker handles them.
    context = chromium.new_context(
        viewport=PHONE,
        base_url=live_server,
        service_workers="block",
        is_mobile=True,
        has_touch=True,
        timezone_id="Europe/Berlin",  # as the server's: datetime-local fields are local time
    )
    yield context.new_page()
    context.close()


def sign_in(page, username: str, password: str) -> None:
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("button[type=submit]")
    page.wait_for_url("**/")


def wait_until(page, script: str, arg=None, timeout_s: float = 15) -> None:
    """Poll an async script with page.evaluate (which awaits its promise) until it is truthy.
    page.wait_for_function would take a pending promise itself as a truthy answer."""
    from playwright.sync_api import Error

    for _ in range(int(timeout_s * 10)):
        try:
            if page.evaluate(script, arg):
                return
        except Error as error:  # the page navigated meanwhile (e.g. a reload): ask again
            if "context was destroyed" not in str(error):
                raise
        page.wait_for_timeout(100)
    raise AssertionError(f"timed out waiting for: {script}")
