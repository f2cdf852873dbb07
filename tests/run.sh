#!/usr/bin/env bash
# Sets up everything the tests need on a fresh machine (venv, pinned packages,
# Debian's Chromium, a Java runtime for the HTML checker, redis-server, PostgreSQL
# Node.js/npm for the web editor and LibreOffice Calc for the workbook round trip), then runs pytest.
# Extra arguments go to pytest, e.g. `bash tests/run.sh tests/formsvc -x`.
set -euo pipefail
cd "$(dirname "$0")/.."

[ -x .venv/bin/python ] || python3 -m venv .venv
# requirements-dev.txt installs this project editable (pip install -e) with
# every extra, plus the test tools; pytest then imports the packages as installed.
.venv/bin/python -m pip install -q --disable-pip-version-check -r requirements-dev.txt

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
# The Redis rate-limit test starts its own redis-server (fails under CI=true when missing).
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
# The staff-workbook round trip opens and saves the sheet in LibreOffice (fails under CI=true when missing).
command -v soffice >/dev/null 2>&1 || missing+=(libreoffice-calc-nogui)
# formsvc's store, relay, CLI and reliability tests also run on a throwaway
# PostgreSQL cluster (initdb/pg_ctl; fails under CI=true when missing).
[ -x "${SIM_POSTGRES_BIN:-/usr/lib/postgresql/15/bin}/initdb" ] || missing+=(postgresql)
# deploy/ is checked by the tools that run it: systemd-analyze, Caddy, curl.
command -v systemd-analyze >/dev/null 2>&1 || missing+=(systemd)
command -v caddy >/dev/null 2>&1 || missing+=(caddy)
command -v curl >/dev/null 2>&1 || missing+=(curl)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing ${missing[*]} with apt-get"
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
  else
    echo "Not root: ${missing[*]} missing, so browser/HTML tests will skip (set SIM_REQUIRE_BROWSER=1 to fail instead)."
  fi
fi

# The web editor (/admin/) and its local backend, pinned by cms/package-lock.json.
if command -v npm >/dev/null 2>&1; then
  npm ci --prefix cms --no-audit --no-fund --loglevel=error
fi

set +e
.venv/bin/python -m pytest "$@"
status=$?
set -e
if [ "$status" -eq 5 ]; then
  echo "pytest collected no tests: treating that as a failure." >&2
  exit 1
fi
exit "$status"
