"""Blueprints, login loading, error pages, security headers and template helpers."""

from __future__ import annotations

import hmac
import importlib

from flask import Flask, render_template, request, session
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.exceptions import HTTPException

from app.assets import init_assets
from app.audit.refusals import record_refusal
from app.extensions import db, login_manager
from app.outage import (
    OUTAGE_ERRORS,
    is_outage,
    outage_active,
    outage_response,
    register_outage_handling,
)
from app.urls import IdConverter

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def register_web(app: Flask) -> None:
    from app.accounts.admin_routes import bp as admin_users_bp
    from app.accounts.models import User
    from app.accounts.routes import bp as auth_bp
    from app.appointments.routes import bp as appointments_bp
    from app.audit.routes import bp as audit_bp
    from app.consent.routes import bp as consent_bp
    from app.contacts.routes import bp as contacts_bp
    from app.finder.routes import bp as finder_bp
    from app.handover.routes import bp as handover_bp
    from app.households.routes import bp as households_bp
    from app.imports.routes import bp as imports_bp
    from app.indicators.routes import bp as indicators_bp
    from app.main.routes import bp as main_bp
    from app.merge.routes import bp as merge_bp
    from app.officehours.routes import bp as officehours_bp
    from app.plans.routes import bp as plans_bp
    from app.privacy.routes import bp as privacy_bp
    from app.pwa.routes import bp as pwa_bp
    from app.reports.experience_routes import bp as experience_bp
    from app.reports.routes import bp as reports_bp
    from app.security.routes import bp as security_bp
    from app.setup.routes import bp as setup_bp
    from app.setup.routes import firstrun_bp
    from app.staffing.routes import bp as staffing_bp
    from app.transfers.routes import bp as transfers_bp

    # Before any rule is added: every `<int:...>` of every blueprint is a bounded id.
    app.url_map.converters["int"] = IdConverter
    for bp in (
        main_bp,
        auth_bp,
        admin_users_bp,
        audit_bp,
        households_bp,
        pwa_bp,
        contacts_bp,
        consent_bp,
        security_bp,
        privacy_bp,
        indicators_bp,
        plans_bp,
        appointments_bp,
        officehours_bp,
        finder_bp,
        staffing_bp,
        experience_bp,
        reports_bp,
        setup_bp,
        imports_bp,
        firstrun_bp,
        handover_bp,
        transfers_bp,
        merge_bp,
    ):
        app.register_blueprint(bp)
    init_assets(app)
    # Subject access sections and anonymisers of the case-work features (registry plug-ins).
    importlib.import_module("app.privacy.features")

    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Bitte melden Sie sich an.")
    login_manager.localize_callback = str  # the flashed text is stored: a plain string
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(login_id: str) -> User | None:
        user_id, _, token = login_id.partition(".")
        if not user_id.isdigit():
            return None
        user = db.session.get(User, int(user_id))
        if user is None or not hmac.compare_digest(token, user.session_token or "0"):
            return None  # signed in before the password changed
        return user

    @app.before_request
    def idle_timeout():
        # A permanent session expires PERMANENT_SESSION_LIFETIME after the last request; the
        # server-side check uses the last-activity time stored in the session.
        session.permanent = True
        from app.security.services import enforce_idle_timeout

        return enforce_idle_timeout()

    @app.after_request
    def security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CSP)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        if request.is_secure:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        if "Cache-Control" not in headers and _maybe_signed_in():
            # Personal data must not linger in shared caches or the back/forward cache.
            headers["Cache-Control"] = "no-store"
        headers.add("Vary", "HX-Request")
        return response

    register_outage_handling(app)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if is_outage(error):  # a 500 wrapping a database outage
            return outage_response(error)
        record_refusal(error.code)
        if error.code and error.code >= 400:
            try:
                return render_template("errors/error.html", error=error), error.code
            except OUTAGE_ERRORS as outage:  # the layout asks for current_user
                return outage_response(outage)
        return error

    @app.template_filter("without_page")
    def without_page(args: dict) -> dict:
        return {k: v for k, v in args.items() if k != "page"}

    @app.context_processor
    def labels() -> dict:
        from app.accounts import roles
        from app.households import choices

        return {"choices": choices, "roles": roles}


def _maybe_signed_in() -> bool:
    """Whether the response may carry personal data; during an outage (the user loader cannot
    ask the database) the safe answer is yes."""
    if outage_active():
        return True
    try:
        return bool(current_user and current_user.is_authenticated)
    except OUTAGE_ERRORS:
        return True
