"""Own account: password, two-factor setup; the second login step; admin 2FA settings."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import refresh
from flask_login import current_user, login_required, login_user
from werkzeug.security import check_password_hash

from app.access import admin_required
from app.accounts import services as accounts
from app.accounts.models import User
from app.audit.services import record
from app.extensions import db
from app.i18n import local_time
from app.redirects import safe_next
from app.security import services
from app.security.forms import (
    CodeForm,
    LanguageForm,
    OrganisationSecurityForm,
    OwnPasswordForm,
    PasswordConfirmForm,
)

bp = Blueprint("security", __name__)

# Endpoints reachable while a mandatory two-factor enrolment is outstanding.
_ENROLMENT_OPEN = {"security.setup_2fa", "auth.logout", "static", "auth.login"}


@bp.before_app_request
def require_enrolment():
    if not current_user.is_authenticated or request.endpoint in _ENROLMENT_OPEN:
        return None
    if services.requires_2fa(current_user) and not services.is_enrolled(current_user):
        flash(
            _(
                "Für Ihr Konto ist die Zwei-Faktor-Anmeldung vorgeschrieben. "
                "Bitte richten Sie sie jetzt ein."
            ),
            "info",
        )
        return services.redirect_to(url_for("security.setup_2fa"))
    return None


@bp.app_context_processor
def security_helpers() -> dict:
    return {"two_factor_enrolled": services.is_enrolled}


# --- second login step ------------------------------------------------------------------------


@bp.route("/login/2fa", methods=["GET", "POST"])
def verify_2fa():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    user, next_url = services.pending_user()
    if user is None:
        flash(_("Bitte melden Sie sich erneut an."), "info")
        return redirect(url_for("auth.login"))
    form = CodeForm()
    if form.validate_on_submit():
        keys = accounts.throttle_keys(user.username, request.remote_addr)
        if until := accounts.locked_until(keys):
            record("login_locked", "user", user.id, user_id=user.id)
            db.session.commit()
            form.code.errors.append(
                _(
                    "Zu viele Fehlversuche. Bitte versuchen Sie es nach %(time)s Uhr erneut.",
                    time=local_time(until),
                )
            )
            return render_template("security/verify.html", form=form), 429
        method = services.verify_second_factor(user, form.code.data)
        if method:
            services.clear_pending()
            accounts.clear_failures(user.username, request.remote_addr)
            login_user(user)
            record("login", "user", user.id, f"2fa: {method}", user_id=user.id)
            db.session.commit()
            if method == "recovery":
                flash(
                    _(
                        "Sie haben einen Wiederherstellungscode benutzt. Es bleiben %(n)s.",
                        n=services.remaining_recovery_codes(user),
                    ),
                    "info",
                )
            return redirect(safe_next(next_url, url_for("main.home")))
        locked = accounts.register_failure(keys)
        record("2fa_failed", "user", user.id, user_id=user.id)
        db.session.commit()
        form.code.errors.append(
            _("Zu viele Fehlversuche: Die Anmeldung ist vorübergehend gesperrt.")
            if locked
            else _("Der Code ist falsch oder abgelaufen.")
        )
        return render_template("security/verify.html", form=form), 401
    return render_template("security/verify.html", form=form)


# --- own account ------------------------------------------------------------------------------


@bp.get("/account")
@login_required
def account():
    return render_template(
        "security/account.html",
        enrolled=services.is_enrolled(current_user),
        required=services.requires_2fa(current_user),
        remaining=services.remaining_recovery_codes(current_user),
        language_form=LanguageForm(locale=current_user.locale or ""),
    )


@bp.post("/account/language")
@login_required
def set_language():
    form = LanguageForm()
    if form.validate_on_submit():
        current_user.locale = form.locale.data or None
        db.session.commit()
        refresh()  # the confirmation already speaks the new language
        flash(_("Die Sprache wurde gespeichert."), "success")
    return redirect(url_for(".account"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = OwnPasswordForm(username=current_user.username)
    if form.validate_on_submit():
        if not check_password_hash(current_user.password_hash, form.current_password.data):
            record("password_change_failed", "user", current_user.id)
            db.session.commit()
            form.current_password.errors.append(_("Das aktuelle Passwort ist falsch."))
            return render_template("security/password.html", form=form), 400
        current_user.password_hash = accounts.hash_password(form.password.data)
        current_user.end_other_sessions()
        record("password_change", "user", current_user.id)
        db.session.commit()
        login_user(current_user._get_current_object())  # this session stays signed in
        flash(_("Ihr Passwort wurde geändert."), "success")
        return redirect(url_for(".account"))
    return render_template("security/password.html", form=form)


@bp.route("/account/2fa/setup", methods=["GET", "POST"])
@login_required
def setup_2fa():
    if services.is_enrolled(current_user):
        flash(_("Die Zwei-Faktor-Anmeldung ist bereits eingerichtet."), "info")
        return redirect(url_for(".account"))
    cred = services.start_enrolment(current_user)
    db.session.commit()
    form = CodeForm()
    if form.validate_on_submit():
        codes = services.confirm_enrolment(current_user, form.code.data)
        if codes:
            db.session.commit()
            # Shown once, in this response only: never stored in plain text or in the session.
            return render_template("security/recovery_codes.html", codes=codes)
        record("2fa_failed", "user", current_user.id, "enrolment")
        db.session.commit()
        form.code.errors.append(
            _("Der Code ist falsch. Bitte den aktuellen Code aus der App eingeben.")
        )
    uri = services.provisioning_uri(current_user, cred)
    return render_template(
        "security/setup.html",
        form=form,
        secret=cred.secret,
        qr=services.qr_data_uri(uri),
        required=services.requires_2fa(current_user),
    )


@bp.post("/account/2fa/recovery-codes")
@login_required
def regenerate_recovery_codes():
    form = PasswordConfirmForm()
    if not services.is_enrolled(current_user):
        flash(_("Die Zwei-Faktor-Anmeldung ist nicht eingerichtet."), "error")
        return redirect(url_for(".account"))
    if form.validate_on_submit() and check_password_hash(
        current_user.password_hash, form.password.data
    ):
        codes = services.new_recovery_codes(current_user)
        record("2fa_recovery_codes", "user", current_user.id)
        db.session.commit()
        return render_template("security/recovery_codes.html", codes=codes)
    flash(_("Das Passwort ist falsch."), "error")
    return redirect(url_for(".account"))


@bp.post("/account/2fa/disable")
@login_required
def disable_2fa():
    form = PasswordConfirmForm()
    if services.requires_2fa(current_user):
        flash(_("Für Ihr Konto ist die Zwei-Faktor-Anmeldung vorgeschrieben."), "error")
    elif form.validate_on_submit() and check_password_hash(
        current_user.password_hash, form.password.data
    ):
        services.remove_2fa(current_user)
        record("2fa_disabled", "user", current_user.id)
        db.session.commit()
        flash(_("Die Zwei-Faktor-Anmeldung ist ausgeschaltet."), "success")
    else:
        flash(_("Das Passwort ist falsch."), "error")
    return redirect(url_for(".account"))


# --- admin ------------------------------------------------------------------------------------


@bp.route("/admin/security", methods=["GET", "POST"])
@admin_required
def organisation_settings():
    org = current_user.organisation
    form = OrganisationSecurityForm(obj=org)
    if form.validate_on_submit():
        if org.enforce_2fa_all != form.enforce_2fa_all.data:
            org.enforce_2fa_all = form.enforce_2fa_all.data
            record("update", "organisation", org.id, "enforce_2fa_all")
            db.session.commit()
        flash(_("Einstellung gespeichert."), "success")
        return redirect(url_for(".organisation_settings"))
    return render_template("security/organisation.html", form=form, org=org)


@bp.post("/admin/users/<int:user_id>/reset-2fa")
@admin_required
def reset_user_2fa(user_id: int):
    user = db.session.get(User, user_id)
    if user is None or user.organisation_id != current_user.organisation_id:
        abort(404)
    services.remove_2fa(user)
    record("2fa_reset", "user", user.id)
    db.session.commit()
    flash(
        _(
            "Zwei-Faktor-Anmeldung für „%(name)s“ zurückgesetzt. "
            "Das Konto richtet sie bei der nächsten Anmeldung neu ein.",
            name=user.username,
        ),
        "success",
    )
    return redirect(url_for("admin_users.index"))
