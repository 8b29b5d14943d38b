"""Login and logout."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user

from app.accounts import services
from app.accounts.forms import LoginForm
from app.audit.services import record
from app.extensions import db
from app.i18n import local_time
from app.redirects import safe_next
from app.security import services as security

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        keys = services.throttle_keys(form.username.data, request.remote_addr)
        user = services.find_user(form.username.data)
        if until := services.locked_until(keys):
            record("login_locked", "user", user.id if user else None, user_id=user and user.id)
            db.session.commit()
            form.password.errors.append(
                _(
                    "Zu viele Fehlversuche. Bitte versuchen Sie es nach %(time)s Uhr erneut.",
                    time=local_time(until),
                )
            )
            return render_template("accounts/login.html", form=form), 429
        if services.authenticate(user, form.password.data):
            if security.is_enrolled(user):
                # Password right; the second factor decides (failures are cleared there).
                security.begin_pending_login(user, safe_next(request.args.get("next")))
                record("login_password_ok", "user", user.id, user_id=user.id)
                db.session.commit()
                return redirect(url_for("security.verify_2fa"))
            services.clear_failures(user.username, request.remote_addr)
            login_user(user)
            record("login", "user", user.id, user_id=user.id)
            db.session.commit()
            return redirect(safe_next(request.args.get("next")) or url_for("main.home"))
        locked = services.register_failure(keys)
        record("login_failed", "user", user.id if user else None, user_id=user and user.id)
        db.session.commit()
        form.password.errors.append(
            _("Zu viele Fehlversuche: Die Anmeldung ist vorübergehend gesperrt.")
            if locked
            else _("Benutzername oder Passwort ist falsch.")
        )
        return render_template("accounts/login.html", form=form), 401
    return render_template("accounts/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    record("logout", "user", current_user.id)
    security.sign_out(current_user._get_current_object())
    db.session.commit()
    flash(_("Sie sind abgemeldet."), "info")
    return redirect(url_for("auth.login"))
