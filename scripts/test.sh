#!/usr/bin/env bash
# The whole suite: database tests on SQLite, then everything again on PostgreSQL
# (browser tests included). Outside CI, PostgreSQL is skipped with a reason when no
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
  echo "== PostgreSQL ($PG_URL): the same, plus PostgreSQL-only and browser tests"
  DATABASE_URL=$PG_URL $BIN/pytest "$@"
elif [ "${CI:-}" = "true" ]; then
  echo "CI=true but PostgreSQL does not answer at $PG_URL: failing." >&2
  exit 1
else
  echo "== PostgreSQL does not answer at $PG_URL: its tests are skipped."
  echo "== SQLite: browser tests"
  $BIN/pytest -m "browser or network" "$@"
fi
