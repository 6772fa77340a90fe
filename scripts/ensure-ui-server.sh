#!/usr/bin/env bash
# Prints the path of a Temporal Web UI server, building it once when none is given. The CLI's dev
# server embeds the same UI but builds its config in code with write actions on; run standalone
# (scripts/start.sh, with scripts/ui-server-config.sh) it reads a config file that turns them off. The version is the one
# Temporal CLI v1.5.1 embeds; the binary embeds the UI's assets (ui/embed.go), so it runs alone.
# Order: $TEMPORAL_UI_SERVER, the cache (~/.cache/aftercare), `go install` from the Go module proxy
# (pinned). Output on stdout is the path only; progress goes to stderr.
set -euo pipefail

version="${TEMPORAL_UI_SERVER_VERSION:-v2.42.1}"
cache_root="${AFTERCARE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/aftercare}"
cached="$cache_root/ui-server/$version/temporal-ui-server"

if [ -n "${TEMPORAL_UI_SERVER:-}" ]; then
  [ -x "$TEMPORAL_UI_SERVER" ] || { echo "TEMPORAL_UI_SERVER=$TEMPORAL_UI_SERVER is not an executable file" >&2; exit 1; }
  echo "$TEMPORAL_UI_SERVER"; exit 0
fi
# No look on PATH: the module's command is called `server`, too common a name to trust.
if [ -x "$cached" ]; then echo "$cached"; exit 0; fi

if ! command -v go >/dev/null 2>&1; then
  echo "No Temporal UI server found: set TEMPORAL_UI_SERVER to its path, or install Go (1.23+) so this script can build $version." >&2
  exit 1
fi

echo "Building Temporal UI server $version with go install (once; about 2 minutes on 2 cores, less when the Go module cache has it)..." >&2
tmp_bin=$(mktemp -d)
GOBIN="$tmp_bin" go install "github.com/temporalio/ui-server/v2/cmd/server@$version" >&2
mkdir -p "$(dirname "$cached")"
mv "$tmp_bin/server" "$cached"
rmdir "$tmp_bin"
echo "$cached"
