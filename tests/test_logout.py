"""Logging out ends the session for good: a copied cookie no longer opens anything, and a form
token from before the logout is refused after the next login."""

from __future__ import annotations

from flask import Flask

from app.extensions import db
from app.households.models import Household
from tests.conftest import Browser


def _copy_of(b: Browser, app: Flask) -> Browser:
    """A second browser holding the same session cookie (a stolen or cached copy)."""
    thief = Browser(app.test_client())
    cookie = b.client.get_cookie("session")
    thief.client.set_cookie("session", cookie.value)
    thief.csrf = b.csrf
    return thief


def test_old_cookie_after_logout_opens_nothing(app, login, county):
    hid = county.household_a.id
    b = login("manager")
    assert b.get(f"/households/{hid}").status_code == 200
    copy = _copy_of(b, app)
    assert copy.get(f"/households/{hid}").status_code == 200  # the copy works before logout
    b.logout()
    for url in (f"/households/{hid}", f"/households/{hid}/contacts.pdf", "/households"):
        r = copy.get(url)
        assert r.status_code == 302 and r.headers["Location"].startswith("/login"), url
        assert b"Haddad" not in r.data
    r = copy.post(f"/households/{hid}/close", {"reason": "moved_away", "closed_on": "2026-01-15"})
    assert r.status_code in (302, 400) and "/households/" not in r.headers.get("Location", "")
    db.session.expire_all()
    assert db.session.get(Household, hid).status != "closed"
    # Replaying the old cookie again and again does not revive it.
    assert copy.get(f"/households/{hid}").status_code == 302


def test_logout_ends_the_users_other_sessions_too(login, county):
    phone, laptop = login("manager"), login("manager")
    laptop.logout()
    r = phone.get("/households")
    assert r.status_code == 302 and r.headers["Location"].startswith("/login")


def test_csrf_token_from_before_logout_is_refused_after_next_login(login, county):
    hid = county.household_a.id
    b = login("manager")
    b.get(f"/households/{hid}")
    old_token = b.csrf
    b.logout()
    assert b.login("manager").status_code == 302
    r = b.post(
        f"/households/{hid}/close",
        {"reason": "moved_away", "closed_on": "2026-01-15", "csrf_token": old_token},
    )
    assert r.status_code == 400
    db.session.expire_all()
    assert db.session.get(Household, hid).status != "closed"
    # The page's own fresh token still works.
    b.get(f"/households/{hid}/close")
    assert b.csrf != old_token
    r = b.post(f"/households/{hid}/close", {"reason": "moved_away", "closed_on": "2026-01-15"})
    assert r.status_code == 302
    db.session.expire_all()
    assert db.session.get(Household, hid).status == "closed"
