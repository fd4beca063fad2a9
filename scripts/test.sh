#!/bin/sh
# The test command (README): builds, makes sure the peers the tests talk to are present, runs every test
# twice, side by side: on SQLite (the embedded default) and on PostgreSQL (TEST_DATABASE=postgres: each test server
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
dialects=${TEST_DATABASES:-sqlite postgres}
case " $dialects " in *" postgres "*)
  if ! node -e "
    const pg = require('pg');
    const c = new pg.Client({ connectionString: process.env.TEST_PG_URL || 'postgres://postgres@127.0.0.1:5432/test' });
    c.connect().then(() => c.end(), (e) => { console.error(e.message); process.exit(1); });"; then
    echo "PostgreSQL is not reachable (TEST_PG_URL); start it as .ci/run does, or set TEST_DATABASES=sqlite" >&2
    exit 1
  fi;;
esac
# The passes run side by side (each one file at a time: the end-to-end files each start a server and an
# IdP): one pass keeps a core about half busy, so two fit on this 2-core machine and the suite takes
# about half as long. Each pass's report is printed whole when it ends; both run even when one fails.
logs=$(mktemp -d)
pids=''
for dialect in $dialects; do
  TEST_DATABASE=$dialect node --import tsx --test --test-concurrency=1 $files > "$logs/$dialect.log" 2>&1 &
  pids="$pids $dialect:$!"
done
# Each pass's exit status comes from `wait` on its own process (a status file written after the pass could
# be missing if the writer was interrupted; CI once read "No such file" there).
status=0
for entry in $pids; do
  dialect=${entry%%:*}
  rc=0
  wait "${entry#*:}" || rc=$?
  echo "# test pass on $dialect (exit status $rc)"
  cat "$logs/$dialect.log"
  [ "$rc" = 0 ] || status=1
done
rm -rf "$logs"
exit $status
