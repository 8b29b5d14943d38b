"""Throwaway servers for the load-and-fault benchmark: a private PostgreSQL cluster (never the
machine's shared one) and gunicorn in front of it, both on loopback, both stopped at the end."""

from __future__ import annotations

import glob
import http.client
import os
import pwd
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"


def _pg_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        sys.exit(f"PostgreSQL server binaries not found (/usr/lib/postgresql/*/bin/{name})")
    return found[-1]


class PgCluster:
    """initdb into a temp dir, run on its own port and socket dir; as root, as user postgres
    (PostgreSQL refuses to run as root)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.tmp = Path(tempfile.mkdtemp(prefix="wb-loadfault-"))
        self.data = self.tmp / "data"
        self.log = self.tmp / "postgres.log"
        self.as_postgres = os.geteuid() == 0
        if self.as_postgres:
            pw = pwd.getpwnam("postgres")
            os.chown(self.tmp, pw.pw_uid, pw.pw_gid)
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{port}/wegbegleiter"

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        command = list(args)
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, check=check, capture_output=True, text=True, cwd="/tmp")

    def _ctl(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        options = f"-p {self.port} -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off"
        return self._run(
            _pg_bin("pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-o", options, "-w",
            *args, check=check,
        )  # fmt: skip

    def create(self) -> None:
        self._run(
            _pg_bin("initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust",
            "-E", "UTF8", "--locale=C.UTF-8",
        )  # fmt: skip
        self.start()
        self._run(
            _pg_bin("createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
            "wegbegleiter",
        )  # fmt: skip

    def start(self) -> None:
        self._ctl("start")

    def restart_fast(self) -> None:
        self._ctl("restart", "-m", "fast")

    def stop_immediate(self) -> None:
        self._ctl("stop", "-m", "immediate")

    def destroy(self) -> None:
        """Stop the cluster and delete its data; the logs stay in `tmp` for a look."""
        self._ctl("stop", "-m", "immediate", check=False)
        shutil.rmtree(self.data, ignore_errors=True)


def _get_status(port: int, path: str) -> int | None:
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        conn.request("GET", path)
        status = conn.getresponse().status
        conn.close()
        return status
    except OSError:
        return None


class Gunicorn:
    """`gunicorn -w N -b 127.0.0.1:PORT wsgi:app` with the given environment."""

    def __init__(self, port: int, workers: int, env: dict[str, str], log: Path) -> None:
        self.port = port
        self.log = log
        command = [
            str(VENV_BIN / "gunicorn"), "-w", str(workers), "-b", f"127.0.0.1:{port}",
            "--timeout", "60", "wsgi:app",
        ]  # fmt: skip
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env={**os.environ, **env},
            stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while _get_status(port, "/login") != 200:
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                sys.exit(f"gunicorn did not start; see {log}")
            time.sleep(0.5)

    def worker_pids(self) -> list[int]:
        pids = []
        for status in Path("/proc").glob("[0-9]*/status"):
            try:
                lines = status.read_text().splitlines()
            except OSError:
                continue
            if f"PPid:\t{self.process.pid}" in lines:
                pids.append(int(status.parent.name))
        return sorted(pids)

    def worker_rss_mib(self) -> dict[int, float]:
        """VmRSS of each worker, from /proc/<pid>/status."""
        rss = {}
        for pid in self.worker_pids():
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        rss[pid] = int(line.split()[1]) / 1024
            except OSError:
                continue
        return rss

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
