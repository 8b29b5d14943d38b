"""Login, throttling, sessions, CSRF and the admin's account pages."""

from __future__ import annotations

from sqlalchemy import select

from app import create_app
from app.accounts.models import LoginThrottle, User
from app.audit.models import AuditEvent
from app.extensions import db
from tests.conftest import PASSWORD, Browser


def test_login_and_logout(browser, county):
    response = browser.login("manager")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "Manager" in browser.get("/").get_data(as_text=True)
    browser.logout()
    assert browser.get("/").status_code == 302


def test_login_redirects_only_to_local_next(browser, county):
    browser.get("/login")
    r = browser.post("/login?next=/households", {"username": "manager", "password": PASSWORD})
    assert r.headers["Location"] == "/households"
    browser.logout()
    browser.get("/login")
    r = browser.post("/login?next=//evil.example/x", {"username": "manager", "password": PASSWORD})
    assert r.headers["Location"] == "/"


def test_wrong_password_gives_german_message_and_is_audited(browser, county, ctx):
    browser.get("/login")
    r = browser.post("/login", {"username": "manager", "password": "falsch-falsch-falsch"})
    assert r.status_code == 401
    assert "Benutzername oder Passwort ist falsch." in r.get_data(as_text=True)
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert "login_failed" in actions


def test_session_cookie_flags(browser, county):
    response = browser.login("manager")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_post_without_csrf_token_is_refused(browser, county, ctx):
    browser.login("manager")
    before = db.session.scalar(select(db.func.count()).select_from(AuditEvent))
    r = browser.post(f"/households/{county.household_a.id}/reopen", csrf=False)
    assert r.status_code == 400
    assert "Formular ist abgelaufen" in r.get_data(as_text=True)
    assert db.session.scalar(select(db.func.count()).select_from(AuditEvent)) == before


def test_account_locks_after_repeated_failures_across_app_servers(app, county, ctx):
    """Two app instances on one database (two servers behind a load balancer) share the
    failure counter, so spreading attempts over servers does not help an attacker."""
    other_server = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "PASSWORD_HASH_METHOD": app.config["PASSWORD_HASH_METHOD"],
        }
    )
    servers = [Browser(app.test_client()), Browser(other_server.test_client())]
    for attempt in range(5):
        b = servers[attempt % 2]
        b.get("/login")
        b.post("/login", {"username": "manager", "password": f"wrong-password-{attempt}"})
    b = servers[1]
    b.get("/login")
    r = b.post("/login", {"username": "manager", "password": PASSWORD})
    assert r.status_code == 429
    assert "Zu viele Fehlversuche" in r.get_data(as_text=True)
    assert db.session.get(LoginThrottle, "pair:127.0.0.1|manager").locked_until is not None
    with other_server.app_context():
        db.session.remove()
        db.engine.dispose()


def test_admin_unlocks_locked_account(login, browser, county):
    for attempt in range(5):
        browser.get("/login")
        browser.post("/login", {"username": "manager", "password": f"wrong-{attempt}-xxxxx"})
    admin = login("admin")
    page = admin.get("/admin/users/").get_data(as_text=True)
    assert "gesperrt" in page
    admin.post(f"/admin/users/{county.users['manager'].id}/unlock")
    assert browser.login("manager").status_code == 302


def test_admin_creates_user_with_password_rules(login, county, ctx):
    admin = login("admin")
    data = {
        "username": "neu",
        "display_name": "Neue Kollegin",
        "email": "neu@example.org",
        "role": "manager",
        "team_id": str(county.team_a.id),
        "fte": "0.5",
        "qualification": "university",
        "password": "kurz",
    }
    r = admin.post("/admin/users/new", data)
    assert "mindestens 12 Zeichen" in r.get_data(as_text=True)
    r = admin.post("/admin/users/new", data | {"password": "passwort1234"})
    assert "zu leicht zu erraten" in r.get_data(as_text=True)
    r = admin.post("/admin/users/new", data | {"username": "MANAGER", "password": PASSWORD})
    assert "schon vergeben" in r.get_data(as_text=True)
    r = admin.post("/admin/users/new", data | {"team_id": "0", "password": PASSWORD})
    assert "brauchen ein Team" in r.get_data(as_text=True)
    assert db.session.scalar(select(User).where(User.username == "neu")) is None
    r = admin.post("/admin/users/new", data | {"password": "ein sehr langer satz als passwort"})
    assert r.status_code == 302
    user = db.session.scalar(select(User).where(User.username == "neu"))
    assert str(user.fte) == "0.50" and user.qualification == "university"
    assert user.password_hash.startswith("pbkdf2:") and "satz" not in user.password_hash
    fresh = Browser(admin.client._client.application.test_client())
    assert fresh.login("neu", "ein sehr langer satz als passwort").status_code == 302


def test_admin_resets_password_and_deactivates_user(login, browser, county, ctx):
    admin = login("admin")
    uid = county.users["colleague"].id
    r = admin.post(f"/admin/users/{uid}/password", {"password": "ein anderes langes passwort"})
    assert r.status_code == 302
    assert browser.login("colleague", "ein anderes langes passwort").status_code == 302
    browser.logout()
    admin.post(f"/admin/users/{uid}/deactivate", {"confirm": "y"})
    db.session.expire_all()
    user = db.session.get(User, uid)
    assert user.is_active_account is False and user.deactivated_at is not None
    assert browser.login("colleague", "ein anderes langes passwort").status_code == 401
    # Never deleted: the account and its history remain.
    assert "Colleague" in admin.get("/admin/users/").get_data(as_text=True)


def test_admin_edits_user_and_cannot_reach_other_organisation(login, county, ctx):
    admin = login("admin")
    uid = county.users["manager_b"].id
    data = {
        "username": "manager_b",
        "display_name": "Bea Beispiel",
        "email": "",
        "role": "team_lead",
        "team_id": str(county.team_b.id),
        "fte": "0.75",
        "qualification": "vocational",
    }
    assert admin.post(f"/admin/users/{uid}/edit", data).status_code == 302
    db.session.expire_all()
    user = db.session.get(User, uid)
    assert user.role == "team_lead" and user.display_name == "Bea Beispiel"
    town_user = county.users["town_manager"].id
    assert admin.get(f"/admin/users/{town_user}/edit").status_code == 404
    assert "Town_Manager" not in admin.get("/admin/users/").get_data(as_text=True)


def test_deactivated_user_session_ends(login, county, ctx):
    manager = login("colleague")
    admin = login("admin")
    admin.post(f"/admin/users/{county.users['colleague'].id}/deactivate", {"confirm": "y"})
    assert manager.get("/households").status_code == 302  # back to the login page


def test_admin_pages_speak_english(login, county):
    b = login("admin")
    english = {"Accept-Language": "en"}
    users = b.get("/admin/users/", headers=english).get_data(as_text=True)
    assert "Accounts" in users and "Integration manager" in users and "Deactivate" in users
    assert "Integrationsmanager:in" not in users and "Deaktivieren" not in users
    audit = b.get("/admin/audit/", headers=english).get_data(as_text=True)
    assert "Audit log" in audit and "Action" in audit and "Aktion" not in audit
    home = b.get("/", headers=english).get_data(as_text=True)
    assert "Manage accounts" in home and "active household" in home
    assert "Konten verwalten" not in home
    missing = b.get("/households/999999", headers=english).get_data(as_text=True)
    assert "Not found" in missing and "Nicht gefunden" not in missing
