"""Configuration from environment variables; secrets may live in the instance folder."""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path


def normalise_database_url(url: str) -> str:
    """Make plain PostgreSQL URLs use psycopg 3 (the only driver we install)."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _secret_key(instance_path: Path) -> str:
    if key := os.environ.get("SECRET_KEY"):
        return key
    return private_file_value(instance_path / "secret_key", lambda: secrets.token_hex(32))


def private_file_value(path: Path, make: Callable[[], str]) -> str:
    """The value stored in `path`, created once with `make()` (secret key, set-up code).

    O_EXCL: of several workers starting at once exactly one creates the file, and it is never
    readable by others (mode 0600 from the start, not after a chmod); the others wait briefly
    while it is still being written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w") as handle:
            handle.write(make())
    for _attempt in range(50):
        if value := path.read_text().strip():
            return value
        time.sleep(0.02)
    raise RuntimeError(f"{path} is empty: delete it to generate a new value")


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def from_environment(instance_path: Path) -> dict:
    sqlite_default = f"sqlite:///{instance_path / 'wegbegleiter.db'}"
    return {
        "SECRET_KEY": _secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(
            os.environ.get("DATABASE_URL", sqlite_default)
        ),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        # Reverse proxies in front of the app whose X-Forwarded-For/-Proto are believed (0: none,
        # the app faces the clients directly). Too high a number lets clients forge addresses.
        "TRUSTED_PROXIES": int(os.environ.get("TRUSTED_PROXIES", "0")),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE", False),
        "REMEMBER_COOKIE_HTTPONLY": True,
        # Idle timeout, enforced server-side from the last-activity time kept in the session
        # (app/security/services.py); the cookie lifetime only matches it.
        "SESSION_IDLE_MINUTES": int(os.environ.get("SESSION_IDLE_MINUTES", "30")),
        "PERMANENT_SESSION_LIFETIME": timedelta(
            minutes=int(os.environ.get("SESSION_IDLE_MINUTES", "30"))
        ),
        # Two-factor login is required for admins and team leads (and for all staff of an
        # organisation with enforce_2fa_all). Switching this off is for tests only.
        "ENFORCE_2FA": _bool("ENFORCE_2FA", True),
        # Months after closing a case until its personal data is anonymised.
        "RETENTION_MONTHS": int(os.environ.get("RETENTION_MONTHS", "24")),
        # Counselling longer than this is flagged on the retention page for closing.
        "MAX_COUNSELLING_MONTHS": int(os.environ.get("MAX_COUNSELLING_MONTHS", "36")),
        # Form posts are small; anything bigger is rejected with 413 before parsing.
        "MAX_CONTENT_LENGTH": int(os.environ.get("MAX_CONTENT_LENGTH", str(256 * 1024))),
        # Spreadsheet imports (app/imports/): file limit (never above MAX_CONTENT_LENGTH) and how
        # long an uploaded file waits in instance/imports/ between the steps.
        "IMPORT_MAX_BYTES": int(os.environ.get("IMPORT_MAX_BYTES", str(2 * 1024 * 1024))),
        "IMPORT_TTL_SECONDS": int(os.environ.get("IMPORT_TTL_SECONDS", "3600")),
        # Use WTForms' own German messages (app/forms.py) rather than Flask-Babel's hook.
        "WTF_I18N_ENABLED": False,
        "WTF_CSRF_TIME_LIMIT": int(os.environ.get("CSRF_TIME_LIMIT_SECONDS", str(8 * 3600))),
        # Failed logins within LOGIN_LOCK_MINUTES before a lock: for one account from one client
        # address; for one account from all addresses together (guessing spread over many
        # machines); from one address over all accounts (a town hall's NAT serves many staff).
        "LOGIN_MAX_FAILURES": int(os.environ.get("LOGIN_MAX_FAILURES", "5")),
        "LOGIN_MAX_FAILURES_ACCOUNT": int(os.environ.get("LOGIN_MAX_FAILURES_ACCOUNT", "20")),
        "LOGIN_MAX_FAILURES_IP": int(os.environ.get("LOGIN_MAX_FAILURES_IP", "100")),
        "LOGIN_LOCK_MINUTES": int(os.environ.get("LOGIN_LOCK_MINUTES", "15")),
        "PASSWORD_HASH_METHOD": os.environ.get("PASSWORD_HASH_METHOD", "scrypt"),
        "PAGE_SIZE": 25,
        # Household pages a manager opened that stay readable offline (service worker).
        "OFFLINE_PAGES": int(os.environ.get("OFFLINE_PAGES", "30")),
        # Seconds a client should wait after a 503 during a database outage (app/outage.py).
        "OUTAGE_RETRY_AFTER_SECONDS": int(os.environ.get("OUTAGE_RETRY_AFTER_SECONDS", "15")),
        # Key of the pseudonymised statistics export (HMAC-SHA256 of record ids); when empty a
        # key derived from SECRET_KEY. Changing it changes every pseudonym (docs/reports.md).
        "PSEUDONYM_KEY": os.environ.get("PSEUDONYM_KEY", ""),
        # The state count sheet's layout file (docs/reports.md); empty: instance/
        # countsheet_layout.csv when present, else app/indicators/countsheet_layout.csv.
        "COUNT_SHEET_LAYOUT": os.environ.get("COUNT_SHEET_LAYOUT", ""),
        # Every this many audit events the chain's head is checkpointed (app/audit), so that
        # removing the newest events is detected; `flask audit verify` checkpoints too.
        "AUDIT_CHECKPOINT_EVERY": int(os.environ.get("AUDIT_CHECKPOINT_EVERY", "100")),
    }
