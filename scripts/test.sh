#!/usr/bin/env bash
# The one test command (README, .ci/run): sets everything up, type-checks, runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
TEMPORAL_CLI=$(bash scripts/ensure-temporal-cli.sh)
TEMPORAL_TEST_SERVER=$(bash scripts/ensure-test-server.sh)
TEMPORAL_UI_SERVER=$(bash scripts/ensure-ui-server.sh)
export TEMPORAL_CLI TEMPORAL_TEST_SERVER TEMPORAL_UI_SERVER TZ=UTC
# The Web UI test (test/ui) drives Debian's chromium; a clean machine gets it here, not a skip.
if [ ! -x /usr/bin/chromium ]; then
  echo 'Installing chromium for the Web UI test (apt-get, once)...' >&2
  sudo=$([ "$(id -u)" = 0 ] || echo sudo)
  $sudo apt-get update -qq >/dev/null
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
npx tsc -p tsconfig.json --noEmit
# Lint (floating promises; no Node built-ins or activity values in workflows/) and formatting.
npx eslint .
npx prettier --check . >/dev/null || { npx prettier --list-different .; echo 'Run: npx prettier --write .' >&2; exit 1; }
npx jest --runInBand "$@"
