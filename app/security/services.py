"""Two-factor login, recovery codes, idle timeout — plain functions, little HTTP."""

from __future__ import annotations

import base64
import secrets
import time

import pyotp
import segno
from flask import current_app, flash, make_response, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user
from sqlalchemy import delete, select
from werkzeug.security import check_password_hash

from app.accounts import roles
from app.accounts.models import User
from app.accounts.services import hash_password
from app.audit.services import record
from app.extensions import db, htmx
from app.security.models import RecoveryCode, TotpCredential
from app.timeutil import utcnow

ISSUER = "Wegbegleiter"
RECOVERY_CODE_COUNT = 10
LAST_SEEN = "last_seen"
PENDING = "2fa_pending"
PENDING_SECONDS = 300
# Roles that must always use two-factor login.
MANDATORY_ROLES = frozenset({roles.ADMIN, roles.TEAM_LEAD})


# --- idle timeout -----------------------------------------------------------------------------


def enforce_idle_timeout():
    """Log out a session idle for longer than SESSION_IDLE_MINUTES; otherwise note the
    activity. Returns a response when the user was logged out."""
    if request.endpoint == "static" or not current_user.is_authenticated:
        return None
    now = int(time.time())
    last = session.get(LAST_SEEN)
    limit = current_app.config["SESSION_IDLE_MINUTES"] * 60
    if isinstance(last, int) and now - last > limit:
        record("session_timeout", "user", current_user.id)
        db.session.commit()
        logout_user()
        session.clear()
        flash(
            _(
                "Sie wurden nach %(n)s Minuten ohne Aktivität automatisch abgemeldet. "
                "Bitte melden Sie sich erneut an.",
                n=current_app.config["SESSION_IDLE_MINUTES"],
            ),
            "info",
        )
        return redirect_to(url_for("auth.login"))
    session[LAST_SEEN] = now
    return None


def redirect_to(target: str):
    """A redirect; for htmx requests an HX-Redirect (the browser's XHR would otherwise follow a
    302 silently and swap the login page into a fragment)."""
    if htmx:
        response = make_response("", 200)
        response.headers["HX-Redirect"] = target
        return response
    return redirect(target)


# --- signing out ---------------------------------------------------------------------------


def sign_out(user: User) -> None:
    """End this session and every copy of its cookie: the new session token makes the login id
    in any old cookie invalid (app/web.py load_user), and clearing the session drops its CSRF
    token, so a form token from before does not work after the next login either."""
    user.end_other_sessions()
    logout_user()
    session.clear()


# --- two-factor -------------------------------------------------------------------------------


def credential(user: User) -> TotpCredential | None:
    return db.session.get(TotpCredential, user.id)


def is_enrolled(user: User) -> bool:
    cred = credential(user)
    return cred is not None and cred.confirmed_at is not None


def requires_2fa(user: User) -> bool:
    """Mandatory for admins and team leads; for every account of an organisation that enforces
    it for all. ENFORCE_2FA=False switches the obligation off (tests only)."""
    if not current_app.config.get("ENFORCE_2FA", True):
        return False
    return user.role in MANDATORY_ROLES or bool(user.organisation.enforce_2fa_all)


def start_enrolment(user: User) -> TotpCredential:
    """A new (unconfirmed) secret, replacing an unconfirmed earlier one."""
    cred = credential(user)
    if cred is None:
        cred = TotpCredential(user_id=user.id, secret=pyotp.random_base32())
        db.session.add(cred)
    db.session.flush()
    return cred


def provisioning_uri(user: User, cred: TotpCredential) -> str:
    return pyotp.TOTP(cred.secret).provisioning_uri(name=user.username, issuer_name=ISSUER)


def qr_data_uri(uri: str) -> str:
    svg = segno.make(uri, error="m").svg_inline(scale=5)
    if "xmlns=" not in svg:  # an SVG used as an image needs its namespace
        svg = svg.replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def _matching_step(cred: TotpCredential, code: str, now: float | None = None) -> int | None:
    """The time step whose code equals `code` (one step of clock drift either way)."""
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(cred.secret)
    now = time.time() if now is None else now
    for offset in (0, -1, 1):
        at = now + offset * totp.interval
        if secrets.compare_digest(totp.at(at), code):
            return int(at // totp.interval)
    return None


def verify_totp(cred: TotpCredential, code: str) -> bool:
    """A current code, never one that was accepted before (replay)."""
    step = _matching_step(cred, code)
    if step is None or step <= cred.last_step:
        return False
    cred.last_step = step
    return True


def confirm_enrolment(user: User, code: str) -> list[str] | None:
    """Confirm the pending secret with a first code; returns fresh recovery codes."""
    cred = credential(user)
    if cred is None or not verify_totp(cred, code):
        return None
    cred.confirmed_at = utcnow()
    codes = new_recovery_codes(user)
    record("2fa_enrolled", "user", user.id)
    return codes


def _normalise_recovery(code: str) -> str:
    return "".join(ch for ch in code.lower() if ch.isalnum())


def new_recovery_codes(user: User) -> list[str]:
    """Replace all recovery codes; the plain codes are shown once and never stored."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    codes = []
    for _index in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(alphabet) for _position in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
        db.session.add(RecoveryCode(user_id=user.id, code_hash=hash_password(raw)))
    db.session.flush()
    return codes


def use_recovery_code(user: User, code: str) -> bool:
    wanted = _normalise_recovery(code)
    if len(wanted) != 10:
        return False
    unused = db.session.scalars(
        select(RecoveryCode).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    )
    for row in unused:
        if check_password_hash(row.code_hash, wanted):
            row.used_at = utcnow()
            return True
    return False


def remaining_recovery_codes(user: User) -> int:
    return len(
        db.session.scalars(
            select(RecoveryCode.id).where(
                RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
            )
        ).all()
    )


def verify_second_factor(user: User, code: str) -> str | None:
    """'totp' or 'recovery' when the code is right, else None."""
    cred = credential(user)
    if cred is None or cred.confirmed_at is None:
        return None
    if verify_totp(cred, code):
        return "totp"
    if use_recovery_code(user, code):
        return "recovery"
    return None


def remove_2fa(user: User) -> None:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.execute(delete(TotpCredential).where(TotpCredential.user_id == user.id))


def begin_pending_login(user: User, next_url: str | None) -> None:
    session[PENDING] = {"uid": user.id, "at": int(time.time()), "next": next_url or ""}


def pending_user() -> tuple[User | None, str]:
    pending = session.get(PENDING)
    if not isinstance(pending, dict):
        return None, ""
    if int(time.time()) - int(pending.get("at", 0)) > PENDING_SECONDS:
        session.pop(PENDING, None)
        return None, ""
    user = db.session.get(User, int(pending.get("uid", 0)))
    if user is None or not user.is_active_account:
        return None, ""
    return user, str(pending.get("next") or "")


def clear_pending() -> None:
    session.pop(PENDING, None)
