#!/bin/sh
# The test command (README): builds, makes sure the peers the tests talk to are present, runs every test.
set -eu
cd "$(dirname "$0")/.."
sh scripts/ensure-peers.sh
npm run --silent build
npx tsc -p tsconfig.json --noEmit
# One file at a time: the end-to-end files each start a server and an IdP, and the machine has 2 cores.
exec node --import tsx --test --test-concurrency=1 $(find test src -name '*.test.ts' | sort)
