#!/usr/bin/env bash
# The whole suite: every test on SQLite (but the browser and network ones), then those that
# touch the database again on PostgreSQL, browser and network tests included. Outside CI, PostgreSQL is skipped with a reason when no
# server answers; with CI=true it must answer.
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

echo "== SQLite: models, services, jobs, views"
$BIN/pytest -m "not browser and not network" "$@"

if pg_answers; then
  echo "== PostgreSQL ($PG_URL): the tests that touch the database, plus PostgreSQL-only and browser tests"
  # Those that never touch it passed above already (conftest.py).
  DATABASE_URL=$PG_URL PALABRE_DATABASE_TESTS_ONLY=1 $BIN/pytest "$@"
elif [ "${CI:-}" = "true" ]; then
  echo "CI=true but PostgreSQL does not answer at $PG_URL: failing." >&2
  exit 1
else
  echo "== PostgreSQL does not answer at $PG_URL: its tests are skipped."
  echo "== SQLite: browser tests"
  $BIN/pytest -m "browser or network" "$@"
fi
