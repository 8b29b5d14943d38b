#!/usr/bin/env bash
# Wegbegleiter developer entry point.
#   ./dev.sh run    set up everything (system packages, venv, database, demo county) and start
#   ./dev.sh test   run the whole test suite (lint, SQLite, and PostgreSQL when reachable)
set -euo pipefail
cd "$(dirname "$0")"

VENV=.venv
PY=${PYTHON:-python3}
# WeasyPrint's native libraries, fonts for Latin/Cyrillic/Arabic/Ethiopic scripts, and the
# tools the tests use (Chromium for browser tests, poppler for PDF snapshots).
RUN_PACKAGES="libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fonts-noto-core"
TEST_PACKAGES="chromium poppler-utils"

ensure_system_packages() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "Installing system packages: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

ensure_venv() {
  [ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV"
  local stamp="$VENV/.installed" want
  want=$(sha256sum pyproject.toml | cut -d' ' -f1)
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    "$VENV/bin/pip" install -q --upgrade pip
    "$VENV/bin/pip" install -q -e ".[dev]"
    echo "$want" > "$stamp"
  fi
}

postgres_url() {
  if [ -n "${TEST_DATABASE_URL:-}" ]; then echo "$TEST_DATABASE_URL"; return; fi
  if "$VENV/bin/python" - <<'PY' 2>/dev/null; then echo "postgresql+psycopg://postgres@127.0.0.1:5432/test"; fi
import socket, sys
s = socket.socket(); s.settimeout(1)
sys.exit(0 if s.connect_ex(("127.0.0.1", 5432)) == 0 else 1)
PY
}

case "${1:-}" in
  run)
    ensure_system_packages $RUN_PACKAGES
    ensure_venv
    export FLASK_APP=wsgi.py
    "$VENV/bin/flask" db upgrade
    "$VENV/bin/flask" demo-data --if-empty
    echo
    echo "Wegbegleiter runs at http://127.0.0.1:${PORT:-5000}/  (stop with Ctrl+C)"
    exec "$VENV/bin/flask" run --host "${HOST:-127.0.0.1}" --port "${PORT:-5000}"
    ;;
  test)
    ensure_system_packages $RUN_PACKAGES $TEST_PACKAGES
    ensure_venv
    "$VENV/bin/ruff" check .
    "$VENV/bin/ruff" format --check .
    pg=$(postgres_url)
    if [ -z "$pg" ]; then
      echo "== PostgreSQL not reachable: set TEST_DATABASE_URL to include it"
      [ -n "${CI:-}" ] && { echo "CI must test PostgreSQL"; exit 1; }
      echo "== tests on SQLite"
      TEST_DATABASE_URL= "$VENV/bin/pytest" -q "${@:2}"
      exit
    fi
    # The two suites share nothing (a temporary SQLite file, the PostgreSQL database), so they
    # run side by side: each pytest uses one core, and the database server a third.
    # PostgreSQL's output is held back and printed after SQLite's, which streams.
    log=$(mktemp)
    echo "== tests on SQLite and on PostgreSQL ($pg), side by side"
    TEST_DATABASE_URL="$pg" "$VENV/bin/pytest" -q -p no:cacheprovider "${@:2}" >"$log" 2>&1 &
    pg_pid=$!
    trap 'kill $pg_pid 2>/dev/null || true' EXIT
    status=0
    echo "== SQLite"
    TEST_DATABASE_URL= "$VENV/bin/pytest" -q -p no:cacheprovider "${@:2}" || status=1
    wait $pg_pid || status=1
    echo "== PostgreSQL"
    cat "$log"
    rm -f "$log"
    exit $status
    ;;
  *)
    echo "usage: ./dev.sh run | ./dev.sh test [pytest args]" >&2
    exit 2
    ;;
esac
