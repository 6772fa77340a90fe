#!/usr/bin/env bash
# The one test command (README, .ci/run): sets everything up, type-checks, runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
TEMPORAL_CLI=$(bash scripts/ensure-temporal-cli.sh)
TEMPORAL_TEST_SERVER=$(bash scripts/ensure-test-server.sh)
export TEMPORAL_CLI TEMPORAL_TEST_SERVER TZ=UTC
npx tsc -p tsconfig.json --noEmit
# Lint (floating promises; no Node built-ins or activity values in workflows/) and formatting.
npx eslint .
npx prettier --check . >/dev/null || { npx prettier --list-different .; echo 'Run: npx prettier --write .' >&2; exit 1; }
npx jest --runInBand "$@"
