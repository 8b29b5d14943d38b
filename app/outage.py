"""Database outages answer 503 with Retry-After and a small page that needs no database.

A database that is down or restarting can fail anywhere in a request: in a view, in
Flask-Login's user loader (the first `current_user` access, also from a before_request hook, a
template or an after_request hook), in a commit, or while an error page for another error is
rendered. Every such failure ends here, never as a bare 500. The page is rendered straight from
the Jinja environment — no context processors, no `current_user`, no session query — in the
browser's language (the saved profile language would need the database).

The pool recovers by itself: `pool_pre_ping` (app/config.py) tests a connection before use, and
SQLAlchemy invalidates a connection whose error it recognises as a disconnect; after an outage
we also drop the pool's idle connections, which all died with the server.
"""

from __future__ import annotations

import contextlib
import logging

from flask import Flask, Response, current_app, g, request
from flask_babel import force_locale
from sqlalchemy import exc as sa_exc
from werkzeug.exceptions import InternalServerError

from app.extensions import db

log = logging.getLogger(__name__)

# Errors that mean "the database cannot be reached or is restarting", not "this request is
# wrong": psycopg's own errors (e.g. raised while connecting) and SQLAlchemy's wrappers.
OUTAGE_ERRORS: tuple[type[BaseException], ...] = (
    sa_exc.OperationalError,
    sa_exc.InterfaceError,
    sa_exc.DisconnectionError,
    sa_exc.TimeoutError,  # pool exhausted: every connection hangs on a dead server
)
try:
    import psycopg

    OUTAGE_ERRORS += (psycopg.OperationalError, psycopg.InterfaceError)
except ImportError:  # SQLite-only installs
    pass

UI_LOCALES = ("de", "en")


def is_outage(error: BaseException | None) -> bool:
    """True for a database outage, also when wrapped (an error page that failed)."""
    seen = 0
    while error is not None and seen < 5:
        if isinstance(error, OUTAGE_ERRORS):
            return True
        if isinstance(error, InternalServerError):
            error = error.original_exception
        else:
            error = error.__cause__ or error.__context__
        seen += 1
    return False


def outage_active() -> bool:
    """Set for the rest of a request once it met an outage: hooks must not touch the database."""
    return bool(g.get("db_outage"))


def outage_response(error: BaseException | None = None) -> Response:
    g.db_outage = True
    log.warning("database unavailable: %s", error)
    _release_connections()
    locale = request.accept_languages.best_match(UI_LOCALES) or "de"
    with force_locale(locale):
        # Straight from the environment: render_template would run the context processors.
        page = current_app.jinja_env.get_template("errors/unavailable.html")
        body = page.render(ui_locale=locale)
    seconds = current_app.config.get("OUTAGE_RETRY_AFTER_SECONDS", 15)
    response = Response(body, 503, mimetype="text/html")
    response.headers["Retry-After"] = str(seconds)
    response.headers["Cache-Control"] = "no-store"
    return response


def _release_connections() -> None:
    # The connection is gone: errors while letting go of it change nothing.
    with contextlib.suppress(Exception):
        db.session.rollback()
    with contextlib.suppress(Exception):
        db.session.remove()
        db.engine.pool.dispose()  # idle connections died with the server: do not reuse them


def register_outage_handling(app: Flask) -> None:
    app.config.setdefault("OUTAGE_RETRY_AFTER_SECONDS", 15)
    for error_class in OUTAGE_ERRORS:
        app.register_error_handler(error_class, outage_response)

    # Runs before Flask-SQLAlchemy's own teardown (registered earlier): the rollback of a
    # connection the server killed after the response was made must not turn it into a 500.
    @app.teardown_appcontext
    def release_session(_error: BaseException | None) -> None:
        try:
            db.session.remove()
        except OUTAGE_ERRORS:
            log.warning("database connection lost at the end of a request")
            db.session.registry.clear()
