"""A database that is down or restarting answers 503 with Retry-After and a static page that
needs no database, wherever the failure surfaces (user loader, view, commit, error page); the
pool recovers as soon as the database is back."""

from __future__ import annotations

import uuid

import psycopg
import pytest
from sqlalchemy import event, text
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import Session

from app import create_app
from app.contacts.models import Contact
from app.extensions import db
from app.outage import is_outage
from tests.conftest import TEST_HASH, Browser, count_rows, is_postgres
from tests.contacts_helpers import contact_payload, seed_topics

pytestmark = pytest.mark.usefixtures("consented")

GERMAN = "Vorübergehend nicht erreichbar"


class DatabaseDown:
    """Every new connection fails as a stopped server would; counts the attempts."""

    def __init__(self, engine) -> None:
        self.engine = engine
        self.attempts = 0

    def _refuse(self, dialect, conn_rec, cargs, cparams):
        self.attempts += 1
        raise dialect.loaded_dbapi.OperationalError("connection refused (database restarting)")

    @staticmethod
    def _stale(dbapi_conn, conn_rec, conn_proxy):
        # A connection checked out while the server "went away" (a request still in flight,
        # such as the service worker's background fetch) would come back to the pool alive.
        raise sa_exc.DisconnectionError("server closed the connection")

    def __enter__(self) -> DatabaseDown:
        self.engine.pool.dispose()  # the server went away with every pooled connection
        event.listen(self.engine, "do_connect", self._refuse)
        event.listen(self.engine, "checkout", self._stale)
        return self

    def __exit__(self, *exc) -> None:
        event.remove(self.engine, "checkout", self._stale)
        event.remove(self.engine, "do_connect", self._refuse)


def assert_outage_page(response, text_expected: str = GERMAN) -> None:
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) > 0
    assert response.headers["Cache-Control"] == "no-store"
    assert text_expected in response.text
    assert "csrf" not in response.text  # the static page, not a layout that needs a session


def test_signed_in_page_answers_503_from_the_user_loader_then_recovers(login, county, app):
    b = login("manager")
    household = f"/households/{county.household_a.id}"
    with DatabaseDown(db.engine) as down:
        response = b.get(household)
        assert_outage_page(response)
        # One failed connect (the user loader): neither the page nor a hook tried again.
        assert down.attempts == 1
        htmx = b.htmx_get(f"{household}/contacts/new?embedded=1")
        assert_outage_page(htmx)
        assert "HX-Retarget" not in htmx.headers  # nothing for htmx to swap over the form
    assert b.get(household).status_code == 200  # the pool connects again by itself


def test_outage_page_follows_the_browser_language(login, county):
    b = login("manager")
    with DatabaseDown(db.engine):
        english = b.client.get("/", headers={"Accept-Language": "en-GB,en;q=0.8"})
    assert_outage_page(english, "Temporarily unavailable")
    assert '<html lang="en">' in english.text


def test_outbox_replay_during_outage_is_503_and_saves_nothing(login, county, app):
    seed_topics()
    b = login("manager")
    token = b.get("/session/csrf").json["token"]
    data = contact_payload([county.person_a.id], idempotency_key=str(uuid.uuid4()))
    url = f"/households/{county.household_a.id}/contacts/new"
    with DatabaseDown(db.engine):
        response = b.post(url, data | {"csrf_token": token}, headers={"X-Outbox-Replay": "1"})
        assert_outage_page(response)
    assert count_rows(Contact) == 0
    again = b.post(url, data | {"csrf_token": token}, headers={"X-Outbox-Replay": "1"})
    assert again.status_code == 201  # the phone's retry after the outage
    assert count_rows(Contact) == 1


def test_failed_commit_answers_503_and_saves_nothing(login, county, monkeypatch):
    seed_topics()
    b = login("manager")
    b.get(f"/households/{county.household_a.id}/contacts/new")

    def lost(self):
        raise sa_exc.OperationalError(
            "COMMIT", {}, psycopg.OperationalError("server closed the connection unexpectedly")
        )

    monkeypatch.setattr(Session, "commit", lost)
    response = b.post(
        f"/households/{county.household_a.id}/contacts/new",
        contact_payload([county.person_a.id]),
    )
    assert_outage_page(response)
    monkeypatch.undo()
    assert count_rows(Contact) == 0


def test_connection_lost_at_the_end_of_a_request_keeps_the_answer(login, county, monkeypatch):
    b = login("manager")

    def lost(self):
        raise sa_exc.OperationalError(
            "ROLLBACK", {}, psycopg.OperationalError("terminating connection")
        )

    monkeypatch.setattr(Session, "close", lost)
    response = b.get(f"/households/{county.household_a.id}")
    monkeypatch.undo()
    assert response.status_code == 200 and "Haddad" in response.text


def test_error_page_during_outage_is_the_outage_page(login, county):
    # A form post without its CSRF token fails in the CSRF layer first; its error page (whose
    # layout asks for current_user) then meets the outage.
    b = login("manager")
    with DatabaseDown(db.engine):
        response = b.post("/logout", {"csrf_token": "wrong"})
    assert_outage_page(response)


def test_unreachable_postgresql_answers_503(tmp_path):
    """A test app pointed at a PostgreSQL port where nothing listens (on any test database)."""
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://postgres@127.0.0.1:9/none",
            "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"connect_timeout": 2}},
            "PASSWORD_HASH_METHOD": TEST_HASH,
            "ENFORCE_2FA": False,
        }
    )
    b = Browser(app.test_client())
    assert b.get("/login").status_code == 200  # the login form itself needs no database
    response = b.post("/login", {"username": "manager", "password": "x" * 12})
    assert_outage_page(response)
    with app.app_context():
        db.engine.dispose()


def test_outage_errors_are_recognised_also_when_wrapped():
    raw = psycopg.OperationalError("the database system is starting up")
    assert is_outage(raw)
    wrapped = sa_exc.OperationalError("SELECT 1", {}, raw)
    assert is_outage(wrapped)
    try:
        try:
            raise wrapped
        except sa_exc.OperationalError as inner:
            raise RuntimeError("template failed") from inner
    except RuntimeError as outer:
        assert is_outage(outer)
    assert not is_outage(sa_exc.IntegrityError("INSERT", {}, Exception("duplicate")))
    assert not is_outage(ValueError("bad input"))


def test_connections_killed_by_the_server_are_replaced(login, county, app, ctx):
    """As after a PostgreSQL restart: the pooled connections are dead, requests still work."""
    if not is_postgres():
        pytest.skip("terminating server connections is PostgreSQL")
    b = login("manager")
    household = f"/households/{county.household_a.id}"
    assert b.get(household).status_code == 200
    db.session.remove()  # the test's own session must not hold a connection that dies
    with db.engine.connect() as conn:
        killed = conn.execute(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        ).scalar()
    assert killed >= 1
    assert b.get(household).status_code == 200
