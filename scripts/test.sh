#!/usr/bin/env bash
# Sets up from a fresh checkout and runs every test (unit, integration, end-to-end), then prints the
# `N passed, N failed` summary line. The end-to-end tests need the AWS CLI and moto_server (and, for the
# approval tests, redis-server); a missing one fails with an install hint.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec node scripts/run-tests.mjs "$@"
