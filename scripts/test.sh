#!/usr/bin/env bash
# Everything the tests need on a fresh Debian machine, then the test suite.
# Debian packages: PostgreSQL and Redis (real servers are started by the tests), Chromium + ChromeDriver
# (headless browser tests), Node.js's npm when missing (axe-core). Runs ruff, mypy and the import contracts,
# then pytest (IOC_TEST_DATABASE: sqlite, postgresql or both); extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
[ -x /usr/bin/chromedriver ] || need+=(chromium-driver)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v npm >/dev/null 2>&1 || need+=(nodejs npm)
[ -x /usr/bin/pdftotext ] || need+=(poppler-utils)  # the meeting brief's tests read its PDF
[ -x /usr/bin/redis-server ] || need+=(redis-server)  # a real Redis for the tests of workers sharing through it
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${need[@]}"
fi

source scripts/_venv.sh

# axe-core (accessibility checks in the browser tests), pinned in tests/axe/package-lock.json.
[ -f tests/axe/node_modules/axe-core/axe.min.js ] || npm ci --prefix tests/axe --no-audit --no-fund --silent

# The house rules first (seconds): lint and format, types, who may import whom (pyproject.toml).
echo "== ruff check"; ruff check .
echo "== ruff format --check"; ruff format --check .
echo "== mypy"; mypy
echo "== import contracts"; lint-imports
# Two workers (the CI machine has two cores): test files are shared out whole, so each file's
# module fixtures are built once; IOC_TEST_WORKERS=0 runs everything in this process.
# Where the tests' databases live (tests/conftest.py: database_url): IOC_TEST_DATABASE=both (the default,
# what CI runs): the SQLite pass (tests that name their dialect also run on the session's PostgreSQL
# server), then a PostgreSQL pass, on throw-away PostgreSQL servers, of every test whose databases follow
# the switch, headless-browser tests included, but for those the SQLite pass has already run on both
# dialects. The checks of how pages look (marked presentation: accessibility and layout, the same
# whatever database serves the figures) run once, in the PostgreSQL pass. One after the other: side by
# side the two passes took longer (they are CPU-bound). sqlite or postgresql: one pass of every test.
which=${IOC_TEST_DATABASE:-both}
run_pass() {  # run_pass DATABASE [pytest arguments]
  local db=$1 start=$SECONDS rc=0
  shift
  echo "== pytest on $db"
  IOC_TEST_DATABASE=$db python -m pytest -n "${IOC_TEST_WORKERS:-2}" --dist loadfile "$@" || rc=$?
  echo "== pytest on $db: $((SECONDS - start)) s"
  return $rc
}
case "$which" in
  sqlite|postgresql) run_pass "$which" "$@" ;;
  both)
    status=0
    run_pass sqlite -m "not presentation" "$@" || status=$?
    IOC_TEST_SWITCHED_ONLY=1 run_pass postgresql "$@" || status=$?
    exit $status
    ;;
  *) echo "IOC_TEST_DATABASE must be both, sqlite or postgresql, got '$which'" >&2; exit 2 ;;
esac
