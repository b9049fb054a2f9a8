#!/usr/bin/env bash
# Browser test of the scaleup site: ./run.sh [--smoke] <base-url> <screenshot-path> [<ca-file>]
# With a CA file (the deployment's <state>/tls/ca.crt), an http:// base URL must redirect to HTTPS, whose certificate
# is checked against that CA (see site.mjs).
# Installs playwright-core from the lockfile when node_modules is missing; uses Debian's /usr/bin/chromium.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [[ ! -d "$here/node_modules/playwright-core" ]]; then
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error >/dev/null) || { echo "e2e: npm ci failed" >&2; exit 1; }
fi
# the CA file, when given, is the last of three positional arguments (--smoke aside)
positional=0
for a in "$@"; do [[ "$a" == --smoke ]] || positional=$((positional + 1)); done
args=("$@")
if (( positional == 3 )); then
  ca="${args[-1]}"
  unset 'args[-1]'
  [[ -r "$ca" ]] || { echo "e2e: cannot read the CA file $ca" >&2; exit 2; }
  export E2E_CA="$ca" NODE_EXTRA_CA_CERTS="$ca"
fi
exec node "$here/site.mjs" "${args[@]}"
