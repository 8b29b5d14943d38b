"""Uploaded files between the steps of an import: kept in the instance folder (mode 0600) under
a random token, for IMPORT_TTL_SECONDS at most, deleted after the import or when cancelled.
The database never holds the file."""

from __future__ import annotations

import json
import os
import re
import secrets
import time
from pathlib import Path
from typing import Any

from flask import current_app

_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,60}$")


def _folder() -> Path:
    folder = Path(
        current_app.config.get("IMPORT_DIR") or Path(current_app.instance_path) / "imports"
    )
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def _ttl() -> int:
    return int(current_app.config.get("IMPORT_TTL_SECONDS", 3600))


def _write(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def purge_expired() -> None:
    limit = time.time() - _ttl()
    for path in _folder().glob("*.*"):
        try:
            if path.stat().st_mtime < limit:
                path.unlink()
        except FileNotFoundError:
            pass


def save(data: bytes, meta: dict[str, Any]) -> str:
    purge_expired()
    token = secrets.token_urlsafe(24)
    folder = _folder()
    _write(folder / f"{token}.bin", data)
    _write(folder / f"{token}.json", json.dumps(meta).encode())
    return token


def load(token: str | None, user_id: int) -> tuple[bytes, dict[str, Any]] | None:
    """The file and its notes, if the token is valid, not expired and the user's own."""
    if not token or not _TOKEN.match(token):
        return None
    folder = _folder()
    data_path, meta_path = folder / f"{token}.bin", folder / f"{token}.json"
    try:
        if meta_path.stat().st_mtime < time.time() - _ttl():
            delete(token)
            return None
        meta = json.loads(meta_path.read_text())
        data = data_path.read_bytes()
    except (FileNotFoundError, ValueError):
        return None
    if meta.get("user_id") != user_id:
        return None
    return data, meta


def update(token: str, meta: dict[str, Any]) -> None:
    _write(_folder() / f"{token}.json", json.dumps(meta).encode())


def delete(token: str) -> None:
    if not _TOKEN.match(token or ""):
        return
    for suffix in (".bin", ".json"):
        (_folder() / f"{token}{suffix}").unlink(missing_ok=True)
