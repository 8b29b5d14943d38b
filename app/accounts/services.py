"""Passwords, login throttling and account changes — plain functions, no HTTP."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, func, select
from werkzeug.security import check_password_hash, generate_password_hash

from app.accounts import roles
from app.accounts.models import LoginThrottle, User
from app.collation import sorted_by_name
from app.extensions import db
from app.timeutil import utcnow

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 128
# NIST SP 800-63B: length and a blocklist of known-bad passwords, no composition rules.
_BLOCKLIST = {
    "passwort1234",
    "password1234",
    "123456789012",
    "qwertzuiopü",  # i18n: not UI
    "qwertyuiop12",
    "hallohallo12",
    "sommer2024!!",
    "winter2024!!",
    "wegbegleiter",
    "wegbegleiter1",
    "integration1",
    "integration123",
    "geheimgeheim",
    "letmeinletmein",
    "111111111111",
    "000000000000",
    "abcdefghijkl",
    "iloveyou1234",
    "einszweidrei",
    "passwort12345",
    "password12345",
    "1234567890ab",
    "qwertzuiop123",
    "asdfghjklöä1",  # i18n: not UI
    "sommer2025!!",
    "winter2025!!",
    "willkommen123",
    "willkommen1234",
    "hallo1234567",
    "admin1234567",
    "administrator",
    "landratsamt1",
    "landratsamt123",
    "landkreis1234",
    "goeppingen123",
    "göppingen1234",  # i18n: not UI
    "integrationsmanagement",
    "fluechtlinge123",
    "datenschutz123",
}
# Words that make a password guessable wherever they appear in it.
_BLOCKED_PARTS = ("wegbegleiter", "qwertz", "qwerty", "123456789")


def password_problem(password: str, *, username: str = "") -> str | None:
    """An explanation (in the interface language) of why the password is not acceptable, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return _("Das Passwort muss mindestens %(n)s Zeichen lang sein.", n=MIN_PASSWORD_LENGTH)
    if len(password) > MAX_PASSWORD_LENGTH:
        return _("Das Passwort darf höchstens %(n)s Zeichen lang sein.", n=MAX_PASSWORD_LENGTH)
    lowered = password.lower()
    if lowered in _BLOCKLIST or len(set(lowered)) < 4 or any(p in lowered for p in _BLOCKED_PARTS):
        return _("Dieses Passwort ist zu leicht zu erraten. Bitte wählen Sie ein anderes.")
    if username and username.lower() in lowered:
        return _("Das Passwort darf den Benutzernamen nicht enthalten.")
    return None


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def find_user(username: str) -> User | None:
    return db.session.scalar(
        select(User).where(func.lower(User.username) == username.strip().lower())
    )


def _throttle(key: str) -> LoginThrottle | None:
    return db.session.get(LoginThrottle, key, with_for_update=True)


# Throttle keys (LoginThrottle.key, 200 characters): "user:<name>" counts one account's failures
# from everywhere, "pair:<address>|<name>" those from one client address, "ip:<address>" one
# address's failures over all accounts. An attacker is held by the last two long before the
# first locks the account for its owner, and never locks anybody else's account.
_NAME_CHARS, _ADDRESS_CHARS = 140, 45  # 45: the longest textual IPv6 address


def _name(username: str) -> str:
    return username.strip().lower()[:_NAME_CHARS]


def throttle_keys(username: str, remote_addr: str | None) -> list[str]:
    name = _name(username)
    if not remote_addr:
        return [f"user:{name}"]
    address = remote_addr.replace("|", "")[:_ADDRESS_CHARS]  # "|" separates the pair key
    return [f"user:{name}", f"pair:{address}|{name}", f"ip:{address}"]


def throttled_username(key: str) -> str | None:
    """The (lower-case) account name a key counts failures of; None for address keys."""
    kind, _, rest = key.partition(":")
    if kind == "user":
        return rest
    if kind == "pair":
        return rest.partition("|")[2]
    return None


def _limit_for(key: str) -> int:
    setting = {"ip": "LOGIN_MAX_FAILURES_IP", "pair": "LOGIN_MAX_FAILURES"}
    return current_app.config[setting.get(key.partition(":")[0], "LOGIN_MAX_FAILURES_ACCOUNT")]


def locked_until(keys: list[str], now: datetime | None = None) -> datetime | None:
    now = now or utcnow()
    until = None
    for key in keys:
        row = db.session.get(LoginThrottle, key)
        if row and row.locked_until and row.locked_until > now:
            until = max(until, row.locked_until) if until else row.locked_until
    return until


def register_failure(keys: list[str], now: datetime | None = None) -> bool:
    """Count a failed login; returns True when this failure locks one of the keys."""
    now = now or utcnow()
    window = timedelta(minutes=current_app.config["LOGIN_LOCK_MINUTES"])
    # Counters hold client addresses: forget those whose window and lock have passed.
    db.session.execute(
        delete(LoginThrottle)
        .where(
            LoginThrottle.window_started_at < now - window,
            (LoginThrottle.locked_until.is_(None)) | (LoginThrottle.locked_until < now),
            LoginThrottle.key.not_in(keys),
        )
        .execution_options(synchronize_session=False)
    )
    locked = False
    for key in keys:
        row = _throttle(key)
        if row is None:
            row = LoginThrottle(key=key, failures=0, window_started_at=now)
            db.session.add(row)
        if row.window_started_at < now - window:
            row.failures, row.window_started_at = 0, now
        row.failures += 1
        if row.failures >= _limit_for(key):
            row.locked_until = now + window
            row.failures, row.window_started_at = 0, now
            locked = True
    return locked


def clear_failures(username: str, remote_addr: str | None) -> None:
    """After a successful login: forget this account's failures (the address's own count
    over all accounts stays, so a valid login does not reset an attacker's budget)."""
    for key in throttle_keys(username, remote_addr)[:2]:
        if (row := db.session.get(LoginThrottle, key)) is not None:
            db.session.delete(row)


def unlock_account(username: str) -> None:
    """The admin's unlock: the account's counters from every address."""
    name = _name(username)
    rows = db.session.scalars(
        select(LoginThrottle).where(
            (LoginThrottle.key == f"user:{name}")
            | (
                LoginThrottle.key.startswith("pair:")
                & LoginThrottle.key.endswith(f"|{name}", autoescape=True)
            )
        )
    )
    for row in rows:
        if throttled_username(row.key) == name:
            db.session.delete(row)


def locked_usernames(now: datetime | None = None) -> set[str]:
    """Lower-case names of accounts with a current lock (from one address or from all)."""
    rows = db.session.scalars(
        select(LoginThrottle.key).where(
            LoginThrottle.locked_until > (now or utcnow()),
            ~LoginThrottle.key.startswith("ip:"),
        )
    )
    return {name for key in rows if (name := throttled_username(key))}


def authenticate(user: User | None, password: str) -> bool:
    if user is None:
        # Same work as for a real account, so timing does not reveal which names exist.
        check_password_hash(_DUMMY_HASH.get(), password)
        return False
    return user.is_active_account and check_password_hash(user.password_hash, password)


class _LazyDummyHash:
    _value: str | None = None

    def get(self) -> str:
        if self._value is None:
            self._value = hash_password("not-a-real-password-for-timing")
        return self._value


_DUMMY_HASH = _LazyDummyHash()


def active_volunteers(organisation_id: int) -> list[User]:
    """Volunteers of an organisation who may be given tasks or appointments."""
    return sorted_by_name(
        db.session.scalars(
            select(User).where(
                User.organisation_id == organisation_id,
                User.role == roles.VOLUNTEER,
                User.is_active_account.is_(True),
            )
        ),
        lambda u: u.display_name,
    )
