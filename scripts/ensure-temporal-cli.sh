#!/usr/bin/env bash
# Prints the path of a Temporal CLI (dev server + Web UI), building it once when none is given.
# Order: $TEMPORAL_CLI, a `temporal` on PATH, the cache (~/.cache/aftercare), `go install` from the
# Go module proxy (pinned; scripts/go-binary.sh). Output on stdout is the path only.
set -euo pipefail

version="${TEMPORAL_CLI_VERSION:-v1.5.1}"
cache_root="${AFTERCARE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/aftercare}"

if [ -z "${TEMPORAL_CLI:-}" ] && on_path=$(command -v temporal 2>/dev/null); then echo "$on_path"; exit 0; fi
exec bash "$(dirname "$0")/go-binary.sh" "Temporal CLI $version" TEMPORAL_CLI "$cache_root/temporal-cli/$version/temporal" \
  "github.com/temporalio/cli/cmd/temporal@$version" temporal
