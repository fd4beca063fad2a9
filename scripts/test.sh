#!/bin/sh
# The test command (README): builds, makes sure the peers the tests talk to are present, runs every test.
set -eu
cd "$(dirname "$0")/.."
sh scripts/ensure-peers.sh
npm run --silent build
npx tsc -p tsconfig.json --noEmit
npx tsc -p web/tsconfig.json
# The web app's unit tests (vitest; web/src/**/*.test.ts). Its browser tests are under test/web and run below.
npx vitest run --config web/vite.config.ts
# One file at a time: the end-to-end files each start a server and an IdP, and the machine has 2 cores.
exec node --import tsx --test --test-concurrency=1 $(find test src -name '*.test.ts' | sort)
