"""`next` after login (password and 2FA step) and after ticking a task only ever leads to a
path on this site (app/redirects.py)."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from app.redirects import safe_next
from tests.conftest import Browser
from tests.contacts_helpers import make_contact
from tests.test_security import enrol, next_code

BYPASSES = [
    "//evil.example",
    "///evil.example",
    "////evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/\t/evil.example",
    "/%09/evil.example",
    "/%2F%2Fevil.example",
    "/%2f/evil.example",
    "%2F%2Fevil.example",
    "/%5Cevil.example",
    "/%255C%255Cevil.example",
    "/%25252F%25252Fevil.example",
    "https:evil.example",
    "https://evil.example",
    "http:/evil.example",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " //evil.example",
    "/\x00/evil.example",
    "/%00",
    "/\r\nSet-Cookie: x=1",
    "/%0d%0aSet-Cookie:%20x=1",
    "/\n/evil.example",
    "/\u200b/evil.example",
    "evil.example",
    "",
    None,
]


@pytest.mark.parametrize("target", BYPASSES)
def test_foreign_or_malformed_targets_are_refused(target):
    assert safe_next(target) is None
    assert safe_next(target, "/home") == "/home"


@pytest.mark.parametrize(
    "target", ["/", "/households/3", "/tasks?done=1&q=a%20b", "/households?q=M%C3%BCller#x"]
)
def test_own_paths_pass(target):
    assert safe_next(target, "/home") == target


def test_overlong_target_refused():
    assert safe_next("/" + "a" * 5000) is None


def _login_with_next(browser: Browser, raw_next: str):
    browser.get("/login")
    return browser.post(
        "/login?next=" + raw_next, {"username": "manager", "password": "ein-langes-test-passwort"}
    )


@pytest.mark.parametrize(
    "raw_next",
    ["/%09/evil.example", "%2F%2Fevil.example", "/%5Cevil.example", "https:evil.example"],
)
def test_login_never_redirects_to_another_host(browser, county, raw_next):
    r = _login_with_next(browser, raw_next)
    assert r.status_code == 302
    assert r.headers["Location"] == "/"


@pytest.mark.parametrize("raw_next", ["/%0d%0aSet-Cookie:%20x=1", "/%0aevil", "/%00"])
def test_login_next_with_control_characters_is_no_server_error(browser, county, raw_next):
    r = _login_with_next(browser, raw_next)
    assert r.status_code == 302
    assert r.headers["Location"] == "/"
    assert "Set-Cookie: x" not in str(r.headers)


def test_login_keeps_a_local_next(browser, county):
    r = _login_with_next(browser, quote("/households?q=a b", safe="/?="))
    assert r.status_code == 302 and r.headers["Location"] == "/households?q=a%20b"


def test_second_factor_step_never_redirects_to_another_host(app, login, county):
    secret, _codes = enrol(login("manager"))
    fresh = Browser(app.test_client())
    r = _login_with_next(fresh, "/%09/evil.example")
    assert r.status_code == 302 and r.headers["Location"].endswith("/login/2fa")
    fresh.get("/login/2fa")
    r = fresh.post("/login/2fa", {"code": next_code(secret)})
    assert r.status_code == 302 and r.headers["Location"] == "/"


@pytest.mark.parametrize(("raw_next", "expected"), [("/%09/evil.example", "/tasks"), ("/", "/")])
def test_task_toggle_next_stays_on_site(login, county, raw_next, expected):
    contact = make_contact(county.household_a, county.users["manager"], tasks=[{}])
    b = login("manager")
    b.get("/tasks")
    r = b.post(f"/tasks/{contact.tasks[0].id}/status?next={raw_next}", {"done": "1"})
    assert r.status_code == 302 and r.headers["Location"] == expected
