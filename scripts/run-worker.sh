#!/usr/bin/env bash
# Runs the worker as production does (npm start, the bench): compiled JavaScript on node itself —
# no TypeScript loader in the process (about 40 MB), signals straight to it — with the V8 heap
# capped. Without a cap V8 lets garbage pile up to gigabytes before collecting; the workflow cache
# (AFTERCARE_MAX_CACHED_WORKFLOWS) is what bounds the live set.
set -euo pipefail
cd "$(dirname "$0")/.."
entry=dist/app/worker/index.js
if [ ! -f "$entry" ] || [ -n "$(find domain workflows activities worker api -name '*.ts' -newer "$entry" | head -1)" ]; then
  npx tsc -p tsconfig.build.json
fi
exec node --max-old-space-size="${AFTERCARE_WORKER_HEAP_MB:-160}" "$entry"
