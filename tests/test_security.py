from __future__ import annotations

import base64
import re
import time

import pyotp
import pytest
from sqlalchemy import func, select

from app.accounts.services import password_problem
from app.audit.models import AuditEvent
from app.extensions import db
from app.security.models import RecoveryCode, TotpCredential
from tests.conftest import PASSWORD, Browser
from tests.dp_helpers import page

_SECRET = re.compile(r'<code class="secret">([A-Z2-7]+)</code>')
_CODE = re.compile(r"<li><code>([a-z0-9]{5}-[a-z0-9]{5})</code></li>")


@pytest.fixture
def enforce_2fa(app, monkeypatch):
    monkeypatch.setitem(app.config, "ENFORCE_2FA", True)


def audit_count(action: str) -> int:
    return db.session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action)
    )


def enrol(b: Browser) -> tuple[str, list[str]]:
    html = page(b.get("/account/2fa/setup"))
    secret = _SECRET.search(html).group(1)
    qr = re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', html).group(1)
    assert b'xmlns="http://www.w3.org/2000/svg"' in base64.b64decode(qr)
    r = b.post("/account/2fa/setup", {"code": pyotp.TOTP(secret).now()})
    codes = _CODE.findall(page(r))
    assert len(codes) == 10
    return secret, codes


def next_code(secret: str, steps: int = 1) -> str:
    return pyotp.TOTP(secret).at(time.time() + 30 * steps)


def test_admin_must_enrol_before_anything_else(login, county, enforce_2fa):
    b = login("admin")
    r = b.get("/households")
    assert r.status_code == 302 and r.headers["Location"].endswith("/account/2fa/setup")
    assert b.get("/admin/users/").status_code == 302
    # A wrong first code is refused.
    html = page(b.get("/account/2fa/setup"))
    r = b.post("/account/2fa/setup", {"code": "000000"})
    assert "Der Code ist falsch" in page(r)
    assert "vorgeschrieben" in html
    _secret, codes = enrol(b)
    assert b.get("/households").status_code == 200
    # Recovery codes are stored hashed only.
    hashes = db.session.scalars(select(RecoveryCode.code_hash)).all()
    assert len(hashes) == 10
    assert not any(code.replace("-", "") in h for code in codes for h in hashes)
    assert audit_count("2fa_enrolled") == 1


def test_team_lead_is_forced_too_but_manager_is_not(login, county, enforce_2fa):
    assert login("lead").get("/households").status_code == 302
    assert login("manager").get("/households").status_code == 200


def test_login_with_second_factor_and_failures_audited(app, login, county, enforce_2fa):
    b = login("admin")
    secret, _codes = enrol(b)
    b.logout()
    fresh = Browser(app.test_client())
    r = fresh.login("admin")
    assert r.status_code == 302 and r.headers["Location"].endswith("/login/2fa")
    # Not logged in yet.
    assert fresh.get("/households").status_code == 302
    fresh.get("/login/2fa")
    r = fresh.post("/login/2fa", {"code": "123456"})
    assert r.status_code == 401 and "Der Code ist falsch oder abgelaufen" in page(r)
    assert audit_count("2fa_failed") == 1
    code = next_code(secret)
    r = fresh.post("/login/2fa", {"code": code})
    assert r.status_code == 302
    assert fresh.get("/households").status_code == 200
    # A code is never accepted twice.
    fresh.logout()
    fresh.login("admin")
    fresh.get("/login/2fa")
    r = fresh.post("/login/2fa", {"code": code})
    assert r.status_code == 401


def test_recovery_code_works_once(app, login, county):
    b = login("manager")  # optional for managers
    _secret, codes = enrol(b)
    b.logout()
    for attempt in (0, 1):
        fresh = Browser(app.test_client())
        fresh.login("manager")
        fresh.get("/login/2fa")
        r = fresh.post("/login/2fa", {"code": codes[0].upper()})
        if attempt == 0:
            assert r.status_code == 302
            assert "Es bleiben 9" in page(fresh.get("/"))
        else:
            assert r.status_code == 401


def test_2fa_failures_lock_the_account(app, login, county):
    b = login("manager")
    secret, _codes = enrol(b)
    b.logout()
    fresh = Browser(app.test_client())
    fresh.login("manager")
    fresh.get("/login/2fa")
    for _ in range(5):
        r = fresh.post("/login/2fa", {"code": "000000"})
    assert "vorübergehend gesperrt" in page(r)
    r = fresh.post("/login/2fa", {"code": next_code(secret)})
    assert r.status_code == 429


def test_admin_can_reset_a_users_2fa(login, county):
    manager = login("manager")
    enrol(manager)
    admin = login("admin")
    admin.get("/admin/users/")
    r = admin.post(f"/admin/users/{county.users['manager'].id}/reset-2fa")
    assert r.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(TotpCredential)) == 0
    assert audit_count("2fa_reset") == 1
    assert (
        login("lead").post(f"/admin/users/{county.users['manager'].id}/reset-2fa").status_code
        == 403
    )
    town = login("town_admin")
    assert town.post(f"/admin/users/{county.users['manager'].id}/reset-2fa").status_code == 404


def test_organisation_can_enforce_2fa_for_all(login, county, enforce_2fa, make):
    assert login("manager").get("/households").status_code == 200
    admin = login("admin")
    enrol(admin)
    admin.get("/admin/security")
    r = admin.post("/admin/security", {"enforce_2fa_all": "y"})
    assert r.status_code == 302
    db.session.expire_all()
    assert county.county.enforce_2fa_all
    r = login("manager").get("/households")
    assert r.status_code == 302 and r.headers["Location"].endswith("/account/2fa/setup")
    # Other organisations are unaffected.
    assert login("town_manager").get("/households").status_code == 200


def test_optional_2fa_can_be_switched_off_by_its_owner(login, county):
    b = login("manager")
    enrol(b)
    b.get("/account")
    r = b.post("/account/2fa/disable", {"password": "falsch-falsch-falsch"})
    assert "Das Passwort ist falsch" in page(b.get("/account"))
    r = b.post("/account/2fa/disable", {"password": PASSWORD})
    assert r.status_code == 302
    assert "nicht eingerichtet" in page(b.get("/account"))


def test_idle_session_is_logged_out_server_side(app, login, county):
    b = login("manager")
    assert b.get("/households").status_code == 200
    with b.client.session_transaction() as session:
        session["last_seen"] = int(time.time()) - 31 * 60
    r = b.get("/households")
    assert r.status_code == 302 and "/login" in r.headers["Location"]
    assert "ohne Aktivität automatisch abgemeldet" in page(b.get("/login"))
    assert b.get("/households").status_code == 302
    assert audit_count("session_timeout") == 1


def test_idle_htmx_request_redirects_the_whole_page(login, county):
    b = login("manager")
    with b.client.session_transaction() as session:
        session["last_seen"] = int(time.time()) - 31 * 60
    r = b.htmx_get("/households", target="household-list")
    assert r.status_code == 200 and r.headers["HX-Redirect"].endswith("/login")


def test_active_session_stays(app, login, county):
    b = login("manager")
    with b.client.session_transaction() as session:
        session["last_seen"] = int(time.time()) - 29 * 60
    assert b.get("/households").status_code == 200


def test_change_own_password(app, login, county):
    b = login("colleague")
    b.get("/account/password")
    r = b.post(
        "/account/password",
        {
            "current_password": "falsch",
            "password": "ein ganz neuer Satz",
            "repeat": "ein ganz neuer Satz",
        },
    )
    assert "Das aktuelle Passwort ist falsch" in page(r)
    r = b.post(
        "/account/password",
        {"current_password": PASSWORD, "password": "willkommen123", "repeat": "willkommen123"},
    )
    assert "zu leicht zu erraten" in page(r)
    r = b.post(
        "/account/password",
        {"current_password": PASSWORD, "password": "kurz", "repeat": "kurz"},
    )
    assert "mindestens 12 Zeichen" in page(r)
    r = b.post(
        "/account/password",
        {"current_password": PASSWORD, "password": "ein ganz neuer Satz", "repeat": "anders"},
    )
    assert "stimmen nicht überein" in page(r)
    r = b.post(
        "/account/password",
        {
            "current_password": PASSWORD,
            "password": "ein ganz neuer Satz",
            "repeat": "ein ganz neuer Satz",
        },
    )
    assert r.status_code == 302
    assert audit_count("password_change") == 1
    assert audit_count("password_change_failed") == 1
    fresh = Browser(app.test_client())
    assert fresh.login("colleague").status_code == 401
    assert fresh.login("colleague", "ein ganz neuer Satz").status_code == 302


@pytest.mark.parametrize(
    "password",
    [
        "integrationsmanagement",
        "Willkommen1234",
        "meinwegbegleiterkonto",
        "abcqwertzabc1",
        "aaaaaaaaaaaa",
    ],
)
def test_password_blocklist(password):
    assert password_problem(password) is not None


def test_good_passphrase_accepted():
    assert password_problem("Fahrrad am Neckar 2026") is None


def test_lockout_and_admin_unlock(app, login, county):
    b = Browser(app.test_client())
    for _ in range(5):
        r = b.login("colleague", "falsches-passwort-xx")
    assert "vorübergehend gesperrt" in page(r)
    r = b.login("colleague")
    assert r.status_code == 429 and "Zu viele Fehlversuche" in page(r)
    assert audit_count("login_failed") == 5
    assert audit_count("login_locked") == 1
    admin = login("admin")
    assert "gesperrt" in page(admin.get("/admin/users/"))
    r = admin.post(f"/admin/users/{county.users['colleague'].id}/unlock")
    assert r.status_code == 302
    assert audit_count("unlock") == 1
    assert Browser(app.test_client()).login("colleague").status_code == 302


def test_logins_are_audited(app, login, county):
    b = login("manager")
    b.logout()
    assert audit_count("login") == 1 and audit_count("logout") == 1
    Browser(app.test_client()).login("nobody-here", "irgendein-passwort")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "login_failed"))
    assert event.user_id is None and "nobody" not in event.detail


def test_login_and_account_pages_speak_english(login, county, browser):
    english = {"Accept-Language": "en"}
    page = browser.get("/login", headers=english).get_data(as_text=True)
    assert "Sign in" in page and "Password" in page and "Anmelden" not in page
    wrong = browser.post(
        "/login", {"username": "manager", "password": "wrong password"}, headers=english
    )
    assert "Username or password is incorrect." in wrong.get_data(as_text=True)
    b = login("manager")
    b.post("/account/language", data={"locale": "en"})
    page = b.get("/account/password", headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert "Current password" in page and "Aktuelles Passwort" not in page
    setup = b.get("/account/2fa/setup").get_data(as_text=True)
    assert "Set up two-factor sign-in" in setup and "Schlüssel" not in setup


def test_a_new_password_ends_the_other_sessions(app, login, county):
    """A phone left signed in somewhere is signed out once the password changes; the session
    that changed it stays signed in."""
    laptop, lost_phone = login("colleague"), login("colleague")
    assert lost_phone.get("/account").status_code == 200
    new = "ein ganz neuer Satz"
    r = laptop.post(
        "/account/password", {"current_password": PASSWORD, "password": new, "repeat": new}
    )
    assert r.status_code == 302
    assert laptop.get("/account").status_code == 200
    gone = lost_phone.get("/account")
    assert gone.status_code == 302 and "/login" in gone.headers["Location"]
    assert Browser(app.test_client()).login("colleague", new).status_code == 302


def test_a_password_reset_by_the_admin_ends_the_users_sessions(login, county):
    phone = login("colleague")
    admin = login("admin")
    uid = county.users["colleague"].id
    admin.post(f"/admin/users/{uid}/password", {"password": "ein anderes langes passwort"})
    gone = phone.get("/account")
    assert gone.status_code == 302 and "/login" in gone.headers["Location"]
    assert admin.get("/account").status_code == 200  # the admin's own session is untouched
