#!/usr/bin/env bash
# ui-server-config.sh DIR: writes the Temporal UI server's config to DIR/ui-server/aftercare.yaml
# and prints that folder; run the server with `temporal-ui-server --root <folder> --config .
# --env aftercare start` (its loader reads <root>/<config>/<env>.yaml). npm start and the browser
# test both write it here, so the test sees the UI as ops get it.
# Reads TEMPORAL_ADDRESS (the frontend, required), TEMPORAL_UI_PORT (8233) and
# AFTERCARE_UI_WRITE_ACTIONS: write actions (terminate, cancel, signal, update, reset, start, batch)
# stay off unless it is `true` — cases change through the API, which checks the role and records
# the actor; the UI would do neither.
set -euo pipefail
dir="$1/ui-server"
: "${TEMPORAL_ADDRESS:?TEMPORAL_ADDRESS (the Temporal frontend the UI talks to) is not set}"
port="${TEMPORAL_UI_PORT:-8233}"
case "${AFTERCARE_UI_WRITE_ACTIONS:-false}" in
  true) disable_write_actions=false ;;
  false) disable_write_actions=true ;;
  *) echo "AFTERCARE_UI_WRITE_ACTIONS must be true or false, not '$AFTERCARE_UI_WRITE_ACTIONS'" >&2; exit 1 ;;
esac

mkdir -p "$dir"
# The rest as the CLI's embedded UI sets it (temporalcli/devserver/server.go, buildUIServer).
cat >"$dir/aftercare.yaml" <<YAML
# Written by scripts/ui-server-config.sh at every start: edit the script or its variables instead.
temporalGrpcAddress: $TEMPORAL_ADDRESS
host: 127.0.0.1
port: $port
enableUi: true
hideLogs: true
cors:
  # Plain http on localhost: the CSRF cookie must not require TLS.
  cookieInsecure: true
disableWriteActions: $disable_write_actions
YAML
echo "$dir"
