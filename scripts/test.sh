#!/bin/sh
# The test command (README): builds, makes sure the peers the tests talk to are present, runs every test
# twice: on SQLite (the embedded default) and on PostgreSQL (TEST_DATABASE=postgres: each test server
# gets its own fresh database on TEST_PG_URL's server, default the machine's 127.0.0.1:5432).
# TEST_DATABASES="sqlite" (or "postgres") runs one pass only.
set -eu
cd "$(dirname "$0")/.."
sh scripts/ensure-peers.sh
npm run --silent build
npx tsc -p tsconfig.json --noEmit
npx tsc -p web/tsconfig.json
# The web app's unit tests (vitest; web/src/**/*.test.ts). Its browser tests are under test/web and run below.
npx vitest run --config web/vite.config.ts
files=$(find test src -name '*.test.ts' | sort)
status=0
for dialect in ${TEST_DATABASES:-sqlite postgres}; do
  echo "# test pass on $dialect"
  if [ "$dialect" = postgres ] && ! node -e "
    const pg = require('pg');
    const c = new pg.Client({ connectionString: process.env.TEST_PG_URL || 'postgres://postgres@127.0.0.1:5432/test' });
    c.connect().then(() => c.end(), (e) => { console.error(e.message); process.exit(1); });"; then
    echo "PostgreSQL is not reachable (TEST_PG_URL); start it as .ci/run does, or set TEST_DATABASES=sqlite" >&2
    exit 1
  fi
  # One file at a time: the end-to-end files each start a server and an IdP, and the machine has 2 cores.
  # Both passes run even when the first fails: CI reports every failing dialect at once.
  TEST_DATABASE=$dialect node --import tsx --test --test-concurrency=1 $files || status=1
done
exit $status
