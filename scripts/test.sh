#!/usr/bin/env bash
# The one test command (README, .ci/run): sets everything up, type-checks, runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
TEMPORAL_CLI=$(bash scripts/ensure-temporal-cli.sh)
TEMPORAL_TEST_SERVER=$(bash scripts/ensure-test-server.sh)
export TEMPORAL_CLI TEMPORAL_TEST_SERVER TZ=UTC
npx tsc -p tsconfig.json --noEmit
npx jest --runInBand "$@"
