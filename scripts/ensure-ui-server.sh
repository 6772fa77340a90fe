#!/usr/bin/env bash
# Prints the path of a Temporal Web UI server, building it once when none is given. The CLI's dev
# server embeds the same UI but builds its config in code with write actions on; run standalone
# (scripts/start.sh, with scripts/ui-server-config.sh) it reads a config file that turns them off.
# The version is the one Temporal CLI v1.5.1 embeds; the binary embeds the UI's assets, so it runs
# alone.
# Order: $TEMPORAL_UI_SERVER, the cache (~/.cache/aftercare), `go install` from the Go module proxy
# (pinned; scripts/go-binary.sh). Output on stdout is the path only.
set -euo pipefail

version="${TEMPORAL_UI_SERVER_VERSION:-v2.42.1}"
cache_root="${AFTERCARE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/aftercare}"

# No look on PATH: the module's command is called `server`, too common a name to trust.
exec bash "$(dirname "$0")/go-binary.sh" "Temporal UI server $version" TEMPORAL_UI_SERVER "$cache_root/ui-server/$version/temporal-ui-server" \
  "github.com/temporalio/ui-server/v2/cmd/server@$version" server
