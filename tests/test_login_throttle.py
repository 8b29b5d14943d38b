"""Login throttling behind a reverse proxy: an attacker is held per account and client address
and per address, without locking anybody else out (app/accounts/services.py, ProxyFix)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select, update
from werkzeug.middleware.proxy_fix import ProxyFix

from app import config as config_module
from app import create_app
from app.accounts.models import LoginThrottle
from app.extensions import db
from app.timeutil import utcnow
from tests.conftest import PASSWORD, Browser

ATTACKER, OFFICE, HOME = "203.0.113.7", "198.51.100.20", "192.0.2.33"


@pytest.fixture
def proxied(app: Flask) -> Iterator[Flask]:
    """The app as deployed behind one reverse proxy (TRUSTED_PROXIES=1), same database."""
    behind_proxy = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "PASSWORD_HASH_METHOD": app.config["PASSWORD_HASH_METHOD"],
            "ENFORCE_2FA": False,
            "TRUSTED_PROXIES": 1,
        }
    )
    yield behind_proxy
    with behind_proxy.app_context():
        db.session.remove()
        db.engine.dispose()


def client_at(app: Flask, address: str) -> Browser:
    """A browser whose requests reach the app through the proxy, which names the client."""
    b = Browser(app.test_client())
    b.client.environ_base["HTTP_X_FORWARDED_FOR"] = address
    return b


def fail(b: Browser, username: str, times: int) -> int:
    status = 0
    for attempt in range(times):
        status = b.login(username, f"falsches-passwort-{attempt}").status_code
    return status


def test_trusted_proxies_come_from_the_environment(monkeypatch, tmp_path: Path):
    monkeypatch.setenv("SECRET_KEY", "x")
    monkeypatch.setenv("TRUSTED_PROXIES", "2")
    assert config_module.from_environment(tmp_path)["TRUSTED_PROXIES"] == 2
    monkeypatch.delenv("TRUSTED_PROXIES")
    assert config_module.from_environment(tmp_path)["TRUSTED_PROXIES"] == 0


def test_proxy_fix_takes_the_client_address_from_the_proxy(proxied, app, county):
    assert isinstance(proxied.wsgi_app, ProxyFix)
    assert proxied.wsgi_app.x_for == 1 and proxied.wsgi_app.x_proto == 1
    assert not isinstance(app.wsgi_app, ProxyFix)  # default: no proxy is trusted
    # Only the address the proxy appended counts; what the client put before it does not.
    fail(client_at(proxied, f"10.6.6.6, {OFFICE}"), "manager", 1)
    keys = set(db.session.scalars(select(LoginThrottle.key)))
    assert keys == {"user:manager", f"pair:{OFFICE}|manager", f"ip:{OFFICE}"}


def test_clients_behind_the_proxy_are_throttled_separately(proxied, county):
    attacker = client_at(proxied, ATTACKER)
    assert fail(attacker, "manager", 5) == 401
    assert attacker.login("manager").status_code == 429  # held, even with the right password
    # The account's owner, at another address, is not.
    assert client_at(proxied, OFFICE).login("manager").status_code == 302


def test_hammering_one_account_locks_no_other_account(proxied, county):
    attacker = client_at(proxied, ATTACKER)
    fail(attacker, "manager", 40)  # attempts after the lock are refused, not counted
    assert client_at(proxied, OFFICE).login("colleague").status_code == 302
    assert client_at(proxied, HOME).login("manager").status_code == 302
    # From the attacker's address another account still signs in: far below the address limit.
    assert attacker.login("colleague").status_code == 302


def test_one_address_across_many_accounts_hits_the_address_limit(proxied, county):
    limit = proxied.config["LOGIN_MAX_FAILURES_IP"]
    assert limit >= 10 * proxied.config["LOGIN_MAX_FAILURES"]
    attacker = client_at(proxied, ATTACKER)
    statuses = [attacker.login(f"name{n}", "falsches-passwort").status_code for n in range(limit)]
    assert statuses[:-1] == [401] * (limit - 1)
    locked = attacker.login("manager")
    assert locked.status_code == 429 and "Zu viele Fehlversuche" in locked.get_data(as_text=True)
    # Everybody elsewhere signs in as usual.
    assert client_at(proxied, OFFICE).login("manager").status_code == 302


def test_guessing_spread_over_addresses_locks_only_that_account(proxied, county):
    per_account = proxied.config["LOGIN_MAX_FAILURES_ACCOUNT"]
    per_pair = proxied.config["LOGIN_MAX_FAILURES"]
    for n in range(per_account // per_pair):
        fail(client_at(proxied, f"203.0.113.{n + 10}"), "manager", per_pair)
    elsewhere = client_at(proxied, HOME)
    assert elsewhere.login("manager").status_code == 429
    assert elsewhere.login("colleague").status_code == 302


def test_a_successful_login_clears_the_accounts_counters(proxied, county):
    office = client_at(proxied, OFFICE)
    fail(office, "manager", 4)
    assert office.login("manager").status_code == 302
    office.logout()
    fail(office, "manager", 4)
    assert office.login("manager", PASSWORD).status_code == 302


def test_expired_counters_are_forgotten(proxied, county):
    """Counters keep client addresses no longer than their window (data minimisation)."""
    fail(client_at(proxied, HOME), "colleague", 1)
    with proxied.app_context():
        stale = utcnow() - timedelta(minutes=16)
        db.session.execute(update(LoginThrottle).values(window_started_at=stale))
        db.session.commit()
    fail(client_at(proxied, OFFICE), "manager", 1)
    keys = set(db.session.scalars(select(LoginThrottle.key)))
    assert keys == {"user:manager", f"pair:{OFFICE}|manager", f"ip:{OFFICE}"}
