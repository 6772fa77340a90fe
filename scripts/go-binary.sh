#!/usr/bin/env bash
# go-binary.sh NAME OVERRIDE_VAR CACHED_PATH PACKAGE@VERSION BUILT_NAME — prints the path of a tool
# built from Go sources: $OVERRIDE_VAR when set, the cached build, else `go install` of the pinned
# package from the Go module proxy into the cache (once). Stdout is the path only; progress goes to
# stderr. The tools' own go.mod is honoured: no GOFLAGS=-mod=mod tricks, so a pinned tag reproduces.
set -euo pipefail
name=$1 override_var=$2 cached=$3 package=$4 built=$5

override="${!override_var:-}"
if [ -n "$override" ]; then
  [ -x "$override" ] || { echo "$override_var=$override is not an executable file" >&2; exit 1; }
  echo "$override"; exit 0
fi
if [ -x "$cached" ]; then echo "$cached"; exit 0; fi

if ! command -v go >/dev/null 2>&1; then
  echo "No $name found: set $override_var to its path, or install Go (1.23+) so this script can build $package." >&2
  exit 1
fi

echo "Building $name ($package) with go install, once (2–3 minutes on 2 cores, less when the Go module cache has it)..." >&2
tmp_bin=$(mktemp -d)
GOBIN="$tmp_bin" go install "$package" >&2
mkdir -p "$(dirname "$cached")"
mv "$tmp_bin/$built" "$cached"
rmdir "$tmp_bin"
echo "$cached"
