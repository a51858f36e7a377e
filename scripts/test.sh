#!/usr/bin/env bash
# The whole suite: every test on SQLite (but the browser and network ones), then those that
# touch the database again on PostgreSQL, browser and network tests included. Outside CI,
# PostgreSQL is skipped with a reason when no server answers; with CI=true it must answer.
#
# Tests run on every core, up to four (pytest-xdist; PALABRE_TEST_WORKERS=0 for one process,
# as --pdb needs), each worker on its own test database and given whole files, so a module's
# costly fixture (the hostile sweep's crawl, the frozen set's reading) is built once. The
# network tests share two workers at most: every test of a heavy server (Bluesky's local
# network, Takahē) goes to the same one, which alone starts it (conftest.py, _network_group).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
PG_URL=${PALABRE_TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}
export PALABRE_VAR_DIR=${PALABRE_VAR_DIR:-$PWD/var/test}

pg_answers() {
  $BIN/python - "$PG_URL" <<'PY' >/dev/null 2>&1
import sys, psycopg
psycopg.connect(sys.argv[1].replace("postgres://", "postgresql://"), connect_timeout=3).close()
PY
}

WORKERS=${PALABRE_TEST_WORKERS:-auto}
PARALLEL=(-n "$WORKERS" --maxprocesses 4 --dist loadfile)
NETWORK=(-n "$WORKERS" --maxprocesses 2 --dist loadgroup)
SLOWEST=()
[ "${CI:-}" = "true" ] && SLOWEST=(--durations 15)  # where CI's time goes, in its log

# A pass that selects nothing fails, unless arguments were given: they may narrow the run
# to another pass's tests (`bash scripts/test.sh tests/test_browser_composer.py`). Even
# then, a run where no pass selected anything (a mistyped -k) fails at the end.
ARGUMENTS=$#
SELECTED=0
pass() {
  local code=0
  "$@" || code=$?
  [ "$code" != 5 ] && SELECTED=1
  [ "$code" = 5 ] && [ "$ARGUMENTS" -gt 0 ] && code=0
  return "$code"
}

echo "== SQLite: models, services, jobs, views"
pass $BIN/pytest "${PARALLEL[@]}" "${SLOWEST[@]}" -m "not browser and not network" "$@"

if pg_answers; then
  echo "== PostgreSQL ($PG_URL): the tests that touch the database, plus PostgreSQL-only and browser tests"
  # Those that never touch it passed above already (conftest.py).
  DATABASE_URL=$PG_URL PALABRE_DATABASE_TESTS_ONLY=1 pass $BIN/pytest "${PARALLEL[@]}" "${SLOWEST[@]}" -m "not network" "$@"
  echo "== PostgreSQL: the network tests, against servers on loopback"
  DATABASE_URL=$PG_URL PALABRE_DATABASE_TESTS_ONLY=1 pass $BIN/pytest "${NETWORK[@]}" "${SLOWEST[@]}" -m network "$@"
elif [ "${CI:-}" = "true" ]; then
  echo "CI=true but PostgreSQL does not answer at $PG_URL: failing." >&2
  exit 1
else
  echo "== PostgreSQL does not answer at $PG_URL: its tests are skipped."
  echo "== SQLite: browser tests"
  pass $BIN/pytest "${PARALLEL[@]}" "${SLOWEST[@]}" -m "browser and not network" "$@"
  echo "== SQLite: the network tests, against servers on loopback"
  pass $BIN/pytest "${NETWORK[@]}" "${SLOWEST[@]}" -m network "$@"
fi

if [ "$SELECTED" = 0 ]; then
  echo "No test was selected by: $*" >&2
  exit 5
fi
