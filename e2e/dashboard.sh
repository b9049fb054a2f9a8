#!/usr/bin/env bash
# Browser test of scaleup's dashboard: ./dashboard.sh <dashboard-url> <screenshot-path> <host> <alert> (see dashboard.mjs).
# Installs playwright-core from the lockfile when node_modules is missing; uses Debian's /usr/bin/chromium.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [[ ! -d "$here/node_modules/playwright-core" ]]; then
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error >/dev/null) || { echo "e2e: npm ci failed" >&2; exit 1; }
fi
exec node "$here/dashboard.mjs" "$@"
