#!/usr/bin/env bash
# Prints the path of a Temporal CLI (dev server + Web UI), building it once when none is given.
# Order: $TEMPORAL_CLI, a `temporal` on PATH, the cache (~/.cache/aftercare), `go install` from the
# Go module proxy (pinned). Output on stdout is the path only; progress goes to stderr.
set -euo pipefail

version="${TEMPORAL_CLI_VERSION:-v1.5.1}"
cache_root="${AFTERCARE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/aftercare}"
cached="$cache_root/temporal-cli/$version/temporal"

if [ -n "${TEMPORAL_CLI:-}" ]; then
  [ -x "$TEMPORAL_CLI" ] || { echo "TEMPORAL_CLI=$TEMPORAL_CLI is not an executable file" >&2; exit 1; }
  echo "$TEMPORAL_CLI"; exit 0
fi
if on_path=$(command -v temporal 2>/dev/null); then echo "$on_path"; exit 0; fi
if [ -x "$cached" ]; then echo "$cached"; exit 0; fi

if ! command -v go >/dev/null 2>&1; then
  echo "No Temporal CLI found: set TEMPORAL_CLI to its path, put \`temporal\` on PATH, or install Go (1.23+) so this script can build $version." >&2
  exit 1
fi

echo "Building Temporal CLI $version with go install (once; about 3 minutes on 2 cores)..." >&2
tmp_bin=$(mktemp -d)
# The CLI's own go.mod must be honoured, so no GOFLAGS=-mod=mod tricks; a pinned tag is reproducible.
GOBIN="$tmp_bin" go install "github.com/temporalio/cli/cmd/temporal@$version" >&2
mkdir -p "$(dirname "$cached")"
mv "$tmp_bin/temporal" "$cached"
rmdir "$tmp_bin"
echo "$cached"
