#!/usr/bin/env bash
# What `npm test` checks before the tests: the type-check, the lint and the build, side by
# side. Each is one single-threaded process, so two cores finish the three in about the time
# of the two longest rather than of all three in a row. Fails if any of them fails.
set -uo pipefail
cd "$(dirname "$0")/.."
npm run --silent typecheck & typecheck=$!
npm run --silent lint & lint=$!
npm run --silent build & build=$!
status=0
for pid in "$typecheck" "$lint" "$build"; do wait "$pid" || status=1; done
exit "$status"
