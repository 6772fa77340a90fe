#!/usr/bin/env bash
# Starts the whole system: Temporal dev server (SQLite file), its Web UI, the worker and the API.
# The UI runs as its own server (scripts/ensure-ui-server.sh) with write actions off unless
# AFTERCARE_UI_WRITE_ACTIONS=true: the dev server's embedded UI cannot turn them off.
# With TEMPORAL_ADDRESS set, connects to that cluster instead and starts no dev server.
# Each process is supervised (scripts/supervise.sh): after a crash it is started again (backing off
# while it keeps failing at once) while the others go on serving; the server comes back on the same
# SQLite file. Only Ctrl-C or SIGTERM stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/search-attributes.sh
bash scripts/ensure-deps.sh

export TZ=UTC  # workers compute in explicit zones; a host TZ must never leak into workflow code
data_dir="${AFTERCARE_DATA_DIR:-.data}"
pids=()
stop_all() {
  trap - INT TERM EXIT
  # Newest first: the API and the worker drain while the server is still there to answer them.
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    kill -TERM "${pids[i]}" 2>/dev/null || true
    wait "${pids[i]}" 2>/dev/null || true
  done
}
trap stop_all INT TERM EXIT

if [ -z "${TEMPORAL_ADDRESS:-}" ]; then
  cli=$(bash scripts/ensure-temporal-cli.sh)
  ui=$(bash scripts/ensure-ui-server.sh)
  mkdir -p "$data_dir"
  port="${TEMPORAL_PORT:-7233}"
  ui_port="${TEMPORAL_UI_PORT:-8233}"
  # Written before anything starts, so a bad AFTERCARE_UI_WRITE_ACTIONS stops here.
  ui_config=$(TEMPORAL_ADDRESS="127.0.0.1:$port" TEMPORAL_UI_PORT="$ui_port" bash scripts/ui-server-config.sh "$data_dir")
  bash scripts/supervise.sh "$data_dir/temporal.pid" "$cli" server start-dev \
    --db-filename "$data_dir/temporal.db" \
    --sqlite-pragma journal_mode=WAL --sqlite-pragma synchronous=NORMAL \
    --port "$port" --headless --ip 127.0.0.1 \
    --log-level error \
    "${AFTERCARE_SEARCH_ATTRIBUTES[@]}" &
  pids+=($!)
  bash scripts/supervise.sh "$data_dir/ui.pid" "$ui" --root "$ui_config" --config . --env aftercare start &
  pids+=($!)
  export TEMPORAL_ADDRESS="127.0.0.1:$port"
  for _ in $(seq 1 60); do
    if "$cli" operator cluster health --address "$TEMPORAL_ADDRESS" >/dev/null 2>&1; then break; fi
    sleep 1
  done
  # --search-attribute registers only into a fresh database: a release that adds an attribute must
  # register it into the persisted one too, or workflows upserting it fail their tasks.
  for ((i = 1; i < ${#AFTERCARE_SEARCH_ATTRIBUTES[@]}; i += 2)); do
    name="${AFTERCARE_SEARCH_ATTRIBUTES[i]%%=*}"
    type="${AFTERCARE_SEARCH_ATTRIBUTES[i]#*=}"
    if ! "$cli" operator search-attribute list --address "$TEMPORAL_ADDRESS" | grep -qw "$name"; then
      "$cli" operator search-attribute create --address "$TEMPORAL_ADDRESS" --name "$name" --type "$type" >/dev/null
      echo "Registered search attribute $name ($type)"
    fi
  done
  writes=$([ "${AFTERCARE_UI_WRITE_ACTIONS:-}" = true ] && echo on || echo off)
  echo "Temporal dev server on $TEMPORAL_ADDRESS, Web UI on http://localhost:$ui_port (write actions $writes)"
fi

# node itself (not npx): a signal reaches the process that handles it, not a wrapper.
node --import tsx worker/build-bundle.ts dist/workflow-bundle.js
mkdir -p "$data_dir"
# The worker's Prometheus endpoint (SDK and workflow series); the API serves its own on PORT.
export AFTERCARE_WORKER_METRICS_ADDRESS="${AFTERCARE_WORKER_METRICS_ADDRESS:-127.0.0.1:9464}"
AFTERCARE_WORKFLOW_BUNDLE="$PWD/dist/workflow-bundle.js" bash scripts/supervise.sh "$data_dir/worker.pid" bash scripts/run-worker.sh &
pids+=($!)
# On a fresh data folder: the first admin API key, printed once (api/access/keys.ts).
AFTERCARE_DATA_DIR="$data_dir" node --import tsx scripts/api-keys.ts bootstrap
bash scripts/supervise.sh "$data_dir/api.pid" node --import tsx api/index.ts &
pids+=($!)
# The supervisors end only when stopped: a crashed process is started again, nothing else stops.
wait
