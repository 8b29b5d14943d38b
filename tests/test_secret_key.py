"""The generated secret key: one key for all workers that start together, never readable by
other users of the machine, reused once written (app/config.py)."""

from __future__ import annotations

import os
import secrets
import threading
import time
from pathlib import Path

import pytest

from app import config


@pytest.fixture
def no_env_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SECRET_KEY", raising=False)


def test_concurrent_first_starts_share_one_key(tmp_path: Path, monkeypatch, no_env_key) -> None:
    real_token_hex = secrets.token_hex

    def slow_token_hex(n: int) -> str:
        time.sleep(0.05)  # widen the window in which another worker starts
        return real_token_hex(n)

    monkeypatch.setattr(config.secrets, "token_hex", slow_token_hex)
    workers = 6
    barrier = threading.Barrier(workers)
    keys: list[str] = []

    def start() -> None:
        barrier.wait()
        keys.append(config._secret_key(tmp_path))

    threads = [threading.Thread(target=start) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(keys) == workers
    assert len(set(keys)) == 1
    assert (tmp_path / "secret_key").read_text() == keys[0]
    assert len(keys[0]) == 64


def test_key_file_is_created_with_mode_0600(tmp_path: Path, monkeypatch, no_env_key) -> None:
    # Created private from the first byte: nothing may depend on a chmod afterwards.
    monkeypatch.setattr(Path, "chmod", lambda self, mode: None)
    old_umask = os.umask(0)
    try:
        config._secret_key(tmp_path)
    finally:
        os.umask(old_umask)
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def test_existing_key_file_is_reused(tmp_path: Path, no_env_key) -> None:
    (tmp_path / "secret_key").write_text("a-key-written-by-the-first-start\n")
    assert config._secret_key(tmp_path) == "a-key-written-by-the-first-start"
    assert config._secret_key(tmp_path) == "a-key-written-by-the-first-start"
    assert (tmp_path / "secret_key").read_text() == "a-key-written-by-the-first-start\n"


def test_environment_key_wins(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    assert config._secret_key(tmp_path) == "from-the-environment"
    assert not (tmp_path / "secret_key").exists()
